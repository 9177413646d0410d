"""Reviewer reminders (催办): by hand from the review desk, and the daily rules of ``manage.py remind_reviewers``.

* ``pending_assignments`` is who has not finished: invitations not answered, accepted but not scored, scored as a
  draft but not submitted, each with its due time (its own, or the cycle's review deadline) and how late it is.
* ``reminders_send_to`` is staff's 催办 to everyone not finished in a panel (field), to chosen reviewers, or to one:
  each reviewer gets an in-app notice and an e-mail listing their own unfinished assignments. To more than
  mail.services.BULK_REVIEW_OVER reviewers it waits in a batch staff read before it goes (mail.services.mail_bulk).
* ``reminders_due`` applies the daily rules (mail.rules): 3 days before the due day, on the due day, then every 2
  days overdue (days 1, 3, 5 …). Each (rule, assignment, due date, step) goes to a reviewer once, ever (RuleFiring,
  the log); a reviewer gets one notice and one e-mail per rule and run, listing the assignments it covers. Staff may
  turn each rule off. Moving a deadline gives new keys, so the reminders follow the new date.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit.services import audit_record
from mail import rules as mail_rules

from .. import workflow
from ..models import Assignment, AssignmentStatus, Cycle, CycleStatus, NominationStatus, Notification
from . import review as review_services

STATE_LABELS = {
    "unanswered": gettext_lazy("未答复邀请"),
    "not_started": gettext_lazy("已接受，未评分"),
    "draft": gettext_lazy("已填写草稿，未提交"),
}

RULE_EVENTS = {
    mail_rules.REVIEW_DUE_SOON: "review.due_soon",
    mail_rules.REVIEW_DUE_TODAY: "review.due_today",
    mail_rules.REVIEW_OVERDUE: "review.overdue",
}


@dataclass
class Pending:
    assignment: Assignment
    state: str
    due: datetime.datetime | None
    days_late: int  # whole days past the due time (0 when not late)

    @property
    def reviewer(self):
        return self.assignment.reviewer

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.days_late > 0


def _days_late(due, now) -> int:
    """Whole days past the due time, at least 1 once it has passed (2 hours late is 1 day late); 0 when not late."""
    if due is None or due >= now:
        return 0
    return max(1, (now - due).days)


def pending_assignments(cycle: Cycle, *, field=None, reviewer_ids=None, now=None) -> list[Pending]:
    """The cycle's unfinished assignments (open scopes only), worst first: most late, then earliest due."""
    now = now or timezone.now()
    queryset = (
        Assignment.objects.filter(nomination__cycle=cycle, status__in=AssignmentStatus.PENDING)
        .filter(nomination__status__in=NominationStatus.REVIEWING)
        .select_related(
            "reviewer__user",
            "nomination__cycle",
            "nomination__zone",
            "nomination__province",
            "nomination__track__field",
        )
        .annotate(score_count=Count("scores"))
    )
    if field is not None:
        queryset = queryset.filter(nomination__track__field=field)
    if reviewer_ids is not None:
        queryset = queryset.filter(reviewer_id__in=list(reviewer_ids))
    closed_fields, closed_tracks = workflow.closed_scopes(cycle)
    rows = []
    for assignment in queryset.order_by("reviewer__name", "reviewer_id", "pk"):
        nomination = assignment.nomination
        if nomination.track.field_id in closed_fields or nomination.track_id in closed_tracks:
            continue
        if assignment.status == AssignmentStatus.INVITED:
            state = "unanswered"
        elif assignment.score_count:
            state = "draft"
        else:
            state = "not_started"
        due = assignment.due_at or cycle.review_closes_at
        rows.append(Pending(assignment=assignment, state=state, due=due, days_late=_days_late(due, now)))
    rows.sort(key=lambda p: (-p.days_late, p.due or now, p.reviewer.name, p.assignment.pk))
    return rows


