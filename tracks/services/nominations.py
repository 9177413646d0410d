"""Writes of nominations: create, edit, discard, and every status change (the only way a status changes).

``nomination_transition`` makes one transition of tracks.workflow.TRANSITIONS for a person; ``nominations_transition_bulk``
makes one for many nominations at once when a gate, a publication or the deadline sweep moves them (one audit row
per nomination). Both write the status inside ``status_door()``, the only place a nomination's status is written.

Also the nomination window's one exception, a province's extension (``window_extension_grant``), and the in-app
notices these changes send (to the province's officials and the zone's committee).
"""

import datetime
import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts import roles
from accounts.scope import Scope
from audit.services import audit_record, audit_records_bulk, snapshot
from zones.models import Province

from .. import selectors, workflow
from ..models import (
    Cycle,
    CycleStatus,
    LibraryEntry,
    LibraryStatus,
    Nomination,
    NominationStatus,
    ProvinceQuota,
    Track,
    TrackStatus,
    WindowExtension,
)
from ..models.indicators import INDICATOR_FIELDS
from ..models.status_door import status_door
from .notifications import notifications_send

EDITABLE_FIELDS = ["track", "origin", "cultivation_model", "public_summary", "narrative", *INDICATOR_FIELDS]
REQUIRED_FOR_SUBMIT = ["origin", "cultivation_model", "public_summary", "narrative", *INDICATOR_FIELDS]


class WorkflowError(ValidationError):
    """A change refused because of the nomination's state or the cycle's rules (HTTP 400)."""


class QuotaExceeded(WorkflowError):
    """A submit refused because the province's quota is used up (HTTP 409)."""


# ---------------------------------------------------------------------------------------------------------------
# The window and the quota


def window_for(cycle: Cycle, province) -> tuple:
    """(opens, closes, extension): the province's window, and the extension that moved its close (or None)."""
    closes = cycle.nomination_closes_at
    extension = WindowExtension.objects.filter(cycle=cycle, province=province).first()
    if extension is not None and extension.closes_at > closes:
        return cycle.nomination_opens_at, extension.closes_at, extension
    return cycle.nomination_opens_at, closes, None


def nomination_window(cycle: Cycle, province) -> tuple:
    """The (opens, closes) of the nomination window for a province, with any extension staff granted it."""
    opens, closes, _extension = window_for(cycle, province)
    return opens, closes


def window_text(cycle: Cycle, province, *, window: tuple | None = None) -> str:
    """The window as a sentence (2031年度推荐时间为 … 至 …); pass ``window`` when it is already known."""
    opens, closes = window or nomination_window(cycle, province)
    return _("%(year)s年度推荐时间为 %(opens)s 至 %(closes)s") % {
        "year": cycle.year,
        "opens": date_format(timezone.localtime(opens), "Y-m-d H:i"),
        "closes": date_format(timezone.localtime(closes), "Y-m-d H:i"),
    }


def window_is_open(cycle: Cycle, province, now=None) -> bool:
    opens, closes = nomination_window(cycle, province)
    now = now or timezone.now()
    return opens <= now <= closes


def _scope_or_system(actor) -> Scope | None:
    """The actor's scope, or None for the system itself (a scheduled job acts without an account)."""
    return None if actor is None else Scope.of(actor)


def _check_window(cycle: Cycle, province, now=None):
    if not window_is_open(cycle, province, now):
        raise WorkflowError(
            _("不在推荐窗口期内：%(window)s。") % {"window": window_text(cycle, province)},
            code="window_closed",
        )


def _check_phase_for_drafts(cycle: Cycle):
    """Drafts are started only while the cycle takes nominations (its 推荐 phase)."""
    if cycle.status != CycleStatus.NOMINATION:
        raise WorkflowError(
            _("本批次处于“%(phase)s”阶段，不在推荐期内。") % {"phase": cycle.get_status_display()},
            code="phase",
        )


def province_quota(cycle: Cycle, province) -> int:
    row = ProvinceQuota.objects.filter(cycle=cycle, province=province).only("quota").first()
    return row.quota if row is not None else cycle.default_quota


