"""Key new-track park lists: build from a ranking, public notice and objections, publish, correct, verify.

The life of a list (domain.md, Publication):

* ``list_preview`` / ``list_build``: the rows a ranking snapshot gives a track or a field under a cut-off (top N
  and/or a minimum total), as a draft.
* ``list_open_notice``: the draft goes on public notice (公示) for the cycle's notice days.
* ``objection_file`` (anyone, during notice, signed) and ``objection_resolve`` (staff: upheld / dismissed).
* ``list_publish``: after the notice, with no objection pending, the list is stamped, hashed (SHA-256 and SM3 over
  ``canonical_json(list_content(list))``) and frozen, with the ranking inputs it was computed from.
* ``list_correct``: the only way to change what a published list says. It publishes a new version, rebuilt from a
  ranking snapshot (the list's own or a newer one) under the same cut-off, optionally without some nominations,
  and marks the old version superseded: the only code that sets that mark. ``list_changes`` is the change log.
* ``list_verify``: hashes match the entries; ``rank_inputs`` over the stored inputs reproduces the entries exactly;
  the live scores still equal those inputs (for a superseded version a difference is only a warning: the version
  that corrected it answers for the scores as they are now).

Inputs stored with a list are the ranking snapshot's inputs unchanged; a correction that leaves nominations out
adds their ids under ``"list_exclusions"`` (``rank_inputs`` ignores unknown keys), so that verifying re-derives the
corrected list as well.
"""

import datetime
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from audit.services import audit_record

from ..models import (
    FROZEN_LIST_STATUSES,
    ListEntry,
    ListScope,
    ListStatus,
    Nomination,
    NominationStatus,
    Objection,
    ObjectionStatus,
    ParkList,
    RankingSnapshot,
)
from .hashing import canonical_json, sha256_hex, sm3_hex
from .nominations import WorkflowError
from .public_cache import forget_public_state
from .ranking import collect_inputs, rank_inputs

CRITERION_COLUMNS = {
    "strategic": "score_strategic",
    "leading": "score_leading",
    "growth": "score_growth",
    "driving": "score_driving",
}
EXCLUSIONS_KEY = "list_exclusions"
# Keys of the canonical content that carry names (which staff may correct later), not identities.
NAME_KEYS = ("zone_name", "track")

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# Evidence an objector may attach, recognised by its first bytes, never by its name or declared type.
EVIDENCE_SIGNATURES = [
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
]


def _require_staff(actor):
    if not roles.is_programme_staff(actor):
        raise PermissionDenied(_("只有业务管理员可以管理榜单。"))


# ---------------------------------------------------------------------------------------------------------------
# Selecting the rows of a list from a ranking (pure)


def select_rows(
    results: dict,
    *,
    scope: str,
    field_id: int,
    track_id: int | None,
    top_n: int | None = None,
    min_score: Decimal | None = None,
    exclude=(),
) -> list[dict]:
    """The ranking rows a list takes, in order: ranked in its track (or field), at least ``min_score``, not
    excluded, then the first ``top_n``. A pure function of the ranking results, so a list can be re-derived."""
    rank_key = "rank_in_track" if scope == ListScope.TRACK else "rank_in_field"
    excluded = set(exclude)
    rows = [
        row
        for row in results["nominations"]
        if not row["flagged"]
        and row.get(rank_key) is not None
        and row["field"] == field_id
        and (scope == ListScope.FIELD or row["track"] == track_id)
        and row["id"] not in excluded
    ]
    rows.sort(key=lambda row: row[rank_key])
    if min_score is not None:
        rows = [row for row in rows if Decimal(row["total"]) >= Decimal(min_score)]
    if top_n is not None:
        rows = rows[:top_n]
    return rows


@dataclass
class PreviewRow:
    rank: int
    nomination: Nomination
    total: Decimal
    scores: dict


