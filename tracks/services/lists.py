"""Key new-track park lists: build from a ranking, open public notice, publish an immutable version."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from audit.services import audit_record

from ..models import (
    ListEntry,
    ListScope,
    ListStatus,
    Nomination,
    NominationStatus,
    ObjectionStatus,
    ParkList,
    RankingSnapshot,
)
from .hashing import canonical_json, sha256_hex, sm3_hex
from .nominations import WorkflowError

CRITERION_COLUMNS = {
    "strategic": "score_strategic",
    "leading": "score_leading",
    "growth": "score_growth",
    "driving": "score_driving",
}


def _require_staff(actor):
    if not roles.is_programme_staff(actor):
        raise PermissionDenied(_("只有业务管理员可以管理榜单。"))


def _ranked_rows(snapshot: RankingSnapshot, scope: str, field_id: int, track_id: int | None) -> list[dict]:
    rank_key = "rank_in_track" if scope == ListScope.TRACK else "rank_in_field"
    rows = [
        row
        for row in snapshot.results["nominations"]
        if not row["flagged"]
        and row.get(rank_key) is not None
        and row["field"] == field_id
        and (scope == ListScope.FIELD or row["track"] == track_id)
    ]
    return sorted(rows, key=lambda row: row[rank_key])


def list_build(
    *,
    actor,
    snapshot: RankingSnapshot,
    field,
    track=None,
    top_n: int | None = None,
    min_score: Decimal | None = None,
    title: str = "",
) -> ParkList:
    """A draft list from a stored ranking, cut off at the top N and/or a minimum total."""
    _require_staff(actor)
    scope = ListScope.TRACK if track is not None else ListScope.FIELD
    rows = _ranked_rows(snapshot, scope, field.pk, track.pk if track else None)
    if min_score is not None:
        rows = [row for row in rows if Decimal(row["total"]) >= min_score]
    if top_n is not None:
        rows = rows[:top_n]
    if not rows:
        raise WorkflowError(_("按该条件没有可入榜的推荐项目。"), code="empty_list")
    cycle = snapshot.cycle
    with transaction.atomic():
        previous = (
            ParkList.objects.filter(cycle=cycle, scope=scope, field=field, track=track)
            .order_by("-version")
            .first()
        )
        park_list = ParkList.objects.create(
            cycle=cycle,
            scope=scope,
            field=field,
            track=track,
            version=(previous.version + 1) if previous else 1,
            title=title
            or _("%(year)s年度%(name)s重点新赛道园区榜单")
            % {"year": cycle.year, "name": (track or field).name},
            cutoff_top_n=top_n,
            cutoff_min_score=min_score,
            ranking=snapshot,
            supersedes=None,
        )
        nominations = Nomination.objects.in_bulk([row["id"] for row in rows])
        ListEntry.objects.bulk_create(
            [
                ListEntry(
                    park_list=park_list,
                    rank=position,
                    nomination_id=row["id"],
                    zone_id=nominations[row["id"]].zone_id,
                    province_id=nominations[row["id"]].province_id,
                    track_id=nominations[row["id"]].track_id,
                    total=Decimal(row["total"]),
                    **{column: Decimal(row["criteria"][code]) for code, column in CRITERION_COLUMNS.items()},
                )
                for position, row in enumerate(rows, start=1)
            ]
        )
        audit_record(actor=actor, action="list.build", obj=park_list, after={"entries": len(rows)})
    return park_list


def list_open_notice(*, actor, park_list: ParkList, starts_at: datetime.datetime | None = None) -> ParkList:
    """Put a draft list on public notice for the cycle's notice days."""
    _require_staff(actor)
    starts_at = starts_at or timezone.now()
    ends_at = starts_at + datetime.timedelta(days=park_list.cycle.notice_days)
    with transaction.atomic():
        changed = ParkList.objects.filter(pk=park_list.pk, status=ListStatus.DRAFT).update(
            status=ListStatus.NOTICE, notice_starts_at=starts_at, notice_ends_at=ends_at
        )
        if changed != 1:
            raise WorkflowError(_("只有草稿状态的榜单可以进入公示。"), code="invalid_state")
        park_list.refresh_from_db()
        audit_record(
            actor=actor,
            action="list.notice",
            obj=park_list,
            before={"status": ListStatus.DRAFT},
            after={"status": park_list.status, "notice_ends_at": ends_at},
        )
    return park_list