def quota_used(cycle: Cycle, province, *, exclude=None) -> int:
    used = Nomination.objects.filter(cycle=cycle, province=province, status__in=NominationStatus.QUOTA)
    if exclude is not None:
        used = used.exclude(pk=exclude.pk)
    return used.count()


def _validate(nomination: Nomination):
    nomination.full_clean(validate_unique=True, validate_constraints=True)


def _canonical(track):
    """A merged track stands for the track it was merged into (read as stored now: a merge may just have run)."""
    if track is None or track.pk is None:
        return track
    track = Track.objects.select_related("merged_into").get(pk=track.pk)
    seen = set()
    while track.status == TrackStatus.MERGED and track.merged_into_id and track.pk not in seen:
        seen.add(track.pk)
        track = Track.objects.select_related("merged_into").get(pk=track.merged_into_id)
    return track


def _canonical_many(tracks) -> dict:
    """{pk: canonical track} for many tracks, as ``_canonical`` gives each, in one query per level of merges."""
    loaded = {}
    pending = {track.pk for track in tracks if track is not None and track.pk is not None}
    tried = set()
    while pending:
        tried |= pending
        for track in Track.objects.select_related("merged_into").filter(pk__in=pending):
            loaded[track.pk] = track
        pending = {
            track.merged_into_id
            for track in loaded.values()
            if track.status == TrackStatus.MERGED
            and track.merged_into_id
            and track.merged_into_id not in tried
        }
    canonical = {}
    for pk in {track.pk for track in tracks if track is not None and track.pk is not None}:
        if pk not in loaded:
            raise Track.DoesNotExist(f"Track {pk} does not exist.")
        track = loaded[pk]
        seen = set()
        while track.status == TrackStatus.MERGED and track.merged_into_id and track.pk not in seen:
            seen.add(track.pk)
            if track.merged_into_id not in loaded:
                raise Track.DoesNotExist(f"Track {track.merged_into_id} does not exist.")
            track = loaded[track.merged_into_id]
        canonical[pk] = track
    return canonical


# ---------------------------------------------------------------------------------------------------------------
# Notices


def _portal_link(nomination) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("portal:nomination_detail", args=[nomination.pk])


def _notify(users, message_factory, nomination, *, exclude=None, event="notice"):
    """Tell these users (minus the one who acted) about a nomination, each in their own language (and by e-mail)."""
    recipients = [user for user in users if exclude is None or user.pk != getattr(exclude, "pk", None)]
    if not recipients:
        return
    notifications_send(users=recipients, message=message_factory, link=_portal_link(nomination), event=event)


def _label(nomination) -> str:
    return f"{nomination.zone.display_name}「{nomination.track.name}」"


