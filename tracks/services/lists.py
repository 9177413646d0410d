"""Key new-track park lists: build from a ranking, public notice and objections, publish, correct, verify.

The life of a list (domain.md, Publication):

* ``list_preview`` / ``list_build``: the rows a ranking snapshot gives a track or a field under a cut-off (top N
  and/or a minimum total), as a draft.
* ``list_open_notice``: the draft goes on public notice (公示) for the cycle's notice days;
  ``list_notice_change`` shortens or extends a notice with a reason; ``list_notice_cancel`` withdraws a list
  from notice (a correction on notice, or a first version after an upheld objection), which frees its scope.
* ``objection_file`` (anyone, during notice, signed) and ``objection_resolve`` (staff: upheld / dismissed).
* ``list_publish``: after the notice, with no objection pending, the list is stamped, hashed (SHA-256 and SM3 over
  ``canonical_json(list_content(list))``) and frozen, with the ranking inputs it was computed from; a correction
  supersedes the version it corrects at this moment (the only code that sets that mark).
* ``list_correct``: the only way to change what a published list says: a new version, rebuilt from a ranking
  snapshot (the list's own or a newer one) under the same cut-off, optionally without some nominations. One that
  adds or rescores an entry goes on notice first (the old version stays published meanwhile); one that only
  removes or re-orders is published at once with its note. ``list_changes`` is the change log.
* Every list step needs its scope's review closed (tracks.workflow.review_closed_for), and publishing settles the
  scope's nominations: 已入榜 exactly when on a current published list, 未入榜 for the other scored ones.
* ``list_verify`` (tracks.services.verification): hashes match the entries; ``ranking_results_compute`` over the stored
  inputs reproduces the entries exactly; the live scores still equal those inputs (for a superseded version a
  difference is only a warning: the version that corrected it answers for the scores as they are now).

Inputs stored with a list are the ranking snapshot's inputs unchanged; a correction that leaves nominations out
adds their ids under ``"list_exclusions"`` (``ranking_results_compute`` ignores unknown keys), so that verifying re-derives the
corrected list as well.
"""

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import guards, roles
from audit.services import audit_record

from .. import workflow
from ..models import (
    CycleStatus,
    ListEntry,
    ListScope,
    ListStatus,
    Nomination,
    NominationStatus,
    Objection,
    ObjectionStatus,
    ParkList,
    RankingSnapshot,
    ReviewReopening,
)
from .hashing import canonical_json, sha256_hex, sm3_hex
from .nominations import WorkflowError
from .public_cache import forget_public_state

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
    guards.require_programme_staff(actor, _("只有业务管理员可以管理榜单。"))


# ---------------------------------------------------------------------------------------------------------------
# Selecting the rows of a list from a ranking (pure)


