"""Review's state groups, the pledge, its errors, and the rules every review write shares (checks, locks, links)."""

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import guards

from ... import workflow
from ...models import (
    Assignment,
    AssignmentStatus,
    Cycle,
    CycleStatus,
    Nomination,
    ReviewReopening,
)
from ..notifications import notification_send

#: A replacement or an addition made after the cycle's deadline is due this many days later.
LATE_ASSIGNMENT_DAYS = 3

# The confidentiality and conflict pledge a reviewer signs with the acceptance; its version goes into the audit event.
PLEDGE_VERSION = "2025-1"
PLEDGE_TEXT = gettext_lazy(
    "本人承诺：对评审中知悉的申报材料、评审意见和评审结果严格保密，不复制、不外传、不用于评审以外的用途；"
    "与被评审的高新区、推荐省份或推荐项目存在任职、合作、亲属等利害关系的，主动申报回避；"
    "独立、客观、公正地评分，不受任何单位或个人影响。"
)


class ReviewError(ValidationError):
    """A review write refused because of a state or a rule (shown to the user as its message)."""


class StaleVersion(ReviewError):
    """A save carrying an older version of the assignment than the stored one (HTTP 409)."""


# ---------------------------------------------------------------------------------------------------------------
# Rules shared by the writes
# ---------------------------------------------------------------------------------------------------------------


def _require_staff(actor):
    guards.require_programme_staff(actor, _("只有业务管理员可以管理评审任务。"))


def _require_review_open(cycle: Cycle):
    if cycle.status in CycleStatus.AFTER_REVIEW:
        raise ReviewError(
            _("%(cycle)s的评审已结束，评审任务和评分不能再变更。") % {"cycle": cycle}, code="review_closed"
        )
    if cycle.status != CycleStatus.REVIEW or cycle.criteria_frozen_at is None:
        raise ReviewError(
            _("%(cycle)s尚未进入评审阶段：请先在年度批次中将其推进到“评审”（评价维度随之冻结）。")
            % {"cycle": cycle},
            code="review_not_open",
        )


def _require_scope_open(nomination: Nomination):
    """Review work on this nomination: the cycle is in 评审 and its track's (or field's) review is still open."""
    _require_review_open(nomination.cycle)
    if workflow.review_closed_for(nomination.cycle, track=nomination.track):
        raise ReviewError(
            _("“%(track)s”的评审已结束，评审任务和评分不能再变更。") % {"track": nomination.track.name},
            code="review_closed",
        )


def open_reopening(assignment: Assignment) -> ReviewReopening | None:
    """The post-publication reopening this assignment was reopened in, while it is still open."""
    return (
        ReviewReopening.objects.filter(
            nomination_id=assignment.nomination_id, closed_at__isnull=True, assignments=assignment
        )
        .order_by("-opened_at")
        .first()
    )


def due_for_new(cycle: Cycle, now=None, own=None):
    """The ``due_at`` to store on a new assignment: staff's own time, or empty (the cycle's deadline), or, when
    the cycle's deadline has passed, a few days from now: never a time already gone."""
    now = now or timezone.now()
    if own is not None:
        return own
    if cycle.review_closes_at is None or cycle.review_closes_at > now:
        return None
    return now + datetime.timedelta(days=LATE_ASSIGNMENT_DAYS)


def effective_due(assignment: Assignment):
    """When an assignment is due: its own time, or its cycle's review deadline."""
    return assignment.due_at or assignment.nomination.cycle.review_closes_at


def _require_own(actor, assignment: Assignment):
    if not getattr(actor, "is_authenticated", False) or assignment.reviewer.user_id != actor.pk:
        raise PermissionDenied(_("这不是您的评审任务。"))


def _status_label(status) -> str:
    return str(AssignmentStatus(status).label)


def _state_error(assignment: Assignment, verb: str) -> ReviewError:
    return ReviewError(
        _("该评审任务当前状态为「%(status)s」，不能%(verb)s。")
        % {"status": _status_label(assignment.status), "verb": verb},
        code="invalid_state",
    )


def _lock_nomination_of(assignment: Assignment) -> None:
    """Lock the assignment's nomination before the assignment: every write takes cycle → nomination → assignment
    in that order, so two of them never wait on each other (PostgreSQL)."""
    list(
        Nomination.objects.select_for_update(of=("self",))
        .filter(pk=assignment.nomination_id)
        .values_list("pk")
    )


def _locked(assignment: Assignment) -> Assignment:
    """The assignment as stored, row-locked on PostgreSQL, with what the rules read."""
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related(
            "reviewer__user", "reviewer__zone", "nomination__cycle", "nomination__zone", "nomination__track"
        )
        .order_by()
        .get(pk=assignment.pk)
    )


def _locked_nomination(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("cycle", "zone", "province", "track__field")
        .order_by()
        .get(pk=nomination.pk)
    )


def _conditional(assignment: Assignment, sources, **changes) -> None:
    """Move the row from one of ``sources`` (at its current version) and bump the version, or refuse."""
    updated = Assignment.objects.filter(
        pk=assignment.pk, status__in=sources, version=assignment.version
    ).update(version=F("version") + 1, **changes)
    if updated != 1:
        raise ReviewError(_("该评审任务刚被他人处理，请刷新后重试。"), code="race")
    for name, value in changes.items():
        setattr(assignment, name, value)
    assignment.version += 1


def assignments_link() -> str:
    try:
        return reverse("admin:tracks_assignment_changelist")
    except NoReverseMatch:  # pragma: no cover - the admin is always installed here
        return ""


def assignment_link(assignment: Assignment) -> str:
    try:
        return reverse("admin:tracks_assignment_change", args=[assignment.pk])
    except NoReverseMatch:  # pragma: no cover
        return ""


def _due_text(due) -> str:
    return date_format(timezone.localtime(due), "Y-m-d H:i") if due else _("未设定")


def _notify_new(assignments) -> None:
    """One notice per reviewer for the assignments just made."""
    by_user = defaultdict(list)
    for assignment in assignments:
        by_user[assignment.reviewer.user].append(assignment)
    for user, mine in by_user.items():
        due = min((d for d in (effective_due(a) for a in mine) if d), default=None)
        notification_send(
            user=user,
            message=lambda mine=mine, due=due: (
                _("您有 %(n)s 项新的评审任务，请在 %(due)s 前接受并签署保密与回避承诺后评分。")
                % {"n": len(mine), "due": _due_text(due)}
            ),
            link=assignment_link(mine[0]) if len(mine) == 1 else assignments_link(),
            event="assignment.invite",
        )