def _notify_transition(nomination: Nomination, action: str, actor, reason: str, people: dict | None = None):
    """The notice of one transition. ``people`` caches the officials of each province and the preparers of each
    zone when many nominations move at once."""
    people = {} if people is None else people
    key = ("province", nomination.province_id)
    if key not in people:
        people[key] = list(selectors.officials_of(nomination.province))
    officials = people[key]
    key = ("zone", nomination.zone_id)
    if key not in people:
        people[key] = list(selectors.preparers_of(nomination.zone))
    preparers = people[key]
    label = _label(nomination)
    year = nomination.cycle.year
    tell = functools.partial(_notify, event=f"nomination.{action}")
    if action == "submit":
        tell(
            preparers,
            lambda: _("%(year)s年度 %(label)s 已由省级主管部门推荐。") % {"year": year, "label": label},
            nomination,
        )
    elif action == "withdraw":
        tell(
            officials + preparers,
            lambda: _("%(year)s年度 %(label)s 已撤回。") % {"year": year, "label": label},
            nomination,
            exclude=actor,
        )
    elif action == "return":
        tell(
            officials + preparers,
            lambda: (
                _("%(year)s年度 %(label)s 被退回修改：%(reason)s")
                % {"year": year, "label": label, "reason": reason}
            ),
            nomination,
        )
    elif action == "reject":
        tell(
            officials + preparers,
            lambda: (
                _("%(year)s年度 %(label)s 不予受理：%(reason)s")
                % {"year": year, "label": label, "reason": reason}
            ),
            nomination,
        )
    elif action == "accept":
        tell(
            officials + preparers,
            lambda: _("%(year)s年度 %(label)s 已通过形式审查，受理并入库。") % {"year": year, "label": label},
            nomination,
        )
    elif action == "lapse":
        tell(
            officials + preparers,
            lambda: (
                _("%(year)s年度 %(label)s 未在补正期限内重新推荐，已标记为逾期未补正：%(reason)s")
                % {"year": year, "label": label, "reason": reason}
            ),
            nomination,
        )
    elif action == "expire_draft":
        tell(
            officials + preparers,
            lambda: (
                _("%(year)s年度 %(label)s 在推荐截止前未推荐，已标记为未推荐。")
                % {"year": year, "label": label}
            ),
            nomination,
        )
    elif action == "close_under_reviewed":
        tell(
            officials,
            lambda: (
                _("%(year)s年度 %(label)s 评审不足：%(reason)s")
                % {"year": year, "label": label, "reason": reason}
            ),
            nomination,
        )
    elif action in ("mark_listed", "mark_not_listed"):
        tell(
            officials + preparers,
            lambda: (
                (
                    _("%(year)s年度 %(label)s 已列入发布的重点新赛道园区榜单。")
                    if action == "mark_listed"
                    else _("%(year)s年度 %(label)s 未列入已发布的重点新赛道园区榜单。")
                )
                % {"year": year, "label": label}
            ),
            nomination,
        )
    elif action == "withdraw_duplicate":
        tell(
            officials + preparers,
            lambda: (
                _("%(year)s年度 %(label)s 因赛道合并与同一高新区的另一推荐重复，已撤回：%(reason)s")
                % {"year": year, "label": label, "reason": reason}
            ),
            nomination,
        )


# ---------------------------------------------------------------------------------------------------------------
# Create and edit


def _track_refusal() -> ValidationError:
    return ValidationError(
        {
            "track": ValidationError(
                _("不能选择该新赛道：请选择已启用的新赛道或本省提议的新赛道。"), code="track"
            )
        }
    )


def _check_track(track, province) -> None:
    """Enforce selectors.track_choosable on a (canonical) track a nomination of ``province`` is to name."""
    if track is not None and not selectors.track_choosable(track, province):
        raise _track_refusal()


def nomination_create(
    *, actor, cycle: Cycle, zone, track, data: dict | None = None, request=None
) -> Nomination:
    """Start a draft for a zone. Zone preparers for their own zone, officials for any zone of their province; the
    track must be one the province may choose (selectors.tracks_choosable, after a merge the track merged into)."""
    if not workflow.may_create_for_zone(Scope.of(actor), zone):
        raise PermissionDenied(_("您无权为该高新区创建推荐。"))
    _check_phase_for_drafts(cycle)
    _check_window(cycle, zone.province)
    track = _canonical(track)
    _check_track(track, zone.province)
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
        if Scope.of(actor).official_province is None:
            # A zone prepared it: the province has a draft to check and recommend.
            _notify(
                selectors.officials_of(nomination.province),
                lambda: (
                    _("%(zone)s 准备了 %(year)s年度「%(track)s」推荐草稿，待省级主管部门审核推荐。")
                    % {"zone": zone.display_name, "year": cycle.year, "track": nomination.track.name}
                ),
                nomination,
                event="nomination.create",
            )
    return nomination


# Foreign keys the bulk path sets from objects already read (no existence query per row and key).
BULK_CLEAN_EXCLUDE = ["cycle", "province", "zone", "track", "created_by", "library_entry"]


