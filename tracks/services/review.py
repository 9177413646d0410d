"""Writes of expert review: assignment (automatic and by hand), the reviewer's answer, scores, reopening, reminders.

domain.md, Workflow → Review. The rules, each in one place:

* ``conflict_reasons`` is the conflict-of-interest rule (回避), used by the automatic assignment, by staff adding or
  replacing a reviewer by hand and again when a reviewer accepts: same zone, same province (the reviewer's own or
  their zone's), or a declared conflict with the nomination's zone, its province or the nomination itself.
* ``plan_assignments`` is the automatic assignment, a pure function of plain records so it can be property-tested:
  per field panel, each nomination gets the cycle's K reviewers, the least loaded eligible first, deterministic for
  the same inputs, with an explanation of every choice and exclusion and the shortfall where fewer than K exist.
* An assignment goes INVITED → ACCEPTED (the pledge is signed with the acceptance and its time kept) → SUBMITTED;
  DECLINED, CONFLICT and REMOVED withdraw it. A draft is simply the Score rows of an ACCEPTED assignment; a reopened
  score goes back SUBMITTED → ACCEPTED with an audited reason.
* Every write checks who may make it, locks or conditionally updates the assignment row, carries the assignment's
  ``version`` where a reviewer edits (a stale form is refused, never silently applied), writes the audit event and
  does all of it in one ``transaction.atomic()``.
* Review work happens only in the cycle's 评审 phase and only while the nomination's scope (track, field) is open
  (tracks.workflow.review_closed_for). ``review_close_scope`` closes a track or field early (scores not
  normalised), ``review_close_nominations`` is what closing does (also for the whole cycle, at 评审结束): pending
  assignments close as 未完成, nominations in review become 已评分 or 评审不足. After that the only way to change a
  score is ``nomination_review_reopen``, once the nomination's list is published: the start of a correction.
* An assignment is due at the cycle's review deadline (``due_at`` empty) unless staff give it its own time; one made
  when the cycle's deadline has passed is due ``LATE_ASSIGNMENT_DAYS`` later, never in the past.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import guards, roles
from audit.services import audit_record, audit_records_bulk

from .. import workflow
from ..models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    Criterion,
    Cycle,
    CycleStatus,
    Nomination,
    NominationStatus,
    ReviewClosure,
    ReviewerProfile,
    ReviewReopening,
    Score,
)
from .nominations import nomination_transition, nominations_transition_bulk
from .notifications import notify, notify_many

S = AssignmentStatus

#: A replacement or an addition made after the cycle's deadline is due this many days later.
LATE_ASSIGNMENT_DAYS = 3

TWO_PLACES = Decimal("0.01")

# The confidentiality and conflict pledge a reviewer signs with the acceptance; its version goes into the audit event.
PLEDGE_VERSION = "2025-1"
PLEDGE_TEXT = gettext_lazy(
    "本人承诺：对评审中知悉的申报材料、评审意见和评审结果严格保密，不复制、不外传、不用于评审以外的用途；"
    "与被评审的高新区、推荐省份或推荐项目存在任职、合作、亲属等利害关系的，主动申报回避；"
    "独立、客观、公正地评分，不受任何单位或个人影响。"
)

CONFLICT_TEXT = {
    "same_zone": gettext_lazy("与推荐项目同属一个高新区"),
    "same_province": gettext_lazy("与推荐项目同属一个省份"),
    "declared_zone": gettext_lazy("已申报与该高新区回避"),
    "declared_province": gettext_lazy("已申报与该省份回避"),
    "declared_nomination": gettext_lazy("已申报与该推荐项目回避"),
}
WITHDRAWN_TEXT = {
    S.DECLINED: gettext_lazy("此前已谢绝该任务"),
    S.CONFLICT: gettext_lazy("此前已申报回避"),
    S.REMOVED: gettext_lazy("此前已被撤换"),
}


class ReviewError(ValidationError):
    """A review write refused because of a state or a rule (shown to the user as its message)."""


class StaleVersion(ReviewError):
    """A save carrying an older version of the assignment than the stored one (HTTP 409)."""


# ---------------------------------------------------------------------------------------------------------------
# The conflict rule
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Affiliation:
    """What the conflict rule needs to know of a reviewer."""

    reviewer_id: int
    province_id: int | None = None
    zone_id: int | None = None
    zone_province_id: int | None = None


@dataclass(frozen=True)
class Target:
    """What the conflict rule needs to know of a nomination."""

    nomination_id: int
    province_id: int
    zone_id: int


@dataclass(frozen=True)
class Declaration:
    """A declared conflict (ConflictDeclaration) as a plain record."""

    reviewer_id: int
    zone_id: int | None = None
    province_id: int | None = None
    nomination_id: int | None = None


def conflict_reasons(reviewer: Affiliation, nomination: Target, declarations=()) -> list[str]:
    """The reasons (codes of CONFLICT_TEXT) this reviewer may not review this nomination; empty when none.

    The one conflict rule: every path that puts a reviewer on a nomination asks it."""
    reasons = []
    if reviewer.zone_id is not None and reviewer.zone_id == nomination.zone_id:
        reasons.append("same_zone")
    provinces = {reviewer.province_id, reviewer.zone_province_id} - {None}
    if nomination.province_id in provinces:
        reasons.append("same_province")
    for declaration in declarations:
        if declaration.reviewer_id != reviewer.reviewer_id:
            continue
        if declaration.zone_id is not None and declaration.zone_id == nomination.zone_id:
            reasons.append("declared_zone")
        if declaration.province_id is not None and declaration.province_id == nomination.province_id:
            reasons.append("declared_province")
        if declaration.nomination_id is not None and declaration.nomination_id == nomination.nomination_id:
            reasons.append("declared_nomination")
    return [
        code for code in CONFLICT_TEXT if code in reasons
    ]  # a fixed order, whatever the declarations' order


def conflict_text(codes) -> str:
    return _("；").join(str(CONFLICT_TEXT.get(code, code)) for code in codes)


def affiliation_of(reviewer: ReviewerProfile) -> Affiliation:
    """The reviewer's affiliation; reads reviewer.zone (select_related it when calling this in a loop)."""
    return Affiliation(
        reviewer_id=reviewer.pk,
        province_id=reviewer.province_id,
        zone_id=reviewer.zone_id,
        zone_province_id=reviewer.zone.province_id if reviewer.zone_id else None,
    )


