"""Assignments: the automatic assignment (inputs read, plan written), staff's by hand, the reviewer's answer."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from audit.services import audit_record

from ... import workflow
from ...models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    Cycle,
    CycleStatus,
    Nomination,
    NominationStatus,
    ReviewerProfile,
)
from ...review_rules import (
    CONFLICT_TEXT,
    WITHDRAWN_TEXT,
    affiliation_of,
    conflict_text,
    declarations_of,
    reviewer_conflicts,
    target_of,
)
from ..nominations import nomination_transition
from ..notifications import notification_send, notifications_send
from .planning import Choice, Exclusion, PanelReviewer, Plan, PlanNomination, assignments_plan
from .states import (
    PLEDGE_TEXT,
    PLEDGE_VERSION,
    ReviewError,
    _conditional,
    _lock_nomination_of,
    _locked,
    _locked_nomination,
    _notify_new,
    _require_own,
    _require_review_open,
    _require_scope_open,
    _require_staff,
    _state_error,
    assignments_link,
    due_for_new,
)

# ---------------------------------------------------------------------------------------------------------------
# Automatic assignment: reading the inputs, writing the plan
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class AutoResult:
    """What an automatic assignment did (or would do, for a preview), with the rows to explain it."""

    cycle: Cycle
    plan: Plan
    nominations: dict  # id -> Nomination
    reviewers: dict  # id -> ReviewerProfile
    created: list = field(default_factory=list)
    dry_run: bool = False

    def explain_choice(self, choice: Choice) -> str:
        nomination = self.nominations[choice.nomination_id]
        return _(
            "领域匹配（%(field)s），无回避关系；在 %(n)s 名可选专家中当前任务最少（分配前 %(load)s 项）。"
        ) % {
            "field": nomination.track.field.name,
            "n": choice.candidates,
            "load": choice.load_before,
        }

    def explain_exclusion(self, exclusion: Exclusion) -> str:
        parts = []
        for code in exclusion.reasons:
            if code in WITHDRAWN_TEXT:
                parts.append(str(WITHDRAWN_TEXT[code]))
            elif code == "unavailable":
                parts.append(_("暂停接受任务"))
            else:
                parts.append(str(CONFLICT_TEXT.get(code, code)))
        return _("；").join(parts)

    def shortfall_rows(self) -> list[str]:
        """The nominations this plan leaves short of reviewers, as lines for a gate's check."""
        return [
            _("%(nomination)s：还差 %(n)s 名")
            % {"nomination": workflow.nomination_label(self.nominations[s.nomination_id]), "n": s.missing}
            for s in self.plan.shortfalls
        ]

    def rows(self):
        """Per nomination: its choices, exclusions and shortfall, for the result page."""
        choices = defaultdict(list)
        for choice in self.plan.choices:
            choices[choice.nomination_id].append(choice)
        exclusions = defaultdict(list)
        for exclusion in self.plan.exclusions:
            exclusions[exclusion.nomination_id].append(exclusion)
        shortfalls = {s.nomination_id: s for s in self.plan.shortfalls}
        out = []
        for nid in sorted(self.nominations, key=lambda n: (self.nominations[n].track.field.order, n)):
            nomination = self.nominations[nid]
            out.append(
                {
                    "nomination": nomination,
                    "active_after": self.plan.active_after.get(nid, 0),
                    "choices": [
                        {"reviewer": self.reviewers[c.reviewer_id], "text": self.explain_choice(c)}
                        for c in choices[nid]
                    ],
                    "exclusions": [
                        {"reviewer": self.reviewers[e.reviewer_id], "text": self.explain_exclusion(e)}
                        for e in exclusions[nid]
                    ],
                    "shortfall": shortfalls.get(nid),
                }
            )
        return out