def nominations_create_many(*, actor, cycle: Cycle, rows: list[tuple], request=None) -> tuple[list, list]:
    """Start many drafts at once (the Excel import): ``nomination_create`` for each (zone, track, data) of ``rows``.

    The permission is checked once per zone and the window once per province, the tracks are canonicalised from one
    query (and checked against the province's choosable tracks, one query a province), the fields are validated without per-row queries (the foreign keys are objects already read; the
    (cycle, zone, track) uniqueness is the caller's to check, and the database enforces every constraint), and the
    nominations and their audit events are written with ``bulk_create``. Returns (nominations, errors): errors[i]
    lists the messages refusing rows[i], as ``nomination_create`` would raise them; when any row is refused nothing
    is written and no nomination is returned. Call it inside a transaction.
    """
    try:
        _check_phase_for_drafts(cycle)
    except WorkflowError as error:
        return [], [list(error.messages) for _row in rows]
    errors: list[list[str]] = [[] for _row in rows]
    allowed: dict = {}
    windows: dict = {}
    canonical = _canonical_many([track for _zone, track, _data in rows])
    choosable: dict = {}
    nominations = []
    for index, (zone, track, data) in enumerate(rows):
        if zone.pk not in allowed:
            allowed[zone.pk] = workflow.may_create_for_zone(Scope.of(actor), zone)
        if not allowed[zone.pk]:
            errors[index].append(str(PermissionDenied(_("您无权为该高新区创建推荐。"))))
            continue
        province = zone.province
        if province.pk not in windows:
            try:
                _check_window(cycle, province)
            except WorkflowError as error:
                windows[province.pk] = error.messages
            else:
                windows[province.pk] = None
        if windows[province.pk] is not None:
            errors[index].extend(windows[province.pk])
            continue
        track = canonical.get(track.pk, track) if track is not None else None
        if province.pk not in choosable:
            choosable[province.pk] = set(selectors.tracks_choosable(province).values_list("pk", flat=True))
        if track is not None and track.pk not in choosable[province.pk]:
            errors[index].extend(_track_refusal().messages)
            continue
        nomination = Nomination(cycle=cycle, province=province, zone=zone, track=track, created_by=actor)
        for name, value in (data or {}).items():
            if name in EDITABLE_FIELDS and name != "track":
                setattr(nomination, name, value)
        try:
            nomination.full_clean(exclude=BULK_CLEAN_EXCLUDE, validate_constraints=False)
        except ValidationError as error:
            errors[index].extend(error.messages)
            continue
        nominations.append(nomination)
    if any(errors):
        return [], errors
    with transaction.atomic():
        now = timezone.now()
        for nomination in nominations:
            nomination.status_changed_at = now
        Nomination.objects.bulk_create(nominations)
        audit_records_bulk(
            actor=actor,
            action="nomination.create",
            records=[(nomination, None, snapshot(nomination)) for nomination in nominations],
            request=request,
        )
        if Scope.of(actor).official_province is None:
            # A zone prepared them: the province has drafts to check and recommend.
            officials: dict = {}
            for nomination in nominations:
                province = nomination.province
                if province.pk not in officials:
                    officials[province.pk] = list(selectors.officials_of(province))
                zone, track = nomination.zone, nomination.track
                _notify(
                    officials[province.pk],
                    lambda zone=zone, track=track: (
                        _("%(zone)s 准备了 %(year)s年度「%(track)s」推荐草稿，待省级主管部门审核推荐。")
                        % {"zone": zone.display_name, "year": cycle.year, "track": track.name}
                    ),
                    nomination,
                    event="nomination.create",
                )
    return nominations, errors


def nomination_update(*, actor, nomination: Nomination, data: dict, version: int | None = None, request=None):
    """Edit the content of a draft or a returned nomination; a stale version is refused, and so is a new track the
    province may not choose (selectors.tracks_choosable)."""
    if not workflow.may_edit(Scope.of(actor), nomination):
        raise PermissionDenied(_("当前状态下您不能修改该推荐。"))
    with transaction.atomic():
        current = Nomination.objects.select_for_update().order_by().get(pk=nomination.pk)
        if version is not None and current.version != version:
            raise WorkflowError(_("该推荐已被他人修改，请刷新页面后再编辑。"), code="stale")
        if not workflow.may_edit(Scope.of(actor), current):
            raise PermissionDenied(_("当前状态下您不能修改该推荐。"))
        before = snapshot(current)
        for name, value in data.items():
            if name == "track" and value is not None and value.pk != current.track_id:
                value = _canonical(value)
                if value.pk != current.track_id:
                    _check_track(value, current.province)
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


