"""Writes of nominations: create, edit, and every status change (the only way a status changes)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.services import audit_record, snapshot
from zones.models import Province

from .. import workflow
from ..models import (
    QUOTA_STATUSES,
    Cycle,
    LibraryEntry,
    LibraryStatus,
    Nomination,
    ProvinceQuota,
    TrackStatus,
    WindowExtension,
)
from ..models.indicators import INDICATOR_FIELDS

EDITABLE_FIELDS = ["track", "origin", "cultivation_model", "public_summary", "narrative", *INDICATOR_FIELDS]
REQUIRED_FOR_SUBMIT = ["origin", "cultivation_model", "public_summary", "narrative", *INDICATOR_FIELDS]


class WorkflowError(ValidationError):
    """A change refused because of the nomination's state or the cycle's rules (HTTP 400)."""


class QuotaExceeded(WorkflowError):
    """A submit refused because the province's quota is used up (HTTP 409)."""


def nomination_window(cycle: Cycle, province) -> tuple:
    """The (opens, closes) of the nomination window for a province, with any extension staff granted it."""
    closes = cycle.nomination_closes_at
    extension = WindowExtension.objects.filter(cycle=cycle, province=province).only("closes_at").first()
    if extension is not None and extension.closes_at > closes:
        closes = extension.closes_at
    return cycle.nomination_opens_at, closes


def _check_window(cycle: Cycle, province, now=None):
    opens, closes = nomination_window(cycle, province)
    now = now or timezone.now()
    if not (opens <= now <= closes):
        raise WorkflowError(
            _("不在推荐窗口期内：%(year)s年度推荐时间为 %(opens)s 至 %(closes)s。")
            % {
                "year": cycle.year,
                "opens": date_format(timezone.localtime(opens), "Y-m-d H:i"),
                "closes": date_format(timezone.localtime(closes), "Y-m-d H:i"),
            },
            code="window_closed",
        )


def province_quota(cycle: Cycle, province) -> int:
    row = ProvinceQuota.objects.filter(cycle=cycle, province=province).only("quota").first()
    return row.quota if row is not None else cycle.default_quota


def quota_used(cycle: Cycle, province) -> int:
    return Nomination.objects.filter(cycle=cycle, province=province, status__in=QUOTA_STATUSES).count()


def _validate(nomination: Nomination):
    nomination.full_clean(validate_unique=True, validate_constraints=True)


def nomination_create(
    *, actor, cycle: Cycle, zone, track, data: dict | None = None, request=None
) -> Nomination:
    """Start a draft for a zone. Zone preparers for their own zone, officials for any zone of their province."""
    if not workflow.may_create_for_zone(actor, zone):
        raise PermissionDenied(_("您无权为该高新区创建推荐。"))
    _check_window(cycle, zone.province)
    if track.status == TrackStatus.MERGED:
        track = track.merged_into
    nomination = Nomination(cycle=cycle, province=zone.province, zone=zone, track=track, created_by=actor)
    for name, value in (data or {}).items():
        if name in EDITABLE_FIELDS and name != "track":
            setattr(nomination, name, value)
    with transaction.atomic():
        _validate(nomination)
        nomination.status_changed_at = timezone.now()
        nomination.save()
        audit_record(
            actor=actor,
            action="nomination.create",
            obj=nomination,
            after=snapshot(nomination),
            request=request,
        )
    return nomination


def nomination_update(*, actor, nomination: Nomination, data: dict, version: int | None = None, request=None):
    """Edit the content of a draft or a returned nomination; a stale version is refused."""
    if not workflow.may_edit(actor, nomination):
        raise PermissionDenied(_("当前状态下您不能修改该推荐。"))
    with transaction.atomic():
        current = Nomination.objects.select_for_update().order_by().get(pk=nomination.pk)
        if version is not None and current.version != version:
            raise WorkflowError(_("该推荐已被他人修改，请刷新页面后再编辑。"), code="stale")
        before = snapshot(current)
        for name, value in data.items():
            if name in EDITABLE_FIELDS:
                setattr(current, name, value)
        current.version += 1
        _validate(current)
        current.save()
        audit_record(
            actor=actor,
            action="nomination.update",
            obj=current,
            before=before,
            after=snapshot(current),
            request=request,
        )
    return current


