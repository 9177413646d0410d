"""Writes of the track catalogue: a province proposes a track, staff approve it or merge it into another.

The merge rule (``track_merge(source → target)``), in order, all in one transaction:

1. Nominations on the source move to the target. Where a zone then has two nominations of the target in the same
   cycle that are not withdrawn (the only thing the database's uniqueness forbids), one survives and the other is
   withdrawn with a reason through ``nomination_transition(action="withdraw_duplicate")`` — never deleted. The
   survivor is the one further along the workflow (accepted or later > submitted > returned > draft > rejected);
   on a tie the nomination that already named the target survives.
2. Library entries on the source move to the target. Where the zone already has a target entry, that entry
   survives: the source entry's nominations and its monitoring reports for years the survivor lacks move to it,
   the survivor takes the source's status if it had exited and the source had not, and the source entry exits
   with the reason (reports of a year both have stay on the exited entry, so nothing is lost).
3. The source's aliases move to the target, and the source's name becomes an alias of the target. Tracks merged
   into the source earlier now point at the target.
4. The source becomes ``merged`` with ``merged_into`` = target. Everything is audited; the provinces concerned
   get a notice.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import guards
from accounts.scope import Scope
from audit.services import audit_record

from .. import selectors
from ..models import (
    LibraryEntry,
    LibraryStatus,
    MonitoringReport,
    Nomination,
    NominationStatus,
    Track,
    TrackAlias,
    TrackStatus,
)
from .notifications import notification_send, notifications_send

# How far along the workflow a nomination is: the survivor of a duplicate is the higher.
_PROGRESS = {
    NominationStatus.REJECTED: 0,
    NominationStatus.DRAFT: 1,
    NominationStatus.RETURNED: 2,
    NominationStatus.SUBMITTED: 3,
    NominationStatus.ACCEPTED: 4,
    NominationStatus.IN_REVIEW: 4,
    NominationStatus.SCORED: 4,
    NominationStatus.LISTED: 4,
    NominationStatus.NOT_LISTED: 4,
}


def _require_staff(actor):
    guards.require_programme_staff(actor, _("只有业务管理员可以审核或合并新赛道。"))


def existing_track_named(name: str):
    """The track a name already belongs to (its own name or an alias), or None."""
    name = (name or "").strip()
    if not name:
        return None
    track = Track.objects.filter(name=name).first()
    if track is not None:
        return track
    alias = TrackAlias.objects.select_related("track").filter(name=name).first()
    return alias.track if alias is not None else None


def track_propose(*, actor, name: str, field, description: str = "", request=None) -> Track:
    """A province (official or zone) names a track the catalogue lacks; it waits as ``proposed`` for staff."""
    if not Scope.of(actor).is_portal_user:
        raise PermissionDenied(_("只有省级主管部门或高新区管委会可以提议新赛道。"))
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("请填写新赛道名称。")}, code="required")
    existing = existing_track_named(name)
    if existing is not None:
        if existing.status == TrackStatus.MERGED and existing.merged_into_id:
            existing = existing.merged_into
        raise ValidationError(
            {"name": _("已有新赛道「%(track)s」（含别名），请直接在列表中选择。") % {"track": existing.name}},
            code="exists",
        )
    track = Track(
        field=field, name=name, description=description, status=TrackStatus.PROPOSED, proposed_by=actor
    )
    with transaction.atomic():
        track.full_clean()
        track.save()
        audit_record(
            actor=actor,
            action="track.propose",
            obj=track,
            after={"name": track.name, "field_id": track.field_id, "status": track.status},
            request=request,
        )
    return track


def _tell_proposer(track: Track, message_factory):
    if track.proposed_by_id is None:
        return
    notification_send(user=track.proposed_by, message=message_factory, event="track.decided")


def track_approve(*, actor, track: Track, reason: str = "", request=None) -> Track:
    """Staff accept a proposed track into the catalogue as it is (edit its name or field first if needed)."""
    _require_staff(actor)
    with transaction.atomic():
        changed = Track.objects.filter(pk=track.pk, status=TrackStatus.PROPOSED).update(
            status=TrackStatus.ACTIVE
        )
        if changed != 1:
            raise ValidationError(
                _("「%(track)s」不是待审核的赛道，不能批准。") % {"track": track.name}, code="invalid_state"
            )
        track.refresh_from_db()
        audit_record(
            actor=actor,
            action="track.approve",
            obj=track,
            before={"status": TrackStatus.PROPOSED},
            after={"status": track.status},
            reason=reason,
            request=request,
        )
        _tell_proposer(track, lambda: _("您提议的新赛道「%(track)s」已审核通过。") % {"track": track.name})
    return track


def track_merge(*, actor, source: Track, target: Track, reason: str = "", request=None) -> Track:
    """Merge ``source`` into ``target`` (see the module's docstring for the rule). Returns the target."""
    from .nominations import nomination_transition

    _require_staff(actor)
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = {t.pk: t for t in Track.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
        source, target = locked.get(source.pk), locked.get(target.pk)
        if source is None or target is None:
            raise ValidationError(_("赛道不存在。"), code="missing")
        if source.pk == target.pk:
            raise ValidationError(_("赛道不能并入自身。"), code="self")
        if source.status == TrackStatus.MERGED:
            raise ValidationError(
                _("「%(track)s」已并入其他赛道。") % {"track": source.name}, code="already_merged"
            )
        if target.status != TrackStatus.ACTIVE:
            raise ValidationError(
                _("只能并入已启用的赛道，「%(track)s」当前为“%(status)s”。")
                % {"track": target.name, "status": target.get_status_display()},
                code="target_inactive",
            )
        note = reason or _("「%(source)s」并入「%(target)s」") % {
            "source": source.name,
            "target": target.name,
        }
        provinces = set()

        # 1. Nominations, resolving a zone that now has the target twice in one cycle.
        moving = list(
            Nomination.objects.select_related("cycle", "zone", "track", "province")
            .filter(track=source)
            .exclude(status=NominationStatus.WITHDRAWN)
            .order_by("pk")
        )
        for nomination in moving:
            provinces.add(nomination.province_id)
            twin = (
                Nomination.objects.select_related("cycle", "zone", "track", "province")
                .filter(cycle_id=nomination.cycle_id, zone_id=nomination.zone_id, track=target)
                .exclude(status=NominationStatus.WITHDRAWN)
                .first()
            )
            if twin is None:
                continue
            source_wins = _PROGRESS[nomination.status] > _PROGRESS[twin.status]
            loser, survivor = (twin, nomination) if source_wins else (nomination, twin)
            nomination_transition(
                actor=actor,
                nomination=loser,
                action="withdraw_duplicate",
                reason=_("赛道合并（%(note)s）后与同一高新区本批次的推荐 #%(survivor)s 重复，予以撤回。")
                % {"note": note, "survivor": survivor.pk},
                request=request,
            )
        for nomination in Nomination.objects.filter(track=source).order_by("pk"):
            Nomination.objects.filter(pk=nomination.pk).update(track=target)
            provinces.add(nomination.province_id)
            audit_record(
                actor=actor,
                action="nomination.track_merge",
                obj=nomination,
                before={"track_id": source.pk},
                after={"track_id": target.pk},
                reason=note,
                request=request,
            )

        # 2. Library entries.
        for entry in LibraryEntry.objects.select_related("zone").filter(track=source).order_by("pk"):
            survivor = LibraryEntry.objects.filter(zone_id=entry.zone_id, track=target).first()
            if survivor is None:
                LibraryEntry.objects.filter(pk=entry.pk).update(track=target)
                audit_record(
                    actor=actor,
                    action="libraryentry.track_merge",
                    obj=entry,
                    before={"track_id": source.pk},
                    after={"track_id": target.pk},
                    reason=note,
                    request=request,
                )
                continue
            _merge_entry(
                actor=actor, entry=entry, survivor=survivor, source=source, note=note, request=request
            )

        # 3. Aliases: the source's move, its name becomes one, earlier merges point at the target.
        alias_ids = list(TrackAlias.objects.filter(track=source).values_list("pk", flat=True))
        TrackAlias.objects.filter(pk__in=alias_ids).update(track=target)
        if not TrackAlias.objects.filter(name=source.name).exists():
            TrackAlias.objects.create(track=target, name=source.name)
        earlier = list(Track.objects.filter(merged_into=source).values_list("pk", flat=True))
        Track.objects.filter(pk__in=earlier).update(merged_into=target)

        # 4. The source itself. Its own name is now the target's alias; the Track keeps its row and name.
        Track.objects.filter(pk=source.pk).update(status=TrackStatus.MERGED, merged_into=target)
        audit_record(
            actor=actor,
            action="track.merge",
            obj=source,
            before={"status": source.status, "merged_into_id": None},
            after={
                "status": TrackStatus.MERGED,
                "merged_into_id": target.pk,
                "aliases_moved": alias_ids,
                "tracks_repointed": earlier,
            },
            reason=note,
            request=request,
        )
        source.refresh_from_db()

        def message():
            return _("新赛道「%(source)s」已并入「%(target)s」，相关推荐和培育库条目已随之调整。") % {
                "source": source.name,
                "target": target.name,
            }

        users = {}
        for province_id in provinces:
            for user in selectors.officials_of(province_id):
                users[user.pk] = user
        if source.proposed_by_id is not None:
            users[source.proposed_by_id] = source.proposed_by
        notifications_send(users=list(users.values()), message=message, event="track.merged")
    return target


def _merge_entry(*, actor, entry: LibraryEntry, survivor: LibraryEntry, source: Track, note: str, request):
    """Fold the source's library entry of a zone into the zone's entry of the target track."""
    years_kept = set(MonitoringReport.objects.filter(entry=survivor).values_list("year", flat=True))
    moved_reports = list(
        MonitoringReport.objects.filter(entry=entry).exclude(year__in=years_kept).values_list("pk", flat=True)
    )
    MonitoringReport.objects.filter(pk__in=moved_reports).update(entry=survivor)
    moved_nominations = list(Nomination.objects.filter(library_entry=entry).values_list("pk", flat=True))
    Nomination.objects.filter(pk__in=moved_nominations).update(library_entry=survivor)
    now = timezone.now()
    if survivor.status == LibraryStatus.EXITED and entry.status in LibraryStatus.LIVE:
        before = {"status": survivor.status, "exit_reason": survivor.exit_reason}
        LibraryEntry.objects.filter(pk=survivor.pk).update(
            status=entry.status, exit_reason="", status_changed_at=now
        )
        audit_record(
            actor=actor,
            action="libraryentry.update",
            obj=survivor,
            before=before,
            after={"status": entry.status, "exit_reason": ""},
            reason=note,
            request=request,
        )
    exit_reason = _("赛道合并：并入同一高新区的培育库条目 #%(survivor)s（%(note)s）。") % {
        "survivor": survivor.pk,
        "note": note,
    }
    before = {"status": entry.status, "exit_reason": entry.exit_reason, "track_id": source.pk}
    LibraryEntry.objects.filter(pk=entry.pk).update(
        status=LibraryStatus.EXITED, exit_reason=exit_reason, status_changed_at=now
    )
    audit_record(
        actor=actor,
        action="libraryentry.merge",
        obj=entry,
        before=before,
        after={
            "status": LibraryStatus.EXITED,
            "exit_reason": exit_reason,
            "merged_into_entry": survivor.pk,
            "reports_moved": moved_reports,
            "nominations_moved": moved_nominations,
        },
        reason=note,
        request=request,
    )