def missing_content(nomination: Nomination) -> list[str]:
    """The labels of the content fields a nomination still lacks for a submit."""
    return [
        str(Nomination._meta.get_field(name).verbose_name)
        for name in REQUIRED_FOR_SUBMIT
        if getattr(nomination, name) in (None, "")
    ]


def missing_materials(nomination: Nomination) -> list[str]:
    """The cycle's required materials (Cycle.required_materials) with no current attachment of that kind."""
    required = nomination.cycle.material_names
    if not required:
        return []
    present = set(
        nomination.attachments.filter(removed_at__isnull=True).values_list("material", flat=True).order_by()
    )
    return [name for name in required if name not in present]


def missing_for_submit(nomination: Nomination) -> list[str]:
    """What a nomination lacks before it may be recommended: its content fields, then a file for each of the
    cycle's required materials. The one submit rule: _check_submit refuses with it, the portal and the API show it."""
    return missing_content(nomination) + [
        _("附件“%(name)s”") % {"name": name} for name in missing_materials(nomination)
    ]


# ---------------------------------------------------------------------------------------------------------------
# Status changes


def _refuse_phase(transition, nomination, now):
    refusal = workflow.phase_refusal(transition, nomination, now)
    if refusal:
        raise WorkflowError(refusal, code="phase")


def resubmit_deadline(cycle: Cycle, province, now) -> datetime.datetime:
    """A returned nomination may be resubmitted until the later of its province's window close and the cycle's
    补正 days after the return (domain.md: even after the window)."""
    _opens, closes = nomination_window(cycle, province)
    return max(closes, now + datetime.timedelta(days=cycle.resubmit_days))


def nomination_transition(
    *, actor, nomination: Nomination, action: str, reason: str = "", request=None
) -> Nomination:
    """Make one workflow transition: check who, from which state and in which phase, apply the rules, record it,
    atomically."""
    transition = workflow.TRANSITIONS.get(action)
    if transition is None:
        raise WorkflowError(_("未知的操作：%(action)s") % {"action": action})
    if not workflow.may_act(_scope_or_system(actor), transition, nomination):
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
            .select_related("cycle", "province", "zone", "track")
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
        _refuse_phase(transition, current, now)
        if action == "submit":
            _check_submit(current, now)
        if action == "withdraw":
            _check_window(current.cycle, current.province, now)

        before = {"status": current.status}
        changes = {
            "status": transition.target,
            "status_reason": reason,
            "status_changed_at": now,
            "version": current.version + 1,
        }
        if action == "submit":
            changes["submitted_at"] = now
            changes["resubmit_by"] = None
        if action == "return":
            changes["resubmit_by"] = resubmit_deadline(current.cycle, current.province, now)
        with status_door():
            changed = Nomination.objects.filter(pk=current.pk, status=current.status).update(**changes)
        if changed != 1:
            raise WorkflowError(_("该推荐刚被他人处理，请刷新后重试。"), code="race")
        current.refresh_from_db()
        if action == "accept":
            _library_entry_for(current, actor, request)
        after = {"status": current.status}
        if action == "return":
            after["resubmit_by"] = current.resubmit_by
        audit_record(
            actor=actor,
            action=f"nomination.{action}",
            obj=current,
            before=before,
            after=after,
            reason=reason,
            request=request,
        )
        if action == "return":
            reason = _("%(reason)s（请于 %(deadline)s 前修改后重新推荐）") % {
                "reason": reason,
                "deadline": workflow.when(current.resubmit_by),
            }
        _notify_transition(current, action, actor, reason)
    return current