def missing_for_submit(nomination: Nomination) -> list[str]:
    return [
        str(Nomination._meta.get_field(name).verbose_name)
        for name in REQUIRED_FOR_SUBMIT
        if getattr(nomination, name) in (None, "")
    ]


def nomination_transition(
    *, actor, nomination: Nomination, action: str, reason: str = "", request=None
) -> Nomination:
    """Make one workflow transition: check who and from which state, apply the rules, record it, atomically."""
    transition = workflow.TRANSITIONS.get(action)
    if transition is None:
        raise WorkflowError(_("未知的操作：%(action)s") % {"action": action})
    if not workflow.may_act(actor, transition, nomination):
        raise PermissionDenied(_("您无权对该推荐执行“%(label)s”。") % {"label": transition.label})
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise WorkflowError(
            _("“%(label)s”必须填写理由。") % {"label": transition.label}, code="reason_required"
        )

    with transaction.atomic():
        if action == "submit":
            # One province's submits queue on its row, so the quota count below cannot race.
            Province.objects.select_for_update().filter(pk=nomination.province_id).first()
        current = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("cycle", "province")
            .order_by()
            .get(pk=nomination.pk)
        )
        if current.status not in transition.sources:
            raise WorkflowError(
                _("推荐当前状态为“%(status)s”，不能执行“%(label)s”。")
                % {"status": current.get_status_display(), "label": transition.label},
                code="invalid_state",
            )
        now = timezone.now()
        if action == "submit":
            _check_submit(current, now)
        if action == "withdraw":
            _check_window(current.cycle, current.province, now)

        before = {"status": current.status}
        changed = Nomination.objects.filter(pk=current.pk, status=current.status).update(
            status=transition.target,
            status_reason=reason,
            status_changed_at=now,
            submitted_at=now if action == "submit" else current.submitted_at,
            version=current.version + 1,
        )
        if changed != 1:
            raise WorkflowError(_("该推荐刚被他人处理，请刷新后重试。"), code="race")
        current.refresh_from_db()
        if action == "accept":
            _library_entry_for(current, actor, request)
        audit_record(
            actor=actor,
            action=f"nomination.{action}",
            obj=current,
            before=before,
            after={"status": current.status},
            reason=reason,
            request=request,
        )
    return current


def _check_submit(nomination: Nomination, now):
    missing = missing_for_submit(nomination)
    if missing:
        raise WorkflowError(
            _("推荐材料不完整，请补充：%(fields)s。") % {"fields": "、".join(missing)}, code="incomplete"
        )
    _check_window(nomination.cycle, nomination.province, now)
    quota = province_quota(nomination.cycle, nomination.province)
    used = quota_used(nomination.cycle, nomination.province)
    if used >= quota:
        raise QuotaExceeded(
            _("%(province)s本批次推荐名额为 %(quota)s 项，已全部使用，不能再推荐。")
            % {"province": nomination.province.name, "quota": quota},
            code="quota_exceeded",
        )


def _library_entry_for(nomination: Nomination, actor, request):
    """An accepted nomination creates its (zone, track) library entry, or refreshes the existing one."""
    entry, created = LibraryEntry.objects.get_or_create(
        zone_id=nomination.zone_id,
        track_id=nomination.track_id,
        defaults={"entered_cycle_id": nomination.cycle_id, "status_changed_at": timezone.now()},
    )
    if not created and entry.status == LibraryStatus.EXITED:
        before = {"status": entry.status, "exit_reason": entry.exit_reason}
        entry.status = LibraryStatus.CULTIVATING
        entry.exit_reason = ""
        entry.status_changed_at = timezone.now()
        entry.save(update_fields=["status", "exit_reason", "status_changed_at"])
        audit_record(
            actor=actor,
            action="library.reenter",
            obj=entry,
            before=before,
            after={"status": entry.status},
            reason=_("重新推荐并受理"),
            request=request,
        )
    elif created:
        audit_record(
            actor=actor, action="library.enter", obj=entry, after={"status": entry.status}, request=request
        )
    Nomination.objects.filter(pk=nomination.pk).update(library_entry=entry)
    nomination.library_entry = entry
    return entry