def _panel_inputs(cycle: Cycle, nominations: list[Nomination]):
    """Planner records for these nominations and every reviewer on their fields' panels; a fixed number of queries."""
    field_ids = {n.track.field_id for n in nominations}
    on_panels = ReviewerProfile.fields.through.objects.filter(field_id__in=field_ids).values(
        "reviewerprofile_id"
    )
    reviewers = list(
        ReviewerProfile.objects.filter(pk__in=on_panels)
        .select_related("zone", "user")
        .prefetch_related("fields")
        .annotate(
            cycle_load=Count(
                "assignments",
                filter=Q(
                    assignments__nomination__cycle=cycle, assignments__status__in=AssignmentStatus.ACTIVE
                ),
                distinct=True,
            )
        )
        .order_by("pk")
    )
    assigned = defaultdict(dict)
    for nomination_id, reviewer_id, status in Assignment.objects.filter(
        nomination__in=[n.pk for n in nominations]
    ).values_list("nomination_id", "reviewer_id", "status"):
        assigned[nomination_id][reviewer_id] = status
    panel = [
        PanelReviewer(
            affiliation=affiliation_of(r),
            field_ids=frozenset(f.pk for f in r.fields.all()),
            available=r.is_active and r.user.is_active,
            load=r.cycle_load,
        )
        for r in reviewers
    ]
    records = [
        PlanNomination(target=target_of(n), field_id=n.track.field_id, assigned=dict(assigned[n.pk]))
        for n in nominations
    ]
    return records, panel, {r.pk: r for r in reviewers}


def _fill(
    *,
    cycle: Cycle,
    nominations: list[Nomination],
    actor,
    assigned_by,
    dry_run: bool,
    label=None,
    request=None,
):
    """Plan for these nominations and (unless dry_run) create the assignments. The caller holds the transaction."""
    records, panel, reviewers = _panel_inputs(cycle, nominations)
    plan = assignments_plan(records, panel, declarations_of(reviewers), cycle.reviewers_per_nomination)
    result = AutoResult(
        cycle=cycle,
        plan=plan,
        nominations={n.pk: n for n in nominations},
        reviewers=reviewers,
        dry_run=dry_run,
    )
    if dry_run or not plan.choices:
        return result
    due = due_for_new(cycle)
    rows = [
        Assignment(
            reviewer=reviewers[c.reviewer_id],
            nomination=result.nominations[c.nomination_id],
            status=AssignmentStatus.INVITED,
            assigned_by=assigned_by,
            explanation=_("%(label)s：%(value)s")
            % {"label": label or _("自动分配"), "value": result.explain_choice(c)},
            due_at=due,
        )
        for c in plan.choices
    ]
    result.created = Assignment.objects.bulk_create(rows)
    for assignment in result.created:
        audit_record(
            actor=actor,
            action="assignment.create",
            obj=assignment,
            after={
                "reviewer": assignment.reviewer_id,
                "nomination": assignment.nomination_id,
                "status": assignment.status,
                "explanation": assignment.explanation,
                "due_at": assignment.due_at,
            },
            request=request,
        )
    if roles.is_programme_staff(actor):
        for nomination in {a.nomination_id: a.nomination for a in result.created}.values():
            if nomination.status == NominationStatus.ACCEPTED:
                nomination_transition(
                    actor=actor, nomination=nomination, action="start_review", request=request
                )
                nomination.status = NominationStatus.IN_REVIEW
    _notify_new(result.created)
    return result


def _assignable_nominations(cycle: Cycle, field=None, ids=None):
    """The nominations to plan for, row-locked on PostgreSQL so a hand-made assignment cannot slip in between."""
    queryset = (
        Nomination.objects.select_for_update(of=("self",))
        .filter(cycle=cycle, status__in=NominationStatus.REVIEWING)
        .select_related("cycle", "province", "zone", "track__field")
    )
    if field is not None:
        queryset = queryset.filter(track__field=field)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return list(workflow.in_open_scope(queryset, cycle).order_by("pk"))