def list_content(park_list: ParkList) -> dict:
    """The canonical content a list's hashes cover: what it ranks and how, in a stable order."""
    entries = park_list.entries.select_related("zone", "province", "track").order_by("rank")
    return {
        "cycle": park_list.cycle.year,
        "scope": park_list.scope,
        "field": park_list.field.code,
        "track": park_list.track.name if park_list.track_id else None,
        "version": park_list.version,
        "entries": [
            {
                "rank": entry.rank,
                "nomination": entry.nomination_id,
                "zone": entry.zone.key,
                "zone_name": entry.zone.name,
                "province": entry.province.code,
                "track": entry.track.name,
                "total": f"{entry.total:.2f}",
                **{code: f"{getattr(entry, column):.2f}" for code, column in CRITERION_COLUMNS.items()},
            }
            for entry in entries
        ],
    }


def list_publish(*, actor, park_list: ParkList, now: datetime.datetime | None = None) -> ParkList:
    """Publish a list after its notice: stamp, hash and freeze it; mark its nominations listed."""
    _require_staff(actor)
    now = now or timezone.now()
    with transaction.atomic():
        current = (
            ParkList.objects.select_for_update(of=("self",))
            .select_related("cycle", "field", "track", "ranking")
            .order_by()
            .get(pk=park_list.pk)
        )
        if current.status != ListStatus.NOTICE:
            raise WorkflowError(_("只有公示中的榜单可以发布。"), code="invalid_state")
        if current.notice_ends_at and now < current.notice_ends_at:
            raise WorkflowError(
                _("公示期至 %(end)s 结束，结束前不能发布。")
                % {"end": timezone.localtime(current.notice_ends_at).strftime("%Y-%m-%d %H:%M")},
                code="notice_running",
            )
        if current.objections.filter(status=ObjectionStatus.PENDING).exists():
            raise WorkflowError(_("仍有未处理的异议，处理完毕后才能发布。"), code="objections_pending")
        content = canonical_json(list_content(current))
        changed = ParkList.objects.filter(pk=current.pk, status=ListStatus.NOTICE).update(
            status=ListStatus.PUBLISHED,
            published_at=now,
            published_by=actor,
            canonical_json=content,
            sha256=sha256_hex(content),
            sm3=sm3_hex(content),
            inputs=current.ranking.inputs if current.ranking_id else None,
        )
        if changed != 1:
            raise WorkflowError(_("该榜单刚被他人发布。"), code="race")
        listed = list(current.entries.values_list("nomination_id", flat=True))
        Nomination.objects.filter(pk__in=listed, status=NominationStatus.SCORED).update(
            status=NominationStatus.LISTED, status_changed_at=now
        )
        current.refresh_from_db()
        audit_record(
            actor=actor,
            action="list.publish",
            obj=current,
            before={"status": ListStatus.NOTICE},
            after={"status": current.status, "sha256": current.sha256, "sm3": current.sm3},
        )
    return current


def list_verify_hashes(park_list: ParkList) -> list[str]:
    """Differences between a published list's stored hashes/content and its entries (empty when it verifies)."""
    problems = []
    content = canonical_json(list_content(park_list))
    if content != park_list.canonical_json:
        problems.append(_("榜单条目与发布时的规范化数据不一致。"))
    if sha256_hex(park_list.canonical_json) != park_list.sha256:
        problems.append(_("SHA-256 与发布数据不符。"))
    if sm3_hex(park_list.canonical_json) != park_list.sm3:
        problems.append(_("SM3 与发布数据不符。"))
    return problems