def target_of(nomination: Nomination) -> Target:
    return Target(nomination_id=nomination.pk, province_id=nomination.province_id, zone_id=nomination.zone_id)


def declarations_of(reviewer_ids) -> list[Declaration]:
    return [
        Declaration(reviewer_id=r, zone_id=z, province_id=p, nomination_id=n)
        for r, z, p, n in ConflictDeclaration.objects.filter(reviewer_id__in=list(reviewer_ids))
        .order_by("pk")
        .values_list("reviewer_id", "zone_id", "province_id", "nomination_id")
    ]


def reviewer_conflicts(reviewer: ReviewerProfile, nomination: Nomination) -> list[str]:
    """conflict_reasons for one reviewer and one nomination, read from the database."""
    return conflict_reasons(affiliation_of(reviewer), target_of(nomination), declarations_of([reviewer.pk]))


# ---------------------------------------------------------------------------------------------------------------
# Automatic assignment: the pure plan
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelReviewer:
    """A reviewer as the planner sees them: affiliation, fields, availability and current load in the cycle."""

    affiliation: Affiliation
    field_ids: frozenset
    available: bool = True
    load: int = 0

    @property
    def id(self) -> int:
        return self.affiliation.reviewer_id


@dataclass(frozen=True)
class PlanNomination:
    """A nomination as the planner sees it, with the status of each reviewer already assigned to it."""

    target: Target
    field_id: int
    assigned: dict = field(default_factory=dict)  # reviewer id -> AssignmentStatus value

    @property
    def id(self) -> int:
        return self.target.nomination_id

    @property
    def active(self) -> int:
        return sum(1 for status in self.assigned.values() if status in S.ACTIVE)


@dataclass(frozen=True)
class Choice:
    nomination_id: int
    reviewer_id: int
    load_before: int
    candidates: int


@dataclass(frozen=True)
class Exclusion:
    nomination_id: int
    reviewer_id: int
    reasons: tuple  # codes of CONFLICT_TEXT, statuses of WITHDRAWN_TEXT, or "unavailable"