def assignment_auto(*, cycle: Cycle, actor, field=None, dry_run: bool = False, request=None) -> AutoResult:
    """Give every accepted / in-review nomination of the cycle (or of one field) its K conflict-free reviewers.

    ``dry_run`` plans without writing (the preview staff confirm). Deterministic: the same data gives the same plan.
    """
    _require_staff(actor)
    with transaction.atomic():
        # One automatic assignment per cycle at a time: the cycle's row serialises them.
        current = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _require_review_open(current)
        nominations = _assignable_nominations(current, field=field)
        result = _fill(
            cycle=current,
            nominations=nominations,
            actor=actor,
            assigned_by=actor,
            dry_run=dry_run,
            request=request,
        )
        if not dry_run:
            audit_record(
                actor=actor,
                action="assignment.auto",
                obj=current,
                after={
                    "field": field.pk if field is not None else None,
                    "k": current.reviewers_per_nomination,
                    "nominations": len(nominations),
                    "created": len(result.created),
                    "shortfalls": {str(s.nomination_id): s.missing for s in result.plan.shortfalls},
                },
                request=request,
            )
    return result


def assignment_plan_preview(cycle: Cycle) -> AutoResult:
    """What the automatic assignment would give the cycle's accepted nominations now (nothing written, no lock):
    the 评审 gate's reviewer check."""
    nominations = Nomination.objects.filter(
        cycle=cycle, status__in=NominationStatus.REVIEWING
    ).select_related("cycle", "province", "zone", "track__field")
    if cycle.status == CycleStatus.REVIEW:
        nominations = workflow.in_open_scope(nominations, cycle)
    nominations = list(nominations.order_by("pk"))
    records, panel, reviewers = _panel_inputs(cycle, nominations)
    plan = assignments_plan(records, panel, declarations_of(reviewers), cycle.reviewers_per_nomination)
    return AutoResult(
        cycle=cycle, plan=plan, nominations={n.pk: n for n in nominations}, reviewers=reviewers, dry_run=True
    )


def _refill_after_withdrawal(assignment: Assignment, actor, request=None) -> AutoResult | None:
    """A decline or a conflict gives the nomination a new reviewer from its panel (inside the caller's transaction)."""
    nomination = assignment.nomination
    cycle = nomination.cycle
    if cycle.status != CycleStatus.REVIEW or nomination.status not in NominationStatus.REVIEWING:
        return None
    nominations = _assignable_nominations(cycle, ids=[nomination.pk])
    label = _("自动补派（原专家%(why)s）") % {"why": assignment.get_status_display()}
    result = _fill(
        cycle=cycle,
        nominations=nominations,
        actor=actor,
        assigned_by=None,
        dry_run=False,
        label=label,
        request=request,
    )
    if result.plan.shortfalls:
        staff_users = _staff_users()
        if staff_users:
            notifications_send(
                users=staff_users,
                message=lambda: (
                    _("%(nomination)s 的评审专家不足：还差 %(n)s 名无回避的专家，请人工指派。")
                    % {"nomination": nomination, "n": result.plan.shortfalls[0].missing}
                ),
                link=_desk_nomination_link(nomination),
                event="review.shortfall",
            )
    return result


def _staff_users():
    return list(get_user_model().objects.filter(groups__name=roles.STAFF, is_active=True).distinct())


def _desk_nomination_link(nomination) -> str:
    try:
        return reverse("admin:tracks_review_nomination", args=[nomination.pk])
    except NoReverseMatch:  # pragma: no cover
        return ""


# ---------------------------------------------------------------------------------------------------------------
# Staff: add or replace a reviewer by hand
# ---------------------------------------------------------------------------------------------------------------


def _check_may_assign(reviewer: ReviewerProfile, nomination: Nomination):
    """The checks of a hand-made assignment: the conflict rule, availability, never twice on one nomination."""
    reasons = reviewer_conflicts(reviewer, nomination)
    if reasons:
        raise ReviewError(
            _("不能指派%(reviewer)s：%(reasons)s。")
            % {"reviewer": reviewer.name, "reasons": conflict_text(reasons)},
            code="conflict",
        )
    if not reviewer.is_active or not reviewer.user.is_active:
        raise ReviewError(
            _("%(reviewer)s已暂停接受评审任务。") % {"reviewer": reviewer.name}, code="unavailable"
        )
    previous = Assignment.objects.filter(reviewer=reviewer, nomination=nomination).only("status").first()
    if previous is not None:
        if previous.status in AssignmentStatus.WITHDRAWN:
            message = _("不能指派%(reviewer)s：%(why)s。") % {
                "reviewer": reviewer.name,
                "why": WITHDRAWN_TEXT[previous.status],
            }
        else:
            message = _("%(reviewer)s已是该推荐项目的评审专家。") % {"reviewer": reviewer.name}
        raise ReviewError(message, code="already_assigned")