def nominations_transition_bulk(
    *, actor, nominations, action: str, reason: str = "", request=None, notify: bool = True
) -> list[Nomination]:
    """One internal transition (a gate's, a publication's, the deadline sweep's) for many nominations at once.

    Rows not in a source state of the transition are left alone (another step moved them first). Each moved
    nomination gets one audit row and its province a notice; the caller holds the transaction (and the rows are
    locked here). Returns the nominations moved."""
    transition = workflow.TRANSITIONS[action]
    if not transition.internal or not workflow.may_act(_scope_or_system(actor), transition, None):
        raise PermissionDenied(_("您无权对该推荐执行“%(label)s”。") % {"label": transition.label})
    reason = (reason or "").strip()
    ids = [n.pk for n in nominations] if isinstance(nominations, list | tuple) else nominations.values("pk")
    with transaction.atomic():
        rows = list(
            Nomination.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, status__in=transition.sources)
            .select_related("cycle", "province", "zone", "track")
            .order_by("pk")
        )
        if not rows:
            return []
        now = timezone.now()
        records = [(row, {"status": row.status}, {"status": transition.target}) for row in rows]
        with status_door():
            for source in {row.status for row in rows}:
                Nomination.objects.filter(
                    pk__in=[r.pk for r in rows if r.status == source], status=source
                ).update(
                    status=transition.target,
                    status_reason=reason,
                    status_changed_at=now,
                    version=F("version") + 1,
                )
        for row in rows:
            row.status, row.status_reason, row.status_changed_at = transition.target, reason, now
            row.version += 1
            row._loaded_status = row.status
        audit_records_bulk(
            actor=actor, action=f"nomination.{action}", records=records, reason=reason, request=request
        )
        if notify:
            people: dict = {}
            for row in rows:
                _notify_transition(row, action, actor, reason, people)
    return rows


def nomination_discard(*, actor, nomination: Nomination, request=None) -> None:
    """Its author (or the province) discards a draft that was never submitted, before the window closes; audited.
    Nothing a province submitted is ever deleted: a draft once submitted is withdrawn instead."""
    with transaction.atomic():
        current = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("cycle", "province", "zone", "track")
            .order_by()
            .get(pk=nomination.pk)
        )
        if not workflow.may_discard(Scope.of(actor), current):
            raise PermissionDenied(_("只能删除从未推荐过的草稿。"))
        attachments = list(current.attachments.all())
        audit_record(
            actor=actor,
            action="nomination.discard",
            obj=current,
            before={**snapshot(current), "attachments": [a.sha256 for a in attachments]},
            after=None,
            request=request,
        )
        files = [a.file for a in attachments]
        for attachment in attachments:
            attachment.delete()
        current.delete()
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files if f.name])


def nominations_lapse_overdue(*, actor=None, cycle: Cycle | None = None, now=None, reason: str = "") -> list:
    """Returned nominations past their 补正 deadline become 逾期未补正 (final, not counted in the quota).

    Run by the gates and on a schedule (``manage.py close_overdue``); running it again changes nothing."""
    now = now or timezone.now()
    overdue = Nomination.objects.filter(status=NominationStatus.RETURNED, resubmit_by__lt=now)
    if cycle is not None:
        overdue = overdue.filter(cycle=cycle)
    return nominations_transition_bulk(
        actor=actor,
        nominations=list(overdue.only("pk")),
        action="lapse",
        reason=reason or _("补正期限已过，未重新推荐。"),
    )


def _check_submit(nomination: Nomination, now):
    missing = missing_for_submit(nomination)
    if missing:
        raise WorkflowError(
            _("推荐材料不完整，请补充：%(fields)s。")
            % {"fields": pgettext("list separator", "、").join(missing)},
            code="incomplete",
        )
    if nomination.status == NominationStatus.DRAFT:
        _check_window(nomination.cycle, nomination.province, now)
    quota = province_quota(nomination.cycle, nomination.province)
    # A returned nomination already holds its place: resubmitting it does not take another one.
    used = quota_used(nomination.cycle, nomination.province, exclude=nomination)
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


# ---------------------------------------------------------------------------------------------------------------
# Window extensions


