"""Rules of expert review that its reads (the review desk's selectors) and its writes (tracks.services.review) both
apply, so neither imports the other: the conflict-of-interest rule (回避) on plain records and those records read
from the database, which assignments are overdue, and why a reviewer left a nomination."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AssignmentStatus, ConflictDeclaration, Cycle, Nomination, ReviewerProfile

CONFLICT_TEXT = {
    "same_zone": gettext_lazy("与推荐项目同属一个高新区"),
    "same_province": gettext_lazy("与推荐项目同属一个省份"),
    "declared_zone": gettext_lazy("已申报与该高新区回避"),
    "declared_province": gettext_lazy("已申报与该省份回避"),
    "declared_nomination": gettext_lazy("已申报与该推荐项目回避"),
}


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


def conflict_check(reviewer: Affiliation, nomination: Target, declarations=()) -> list[str]:
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
    """conflict_check for one reviewer and one nomination, read from the database."""
    return conflict_check(affiliation_of(reviewer), target_of(nomination), declarations_of([reviewer.pk]))


#: Why a reviewer is no longer on a nomination (an assignment's withdrawn status).
WITHDRAWN_TEXT = {
    AssignmentStatus.DECLINED: gettext_lazy("此前已谢绝该任务"),
    AssignmentStatus.CONFLICT: gettext_lazy("此前已申报回避"),
    AssignmentStatus.REMOVED: gettext_lazy("此前已被撤换"),
}


def overdue_condition(cycle: Cycle, now, prefix: str = "") -> Q:
    """Pending assignments past their due time (their own, or the cycle's review close when they have none)."""
    due = Q(**{f"{prefix}due_at__lt": now})
    if cycle.review_closes_at is not None and cycle.review_closes_at < now:
        due |= Q(**{f"{prefix}due_at__isnull": True})
    return Q(**{f"{prefix}status__in": AssignmentStatus.PENDING}) & due


def organisation_warnings(reviewer_ids) -> dict:
    """{reviewer id: [organisation, …]} of the organisations these reviewers declared a conflict with."""
    warnings = {}
    for reviewer_id, organisation in (
        ConflictDeclaration.objects.filter(reviewer_id__in=list(reviewer_ids))
        .exclude(organisation="")
        .order_by("pk")
        .values_list("reviewer_id", "organisation")
    ):
        warnings.setdefault(reviewer_id, []).append(organisation)
    return warnings