def _create_by_hand(*, actor, nomination, reviewer, reason, due_at, request, replaces=None) -> Assignment:
    in_panel = reviewer.fields.filter(pk=nomination.track.field_id).exists()
    explanation = (
        _("人工指派") if replaces is None else _("人工替换（替换%(old)s）") % {"old": replaces.reviewer.name}
    )
    explanation += _("：无回避关系") + ("" if in_panel else _("；非本领域评审专家"))
    if reason:
        explanation += _("；理由：%(reason)s") % {"reason": reason}
    now = timezone.now()
    if due_at is not None and due_at <= now:
        raise ReviewError(_("评审任务的截止时间必须晚于现在。"), code="due_in_past")
    assignment = Assignment.objects.create(
        reviewer=reviewer,
        nomination=nomination,
        status=AssignmentStatus.INVITED,
        assigned_by=actor,
        explanation=explanation,
        due_at=due_for_new(nomination.cycle, now, own=due_at),
    )
    audit_record(
        actor=actor,
        action="assignment.create",
        obj=assignment,
        after={
            "reviewer": reviewer.pk,
            "nomination": nomination.pk,
            "status": assignment.status,
            "explanation": explanation,
            "due_at": assignment.due_at,
            "replaces": replaces.pk if replaces else None,
        },
        reason=reason,
        request=request,
    )
    if nomination.status == NominationStatus.ACCEPTED:
        nomination_transition(actor=actor, nomination=nomination, action="start_review", request=request)
        nomination.status = NominationStatus.IN_REVIEW
    _notify_new([assignment])
    return assignment


def assignment_add(
    *, actor, nomination: Nomination, reviewer: ReviewerProfile, reason: str = "", due_at=None, request=None
) -> Assignment:
    """Staff put one more reviewer on a nomination, under the same conflict rule as the automatic assignment."""
    _require_staff(actor)
    reason = (reason or "").strip()
    with transaction.atomic():
        current = _locked_nomination(nomination)
        _require_scope_open(current)
        if current.status not in NominationStatus.REVIEWING:
            raise ReviewError(
                _("推荐当前状态为“%(status)s”，不能分配评审专家。")
                % {"status": current.get_status_display()},
                code="invalid_state",
            )
        reviewer = ReviewerProfile.objects.select_related("zone", "user").get(pk=reviewer.pk)
        _check_may_assign(reviewer, current)
        return _create_by_hand(
            actor=actor, nomination=current, reviewer=reviewer, reason=reason, due_at=due_at, request=request
        )


