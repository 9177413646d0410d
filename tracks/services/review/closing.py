"""Closing review (one scope ahead of the cycle, or the whole cycle) and reopening a nomination after publication."""

from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, audit_records_bulk

from ... import workflow
from ...models import (
    Assignment,
    AssignmentStatus,
    Cycle,
    Nomination,
    NominationStatus,
    ReviewClosure,
    ReviewReopening,
)
from ..nominations import nominations_transition_bulk
from ..notifications import notification_send
from .states import (
    ReviewError,
    _conditional,
    _locked_nomination,
    _require_staff,
    assignment_link,
    assignments_link,
)


def review_close_nominations(*, actor, cycle: Cycle, nominations, reason: str = "", request=None) -> dict:
    """What closing review does to a set of the cycle's nominations (inside the caller's transaction): pending
    assignments close as 未完成; nominations in review become 已评分 with at least three submitted reviews, else
    评审不足; returned ones not resubmitted become 逾期未补正. Returns the counts."""
    ids = list(nominations.values_list("pk", flat=True))
    # Nominations before assignments: the lock order of every review write.
    list(
        Nomination.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk").values_list("pk")
    )
    pending = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(nomination_id__in=ids, status__in=AssignmentStatus.PENDING)
        .select_related("reviewer__user")
        .order_by("pk")
    )
    closing_reason = reason or _("评审结束时尚未完成。")
    if pending:
        for status in sorted({a.status for a in pending}):
            Assignment.objects.filter(
                pk__in=[a.pk for a in pending if a.status == status], status=status
            ).update(
                status=AssignmentStatus.INCOMPLETE, status_reason=closing_reason, version=F("version") + 1
            )
        audit_records_bulk(
            actor=actor,
            action="assignment.close",
            records=[(a, {"status": a.status}, {"status": AssignmentStatus.INCOMPLETE}) for a in pending],
            reason=closing_reason,
            request=request,
        )
        by_user = defaultdict(int)
        users = {}
        for assignment in pending:
            by_user[assignment.reviewer.user_id] += 1
            users[assignment.reviewer.user_id] = assignment.reviewer.user
        for user_id, n in by_user.items():
            notification_send(
                user=users[user_id],
                message=lambda n=n: (
                    _("%(cycle)s的评审已结束，您尚未完成的 %(n)s 项评审任务已关闭为“未完成”。")
                    % {"cycle": cycle, "n": n}
                ),
                link=assignments_link(),
                event="assignment.closed",
            )
    reviewing = (
        Nomination.objects.filter(pk__in=ids, status__in=NominationStatus.REVIEWING)
        .annotate(reviews=Count("assignments", filter=Q(assignments__status=AssignmentStatus.SUBMITTED)))
        .values_list("pk", "reviews")
    )
    scored = [pk for pk, reviews in reviewing if reviews >= workflow.MIN_REVIEWS]
    short = [pk for pk, reviews in reviewing if reviews < workflow.MIN_REVIEWS]
    nominations_transition_bulk(
        actor=actor, nominations=[Nomination(pk=pk) for pk in scored], action="close_review", request=request
    )
    nominations_transition_bulk(
        actor=actor,
        nominations=[Nomination(pk=pk) for pk in short],
        action="close_under_reviewed",
        reason=_("评审结束时提交的专家评分不足 %(n)s 份，不参加排名。") % {"n": workflow.MIN_REVIEWS},
        request=request,
    )
    returned = list(Nomination.objects.filter(pk__in=ids, status=NominationStatus.RETURNED).only("pk"))
    nominations_transition_bulk(
        actor=actor,
        nominations=returned,
        action="lapse",
        reason=_("评审已结束，退回修改的推荐未重新推荐。"),
        request=request,
    )
    return {"closed_assignments": len(pending), "scored": len(scored), "under_reviewed": len(short)}