def list_rows_select(
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
    rows = list_rows_select(
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
    exclude=(),
) -> ParkList:
    """A draft list from a stored ranking computed after its scope's review closed, cut off at the top N and/or a
    minimum total, leaving out ``exclude`` (nominations an upheld objection took off a version withdrawn from
    notice); the exclusions are kept with the list's inputs so that it can be re-derived."""
    _require_staff(actor)
    if track is not None and track.field_id != field.pk:
        raise WorkflowError(_("所选赛道不属于该领域。"), code="track_field")
    if top_n is None and min_score is None:
        raise WorkflowError(_("请设置入榜名额（前N名）或最低总分。"), code="no_cutoff")
    scope = ListScope.TRACK if track is not None else ListScope.FIELD
    cycle = snapshot.cycle
    if cycle.status == CycleStatus.CLOSED:
        raise WorkflowError(
            _("该批次已归档，不能再生成新的榜单；已发布的榜单可以更正。"), code="cycle_closed"
        )
    _require_fresh_snapshot(cycle, snapshot, track=track, field=field)
    rows = list_rows_select(
        snapshot.results,
        scope=scope,
        field_id=field.pk,
        track_id=track.pk if track else None,
        top_n=top_n,
        min_score=min_score,
        exclude=exclude,
    )
    if not rows:
        raise WorkflowError(_("按该条件没有可入榜的推荐项目。"), code="empty_list")
    exclusions = sorted({int(pk) for pk in exclude})
    with transaction.atomic():
        in_scope = ParkList.objects.filter(cycle=cycle, scope=scope, field=field, track=track)
        if in_scope.filter(status__in=ListStatus.CURRENT).exists():
            raise WorkflowError(
                _("该范围本批次已有公示中或已发布的榜单；已发布的榜单只能通过更正发布新版本。"),
                code="exists",
            )
        previous = in_scope.order_by("-version").first()
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
            inputs={**snapshot.inputs, EXCLUSIONS_KEY: exclusions} if exclusions else None,
        )
        ListEntry.objects.bulk_create(_entries_from_rows(park_list, rows))
        audit_record(
            actor=actor,
            action="list.build",
            obj=park_list,
            after={
                "status": park_list.status,
                "entries": len(rows),
                "top_n": top_n,
                "min_score": min_score,
                "ranking": snapshot.pk,
                "exclusions": exclusions,
            },
        )
    return park_list


def _require_scope_closed(park_list_or_cycle, *, track=None, field=None):
    """A list's notice, publication and building need its scope's review closed (R)."""
    cycle = park_list_or_cycle
    if isinstance(park_list_or_cycle, ParkList):
        cycle, track, field = park_list_or_cycle.cycle, park_list_or_cycle.track, park_list_or_cycle.field
    if not workflow.review_closed_for(cycle, track=track, field=field if track is None else None):
        raise WorkflowError(
            _("“%(scope)s”的评审尚未结束：请先在评审工作台结束该范围的评审（或推进批次到“评审结束”）。")
            % {"scope": (track or field).name},
            code="review_open",
        )


