"""The 专家评审会 pack: what the office takes into a field panel's meeting (or a track list's scope).

``panel_pack(cycle, field=…, track=…, named=…)`` reads the cycle's submitted scores with ``ranking.ranking_inputs_collect``
and ranks them with ``ranking.ranking_results_compute`` (the same pure computation the ranking snapshots store), so the
trimmed means, totals, spread and ranks here are exactly the ranking's. It adds what the ranking does not keep:

* the score matrix nomination × expert: each expert's value per criterion, their total (Σ weight × value / max over
  the raw values, as in the ranking's spread) and their comments; experts anonymised as 专家A, 专家B … (one letter
  per expert for the whole pack, by a fixed order) or named, as staff choose;
* each expert's bias on the raw values, for the panel (from the ranking's ``bias_raw``) and over the whole cycle
  (their mean total over every review they submitted in the cycle, minus the mean of all reviews in the cycle),
  each with the number of reviews it rests on.

Read-only, a fixed number of queries."""

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from .models import (
    AssignmentStatus,
    Criterion,
    Field,
    Nomination,
    RankingSnapshot,
    ReviewerProfile,
    Score,
    Track,
)
from .services.hashing import canonical_json, sha256_hex
from .services.ranking import _fmt, ranking_inputs_collect, ranking_results_compute

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def letter(index: int) -> str:
    """A, B, … Z, AA, AB, …"""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = LETTERS[rest] + text
    return text


def _dec(text):
    return Decimal(text) if text not in (None, "") else None


def _reviewer_totals(criteria, scores) -> dict:
    """{(nomination, reviewer): total} for every review with every criterion scored (raw values)."""
    by_review = defaultdict(dict)
    for s in scores:
        by_review[(s["nomination"], s["reviewer"])][s["criterion"]] = Fraction(s["value"])
    totals = {}
    for key, values in by_review.items():
        if all(c["code"] in values for c in criteria):
            totals[key] = sum(
                (Fraction(c["weight"]) * values[c["code"]] / Fraction(c["max_score"]) for c in criteria),
                Fraction(0),
            )
    return totals, by_review


def cycle_bias(inputs: dict) -> dict:
    """{reviewer: {"count", "mean_total", "bias"}} over every review of the cycle (raw values)."""
    totals, _reviews = _reviewer_totals(inputs["criteria"], inputs["scores"])
    if not totals:
        return {}
    overall = sum(totals.values(), Fraction(0)) / len(totals)
    mine = defaultdict(list)
    for (_nomination, reviewer), total in totals.items():
        mine[reviewer].append(total)
    out = {}
    for reviewer, values in mine.items():
        mean = sum(values, Fraction(0)) / len(values)
        out[reviewer] = {"count": len(values), "mean_total": _fmt(mean), "bias": _fmt(mean - overall)}
    return out


def panel_pack(cycle, *, field: Field, track: Track | None = None, named: bool = False) -> dict:
    inputs = ranking_inputs_collect(cycle)
    results = ranking_results_compute(inputs)
    criteria = list(Criterion.objects.filter(cycle=cycle).order_by("order", "code"))
    codes = [c.code for c in criteria]
    rank_key = "rank_in_track" if track is not None else "rank_in_field"
    rows = [
        r
        for r in results["nominations"]
        if r["field"] == field.pk and (track is None or r["track"] == track.pk)
    ]
    rows.sort(key=lambda r: (r[rank_key] is None, r[rank_key] or 0, r["id"]))
    ids = {r["id"] for r in rows}
    nominations = Nomination.objects.select_related("zone", "province", "track").in_bulk(ids)
    totals, reviews = _reviewer_totals(inputs["criteria"], inputs["scores"])
    reviewer_ids = sorted({reviewer for (nomination, reviewer) in reviews if nomination in ids})
    profiles = ReviewerProfile.objects.in_bulk(reviewer_ids)
    labels = {
        rid: (
            profiles[rid].name if named and rid in profiles else _("专家%(letter)s") % {"letter": letter(i)}
        )
        for i, rid in enumerate(reviewer_ids)
    }
    comments = defaultdict(dict)
    for nomination_id, reviewer_id, code, comment in Score.objects.filter(
        assignment__status=AssignmentStatus.SUBMITTED,
        assignment__nomination_id__in=ids,
        criterion__cycle=cycle,
    ).values_list("assignment__nomination_id", "assignment__reviewer_id", "criterion__code", "comment"):
        if comment.strip():
            comments[(nomination_id, reviewer_id)][code] = comment.strip()

    out_rows = []
    for r in rows:
        nomination = nominations[r["id"]]
        experts = []
        for rid in reviewer_ids:
            values = reviews.get((r["id"], rid))
            if values is None:
                continue
            experts.append(
                {
                    "reviewer": rid,
                    "label": labels[rid],
                    "values": [_dec(_fmt(values[c])) if c in values else None for c in codes],
                    "total": _dec(_fmt(totals.get((r["id"], rid)))),
                    "comments": [
                        (criterion.name, comments[(r["id"], rid)][criterion.code])
                        for criterion in criteria
                        if criterion.code in comments[(r["id"], rid)]
                    ],
                }
            )
        by_reviewer = {e["reviewer"]: e for e in experts}
        out_rows.append(
            {
                "id": r["id"],
                "rank": r[rank_key],
                "zone": nomination.zone.display_name,
                "province": nomination.province.name,
                "track": nomination.track.name,
                "experts": experts,
                "matrix": [by_reviewer[rid]["total"] if rid in by_reviewer else None for rid in reviewer_ids],
                "means": [_dec(r["criteria"].get(code)) for code in codes],
                "means_raw": [_dec(r["criteria_raw"].get(code)) for code in codes],
                "total": _dec(r["total"]),
                "spread_sd": _dec(r["spread_sd"]),
                "spread_range": _dec(r["spread_range"]),
                "review_count": r["review_count"],
                "flags": r["flags"],
            }
        )

    whole_cycle = cycle_bias(inputs)
    panel = {e["id"]: e for e in results["reviewers"] if e["field"] == field.pk}
    bias = []
    for rid in reviewer_ids:
        entry = panel.get(rid, {})
        cycle_entry = whole_cycle.get(rid, {})
        in_scope = sum(1 for r in out_rows if any(e["reviewer"] == rid for e in r["experts"]))
        bias.append(
            {
                "label": labels[rid],
                "scope_count": in_scope,
                "panel_count": entry.get("count", 0),
                "panel_mean": _dec(entry.get("mean_total_raw")),
                "panel_bias": _dec(entry.get("bias_raw")),
                "cycle_count": cycle_entry.get("count", 0),
                "cycle_mean": _dec(cycle_entry.get("mean_total")),
                "cycle_bias": _dec(cycle_entry.get("bias")),
            }
        )
    digest = sha256_hex(canonical_json(inputs))
    snapshot = (
        RankingSnapshot.objects.filter(cycle=cycle, inputs_sha256=digest)
        .defer("inputs", "results")
        .order_by("-computed_at", "-pk")
        .first()
    )
    return {
        "cycle": cycle,
        "field": field,
        "track": track,
        "scope": track.name if track is not None else field.name,
        "named": named,
        "criteria": criteria,
        "experts": [{"id": rid, "label": labels[rid]} for rid in reviewer_ids],
        "rows": out_rows,
        "bias": bias,
        "normalised": results["normalised"],
        "inputs_sha256": digest,
        "snapshot": snapshot,
    }
