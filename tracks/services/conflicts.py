"""A reviewer's standing conflicts of interest (回避), declared on their profile page before or after assignment.

A declaration names a zone, a province or an organisation (free text: nominations name no organisations, so staff
see it as a warning when they assign by hand). ``tracks.services.review.conflict_check`` reads every declaration,
so the automatic and hand-made assignments respect a zone or province declared here. One declared after an
assignment takes the reviewer off every pending assignment it now conflicts with (→ 回避, audited) and refills it
from the panel, as a conflict declared on the assignment itself would; a score already submitted stays, and staff
are told so they may reopen or replace it."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..models import Assignment, AssignmentStatus, ConflictDeclaration, CycleStatus, ReviewerProfile
from . import review as review_services
from .notifications import notifications_send


def reviewer_of(user) -> ReviewerProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ReviewerProfile.objects.filter(user=user).select_related("zone", "province").first()


def conflict_declare_standing(
    *, actor, zone=None, province=None, organisation: str = "", reason: str, request=None
) -> ConflictDeclaration:
    """The reviewer ``actor`` declares a standing conflict with one zone, province or organisation."""
    reviewer = reviewer_of(actor)
    if reviewer is None:
        raise PermissionDenied(_("只有评审专家可以申报回避。"))
    organisation = (organisation or "").strip()
    reason = (reason or "").strip()
    if not reason:
        raise review_services.ReviewError(_("申报回避必须说明理由。"), code="reason_required")
    if sum(1 for value in (zone, province, organisation) if value) != 1:
        raise review_services.ReviewError(_("每次申报请只选择一个高新区、省份或单位。"), code="one_target")
    with transaction.atomic():
        declaration = ConflictDeclaration.objects.create(
            reviewer=reviewer, zone=zone, province=province, organisation=organisation, reason=reason
        )
        audit_record(
            actor=actor,
            action="conflict.declare",
            obj=declaration,
            after={
                "zone": getattr(zone, "key", None),
                "province": getattr(province, "code", None),
                "organisation": organisation,
            },
            reason=reason,
            request=request,
        )
        if zone is not None or province is not None:
            declaration.removed, declaration.kept = _withdraw_conflicting(
                actor=actor, reviewer=reviewer, declaration=declaration, request=request
            )
        else:
            declaration.removed, declaration.kept = [], []
    return declaration


def _withdraw_conflicting(*, actor, reviewer, declaration, request):
    """Pending assignments in open review that the new declaration conflicts with: withdrawn (回避) and refilled."""
    target = (
        Q(nomination__zone=declaration.zone)
        if declaration.zone_id
        else Q(nomination__province=declaration.province)
    )
    affected = list(
        Assignment.objects.filter(reviewer=reviewer, nomination__cycle__status=CycleStatus.REVIEW)
        .filter(target)
        .filter(status__in=AssignmentStatus.ACTIVE)
        .select_related("nomination__cycle", "nomination__zone", "nomination__track", "nomination__province")
        .order_by("nomination_id", "pk")
    )
    removed, kept = [], []
    for assignment in affected:
        if assignment.status == AssignmentStatus.SUBMITTED:
            kept.append(assignment)
            continue
        review_services._lock_nomination_of(assignment)
        current = review_services._locked(assignment)
        if current.status not in AssignmentStatus.PENDING:
            continue
        try:
            review_services._require_scope_open(current.nomination)
        except review_services.ReviewError:
            continue
        before = {"status": current.status}
        review_services._conditional(
            current,
            AssignmentStatus.PENDING,
            status=AssignmentStatus.CONFLICT,
            responded_at=timezone.now(),
            status_reason=declaration.reason,
        )
        audit_record(
            actor=actor,
            action="assignment.conflict",
            obj=current,
            before=before,
            after={"status": current.status, "declaration": declaration.pk},
            reason=declaration.reason,
            request=request,
        )
        current.refill = review_services._refill_after_withdrawal(current, actor, request)
        removed.append(current)
    if removed or kept:
        staff = review_services._staff_users()
        if staff:
            notifications_send(
                users=staff,
                message=lambda: (
                    _(
                        "%(reviewer)s 申报了回避（%(target)s）：已撤回并补派 %(removed)s 项评审任务；"
                        "%(kept)s 项已提交的评分涉及该回避，请核查是否需要重新开放或替换。"
                    )
                    % {
                        "reviewer": reviewer.name,
                        "target": declaration.zone or declaration.province,
                        "removed": len(removed),
                        "kept": len(kept),
                    }
                ),
                link=review_services.assignments_link(),
                event="review.conflict_warning",
            )
    return removed, kept