def by_reviewer(rows: list[Pending]) -> list[dict]:
    """The pending rows grouped per reviewer, the reviewer with the latest assignment first."""
    groups = {}
    for row in rows:
        group = groups.setdefault(row.reviewer.pk, {"reviewer": row.reviewer, "rows": [], "days_late": 0})
        group["rows"].append(row)
        group["days_late"] = max(group["days_late"], row.days_late)
    for group in groups.values():
        group["counts"] = {state: sum(1 for r in group["rows"] if r.state == state) for state in STATE_LABELS}
    return sorted(groups.values(), key=lambda g: (-g["days_late"], g["reviewer"].name, g["reviewer"].pk))


def _due_text(due) -> str:
    return date_format(timezone.localtime(due), "Y-m-d H:i") if due else _("未设定")


def _lines(rows: list[Pending]) -> list[dict]:
    """The rows as the reminder e-mail lists them, in the active language."""
    out = []
    for row in rows:
        detail = _("状态：%(state)s；截止：%(due)s") % {"state": row.state_label, "due": _due_text(row.due)}
        if row.days_late:
            detail += ngettext("；已逾期 %(n)s 天", "；已逾期 %(n)s 天", row.days_late) % {"n": row.days_late}
        out.append({"label": workflow.nomination_label(row.assignment.nomination), "detail": detail})
    return out


def reminders_send_to(*, actor, cycle: Cycle, field=None, reviewer_ids=None, request=None):
    """催办: remind every reviewer not finished (in the field, or among ``reviewer_ids``) of their own unfinished
    assignments. Returns mail.services.BulkResult (with a batch when staff must read it first)."""
    from mail.services import mail_bulk

    review_services._require_staff(actor)
    rows = pending_assignments(cycle, field=field, reviewer_ids=reviewer_ids)
    if not rows:
        raise review_services.ReviewError(_("所选范围内没有未完成的评审任务。"), code="nothing_pending")
    mine = defaultdict(list)
    for row in rows:
        mine[row.reviewer.user_id].append(row)
    users = [group["reviewer"].user for group in by_reviewer(rows)]

    def notice(user):
        return _("催办：您在%(cycle)s有 %(n)s 项评审任务尚未完成，请尽快处理。") % {
            "cycle": cycle,
            "n": len(mine[user.pk]),
        }

    def context_for(user):
        late = sum(1 for r in mine[user.pk] if r.days_late)
        intro = _("您在%(cycle)s有 %(n)s 项评审任务尚未完成") % {"cycle": cycle, "n": len(mine[user.pk])}
        if late:
            intro += _("（其中 %(n)s 项已逾期）") % {"n": late}
        intro += _("，请尽快接受任务、签署保密与回避承诺并提交评分：")
        return {"intro": intro, "rows": _lines(mine[user.pk]), "subject": str(_("评审任务催办"))}

    title = _("%(cycle)s评审任务催办（%(n)s 名专家）") % {"cycle": cycle, "n": len(users)}
    with transaction.atomic():
        result = mail_bulk(
            actor=actor,
            recipients=users,
            event="review.reminder",
            title=title,
            template="mail/review_reminder",
            notice=notice,
            context_for=context_for,
            link=review_services.assignments_link(),
            request=request,
        )
        audit_record(
            actor=actor,
            action="review.remind",
            obj=cycle,
            after={
                "field": field.pk if field is not None else None,
                "reviewers": sorted(u.pk for u in users),
                "assignments": [r.assignment.pk for r in rows],
                "batch": result.batch.pk if result.batch else None,
            },
            request=request,
        )
    return result


# ---------------------------------------------------------------------------------------------------------------
# The daily rules


def rule_for(due, now) -> tuple[str, int] | None:
    """(rule, step) that applies to an assignment due at ``due`` on ``now``'s day, or None."""
    if due is None:
        return None
    days_before = (timezone.localtime(due).date() - timezone.localtime(now).date()).days
    if 1 <= days_before <= mail_rules.DUE_SOON_DAYS:
        return mail_rules.REVIEW_DUE_SOON, 0
    if days_before == 0:
        return mail_rules.REVIEW_DUE_TODAY, 0
    if days_before < 0:
        days_late = -days_before
        # days 1, 3, 5 …: a missed run is made up the next day, never twice for one step
        return mail_rules.REVIEW_OVERDUE, (days_late - 1) // mail_rules.OVERDUE_EVERY_DAYS
    return None