def list_preview(
    *, snapshot: RankingSnapshot, field, track=None, top_n=None, min_score=None, exclude=()
) -> list[PreviewRow]:
    """What ``list_build`` would put on the list, without writing anything (for the staff preview)."""
    scope = ListScope.TRACK if track is not None else ListScope.FIELD
    rows = select_rows(
        snapshot.results,
        scope=scope,
        field_id=field.pk,
        track_id=track.pk if track else None,
        top_n=top_n,
        min_score=min_score,
        exclude=exclude,
    )
    nominations = Nomination.objects.select_related("zone", "province", "track").in_bulk(
        [row["id"] for row in rows]
    )
    return [
        PreviewRow(
            rank=position,
            nomination=nominations[row["id"]],
            total=Decimal(row["total"]),
            scores={code: Decimal(row["criteria"][code]) for code in CRITERION_COLUMNS},
        )
        for position, row in enumerate(rows, start=1)
    ]


def _entries_from_rows(park_list: ParkList, rows: list[dict]) -> list[ListEntry]:
    nominations = Nomination.objects.in_bulk([row["id"] for row in rows])
    return [
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
    if track is not None and track.field_id != field.pk:
        raise WorkflowError(_("所选赛道不属于该领域。"), code="track_field")
    if top_n is None and min_score is None:
        raise WorkflowError(_("请设置入榜名额（前N名）或最低总分。"), code="no_cutoff")
    scope = ListScope.TRACK if track is not None else ListScope.FIELD
    rows = select_rows(
        snapshot.results,
        scope=scope,
        field_id=field.pk,
        track_id=track.pk if track else None,
        top_n=top_n,
        min_score=min_score,
    )
    if not rows:
        raise WorkflowError(_("按该条件没有可入榜的推荐项目。"), code="empty_list")
    cycle = snapshot.cycle
    with transaction.atomic():
        previous = (
            ParkList.objects.filter(cycle=cycle, scope=scope, field=field, track=track)
            .order_by("-version")
            .first()
        )
        if previous is not None and previous.status in (ListStatus.NOTICE, ListStatus.PUBLISHED):
            raise WorkflowError(
                _("该范围本批次已有公示中或已发布的榜单；已发布的榜单只能通过更正发布新版本。"),
                code="exists",
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
        ListEntry.objects.bulk_create(_entries_from_rows(park_list, rows))
        audit_record(
            actor=actor,
            action="list.build",
            obj=park_list,
            after={"entries": len(rows), "top_n": top_n, "min_score": min_score, "ranking": snapshot.pk},
        )
    return park_list


def list_recut(*, actor, park_list: ParkList) -> ParkList:
    """Rebuild a draft's entries after staff changed its cut-off, from the same ranking snapshot, so the entries
    always follow the list's own rule (and a later verification reproduces them)."""
    _require_staff(actor)
    with transaction.atomic():
        current = (
            ParkList.objects.select_for_update(of=("self",))
            .select_related("ranking")
            .order_by()
            .get(pk=park_list.pk)
        )
        if current.status != ListStatus.DRAFT:
            raise WorkflowError(_("只有草稿可以调整入榜规则。"), code="invalid_state")
        if current.ranking is None:
            raise WorkflowError(_("该榜单没有排名快照，无法按新规则重新生成。"), code="no_ranking")
        if current.cutoff_top_n is None and current.cutoff_min_score is None:
            raise WorkflowError(_("请设置入榜名额（前N名）或最低总分。"), code="no_cutoff")
        rows = select_rows(
            current.ranking.results,
            scope=current.scope,
            field_id=current.field_id,
            track_id=current.track_id,
            top_n=current.cutoff_top_n,
            min_score=current.cutoff_min_score,
        )
        if not rows:
            raise WorkflowError(_("按该条件没有可入榜的推荐项目。"), code="empty_list")
        before = current.entries.count()
        current.entries.all().delete()
        ListEntry.objects.bulk_create(_entries_from_rows(current, rows))
        audit_record(
            actor=actor,
            action="list.recut",
            obj=current,
            before={"entries": before},
            after={
                "entries": len(rows),
                "top_n": current.cutoff_top_n,
                "min_score": current.cutoff_min_score,
            },
        )
    return current


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
        forget_public_state(park_list.pk)
        park_list.refresh_from_db()
        audit_record(
            actor=actor,
            action="list.notice",
            obj=park_list,
            before={"status": ListStatus.DRAFT},
            after={"status": park_list.status, "notice_starts_at": starts_at, "notice_ends_at": ends_at},
        )
    return park_list


def notice_is_open(park_list: ParkList, now: datetime.datetime | None = None) -> bool:
    """Whether objections are taken now: the list is on notice and inside its notice period."""
    now = now or timezone.now()
    return (
        park_list.status == ListStatus.NOTICE
        and park_list.notice_starts_at is not None
        and park_list.notice_starts_at <= now
        and (park_list.notice_ends_at is None or now < park_list.notice_ends_at)
    )


# ---------------------------------------------------------------------------------------------------------------
# Canonical content and publication


def list_content(park_list: ParkList) -> dict:
    """The canonical content a list's hashes cover: what it ranks and how, in a stable order."""
    entries = park_list.entries.select_related("zone", "province", "track").order_by("rank")
    return {
        "cycle": park_list.cycle.year,
        "scope": park_list.scope,
        "field": park_list.field.code,
        "track_id": park_list.track_id,
        "track": park_list.track.name if park_list.track_id else None,
        "version": park_list.version,
        "entries": [
            {
                "rank": entry.rank,
                "nomination": entry.nomination_id,
                "zone": entry.zone.key,
                "zone_name": entry.zone.name,
                "province": entry.province.code,
                "track_id": entry.track_id,
                "track": entry.track.name,
                "total": f"{entry.total:.2f}",
                **{code: f"{getattr(entry, column):.2f}" for code, column in CRITERION_COLUMNS.items()},
            }
            for entry in entries
        ],
    }


def _sync_library(*, actor, listed_pairs, unlisted_pairs=()):
    from .library import library_mark_key, library_unmark_key

    library_mark_key(actor=actor, pairs=listed_pairs)
    if unlisted_pairs:
        library_unmark_key(actor=actor, pairs=unlisted_pairs)


def _stamp_values(park_list: ParkList, *, actor, now, inputs) -> dict:
    content = canonical_json(list_content(park_list))
    return {
        "published_at": now,
        "published_by": actor,
        "canonical_json": content,
        "sha256": sha256_hex(content),
        "sm3": sm3_hex(content),
        "inputs": inputs,
    }


def _mark_nominations(park_list: ParkList, *, listed, now):
    """Nominations on the list become 已入榜; scored ones of its track (or field) left off it, 未入榜."""
    Nomination.objects.filter(
        pk__in=listed, status__in=[NominationStatus.SCORED, NominationStatus.NOT_LISTED]
    ).update(status=NominationStatus.LISTED, status_changed_at=now)
    in_scope = Nomination.objects.filter(cycle_id=park_list.cycle_id, status=NominationStatus.SCORED)
    if park_list.scope == ListScope.TRACK:
        in_scope = in_scope.filter(track_id=park_list.track_id)
    else:
        in_scope = in_scope.filter(track__field_id=park_list.field_id)
    in_scope.exclude(pk__in=listed).update(status=NominationStatus.NOT_LISTED, status_changed_at=now)


def _follows_its_rule(park_list: ParkList) -> bool:
    """Whether a list's entries are exactly what its ranking gives under its cut-off (what verification checks)."""
    rows = select_rows(
        park_list.ranking.results,
        scope=park_list.scope,
        field_id=park_list.field_id,
        track_id=park_list.track_id,
        top_n=park_list.cutoff_top_n,
        min_score=park_list.cutoff_min_score,
        exclude=(park_list.inputs or {}).get(EXCLUSIONS_KEY, []),
    )
    stored = list(park_list.entries.order_by("rank").values_list("rank", "nomination_id", "total"))
    return stored == [(n, row["id"], Decimal(row["total"])) for n, row in enumerate(rows, start=1)]


def _locked_list(pk: int, expected: str, refusal: str) -> ParkList:
    """The list, locked for the rest of the transaction, when it is in the expected state; refused otherwise."""
    current = (
        ParkList.objects.select_for_update(of=("self",))
        .select_related("cycle", "field", "track", "ranking")
        .order_by()
        .get(pk=pk)
    )
    if current.status != expected:
        raise WorkflowError(refusal, code="invalid_state")
    return current


def list_publish(*, actor, park_list: ParkList, now: datetime.datetime | None = None) -> ParkList:
    """Publish a list after its notice: stamp, hash and freeze it; mark its nominations listed and its library
    entries 重点."""
    _require_staff(actor)
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked_list(park_list.pk, ListStatus.NOTICE, _("只有公示中的榜单可以发布。"))
        if current.notice_ends_at and now < current.notice_ends_at:
            raise WorkflowError(
                _("公示期至 %(end)s 结束，结束前不能发布。")
                % {"end": timezone.localtime(current.notice_ends_at).strftime("%Y-%m-%d %H:%M")},
                code="notice_running",
            )
        if current.objections.filter(status=ObjectionStatus.PENDING).exists():
            raise WorkflowError(_("仍有未处理的异议，处理完毕后才能发布。"), code="objections_pending")
        if current.ranking_id and not _follows_its_rule(current):
            raise WorkflowError(
                _("榜单条目与其排名快照和入榜规则不一致，请重新生成后再发布。"), code="entries_off_rule"
            )
        stamp = _stamp_values(
            current, actor=actor, now=now, inputs=current.ranking.inputs if current.ranking_id else None
        )
        changed = ParkList.objects.filter(pk=current.pk, status=ListStatus.NOTICE).update(
            status=ListStatus.PUBLISHED, **stamp
        )
        if changed != 1:
            raise WorkflowError(_("该榜单刚被他人发布。"), code="race")
        forget_public_state(current.pk)
        entries = list(current.entries.values_list("nomination_id", "zone_id", "track_id"))
        _mark_nominations(current, listed=[e[0] for e in entries], now=now)
        current.refresh_from_db()
        audit_record(
            actor=actor,
            action="list.publish",
            obj=current,
            before={"status": ListStatus.NOTICE},
            after={"status": current.status, "sha256": current.sha256, "sm3": current.sm3},
        )
        _sync_library(actor=actor, listed_pairs=[(zone, track) for _n, zone, track in entries])
    return current


def list_correct(
    *,
    actor,
    park_list: ParkList,
    note: str,
    snapshot: RankingSnapshot | None = None,
    exclude_nominations=(),
    title: str = "",
    now: datetime.datetime | None = None,
) -> ParkList:
    """Publish a corrected version of a published list and mark the old one superseded.

    The new version is rebuilt from ``snapshot`` (a newer ranking of the cycle, e.g. after a score was reopened and
    resubmitted; by default the list's own ranking) under the same cut-off, leaving out ``exclude_nominations``
    (e.g. after an objection was upheld) on top of those the old version already left out. ``note`` explains the
    correction to the public. The new version is published at once, with its own stamp, hashes and inputs.
    """
    _require_staff(actor)
    note = (note or "").strip()
    if not note:
        raise WorkflowError(_("请填写更正说明，它将与更正版本一同公开。"), code="note_required")
    now = now or timezone.now()
    with transaction.atomic():
        old = _locked_list(park_list.pk, ListStatus.PUBLISHED, _("只有现行的已发布榜单可以更正。"))
        snapshot = snapshot or old.ranking
        if snapshot is None:
            raise WorkflowError(_("该榜单没有排名快照，无法重新生成。"), code="no_ranking")
        if snapshot.cycle_id != old.cycle_id:
            raise WorkflowError(_("排名快照不属于该榜单的年度批次。"), code="wrong_cycle")
        previous_exclusions = (old.inputs or {}).get(EXCLUSIONS_KEY, [])
        exclusions = sorted({*previous_exclusions, *(int(pk) for pk in exclude_nominations)})
        rows = select_rows(
            snapshot.results,
            scope=old.scope,
            field_id=old.field_id,
            track_id=old.track_id,
            top_n=old.cutoff_top_n,
            min_score=old.cutoff_min_score,
            exclude=exclusions,
        )
        if not rows:
            raise WorkflowError(_("更正后榜单没有条目。"), code="empty_list")
        # The superseded mark first: one published version per track (or field) at any time.
        old._superseding = True
        old.status = ListStatus.SUPERSEDED
        old.superseded_at = now
        old.save(update_fields=["status", "superseded_at"])  # forgets the public state (post_save)
        new = ParkList.objects.create(
            cycle=old.cycle,
            scope=old.scope,
            field=old.field,
            track=old.track,
            version=ParkList.objects.filter(
                cycle=old.cycle, scope=old.scope, field=old.field, track=old.track
            )
            .order_by("-version")[0]
            .version
            + 1,
            title=title or old.title,
            status=ListStatus.DRAFT,
            cutoff_top_n=old.cutoff_top_n,
            cutoff_min_score=old.cutoff_min_score,
            ranking=snapshot,
            supersedes=old,
            correction_note=note,
            notice_starts_at=old.notice_starts_at,
            notice_ends_at=old.notice_ends_at,
        )
        ListEntry.objects.bulk_create(_entries_from_rows(new, rows))
        inputs = dict(snapshot.inputs)
        if exclusions:
            inputs[EXCLUSIONS_KEY] = exclusions
        stamp = _stamp_values(new, actor=actor, now=now, inputs=inputs)
        ParkList.objects.filter(pk=new.pk, status=ListStatus.DRAFT).update(
            status=ListStatus.PUBLISHED, **stamp
        )
        new.refresh_from_db()

        old_pairs = set(old.entries.values_list("nomination_id", "zone_id", "track_id"))
        new_pairs = set(new.entries.values_list("nomination_id", "zone_id", "track_id"))
        dropped = old_pairs - new_pairs
        Nomination.objects.filter(
            pk__in=[n for n, _z, _t in dropped], status=NominationStatus.LISTED
        ).exclude(
            list_entries__park_list__status=ListStatus.PUBLISHED  # still on another current list
        ).update(status=NominationStatus.NOT_LISTED, status_changed_at=now)
        _mark_nominations(new, listed=[n for n, _z, _t in new_pairs], now=now)
        changes = list_changes(new)
        audit_record(
            actor=actor,
            action="list.correct",
            obj=new,
            before={"supersedes": old.pk, "version": old.version, "sha256": old.sha256},
            after={
                "version": new.version,
                "sha256": new.sha256,
                "sm3": new.sm3,
                "exclusions": exclusions,
                "ranking": snapshot.pk,
                "changes": [change.as_dict() for change in changes],
            },
            reason=note,
        )
        audit_record(
            actor=actor,
            action="list.supersede",
            obj=old,
            before={"status": ListStatus.PUBLISHED},
            after={"status": ListStatus.SUPERSEDED, "superseded_at": now, "superseded_by": new.pk},
            reason=note,
        )
        _sync_library(
            actor=actor,
            listed_pairs=[(z, t) for _n, z, t in new_pairs],
            unlisted_pairs=[(z, t) for _n, z, t in dropped],
        )
    return new


# ---------------------------------------------------------------------------------------------------------------
# The change log of a correction (computed from the two immutable versions)


@dataclass
class Change:
    kind: str  # added | removed | moved | rescored
    zone: object
    old_rank: int | None = None
    new_rank: int | None = None
    old_total: Decimal | None = None
    new_total: Decimal | None = None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "zone": self.zone.key,
            "old_rank": self.old_rank,
            "new_rank": self.new_rank,
            "old_total": None if self.old_total is None else f"{self.old_total:.2f}",
            "new_total": None if self.new_total is None else f"{self.new_total:.2f}",
        }


def _change_rows(park_list_id: int) -> dict:
    return {
        entry.nomination_id: entry
        for entry in ListEntry.objects.filter(park_list_id=park_list_id).select_related("zone")
    }


def list_changes(park_list: ParkList) -> list[Change]:
    """What a correction version changed against the version it supersedes: zones added, removed, moved or
    rescored, in the new order (removed ones last). Empty for a first version. Two queries."""
    if not park_list.supersedes_id:
        return []
    old = _change_rows(park_list.supersedes_id)
    new = _change_rows(park_list.pk)
    changes = []
    for nomination_id, entry in sorted(new.items(), key=lambda item: item[1].rank):
        before = old.get(nomination_id)
        if before is None:
            changes.append(Change("added", entry.zone, new_rank=entry.rank, new_total=entry.total))
        elif before.total != entry.total or any(
            getattr(before, column) != getattr(entry, column) for column in CRITERION_COLUMNS.values()
        ):
            changes.append(
                Change(
                    "rescored",
                    entry.zone,
                    old_rank=before.rank,
                    new_rank=entry.rank,
                    old_total=before.total,
                    new_total=entry.total,
                )
            )
        elif before.rank != entry.rank:
            changes.append(
                Change(
                    "moved",
                    entry.zone,
                    old_rank=before.rank,
                    new_rank=entry.rank,
                    old_total=before.total,
                    new_total=entry.total,
                )
            )
    for nomination_id, entry in sorted(old.items(), key=lambda item: item[1].rank):
        if nomination_id not in new:
            changes.append(Change("removed", entry.zone, old_rank=entry.rank, old_total=entry.total))
    return changes


# ---------------------------------------------------------------------------------------------------------------
# Verification


def _without_names(content: dict) -> dict:
    stripped = {key: value for key, value in content.items() if key not in NAME_KEYS}
    stripped["entries"] = [
        {key: value for key, value in entry.items() if key not in NAME_KEYS}
        for entry in content.get("entries", [])
    ]
    return stripped


def list_verify_hashes(park_list: ParkList, warnings: list | None = None) -> list[str]:
    """Differences between a published list's stored hashes/content and its entries (empty when it verifies).

    Names (of zones and tracks) may be corrected in the catalogue after publication without the list changing;
    such a difference is reported in ``warnings`` (when given), not as a failure.
    """
    problems = []
    live = list_content(park_list)
    content = canonical_json(live)
    if content != park_list.canonical_json:
        try:
            stored = json.loads(park_list.canonical_json or "{}")
        except ValueError:
            stored = {}
        if stored and _without_names(stored) == _without_names(live):
            if warnings is not None:
                warnings.append(_("高新区或赛道名称在发布后有修订；榜单条目本身未变。"))
        else:
            problems.append(_("榜单条目与发布时的规范化数据不一致。"))
    if sha256_hex(park_list.canonical_json) != park_list.sha256:
        problems.append(_("SHA-256 与发布数据不符。"))
    if sm3_hex(park_list.canonical_json) != park_list.sm3:
        problems.append(_("SM3 与发布数据不符。"))
    return problems


def _fmt(value) -> str:
    return "—" if value is None else str(value)


def _verify_reproduction(park_list: ParkList, inputs: dict) -> list[str]:
    problems = []
    try:
        results = rank_inputs(inputs)
    except (KeyError, TypeError, ValueError) as error:
        return [_("无法根据存储的计算输入重新计算排名：%(error)s") % {"error": error}]
    rows = select_rows(
        results,
        scope=park_list.scope,
        field_id=park_list.field_id,
        track_id=park_list.track_id,
        top_n=park_list.cutoff_top_n,
        min_score=park_list.cutoff_min_score,
        exclude=inputs.get(EXCLUSIONS_KEY, []),
    )
    nominations = {n["id"]: n for n in inputs.get("nominations", [])}
    entries = list(park_list.entries.order_by("rank"))
    if len(rows) != len(entries):
        problems.append(
            _("重新计算得到 %(computed)s 个条目，榜单有 %(stored)s 个。")
            % {"computed": len(rows), "stored": len(entries)}
        )
    for position, (row, entry) in enumerate(zip(rows, entries, strict=False), start=1):
        source = nominations.get(row["id"], {})
        expected = {
            _("名次"): (position, entry.rank),
            _("推荐项目"): (row["id"], entry.nomination_id),
            _("高新区"): (source.get("zone"), entry.zone_id),
            _("省份"): (source.get("province"), entry.province_id),
            _("赛道"): (source.get("track"), entry.track_id),
            _("总分"): (row["total"], f"{entry.total:.2f}"),
            **{
                code: (row["criteria"].get(code), f"{getattr(entry, column):.2f}")
                for code, column in CRITERION_COLUMNS.items()
            },
        }
        for label, (computed, stored) in expected.items():
            if computed != stored:
                problems.append(
                    _("第%(rank)s名 %(what)s：重新计算为 %(computed)s，榜单为 %(stored)s。")
                    % {"rank": entry.rank, "what": label, "computed": _fmt(computed), "stored": _fmt(stored)}
                )
    return problems


def _verify_live(park_list: ParkList, inputs: dict) -> list[str]:
    """The scores (and criteria, nominations) the list was computed from, compared with the database now.

    Without normalisation only the list's own track (or field) matters; with it, every score of the cycle does
    (a reviewer's scores elsewhere move their standardisation)."""
    problems = []
    live = collect_inputs(park_list.cycle)
    if live["criteria"] != inputs.get("criteria"):
        problems.append(_("该批次评价维度（权重或满分）与榜单计算输入不一致。"))
    if bool(live["normalise"]) != bool(inputs.get("normalise")):
        problems.append(_("该批次的评分标准化设置与榜单计算输入不一致。"))

    def in_scope(nomination: dict) -> bool:
        if inputs.get("normalise"):
            return True
        if park_list.scope == ListScope.TRACK:
            return nomination["track"] == park_list.track_id
        return nomination["field"] == park_list.field_id

    stored_nominations = {n["id"]: n for n in inputs.get("nominations", []) if in_scope(n)}
    live_nominations = {n["id"]: n for n in live["nominations"] if in_scope(n)}
    for pk in sorted(stored_nominations.keys() - live_nominations.keys()):
        problems.append(_("推荐项目 #%(id)s 已不在评审结果中（状态已变化）。") % {"id": pk})
    for pk in sorted(live_nominations.keys() - stored_nominations.keys()):
        problems.append(_("推荐项目 #%(id)s 是计算后新进入评审结果的。") % {"id": pk})
    for pk in sorted(stored_nominations.keys() & live_nominations.keys()):
        if stored_nominations[pk] != live_nominations[pk]:
            problems.append(_("推荐项目 #%(id)s 的基本信息或最终提交时间已变化。") % {"id": pk})

    def scores(source):
        return {
            (s["nomination"], s["reviewer"], s["criterion"]): s["value"]
            for s in source.get("scores", [])
            if s["nomination"] in stored_nominations or s["nomination"] in live_nominations
        }

    stored_scores, live_scores = scores(inputs), scores(live)
    for key in sorted(stored_scores.keys() | live_scores.keys()):
        before, now = stored_scores.get(key), live_scores.get(key)
        if before == now:
            continue
        nomination, reviewer, criterion = key
        problems.append(
            _(
                "推荐项目 #%(nomination)s 专家 #%(reviewer)s 的%(criterion)s评分：榜单输入为 %(before)s，当前为 %(now)s。"
            )
            % {
                "nomination": nomination,
                "reviewer": reviewer,
                "criterion": criterion,
                "before": _fmt(before),
                "now": _fmt(now),
            }
        )
    return problems


@dataclass
class Verification:
    hashes: list
    reproduction: list
    live: list
    warnings: list

    @property
    def problems(self) -> list[str]:
        return [*self.hashes, *self.reproduction, *self.live]

    @property
    def ok(self) -> bool:
        return not self.problems


def list_verify(park_list: ParkList) -> Verification:
    """The three checks of ``manage.py verify_list``; a list verifies when ``.problems`` is empty."""
    warnings: list[str] = []
    if park_list.status not in FROZEN_LIST_STATUSES:
        return Verification([_("该榜单尚未发布，没有可校验的发布数据。")], [], [], warnings)
    hashes = list_verify_hashes(park_list, warnings)
    inputs = park_list.inputs
    if not inputs:
        return Verification(hashes, [_("该榜单没有存储计算输入，无法重新计算。")], [], warnings)
    live = _verify_live(park_list, inputs)
    if live and park_list.status == ListStatus.SUPERSEDED:
        # History: a later version answers for the scores as they are now; this one keeps what it was built from.
        warnings.append(
            _("该版本已被更正，当前评分与其计算输入有 %(n)s 处不同，以更正后的版本为准。") % {"n": len(live)}
        )
        live = []
    return Verification(hashes, _verify_reproduction(park_list, inputs), live, warnings)


# ---------------------------------------------------------------------------------------------------------------
# Objections (异议)


def _receipt_number(now: datetime.datetime) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone
    tail = "".join(secrets.choice(alphabet) for _i in range(8))
    return f"YY{timezone.localtime(now):%Y%m%d}-{tail}"


def evidence_check(upload) -> tuple[str, str]:
    """(extension, content type) of an evidence file recognised by its first bytes; refuses anything else."""
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("证明材料不能超过10MB。"), code="too_large")
    if upload.size == 0:
        raise ValidationError(_("证明材料是空文件。"), code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, extension, content_type in EVIDENCE_SIGNATURES:
        if head.startswith(signature):
            return extension, content_type
    raise ValidationError(_("证明材料只接受 PDF、JPG 或 PNG 文件。"), code="file_type")


def objection_file(
    *,
    park_list: ParkList,
    name: str,
    organisation: str,
    contact: str,
    statement: str,
    entry: ListEntry | None = None,
    evidence=None,
    request=None,
    now: datetime.datetime | None = None,
) -> Objection:
    """A signed objection to a list on notice. Anyone may file one during the notice period; it is stored, never
    shown publicly, and must be resolved by staff before the list can be published."""
    now = now or timezone.now()
    with transaction.atomic():
        current = ParkList.objects.select_for_update(of=("self",)).order_by().get(pk=park_list.pk)
        if not notice_is_open(current, now):
            raise WorkflowError(_("该榜单不在公示期内，不能提出异议。"), code="notice_closed")
        if entry is not None and entry.park_list_id != current.pk:
            raise WorkflowError(_("所选条目不属于该榜单。"), code="wrong_entry")
        if evidence is not None:
            evidence_check(evidence)
        objection = Objection(
            park_list=current,
            entry=entry,
            receipt_number=_receipt_number(now),
            name=name.strip(),
            organisation=organisation.strip(),
            contact=contact.strip(),
            statement=statement.strip(),
            evidence_name=(getattr(evidence, "name", "") or "")[:255] if evidence is not None else "",
        )
        if evidence is not None:
            # Stored under the receipt number (upload_to ignores the sender's file name), in private storage.
            objection.evidence.save(objection.receipt_number, evidence, save=False)
        objection.save()
        audit_record(
            actor=None,
            action="objection.file",
            obj=objection,
            after={"park_list": current.pk, "entry": entry.pk if entry else None, "evidence": bool(evidence)},
            request=request,
        )
    return objection


def objection_resolve(
    *, actor, objection: Objection, decision: str, resolution: str, request=None
) -> Objection:
    """Staff resolve a pending objection: upheld or dismissed, with the reasons."""
    _require_staff(actor)
    if decision not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise WorkflowError(_("处理结果只能是异议成立或异议不成立。"), code="invalid_decision")
    resolution = (resolution or "").strip()
    if not resolution:
        raise WorkflowError(_("处理异议必须填写处理意见。"), code="resolution_required")
    now = timezone.now()
    with transaction.atomic():
        changed = Objection.objects.filter(pk=objection.pk, status=ObjectionStatus.PENDING).update(
            status=decision, resolution=resolution, resolved_by=actor, resolved_at=now
        )
        if changed != 1:
            raise WorkflowError(_("该异议已处理。"), code="invalid_state")
        objection.refresh_from_db()
        audit_record(
            actor=actor,
            action="objection.resolve",
            obj=objection,
            before={"status": ObjectionStatus.PENDING},
            after={"status": decision},
            reason=resolution,
            request=request,
        )
    return objection