def assignment_replace(
    *, actor, assignment: Assignment, reviewer: ReviewerProfile, reason: str, request=None
) -> Assignment:
    """Staff take a reviewer off a nomination (not yet submitted) and put another on, with a reason."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("替换评审专家必须填写理由。"), code="reason_required")
    with transaction.atomic():
        nomination = _locked_nomination(assignment.nomination)
        old = _locked(assignment)
        _require_scope_open(nomination)
        if old.status not in AssignmentStatus.PENDING:
            raise _state_error(old, _("替换"))
        reviewer = ReviewerProfile.objects.select_related("zone", "user").get(pk=reviewer.pk)
        _check_may_assign(reviewer, nomination)
        before = {"status": old.status}
        _conditional(old, AssignmentStatus.PENDING, status=AssignmentStatus.REMOVED, status_reason=reason)
        audit_record(
            actor=actor,
            action="assignment.remove",
            obj=old,
            before=before,
            after={"status": old.status, "replaced_by": reviewer.pk},
            reason=reason,
            request=request,
        )
        notification_send(
            user=old.reviewer.user,
            message=lambda: (
                _("您在 %(nomination)s 的评审任务已由业务管理员撤换。") % {"nomination": nomination}
            ),
            link=assignments_link(),
            event="assignment.removed",
        )
        return _create_by_hand(
            actor=actor,
            nomination=nomination,
            reviewer=reviewer,
            reason=reason,
            due_at=old.due_at if old.due_at and old.due_at > timezone.now() else None,
            request=request,
            replaces=old,
        )


# ---------------------------------------------------------------------------------------------------------------
# The reviewer: accept with the pledge, decline, declare a conflict
# ---------------------------------------------------------------------------------------------------------------


def assignment_accept(*, actor, assignment: Assignment, pledge: bool, request=None) -> Assignment:
    """Accept the assignment and sign the confidentiality and conflict pledge (保密与回避承诺); its time is kept."""
    if not pledge:
        raise ReviewError(_("接受评审任务前须阅读并签署保密与回避承诺。"), code="pledge_required")
    with transaction.atomic():
        current = _locked(assignment)
        _require_own(actor, current)
        _require_scope_open(current.nomination)
        if current.status != AssignmentStatus.INVITED:
            raise _state_error(current, _("接受"))
        reasons = reviewer_conflicts(current.reviewer, current.nomination)
        if reasons:
            raise ReviewError(
                _("您与该推荐项目存在回避关系（%(reasons)s），请申报回避。")
                % {"reasons": conflict_text(reasons)},
                code="conflict",
            )
        now = timezone.now()
        _conditional(
            current,
            (AssignmentStatus.INVITED,),
            status=AssignmentStatus.ACCEPTED,
            responded_at=now,
            pledge_signed_at=now,
        )
        audit_record(
            actor=actor,
            action="assignment.accept",
            obj=current,
            before={"status": AssignmentStatus.INVITED},
            after={
                "status": current.status,
                "pledge_signed_at": now,
                "pledge_version": PLEDGE_VERSION,
                "pledge_text": str(PLEDGE_TEXT),
            },
            request=request,
        )
    return current


def assignment_decline(*, actor, assignment: Assignment, reason: str = "", request=None) -> Assignment:
    """Decline an invitation; the nomination is given another reviewer from its panel."""
    reason = (reason or "").strip()
    with transaction.atomic():
        _lock_nomination_of(assignment)
        current = _locked(assignment)
        _require_own(actor, current)
        if current.status != AssignmentStatus.INVITED:
            raise _state_error(current, _("谢绝"))
        _conditional(
            current,
            (AssignmentStatus.INVITED,),
            status=AssignmentStatus.DECLINED,
            responded_at=timezone.now(),
            status_reason=reason,
        )
        audit_record(
            actor=actor,
            action="assignment.decline",
            obj=current,
            before={"status": AssignmentStatus.INVITED},
            after={"status": current.status},
            reason=reason,
            request=request,
        )
        current.refill = _refill_after_withdrawal(current, actor, request)
    return current


def assignment_declare_conflict(*, actor, assignment: Assignment, reason: str, request=None) -> Assignment:
    """Declare a conflict of interest with this nomination (before or after accepting, not after submitting).

    The assignment is withdrawn, the declaration kept (so no later assignment picks the reviewer again) and the
    nomination given another reviewer from its panel."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("申报回避必须说明理由。"), code="reason_required")
    with transaction.atomic():
        _lock_nomination_of(assignment)
        current = _locked(assignment)
        _require_own(actor, current)
        if current.status not in AssignmentStatus.PENDING:
            raise _state_error(current, _("申报回避"))
        before = {"status": current.status}
        _conditional(
            current,
            AssignmentStatus.PENDING,
            status=AssignmentStatus.CONFLICT,
            responded_at=timezone.now(),
            status_reason=reason,
        )
        declaration = ConflictDeclaration.objects.create(
            reviewer=current.reviewer, nomination=current.nomination, reason=reason
        )
        audit_record(
            actor=actor,
            action="assignment.conflict",
            obj=current,
            before=before,
            after={"status": current.status, "declaration": declaration.pk},
            reason=reason,
            request=request,
        )
        current.refill = _refill_after_withdrawal(current, actor, request)
    return current