RULE_INTROS = {
    mail_rules.REVIEW_DUE_SOON: gettext_lazy("以下评审任务将在3天内截止，请尽快完成："),
    mail_rules.REVIEW_DUE_TODAY: gettext_lazy("以下评审任务今天截止，请尽快完成："),
    mail_rules.REVIEW_OVERDUE: gettext_lazy("以下评审任务已逾期，请尽快完成："),
}
RULE_NOTICES = {
    mail_rules.REVIEW_DUE_SOON: gettext_lazy("提醒：您有 %(n)s 项评审任务将在3天内截止。"),
    mail_rules.REVIEW_DUE_TODAY: gettext_lazy("提醒：您有 %(n)s 项评审任务今天截止。"),
    mail_rules.REVIEW_OVERDUE: gettext_lazy("催办：您有 %(n)s 项评审任务已逾期，请尽快完成。"),
}


def reminders_due(*, now=None) -> dict:
    """Apply the daily reviewer rules to every cycle in review; returns {rule: reminders sent}. Idempotent."""
    from mail.services import _profiles, build_message, recipient_names, user_language

    now = now or timezone.now()
    sent = dict.fromkeys(RULE_EVENTS, 0)
    enabled = {rule: mail_rules.rule_enabled(rule) for rule in RULE_EVENTS}
    link = review_services.assignments_link()
    for cycle in Cycle.objects.filter(status=CycleStatus.REVIEW).order_by("year"):
        rows = pending_assignments(cycle, now=now)
        with transaction.atomic():
            fired = defaultdict(list)  # (user, rule) -> rows
            users = {}
            for row in rows:
                applies = rule_for(row.due, now)
                if applies is None or not enabled[applies[0]]:
                    continue
                rule, step = applies
                user = row.reviewer.user
                if not user.is_active:
                    continue
                if mail_rules.fire_once(
                    rule=rule,
                    object_key=f"assignment:{row.assignment.pk}",
                    due_on=timezone.localtime(row.due).date(),
                    step=step,
                    user=user,
                ):
                    fired[(user.pk, rule)].append(row)
                    users[user.pk] = user
            profiles = _profiles(list(users.values()))
            names = recipient_names(list(users.values()))
            notices, mails = [], []
            for (user_id, rule), mine in sorted(fired.items()):
                user = users[user_id]
                language = user_language(user, profiles.get(user_id))
                with translation.override(language):
                    text = str(RULE_NOTICES[rule]) % {"n": len(mine)}
                    context = {"intro": str(RULE_INTROS[rule]), "rows": _lines(mine)}
                notices.append(Notification(user=user, message=text[:255], link=link))
                mails.append(
                    build_message(
                        user=user,
                        profile=profiles.get(user_id),
                        language=language,
                        event=RULE_EVENTS[rule],
                        template="mail/review_reminder",
                        context=context,
                        link=link,
                        name=names[user_id],
                        # the key of the first assignment it covers, which RuleFiring let through once
                        dedupe_key=mail_rules.dedupe_key(
                            rule=rule,
                            object_key=f"assignment:{mine[0].assignment.pk}",
                            due_on=timezone.localtime(mine[0].due).date(),
                            step=rule_for(mine[0].due, now)[1],
                            user=user,
                        ),
                    )
                )
                sent[rule] += 1
            Notification.objects.bulk_create(notices)
            from mail.models import OutboxMessage

            OutboxMessage.objects.bulk_create(mails)
            if fired:
                audit_record(
                    actor=None,
                    action="review.remind_rules",
                    obj=cycle,
                    after={
                        rule: sorted(
                            {r.assignment.pk for (u, ru), rs in fired.items() if ru == rule for r in rs}
                        )
                        for rule in RULE_EVENTS
                    },
                )
    return sent