def review_close_scope(
    *, actor, cycle: Cycle, field, track=None, reason: str = "", request=None
) -> ReviewClosure:
    """Close the review of one track (or a whole field) ahead of the cycle, so its list can be built and go on
    notice. Only while the cycle is in 评审 and its scores are not normalised; through the gate
    tracks.workflow.scope_close_gate (refusing, or with a written reason)."""
    from ..cycles import gate_enforce

    _require_staff(actor)
    reason = (reason or "").strip()
    if track is not None and track.field_id != field.pk:
        raise ReviewError(_("所选赛道不属于该领域。"), code="track_field")
    with transaction.atomic():
        current = Cycle.objects.select_for_update().get(pk=cycle.pk)
        gate = workflow.scope_close_gate(current, field=field, track=track)
        gate_enforce(gate, reason)
        closure = ReviewClosure.objects.create(
            cycle=current,
            field=field,
            track=track,
            closed_at=timezone.now(),
            closed_by=actor,
            reason=reason,
            overridden=[c.as_dict() for c in gate.overrides],
        )
        nominations = Nomination.objects.filter(cycle=current, track__field=field)
        if track is not None:
            nominations = nominations.filter(track=track)
        counts = review_close_nominations(
            actor=actor, cycle=current, nominations=nominations, request=request
        )
        audit_record(
            actor=actor,
            action="review.close_scope",
            obj=closure,
            after={
                "field": field.pk,
                "track": track.pk if track is not None else None,
                "checks": gate.outcomes(),
                "overridden": [c.as_dict() for c in gate.overrides],
                **counts,
            },
            reason=reason,
            request=request,
        )
    return closure


# ---------------------------------------------------------------------------------------------------------------
# After publication: reopening one nomination's review (the start of a rescored correction)
# ---------------------------------------------------------------------------------------------------------------


def nomination_review_reopen(
    *, actor, nomination: Nomination, assignments, reason: str, request=None
) -> ReviewReopening:
    """Staff reopen chosen submitted scores of one nomination after its list is published, with a reason. The
    reviewers score again; the published list stands until a correction built from a newer ranking is published
    (after public notice, since it rescores). One nomination of a cycle at a time."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("重新评审必须填写理由。"), code="reason_required")
    with transaction.atomic():
        current = _locked_nomination(nomination)
        if current.status not in (NominationStatus.LISTED, NominationStatus.NOT_LISTED):
            raise ReviewError(
                _("只有榜单已发布的推荐（已入榜或未入榜）可以重新评审；当前状态为“%(status)s”。")
                % {"status": current.get_status_display()},
                code="invalid_state",
            )
        other = (
            ReviewReopening.objects.filter(nomination__cycle=current.cycle, closed_at__isnull=True)
            .select_related("nomination__zone", "nomination__track", "nomination__province")
            .first()
        )
        if other is not None:
            raise ReviewError(
                _("%(nomination)s 的重新评审尚未完成；每次只能重新评审一个推荐。")
                % {"nomination": workflow.nomination_label(other.nomination)},
                code="reopening_open",
            )
        chosen = list(
            Assignment.objects.select_for_update(of=("self",))
            .filter(nomination=current, pk__in=[a.pk for a in assignments], status=AssignmentStatus.SUBMITTED)
            .select_related("reviewer__user")
            .order_by("pk")
        )
        if not chosen:
            raise ReviewError(_("请选择至少一份已提交的评分重新开放。"), code="no_assignment")
        now = timezone.now()
        reopening = ReviewReopening.objects.create(
            nomination=current, reason=reason, opened_at=now, opened_by=actor
        )
        reopening.assignments.set(chosen)
        for assignment in chosen:
            before = {"status": assignment.status, "submitted_at": assignment.submitted_at}
            _conditional(
                assignment,
                (AssignmentStatus.SUBMITTED,),
                status=AssignmentStatus.ACCEPTED,
                submitted_at=None,
                status_reason=reason,
            )
            audit_record(
                actor=actor,
                action="score.reopen",
                obj=assignment,
                before=before,
                after={"status": assignment.status, "submitted_at": None, "reopening": reopening.pk},
                reason=reason,
                request=request,
            )
            notification_send(
                user=assignment.reviewer.user,
                message=lambda: (
                    _(
                        "%(nomination)s 的榜单发布后，业务管理员重新开放了您的评分，请修改后再次提交。理由：%(reason)s"
                    )
                    % {"nomination": current, "reason": reason}
                ),
                link=assignment_link(assignment),
                event="score.reopened",
            )
        audit_record(
            actor=actor,
            action="review.reopen_nomination",
            obj=current,
            after={"reopening": reopening.pk, "assignments": [a.pk for a in chosen]},
            reason=reason,
            request=request,
        )
    return reopening


def _close_reopening_if_done(reopening: ReviewReopening, now) -> None:
    """A reopening is done when every assignment it reopened is submitted again (inside score_submit)."""
    if reopening.assignments.exclude(status=AssignmentStatus.SUBMITTED).exists():
        return
    if ReviewReopening.objects.filter(pk=reopening.pk, closed_at__isnull=True).update(closed_at=now):
        reopening.closed_at = now
        audit_record(
            actor=None,
            action="review.reopen_done",
            obj=reopening.nomination,
            after={"reopening": reopening.pk, "closed_at": now},
        )