@dataclass(frozen=True)
class Shortfall:
    nomination_id: int
    wanted: int
    active: int  # after the plan

    @property
    def missing(self) -> int:
        return self.wanted - self.active


@dataclass
class Plan:
    k: int
    choices: list = field(default_factory=list)
    exclusions: list = field(default_factory=list)
    shortfalls: list = field(default_factory=list)
    # nomination id -> number of active reviewers after the plan
    active_after: dict = field(default_factory=dict)

    def chosen_for(self, nomination_id) -> list[int]:
        return [c.reviewer_id for c in self.choices if c.nomination_id == nomination_id]


def _tiebreak(nomination_id: int, reviewer_id: int) -> str:
    """A fixed, well-spread order among equally loaded reviewers, so the same few do not always sit together."""
    return hashlib.sha256(f"{nomination_id}:{reviewer_id}".encode()).hexdigest()


def plan_assignments(nominations, reviewers, declarations, k: int) -> Plan:
    """Give each nomination up to ``k`` active reviewers from its field's panel; pure and deterministic.

    A reviewer is a candidate for a nomination when they are on the nomination's field panel, available, have never
    been assigned to it, and ``conflict_reasons`` finds nothing. Nominations are served most constrained first
    (fewest candidates, then id); each takes the least loaded candidates (load = active assignments in the cycle,
    counting the ones this plan makes), ties broken by ``_tiebreak`` and then id. Input order does not matter.
    """
    plan = Plan(k=k)
    reviewers = sorted(reviewers, key=lambda r: r.id)
    nominations = sorted(nominations, key=lambda n: n.id)
    declarations = list(declarations)
    by_reviewer = defaultdict(list)
    for declaration in declarations:
        by_reviewer[declaration.reviewer_id].append(declaration)
    load = {r.id: r.load for r in reviewers}

    candidates = {}
    for nomination in nominations:
        eligible = []
        for reviewer in reviewers:
            if nomination.field_id not in reviewer.field_ids:
                continue
            status = nomination.assigned.get(reviewer.id)
            if status in S.ACTIVE:
                continue  # already on it
            reasons = []
            if status is not None:
                reasons.append(status)
            reasons += conflict_reasons(reviewer.affiliation, nomination.target, by_reviewer[reviewer.id])
            if not reviewer.available:
                reasons.append("unavailable")
            if reasons:
                plan.exclusions.append(Exclusion(nomination.id, reviewer.id, tuple(reasons)))
            else:
                eligible.append(reviewer.id)
        candidates[nomination.id] = eligible

    for nomination in sorted(nominations, key=lambda n: (len(candidates[n.id]), n.id)):
        active = nomination.active
        need = max(k - active, 0)
        pool = list(candidates[nomination.id])
        for _slot in range(need):
            if not pool:
                break
            best = min(pool, key=lambda rid: (load[rid], _tiebreak(nomination.id, rid), rid))
            plan.choices.append(Choice(nomination.id, best, load[best], len(pool)))
            pool.remove(best)
            load[best] += 1
            active += 1
        plan.active_after[nomination.id] = active
        if active < k:
            plan.shortfalls.append(Shortfall(nomination.id, k, active))
    plan.choices.sort(key=lambda c: (c.nomination_id, c.reviewer_id))
    plan.shortfalls.sort(key=lambda s: s.nomination_id)
    return plan


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
        notify(
            user=user,
            message=lambda mine=mine, due=due: _(
                "您有 %(n)s 项新的评审任务，请在 %(due)s 前接受并签署保密与回避承诺后评分。"
            )
            % {"n": len(mine), "due": _due_text(due)},
            link=assignment_link(mine[0]) if len(mine) == 1 else assignments_link(),
            event="assignment.invite",
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
                filter=Q(assignments__nomination__cycle=cycle, assignments__status__in=S.ACTIVE),
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
    plan = plan_assignments(records, panel, declarations_of(reviewers), cycle.reviewers_per_nomination)
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
            status=S.INVITED,
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
    plan = plan_assignments(records, panel, declarations_of(reviewers), cycle.reviewers_per_nomination)
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
            notify_many(
                users=staff_users,
                message=lambda: _("%(nomination)s 的评审专家不足：还差 %(n)s 名无回避的专家，请人工指派。")
                % {"nomination": nomination, "n": result.plan.shortfalls[0].missing},
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
        if previous.status in S.WITHDRAWN:
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
        status=S.INVITED,
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


def _locked_nomination(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("cycle", "zone", "province", "track__field")
        .order_by()
        .get(pk=nomination.pk)
    )


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
        if old.status not in S.PENDING:
            raise _state_error(old, _("替换"))
        reviewer = ReviewerProfile.objects.select_related("zone", "user").get(pk=reviewer.pk)
        _check_may_assign(reviewer, nomination)
        before = {"status": old.status}
        _conditional(old, S.PENDING, status=S.REMOVED, status_reason=reason)
        audit_record(
            actor=actor,
            action="assignment.remove",
            obj=old,
            before=before,
            after={"status": old.status, "replaced_by": reviewer.pk},
            reason=reason,
            request=request,
        )
        notify(
            user=old.reviewer.user,
            message=lambda: _("您在 %(nomination)s 的评审任务已由业务管理员撤换。") % {"nomination": nomination},
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
        if current.status != S.INVITED:
            raise _state_error(current, _("接受"))
        reasons = reviewer_conflicts(current.reviewer, current.nomination)
        if reasons:
            raise ReviewError(
                _("您与该推荐项目存在回避关系（%(reasons)s），请申报回避。")
                % {"reasons": conflict_text(reasons)},
                code="conflict",
            )
        now = timezone.now()
        _conditional(current, (S.INVITED,), status=S.ACCEPTED, responded_at=now, pledge_signed_at=now)
        audit_record(
            actor=actor,
            action="assignment.accept",
            obj=current,
            before={"status": S.INVITED},
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
        if current.status != S.INVITED:
            raise _state_error(current, _("谢绝"))
        _conditional(
            current, (S.INVITED,), status=S.DECLINED, responded_at=timezone.now(), status_reason=reason
        )
        audit_record(
            actor=actor,
            action="assignment.decline",
            obj=current,
            before={"status": S.INVITED},
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
        if current.status not in S.PENDING:
            raise _state_error(current, _("申报回避"))
        before = {"status": current.status}
        _conditional(current, S.PENDING, status=S.CONFLICT, responded_at=timezone.now(), status_reason=reason)
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


# ---------------------------------------------------------------------------------------------------------------
# Scores: draft, submit, reopen
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class SaveResult:
    assignment: Assignment
    saved: list  # codes written or cleared
    errors: dict  # code -> message, for values that were not saved


def criteria_of(cycle: Cycle) -> list[Criterion]:
    return list(Criterion.objects.filter(cycle=cycle).order_by("order", "code"))


def comment_threshold(criterion: Criterion, cycle: Cycle) -> Decimal:
    """A value below this needs a comment: the cycle's percentage of the criterion's maximum."""
    return criterion.max_score * cycle.comment_required_below / Decimal(100)


def _parse(raw, criterion: Criterion) -> tuple[Decimal | None, str | None]:
    """(value, None) or (None, error message); blank is (None, None)."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None, None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None, _("「%(name)s」的分值必须是数字。") % {"name": criterion.name}
    if not value.is_finite():
        return None, _("「%(name)s」的分值必须是数字。") % {"name": criterion.name}
    if value != value.quantize(TWO_PLACES):
        return None, _("「%(name)s」的分值最多保留两位小数。") % {"name": criterion.name}
    if value < 0 or value > criterion.max_score:
        return None, _("「%(name)s」的分值必须在 0 到 %(max)s 之间。") % {
            "name": criterion.name,
            "max": _number(criterion.max_score),
        }
    return value.quantize(TWO_PLACES), None


def _number(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


def _score_state(scores) -> dict:
    return {s.criterion.code: {"value": str(s.value), "comment": s.comment} for s in scores}


def _prepare_scoring(actor, assignment: Assignment, version) -> tuple[Assignment, list[Criterion], dict]:
    current = _locked(assignment)
    _require_own(actor, current)
    cycle = current.nomination.cycle
    if current.status != S.ACCEPTED:
        raise _state_error(current, _("修改评分"))
    if version is not None and int(version) != current.version:
        raise StaleVersion(
            _(
                "评分已在其他窗口或设备上更新（当前版本 %(stored)s，本页版本 %(mine)s），为避免覆盖，本次保存未生效。请刷新页面后再继续。"
            )
            % {"stored": current.version, "mine": version},
            code="stale",
        )
    if cycle.criteria_frozen_at is None:
        raise ReviewError(_("评价维度尚未冻结，暂不能评分。"), code="criteria_not_frozen")
    current.reopening = open_reopening(current)
    if current.reopening is None:
        _require_scope_open(current.nomination)
        if current.nomination.status not in NominationStatus.REVIEWING:
            raise ReviewError(
                _("推荐当前状态为“%(status)s”，评分不能再修改。")
                % {"status": current.nomination.get_status_display()},
                code="nomination_closed",
            )
    criteria = criteria_of(cycle)
    existing = {
        s.criterion.code: s for s in Score.objects.filter(assignment=current).select_related("criterion")
    }
    return current, criteria, existing


def _write_scores(current, criteria, existing, values: dict, comments: dict) -> tuple[list, dict, dict]:
    """Create, update or clear (value None) the score rows of the codes in ``values``; comments default to the
    stored ones. Returns (codes changed, before, after) for the audit event."""
    changed, before, after = [], {}, {}
    for criterion in criteria:
        code = criterion.code
        if code not in values:
            continue
        value = values[code]
        row = existing.get(code)
        comment = comments.get(code, row.comment if row is not None else "")
        if value is None:
            if row is not None:
                before[code] = {"value": str(row.value), "comment": row.comment}
                after[code] = None
                row.delete()
                changed.append(code)
            continue
        if row is None:
            Score.objects.create(
                assignment=current,
                criterion=criterion,
                value=value,
                max_score=criterion.max_score,
                comment=comment,
            )
            before[code] = None
            after[code] = {"value": str(value), "comment": comment}
            changed.append(code)
        elif row.value != value or row.comment != comment:
            before[code] = {"value": str(row.value), "comment": row.comment}
            row.value, row.comment = value, comment
            row.save(update_fields=["value", "comment", "updated_at"])
            after[code] = {"value": str(value), "comment": comment}
            changed.append(code)
    return changed, before, after


def _split(values: dict) -> tuple[dict, dict]:
    """{code: {"value", "comment"}} into raw values and comments (only the keys given)."""
    raw, comments = {}, {}
    for code, entry in (values or {}).items():
        entry = entry or {}
        if "value" in entry:
            raw[code] = entry["value"]
        if "comment" in entry:
            comments[code] = entry["comment"]
    return raw, comments


def score_save(*, actor, assignment: Assignment, values: dict, version: int, request=None) -> SaveResult:
    """Save a draft (autosave or the 保存草稿 button): every valid entry is kept, the others are reported.

    ``values`` maps a criterion code to ``{"value": "85.5", "comment": "…"}`` (either key may be missing). A blank
    value with a blank comment clears that criterion's draft; a comment needs a value to be stored with. ``version``
    must be the assignment's stored version, which this bumps."""
    with transaction.atomic():
        current, criteria, existing = _prepare_scoring(actor, assignment, version)
        known = {c.code: c for c in criteria}
        raw, comments = _split(values)
        parsed, kept_comments, errors = {}, {}, {}
        for code in dict.fromkeys([*raw, *comments]):
            criterion = known.get(code)
            if criterion is None:
                continue
            comment = (comments.get(code) or "").strip() if code in comments else None
            if code in raw:
                value, error = _parse(raw[code], criterion)
                if error:
                    errors[code] = error
                    continue
            else:
                value = existing[code].value if code in existing else None
            if value is None and comment:
                errors[code] = _("「%(name)s」的评语需与分值一起保存，请先填写分值。") % {
                    "name": criterion.name
                }
                continue
            parsed[code] = value
            if comment is not None:
                kept_comments[code] = comment
        changed, before, after = _write_scores(current, criteria, existing, parsed, kept_comments)
        if (
            changed
        ):  # an unchanged draft keeps its version, so another open window is not made stale for nothing
            _conditional(current, (S.ACCEPTED,))
            audit_record(
                actor=actor, action="score.draft", obj=current, before=before, after=after, request=request
            )
    return SaveResult(assignment=current, saved=changed, errors=errors)


def score_submit(
    *, actor, assignment: Assignment, values: dict | None, version: int, request=None
) -> Assignment:
    """Submit the four scores, which locks them: every criterion valued in [0, max], a comment where the value is
    below the cycle's threshold (comment_required_below % of the maximum). ``values`` as for score_save, merged over
    the saved draft (None submits the draft as saved)."""
    with transaction.atomic():
        current, criteria, existing = _prepare_scoring(actor, assignment, version)
        cycle = current.nomination.cycle
        raw, comments = _split(values or {})
        errors, parsed, final_comments = {}, {}, {}
        for criterion in criteria:
            code = criterion.code
            text = raw[code] if code in raw else (existing[code].value if code in existing else None)
            value, error = _parse(text, criterion)
            comment = (
                comments[code] if code in comments else (existing[code].comment if code in existing else "")
            )
            comment = (comment or "").strip()
            if error:
                errors[code] = error
                continue
            if value is None:
                errors[code] = _("请为「%(name)s」评分。") % {"name": criterion.name}
                continue
            threshold = comment_threshold(criterion, cycle)
            if value < threshold and not comment:
                errors[code] = _(
                    "「%(name)s」得分低于 %(threshold)s 分（满分的 %(percent)s%%），须填写评语。"
                ) % {
                    "name": criterion.name,
                    "threshold": _number(threshold.quantize(TWO_PLACES)),
                    "percent": _number(cycle.comment_required_below),
                }
                continue
            parsed[code] = value
            final_comments[code] = comment
        if errors:
            raise ReviewError(errors)
        before = _score_state(existing.values())
        _write_scores(current, criteria, existing, parsed, final_comments)
        now = timezone.now()
        _conditional(current, (S.ACCEPTED,), status=S.SUBMITTED, submitted_at=now)
        if current.reopening is not None:
            _close_reopening_if_done(current.reopening, now)
        audit_record(
            actor=actor,
            action="score.submit",
            obj=current,
            before={"status": S.ACCEPTED, "scores": before},
            after={
                "status": current.status,
                "submitted_at": now,
                "scores": {
                    code: {"value": str(parsed[code]), "comment": final_comments[code]} for code in parsed
                },
            },
            request=request,
        )
    return current


def score_reopen(*, actor, assignment: Assignment, reason: str, request=None) -> Assignment:
    """Staff reopen a submitted score, with a reason, while its scope's review is open. Once review has closed, the
    only way is ``nomination_review_reopen`` after publication (the start of a correction)."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("重新开放评分必须填写理由。"), code="reason_required")
    with transaction.atomic():
        current = _locked(assignment)
        if current.status != S.SUBMITTED:
            raise _state_error(current, _("重新开放"))
        if current.nomination.cycle.status in CycleStatus.AFTER_REVIEW or workflow.review_closed_for(
            current.nomination.cycle, track=current.nomination.track
        ):
            raise ReviewError(
                _(
                    "评审已结束，评分不能再重新开放；榜单发布后，可对单个推荐发起“重新评审”，其结果以更正版本发布。"
                ),
                code="review_closed",
            )
        before = {"status": current.status, "submitted_at": current.submitted_at}
        _conditional(current, (S.SUBMITTED,), status=S.ACCEPTED, submitted_at=None, status_reason=reason)
        audit_record(
            actor=actor,
            action="score.reopen",
            obj=current,
            before=before,
            after={"status": current.status, "submitted_at": None},
            reason=reason,
            request=request,
        )
        notify(
            user=current.reviewer.user,
            message=lambda: _("您对 %(nomination)s 的评分已被重新开放，请修改后再次提交。理由：%(reason)s")
            % {"nomination": current.nomination, "reason": reason},
            link=assignment_link(current),
            event="score.reopened",
        )
    return current


# ---------------------------------------------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------------------------------------------


def overdue_condition(cycle: Cycle, now, prefix: str = "") -> Q:
    """Pending assignments past their due time (their own, or the cycle's review close when they have none)."""
    due = Q(**{f"{prefix}due_at__lt": now})
    if cycle.review_closes_at is not None and cycle.review_closes_at < now:
        due |= Q(**{f"{prefix}due_at__isnull": True})
    return Q(**{f"{prefix}status__in": S.PENDING}) & due


def reminders_send(*, actor, cycle: Cycle, now=None, request=None) -> int:
    """Remind every reviewer with an overdue assignment in the cycle (one in-app notice each); audited."""
    _require_staff(actor)
    now = now or timezone.now()
    with transaction.atomic():
        overdue = (
            Assignment.objects.filter(nomination__cycle=cycle)
            .filter(overdue_condition(cycle, now))
            .values("reviewer__user", "reviewer_id")
            .annotate(n=Count("pk"))
            .order_by("reviewer_id")
        )
        rows = list(overdue)
        users = get_user_model().objects.in_bulk([row["reviewer__user"] for row in rows])
        for row in rows:
            notify(
                user=users[row["reviewer__user"]],
                message=lambda row=row: _("催办：您在%(cycle)s有 %(n)s 项评审任务已逾期，请尽快接受并完成评分。")
                % {"cycle": cycle, "n": row["n"]},
                link=assignments_link(),
                event="review.reminder",
            )
        if rows:
            audit_record(
                actor=actor,
                action="review.remind",
                obj=cycle,
                after={
                    "reviewers": [row["reviewer_id"] for row in rows],
                    "assignments": sum(r["n"] for r in rows),
                },
                request=request,
            )
    return len(rows)


# ---------------------------------------------------------------------------------------------------------------
# Closing review: per scope ahead of the cycle, or the whole cycle at 评审结束
# ---------------------------------------------------------------------------------------------------------------


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
        .filter(nomination_id__in=ids, status__in=S.PENDING)
        .select_related("reviewer__user")
        .order_by("pk")
    )
    closing_reason = reason or _("评审结束时尚未完成。")
    if pending:
        for status in sorted({a.status for a in pending}):
            Assignment.objects.filter(
                pk__in=[a.pk for a in pending if a.status == status], status=status
            ).update(status=S.INCOMPLETE, status_reason=closing_reason, version=F("version") + 1)
        audit_records_bulk(
            actor=actor,
            action="assignment.close",
            records=[(a, {"status": a.status}, {"status": S.INCOMPLETE}) for a in pending],
            reason=closing_reason,
            request=request,
        )
        by_user = defaultdict(int)
        users = {}
        for assignment in pending:
            by_user[assignment.reviewer.user_id] += 1
            users[assignment.reviewer.user_id] = assignment.reviewer.user
        for user_id, n in by_user.items():
            notify(
                user=users[user_id],
                message=lambda n=n: _("%(cycle)s的评审已结束，您尚未完成的 %(n)s 项评审任务已关闭为“未完成”。")
                % {"cycle": cycle, "n": n},
                link=assignments_link(),
                event="assignment.closed",
            )
    reviewing = (
        Nomination.objects.filter(pk__in=ids, status__in=NominationStatus.REVIEWING)
        .annotate(reviews=Count("assignments", filter=Q(assignments__status=S.SUBMITTED)))
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
    from .cycles import gate_enforce

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
            .filter(nomination=current, pk__in=[a.pk for a in assignments], status=S.SUBMITTED)
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
                assignment, (S.SUBMITTED,), status=S.ACCEPTED, submitted_at=None, status_reason=reason
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
            notify(
                user=assignment.reviewer.user,
                message=lambda: _(
                    "%(nomination)s 的榜单发布后，业务管理员重新开放了您的评分，请修改后再次提交。理由：%(reason)s"
                )
                % {"nomination": current, "reason": reason},
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
    if reopening.assignments.exclude(status=S.SUBMITTED).exists():
        return
    if ReviewReopening.objects.filter(pk=reopening.pk, closed_at__isnull=True).update(closed_at=now):
        reopening.closed_at = now
        audit_record(
            actor=None,
            action="review.reopen_done",
            obj=reopening.nomination,
            after={"reopening": reopening.pk, "closed_at": now},
        )
