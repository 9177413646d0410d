"""Verifying a published list: its hashes, its re-derivation from the stored inputs, and the live scores."""

import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import CriterionCode, ListScope, ListStatus, ParkList, ReviewReopening
from .hashing import canonical_json, sha256_hex, sm3_hex
from .lists import CRITERION_COLUMNS, EXCLUSIONS_KEY, NAME_KEYS, list_content, list_rows_select
from .ranking import ranking_inputs_collect, ranking_results_compute


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
        results = ranking_results_compute(inputs)
    except (KeyError, TypeError, ValueError) as error:
        return [_("无法根据存储的计算输入重新计算排名：%(error)s") % {"error": error}]
    rows = list_rows_select(
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
                str(CriterionCode(code).label): (row["criteria"].get(code), f"{getattr(entry, column):.2f}")
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


def _verify_live(park_list: ParkList, inputs: dict, warnings: list) -> list[str]:
    """The scores (and criteria, nominations) the list was computed from, compared with the database now.

    Without normalisation only the list's own track (or field) matters; with it, every score of the cycle does
    (a reviewer's scores elsewhere move their standardisation). A nomination whose review staff reopened after the
    list was published differs by design until a correction publishes its new scores: reported in ``warnings``."""
    problems = []
    reopened = set(
        ReviewReopening.objects.filter(
            nomination__cycle_id=park_list.cycle_id, opened_at__gte=park_list.published_at
        ).values_list("nomination_id", flat=True)
    )
    reopened_differences: set = set()
    live = ranking_inputs_collect(park_list.cycle)
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
            if pk in reopened:
                reopened_differences.add(pk)
                continue
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
        if nomination in reopened:
            reopened_differences.add(nomination)
            continue
        problems.append(
            _(
                "推荐项目 #%(nomination)s 专家 #%(reviewer)s 的%(criterion)s评分：榜单输入为 %(before)s，当前为 %(now)s。"
            )
            % {
                "nomination": nomination,
                "reviewer": reviewer,
                "criterion": CriterionCode(criterion).label
                if criterion in CriterionCode.values
                else criterion,
                "before": _fmt(before),
                "now": _fmt(now),
            }
        )
    for pk in sorted(reopened_differences):
        warnings.append(
            _("推荐项目 #%(id)s 在榜单发布后经重新评审，评分已变化，以之后发布的更正版本为准。") % {"id": pk}
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
    if park_list.status not in ListStatus.FROZEN:
        return Verification([_("该榜单尚未发布，没有可校验的发布数据。")], [], [], warnings)
    hashes = list_verify_hashes(park_list, warnings)
    inputs = park_list.inputs
    if not inputs:
        return Verification(hashes, [_("该榜单没有存储计算输入，无法重新计算。")], [], warnings)
    live = _verify_live(park_list, inputs, warnings)
    if live and park_list.status == ListStatus.SUPERSEDED:
        # History: a later version answers for the scores as they are now; this one keeps what it was built from.
        warnings.append(
            _("该版本已被更正，当前评分与其计算输入有 %(n)s 处不同，以更正后的版本为准。") % {"n": len(live)}
        )
        live = []
    return Verification(hashes, _verify_reproduction(park_list, inputs), live, warnings)