def _require_fresh_snapshot(cycle, snapshot: RankingSnapshot, *, track=None, field=None):
    """A list is built from a ranking computed after its scope's review closed and after the last reopening of
    the cycle was done; an older one would not show the scores as they stand (and verification would flag it)."""
    _require_scope_closed(cycle, track=track, field=field)
    closed_at = workflow.review_close_time(cycle, track=track, field=field if track is None else None)
    last_reopening = (
        ReviewReopening.objects.filter(nomination__cycle=cycle, closed_at__isnull=False)
        .order_by("-closed_at")
        .values_list("closed_at", flat=True)
        .first()
    )
    latest = max([t for t in (closed_at, last_reopening) if t is not None], default=None)
    if latest is not None and snapshot.computed_at < latest:
        raise WorkflowError(
            _(
                "所选排名快照计算于 %(computed)s，早于评审结束或重新评审完成（%(closed)s），请重新计算排名后再生成。"
            )
            % {"computed": workflow.when(snapshot.computed_at), "closed": workflow.when(latest)},
            code="stale_snapshot",
        )


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
        rows = list_rows_select(
            current.ranking.results,
            scope=current.scope,
            field_id=current.field_id,
            track_id=current.track_id,
            top_n=current.cutoff_top_n,
            min_score=current.cutoff_min_score,
            exclude=(current.inputs or {}).get(EXCLUSIONS_KEY, []),
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


# ---------------------------------------------------------------------------------------------------------------
# Gates of a list's public steps: the checks the services enforce, shown on the staff's confirmation pages


def _check(code, label, ok, detail="", items=()) -> workflow.Check:
    return workflow.Check(code, label, workflow.REFUSE, ok=ok, detail=detail, items=list(items))


def _scope_name(park_list: ParkList) -> str:
    return (park_list.track or park_list.field).name


def _scope_check(park_list: ParkList) -> workflow.Check:
    closed = workflow.review_closed_for(
        park_list.cycle, track=park_list.track, field=park_list.field if park_list.track_id is None else None
    )
    return _check(
        "review_open",
        _("该范围的评审已结束"),
        closed,
        _("“%(scope)s”的评审尚未结束：请先在评审工作台结束该范围的评审（或推进批次到“评审结束”）。")
        % {"scope": _scope_name(park_list)},
    )


def list_notice_gate(park_list: ParkList, now=None) -> workflow.Gate:
    """What putting a draft on public notice checks, makes public and leaves pending."""
    now = now or timezone.now()
    ends_at = now + datetime.timedelta(days=park_list.cycle.notice_days)
    entries = park_list.entries.count()
    checks = [
        _check(
            "invalid_state",
            _("榜单是草稿"),
            park_list.status == ListStatus.DRAFT,
            _("只有草稿状态的榜单可以进入公示。"),
        ),
        _scope_check(park_list),
        _check(
            "cycle_closed",
            _("批次未归档"),
            park_list.cycle.status != CycleStatus.CLOSED,
            _("该批次已归档，不能再公示新的榜单。"),
        ),
        _check(
            "entries_off_rule",
            _("条目与排名快照和入榜规则一致"),
            not park_list.ranking_id or _follows_its_rule(park_list),
            _("榜单条目与其排名快照和入榜规则不一致，请重新生成。"),
        ),
    ]
    return workflow.Gate(
        title=_("进入公示：%(title)s") % {"title": park_list.title},
        checks=checks,
        effects=[
            _("榜单将在公开网站和开放接口上公示：%(n)s 个入榜高新区的名次、总分和四项得分。")
            % {"n": entries},
            _("公示期 %(days)s 天，自 %(start)s 至 %(end)s；期间任何人可实名提出异议。")
            % {
                "days": park_list.cycle.notice_days,
                "start": workflow.when(now),
                "end": workflow.when(ends_at),
            },
            _("推荐的状态在发布前不变；公示期满、异议处理完毕后才能发布。"),
        ],
        pending=[],
    )


def list_publish_gate(park_list: ParkList, now=None) -> workflow.Gate:
    """What publishing a list on notice checks, freezes, makes final and leaves pending."""
    now = now or timezone.now()
    pending = park_list.objections.filter(status=ObjectionStatus.PENDING)
    old = park_list.supersedes if park_list.supersedes_id else None
    checks = [
        _check(
            "invalid_state",
            _("榜单在公示中"),
            park_list.status == ListStatus.NOTICE,
            _("只有公示中的榜单可以发布。"),
        ),
        _scope_check(park_list),
        _check(
            "notice_running",
            _("公示期已满"),
            not (park_list.notice_ends_at and now < park_list.notice_ends_at),
            _("公示期至 %(end)s 结束，结束前不能发布。") % {"end": workflow.when(park_list.notice_ends_at)},
        ),
        _check(
            "objections_pending",
            _("异议已全部处理"),
            not pending.exists(),
            _("仍有未处理的异议，处理完毕后才能发布。"),
            [o.receipt_number for o in pending.order_by("submitted_at")[: workflow.SAMPLE]],
        ),
        _check(
            "entries_off_rule",
            _("条目与排名快照和入榜规则一致"),
            not park_list.ranking_id or _follows_its_rule(park_list),
            _("榜单条目与其排名快照和入榜规则不一致，请重新生成后再发布。"),
        ),
    ]
    if old is not None:
        checks.append(
            _check(
                "superseded_gone",
                _("被更正的版本仍是现行版本"),
                old.status == ListStatus.PUBLISHED,
                _("被更正的版本已不是现行版本，不能发布该更正。"),
            )
        )
    effects = [
        _("榜单将正式发布并冻结：生成 SHA-256 与 SM3 校验值，此后不能修改或删除，只能发布更正版本。"),
        _("%(n)s 份推荐标记为“已入榜”，其培育库条目设为“重点”；本范围其余已评分的推荐标记为“未入榜”。")
        % {"n": park_list.entries.count()},
    ]
    if old is not None:
        effects.append(
            _("第%(version)s版将标记为“已更正”，仍可公开查阅；更正说明随新版本公开。")
            % {"version": old.version}
        )
    return workflow.Gate(
        title=_("正式发布：%(title)s") % {"title": park_list.title},
        checks=checks,
        effects=effects,
        pending=[(_("未处理的异议"), pending.count())],
    )


def _enforce(gate: workflow.Gate) -> None:
    """A list step refused by its gate: the first refusing check, with its code."""
    for check in gate.refused:
        raise WorkflowError(check.detail, code=check.code)


def list_open_notice(*, actor, park_list: ParkList, starts_at: datetime.datetime | None = None) -> ParkList:
    """Put a draft list on public notice for the cycle's notice days, through its gate (scope's review closed)."""
    _require_staff(actor)
    starts_at = starts_at or timezone.now()
    ends_at = starts_at + datetime.timedelta(days=park_list.cycle.notice_days)
    with transaction.atomic():
        current = (
            ParkList.objects.select_for_update(of=("self",))
            .select_related("cycle", "field", "track", "ranking")
            .order_by()
            .get(pk=park_list.pk)
        )
        _enforce(list_notice_gate(current))
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
        _tell_provinces(park_list, "list.notice")
    return park_list


def _tell_provinces(park_list: ParkList, event: str) -> None:
    """The officials of the provinces with a reviewed nomination in the list's scope: the list went on notice or was
    published (an in-app notice and its e-mail, in the caller's transaction)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import translation

    from .notifications import notifications_send

    in_scope = Nomination.objects.filter(cycle_id=park_list.cycle_id, status__in=NominationStatus.REVIEWED)
    if park_list.scope == ListScope.TRACK:
        in_scope = in_scope.filter(track_id=park_list.track_id)
    else:
        in_scope = in_scope.filter(track__field_id=park_list.field_id)
    users = list(
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=roles.OFFICIAL,
            profile__province__in=in_scope.values("province_id"),
        )
        .distinct()
        .order_by("pk")
    )
    if not users:
        return
    with translation.override(settings.LANGUAGE_CODE):
        link = reverse("public:list_detail", args=[park_list.pk])
    title = park_list.title

    def message():
        if event == "list.notice":
            return _("《%(title)s》进入公示，公示期至 %(ends)s；如有异议，请在公示期内提出。") % {
                "title": title,
                "ends": timezone.localtime(park_list.notice_ends_at).strftime("%Y-%m-%d %H:%M"),
            }
        return _("《%(title)s》已正式发布。") % {"title": title}

    notifications_send(users=users, message=message, link=link, event=event)


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
        "issuer": settings.SITE_SPONSOR,  # 发布单位 as it is now, kept with the list (not in its hashed content)
        "canonical_json": content,
        "sha256": sha256_hex(content),
        "sm3": sm3_hex(content),
        "inputs": inputs,
    }


def _settle_nominations(park_list: ParkList, *, actor) -> None:
    """After a publication in this list's scope: its scored nominations on a current published list (of any scope)
    become 已入榜, the others 未入榜; listed ones a correction dropped and no other list holds go back to 未入榜.
    Through the workflow's bulk transition: one audit row per nomination."""
    from .nominations import nominations_transition_bulk

    in_scope = Nomination.objects.filter(
        cycle_id=park_list.cycle_id,
        status__in=NominationStatus.RESULT,
    )
    if park_list.scope == ListScope.TRACK:
        in_scope = in_scope.filter(track_id=park_list.track_id)
    else:
        in_scope = in_scope.filter(track__field_id=park_list.field_id)
    on_a_list = set(
        ListEntry.objects.filter(
            park_list__cycle_id=park_list.cycle_id, park_list__status=ListStatus.PUBLISHED
        ).values_list("nomination_id", flat=True)
    )
    rows = list(in_scope.values_list("pk", "status"))
    listed = [pk for pk, status in rows if pk in on_a_list and status != NominationStatus.LISTED]
    unlisted = [pk for pk, status in rows if pk not in on_a_list and status != NominationStatus.NOT_LISTED]
    nominations_transition_bulk(
        actor=actor, nominations=[Nomination(pk=pk) for pk in listed], action="mark_listed"
    )
    nominations_transition_bulk(
        actor=actor,
        nominations=[Nomination(pk=pk) for pk in unlisted],
        action="mark_not_listed",
        reason=_("未列入已发布的《%(title)s》。") % {"title": park_list.title},
    )


def _follows_its_rule(park_list: ParkList) -> bool:
    """Whether a list's entries are exactly what its ranking gives under its cut-off (what verification checks)."""
    rows = list_rows_select(
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
    """Publish a list after its notice: stamp, hash and freeze it; a correction supersedes the version it corrects;
    settle the scope's nominations (已入榜 / 未入榜) and mark its library entries 重点."""
    _require_staff(actor)
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked_list(park_list.pk, ListStatus.NOTICE, _("只有公示中的榜单可以发布。"))
        _enforce(list_publish_gate(current, now))
        old = None
        if current.supersedes_id:
            old = _locked_list(
                current.supersedes_id, ListStatus.PUBLISHED, _("被更正的版本已不是现行版本，不能发布该更正。")
            )
        inputs = (
            current.inputs
            if current.inputs is not None
            else (current.ranking.inputs if current.ranking_id else None)
        )
        stamp = _stamp_values(current, actor=actor, now=now, inputs=inputs)
        if old is not None:
            _supersede(old, by=current, actor=actor, now=now)
        changed = ParkList.objects.filter(pk=current.pk, status=ListStatus.NOTICE).update(
            status=ListStatus.PUBLISHED, **stamp
        )
        if changed != 1:
            raise WorkflowError(_("该榜单刚被他人发布。"), code="race")
        forget_public_state(current.pk)
        current.refresh_from_db()
        audit_record(
            actor=actor,
            action="list.publish",
            obj=current,
            before={"status": ListStatus.NOTICE},
            after={"status": current.status, "sha256": current.sha256, "sm3": current.sm3},
            reason=current.correction_note,
        )
        _after_publication(current, old, actor=actor)
        _tell_provinces(current, "list.published")
    return current


def _supersede(old: ParkList, *, by: ParkList, actor, now, note: str = "") -> None:
    """Mark the published version a correction replaces as superseded: the only code that sets this mark."""
    old._superseding = True
    old.status = ListStatus.SUPERSEDED
    old.superseded_at = now
    old.save(update_fields=["status", "superseded_at"])  # forgets the public state (post_save)
    audit_record(
        actor=actor,
        action="list.supersede",
        obj=old,
        before={"status": ListStatus.PUBLISHED},
        after={"status": ListStatus.SUPERSEDED, "superseded_at": now, "superseded_by": by.pk},
        reason=note or by.correction_note,
    )


def _after_publication(new: ParkList, old: ParkList | None, *, actor) -> None:
    """Nominations and library entries follow what the published lists now say."""
    _settle_nominations(new, actor=actor)
    new_pairs = set(new.entries.values_list("zone_id", "track_id"))
    dropped = set()
    if old is not None:
        dropped = set(old.entries.values_list("zone_id", "track_id")) - new_pairs
    _sync_library(actor=actor, listed_pairs=new_pairs, unlisted_pairs=dropped)


def list_notice_change(
    *, actor, park_list: ParkList, ends_at: datetime.datetime, reason: str, request=None
) -> ParkList:
    """Shorten or extend a list's public notice, with a reason (audited, shown on the list's admin page)."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("调整公示期必须填写理由。"), code="reason_required")
    now = timezone.now()
    with transaction.atomic():
        current = _locked_list(park_list.pk, ListStatus.NOTICE, _("只有公示中的榜单可以调整公示期。"))
        if ends_at <= current.notice_starts_at:
            raise WorkflowError(_("公示结束时间必须晚于公示开始时间。"), code="before_start")
        if ends_at < now:
            raise WorkflowError(
                _("公示结束时间不能早于现在（%(now)s）。") % {"now": workflow.when(now)}, code="in_past"
            )
        if ends_at == current.notice_ends_at:
            raise WorkflowError(_("公示结束时间没有变化。"), code="unchanged")
        before = current.notice_ends_at
        ParkList.objects.filter(pk=current.pk, status=ListStatus.NOTICE).update(notice_ends_at=ends_at)
        current.notice_ends_at = ends_at
        forget_public_state(current.pk)
        audit_record(
            actor=actor,
            action="list.notice_change",
            obj=current,
            before={"notice_ends_at": before},
            after={"notice_ends_at": ends_at},
            reason=reason,
            request=request,
        )
    return current


def list_notice_cancel(*, actor, park_list: ParkList, reason: str, request=None) -> ParkList:
    """Withdraw a list from public notice (a correction on notice, or a first version after an upheld objection):
    it is kept as 已撤销 with the reason, nothing it said becomes published, and its scope is free for another
    version (the published version a correction would have replaced stays current)."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("撤销公示必须填写理由。"), code="reason_required")
    with transaction.atomic():
        current = _locked_list(park_list.pk, ListStatus.NOTICE, _("只有公示中的榜单可以撤销。"))
        now = timezone.now()
        ParkList.objects.filter(pk=current.pk, status=ListStatus.NOTICE).update(
            status=ListStatus.CANCELLED, cancelled_at=now, cancel_reason=reason
        )
        forget_public_state(*[pk for pk in (current.pk, current.supersedes_id) if pk])
        current.refresh_from_db()
        audit_record(
            actor=actor,
            action="list.cancel",
            obj=current,
            before={"status": ListStatus.NOTICE},
            after={"status": current.status},
            reason=reason,
            request=request,
        )
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
    """A corrected version of a published list.

    The new version is rebuilt from ``snapshot`` (a newer ranking of the cycle, e.g. after a nomination's review was
    reopened and rescored; by default the list's own ranking) under the same cut-off, leaving out
    ``exclude_nominations`` (e.g. after an objection was upheld) on top of those the old version already left out.
    ``note`` explains the correction to the public. If the correction adds or rescores an entry (a zone the cut-off
    pulls in included), it goes on public notice for the cycle's notice days and the old version stays published
    until ``list_publish`` publishes the correction; if it only removes or re-orders, it is published at once and the
    old version superseded.
    """
    _require_staff(actor)
    note = (note or "").strip()
    if not note:
        raise WorkflowError(_("请填写更正说明，它将与更正版本一同公开。"), code="note_required")
    now = now or timezone.now()
    with transaction.atomic():
        old = _locked_list(park_list.pk, ListStatus.PUBLISHED, _("只有现行的已发布榜单可以更正。"))
        if ParkList.objects.filter(supersedes=old).exclude(status=ListStatus.CANCELLED).exists():
            raise WorkflowError(
                _("该版本已有一个公示中的更正版本；请先发布或撤销它。"), code="correction_pending"
            )
        snapshot = snapshot or old.ranking
        if snapshot is None:
            raise WorkflowError(_("该榜单没有排名快照，无法重新生成。"), code="no_ranking")
        if snapshot.cycle_id != old.cycle_id:
            raise WorkflowError(_("排名快照不属于该榜单的年度批次。"), code="wrong_cycle")
        _require_no_reopening(old, snapshot)
        previous_exclusions = (old.inputs or {}).get(EXCLUSIONS_KEY, [])
        exclusions = sorted({*previous_exclusions, *(int(pk) for pk in exclude_nominations)})
        rows = list_rows_select(
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
        inputs = dict(snapshot.inputs)
        if exclusions:
            inputs[EXCLUSIONS_KEY] = exclusions
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
            inputs=inputs,
        )
        ListEntry.objects.bulk_create(_entries_from_rows(new, rows))
        changes = list_changes(new)
        needs_notice = any(change.kind in ("added", "rescored") for change in changes)
        if needs_notice:
            ends_at = now + datetime.timedelta(days=old.cycle.notice_days)
            ParkList.objects.filter(pk=new.pk, status=ListStatus.DRAFT).update(
                status=ListStatus.NOTICE, notice_starts_at=now, notice_ends_at=ends_at
            )
        else:
            # Only removals and moves: published at once, the old version superseded first (one current version).
            _supersede(old, by=new, actor=actor, now=now, note=note)
            stamp = _stamp_values(new, actor=actor, now=now, inputs=inputs)
            ParkList.objects.filter(pk=new.pk, status=ListStatus.DRAFT).update(
                status=ListStatus.PUBLISHED, **stamp
            )
        forget_public_state(new.pk, old.pk)
        new.refresh_from_db()
        audit_record(
            actor=actor,
            action="list.correct",
            obj=new,
            before={"supersedes": old.pk, "version": old.version, "sha256": old.sha256},
            after={
                "status": new.status,
                "version": new.version,
                "sha256": new.sha256,
                "sm3": new.sm3,
                "exclusions": exclusions,
                "ranking": snapshot.pk,
                "changes": [change.as_dict() for change in changes],
                "notice_ends_at": new.notice_ends_at if needs_notice else None,
            },
            reason=note,
        )
        if not needs_notice:
            _after_publication(new, old, actor=actor)
    return new


def _require_no_reopening(park_list: ParkList, snapshot: RankingSnapshot) -> None:
    """A correction waits for a reopened review in its scope to be done, and is built from a ranking computed
    after it (with normalised scores every nomination of the cycle is in scope)."""
    reopenings = ReviewReopening.objects.filter(nomination__cycle_id=park_list.cycle_id)
    if not park_list.cycle.normalise_scores:
        if park_list.scope == ListScope.TRACK:
            reopenings = reopenings.filter(nomination__track_id=park_list.track_id)
        else:
            reopenings = reopenings.filter(nomination__track__field_id=park_list.field_id)
    if reopenings.filter(closed_at__isnull=True).exists():
        raise WorkflowError(_("该榜单范围内有推荐正在重新评审，完成后才能更正。"), code="reopening_open")
    last = reopenings.order_by("-closed_at").values_list("closed_at", flat=True).first()
    if last is not None and snapshot.computed_at < last:
        raise WorkflowError(
            _("所选排名快照计算于 %(computed)s，早于重新评审完成（%(closed)s），请重新计算排名后再更正。")
            % {"computed": workflow.when(snapshot.computed_at), "closed": workflow.when(last)},
            code="stale_snapshot",
        )


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
    email: str = "",
    request=None,
    now: datetime.datetime | None = None,
) -> Objection:
    """A signed objection to a list on notice. Anyone may file one during the notice period; it is stored, never
    shown publicly, and must be resolved by staff before the list can be published. With ``email`` (a separate,
    validated address) the receipt is also e-mailed, in the language the objector used."""
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
        if email.strip():
            from django.utils import translation

            from mail.services import mail_to_address

            mail_to_address(
                email=email,
                language=translation.get_language() or settings.LANGUAGE_CODE,
                event="objection.receipt",
                template="mail/objection_receipt",
                context={
                    "name": objection.name,
                    "title": current.title,
                    "receipt": objection.receipt_number,
                    "submitted": timezone.localtime(objection.submitted_at).strftime("%Y-%m-%d %H:%M"),
                },
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


# Verification has its own module, tracks.services.verification, which reads this one's content rules. Its names
# still import from here (an import of either module first must work, so this one finds them on first use).
VERIFICATION_NAMES = ("Verification", "list_verify", "list_verify_hashes")


def __getattr__(name):
    if name in VERIFICATION_NAMES:
        from . import verification

        return getattr(verification, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