def window_extension_grant(
    *, actor, cycle: Cycle, province, closes_at, reason: str, request=None
) -> WindowExtension:
    """Staff give one province a later close of the cycle's nomination window (or move an earlier grant)."""
    if not roles.is_programme_staff(actor):
        raise PermissionDenied(_("只有业务管理员可以批准推荐窗口延期。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写延期理由。")}, code="reason_required")
    if cycle.status not in CycleStatus.WINDOW:
        raise ValidationError(
            _("推荐窗口只能在“推荐”阶段延期；本批次处于“%(phase)s”阶段。")
            % {"phase": cycle.get_status_display()},
            code="phase",
        )
    if closes_at <= cycle.nomination_closes_at:
        raise ValidationError(
            {
                "closes_at": _("延期截止时间必须晚于本批次的推荐截止时间（%(closes)s）。")
                % {"closes": date_format(timezone.localtime(cycle.nomination_closes_at), "Y-m-d H:i")}
            },
            code="not_later",
        )
    with transaction.atomic():
        existing = (
            WindowExtension.objects.select_for_update()
            .filter(cycle=cycle, province=province)
            .order_by()
            .first()
        )
        fields = ["closes_at", "reason", "granted_by_id"]
        if existing is None:
            extension = WindowExtension.objects.create(
                cycle=cycle, province=province, closes_at=closes_at, reason=reason, granted_by=actor
            )
            audit_record(
                actor=actor,
                action="windowextension.create",
                obj=extension,
                after=snapshot(extension, ["cycle_id", "province_id", *fields]),
                reason=reason,
                request=request,
            )
        else:
            before = snapshot(existing, fields)
            existing.closes_at, existing.reason, existing.granted_by = closes_at, reason, actor
            existing.save(update_fields=["closes_at", "reason", "granted_by"])
            extension = existing
            audit_record(
                actor=actor,
                action="windowextension.update",
                obj=extension,
                before=before,
                after=snapshot(extension, fields),
                reason=reason,
                request=request,
            )
        with translation.override(settings.LANGUAGE_CODE):
            link = reverse("portal:dashboard")
        notifications_send(
            users=list(selectors.officials_of(province)),
            message=lambda: (
                _("%(year)s年度推荐窗口已为%(province)s延期至 %(closes)s：%(reason)s")
                % {
                    "year": cycle.year,
                    "province": province.name,
                    "closes": date_format(timezone.localtime(closes_at), "Y-m-d H:i"),
                    "reason": reason,
                }
            ),
            link=link,
            event="window.extended",
        )
    return extension


# ---------------------------------------------------------------------------------------------------------------
# Reminders


def window_closing_reminders(*, now=None, within=None) -> int:
    """Tell each open cycle's officials and zone committees whose window closes within ``within`` (3 days).

    Run it daily (``manage.py remind_window_closing``); the rule 推荐窗口截止提醒 (mail.rules) may be turned off by
    staff. A user gets one notice per window close (the key: rule, cycle and province, closing date, user), so
    running it again, or more often, sends nothing twice. Returns the number of notices sent."""
    import datetime

    from mail.rules import WINDOW_CLOSING, fire_once, rule_enabled
    from zones.models import Province

    from ..models import CycleStatus

    if not rule_enabled(WINDOW_CLOSING):
        return 0
    now = now or timezone.now()
    within = within or datetime.timedelta(days=3)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        link = reverse("portal:dashboard")
    for cycle in Cycle.objects.filter(status=CycleStatus.NOMINATION):
        for province in Province.objects.filter(zones__isnull=False).distinct():
            opens, closes, _extension = window_for(cycle, province)
            if not (opens <= now <= closes and closes - now <= within):
                continue
            users = list(selectors.officials_of(province)) + [
                user
                for zone in province.zones.filter(is_active=True)
                for user in selectors.preparers_of(zone)
            ]
            due_on = timezone.localtime(closes).date()
            with transaction.atomic():
                fresh = [
                    user
                    for user in users
                    if fire_once(
                        rule=WINDOW_CLOSING,
                        object_key=f"cycle:{cycle.pk}:province:{province.pk}",
                        due_on=due_on,
                        step=0,
                        user=user,
                    )
                ]
                notifications_send(
                    users=fresh,
                    message=lambda cycle=cycle, closes=closes: (
                        _("%(year)s年度推荐窗口将于 %(closes)s 截止，请尽快完成推荐。")
                        % {"year": cycle.year, "closes": date_format(timezone.localtime(closes), "Y-m-d H:i")}
                    ),
                    link=link,
                    event="window.closing",
                )
            sent += len(fresh)
    return sent
