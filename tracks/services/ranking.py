"""How the total is computed: the exact aggregation of a cycle's submitted scores into rankings.

The rule is domain.md, Workflow → Aggregation. It is split in three so a ranking can be defended and re-derived:

* ``ranking_inputs_collect(cycle)`` reads everything the computation needs into a plain, JSON-able dict in a constant
  number of queries (criteria, nominations with their final submission time, submitted scores).
* ``ranking_results_compute(inputs)`` is a pure function of that dict. It touches no database, so
  ``ranking_results_compute(snapshot.inputs) == snapshot.results`` for every stored snapshot.
* ``ranking_compute(cycle=…, actor=…)`` collects, ranks and stores a ``RankingSnapshot`` with the inputs, their
  SHA-256 (over ``canonical_json``) and the results, and writes the audit event.

Arithmetic. Every value is an exact ``Fraction``; nothing is rounded until the output, where decimals are written
as strings with 2 places, ROUND_HALF_UP. Without normalisation the whole computation is therefore exact, and two
totals are tied exactly when they are mathematically equal. Normalisation needs square roots; those are computed as
correctly rounded 50-digit decimals (a fixed context, so the same inputs always give the same digits) and carried
on exactly from there.

Choices the domain text leaves open, and what this module does:

* sd is the **population** standard deviation (divide by n) everywhere: the reviewer's and the panel's sd in
  normalisation, and a nomination's spread. A reviewer's scores are the whole population being standardised, not a
  sample of one.
* Panel = the field: panels are per field, so the "panel's mean and sd for the criterion" are over all submitted
  raw scores on that criterion for nominations of the same field. A reviewer's own mean and sd are over all their
  submitted scores on that criterion in the cycle (all fields), as the domain says "over that reviewer's
  assignments in the cycle". The raw fallbacks (fewer than 3 scored nominations, sd = 0) are decided per reviewer
  and criterion: a reviewer who gave every nomination 80 on 战略性 but varied on 领先性 keeps 战略性 raw only.
* A reviewer's total for one nomination is Σ weight × value / max_score over the criteria (no trimming), using the
  values the ranking uses (normalised when normalisation is on); it exists only when the reviewer scored every
  criterion. Spread (population sd, max − min) and bias are over these totals as exact values, never over their
  2-place roundings (a range of rounded totals could be off by 0.01).
* Bias, per reviewer and field panel, is the reviewer's mean total minus the panel's mean total, where the panel's
  mean is over every reviewer total in that field (each review counts once). ``bias`` uses the values the ranking
  uses; ``bias_raw`` the values as submitted, which is where a harsh or lenient reviewer shows even with
  normalisation on (normalisation removes most of it by construction).
* A nomination is ranked only when it has at least 3 submitted reviews and every criterion has a score; otherwise it
  is listed with ``flagged`` and its reasons in ``flags`` (``few_reviews``, ``incomplete``), rank null.
* Ranking order, per track and per field: total desc; then the trimmed means of 战略性, 带动性, 领先性, 成长性, each
  desc; then the earlier final submission (the latest ``submitted_at`` among the nomination's submitted
  assignments); then the lower nomination id, so the order is total. Since the total is a function of the four
  means, the 成长性 rule and the submission-time rule can only decide when a criterion weighs 0 or all four means
  are equal. ``decided_by_track`` / ``decided_by_field`` name the rule that put a nomination below the one ranked
  just above it.
"""

import datetime
import math
import re
from collections import defaultdict
from decimal import Context, Decimal, localcontext
from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import JSONField, Max, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from audit.services import audit_record

from ..models import AssignmentStatus, Criterion, Cycle, Nomination, NominationStatus, RankingSnapshot, Score
from .hashing import canonical_json, sha256_hex

__all__ = [
    "METHOD",
    "TIE_ORDER",
    "canonical_json",
    "ranking_inputs_collect",
    "ranking_results_compute",
    "ranking_compute",
    "sha256_hex",
]

# Part of the inputs, so the hash also pins the rule a snapshot was computed with.
METHOD = "ntr-trimmed-mean-v1"
# Criteria that break a tie of totals, in this order (domain.md): 战略性, 带动性, 领先性, 成长性.
TIE_ORDER = ("strategic", "driving", "leading", "growth")
MIN_REVIEWS = 3  # below this a nomination is flagged and not ranked
MIN_NORMALISE = 3  # below this many scored nominations a reviewer's scores stay raw
TRIM_FROM = 5  # from this many scores on, drop one highest and one lowest
SQRT_PRECISION = 50

TWO_PLACES = Decimal("0.01")


# ---------------------------------------------------------------------------------------------------------------
# Exact arithmetic helpers
# ---------------------------------------------------------------------------------------------------------------


def _mean(values: list[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def _sqrt(value: Fraction) -> Fraction:
    """Square root as a correctly rounded 50-digit decimal, then exact again."""
    if value <= 0:
        return Fraction(0)
    with localcontext(Context(prec=SQRT_PRECISION)):
        root = (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()
    return Fraction(root)


def _trimmed_mean(values: list[Fraction]) -> Fraction:
    """Drop one highest and one lowest from 5 scores on; the plain mean below."""
    ordered = sorted(values)
    if len(ordered) >= TRIM_FROM:
        ordered = ordered[1:-1]
    return _mean(ordered)


def _fmt(value: Fraction | None) -> str | None:
    """2 decimals, ROUND_HALF_UP (halves away from zero), computed exactly from the fraction."""
    if value is None:
        return None
    return _fmt_ratio(value.numerator, value.denominator)


def _fmt_ratio(numerator: int, denominator: int) -> str:
    """``_fmt`` of numerator / denominator (denominator > 0, the ratio need not be reduced)."""
    # floor(|value| × 100 + 1/2) in integers: floor((200 |n| + d) / 2d).
    hundredths = (200 * abs(numerator) + denominator) // (2 * denominator)
    text = f"{hundredths // 100}.{hundredths % 100:02d}"
    return f"-{text}" if numerator < 0 and hundredths else text


# Scores are parsed once into integers over one common denominator (hundredths for the canonical 2-place strings
# ``_decimal_text`` writes), so sums, sorts and trims are integer operations; a Fraction is made only per result.
_HUNDREDTHS = re.compile(r"-?[0-9]+\.[0-9]{2}")


def _decimal_text(value) -> str:
    """A database decimal as a canonical 2-place string, identical on SQLite and PostgreSQL."""
    if type(value) is Decimal:
        text = str(value)
        if _HUNDREDTHS.fullmatch(text):  # already 2 places, as both backends return a decimal(…, 2) column
            return text
    return str(Decimal(value).quantize(TWO_PLACES))


def _scaled_values(scores) -> tuple[dict, int]:
    """({(nomination, reviewer, criterion): int}, scale): every score value is exactly that int / scale.

    A later score for the same key replaces an earlier one, as a dict built from the scores would.
    """
    scaled = {}
    for s in scores:
        text = s["value"]
        if type(text) is not str or not _HUNDREDTHS.fullmatch(text):
            break
        scaled[(s["nomination"], s["reviewer"], s["criterion"])] = int(text.replace(".", ""))
    else:
        return scaled, 100
    # Not all canonical: exact fractions over the least common denominator.
    exact = {(s["nomination"], s["reviewer"], s["criterion"]): Fraction(s["value"]) for s in scores}
    scale = math.lcm(100, *(value.denominator for value in exact.values()))
    return {key: value.numerator * (scale // value.denominator) for key, value in exact.items()}, scale


def _exact_sum(values: list):
    """Σ values (Fractions or ints) by pairwise halves: the same exact sum as a running one, and much faster when
    the denominators are large and distinct (normalised values), since no term is added to a huge running total."""
    values = list(values)
    while len(values) > 1:
        paired = [a + b for a, b in zip(values[::2], values[1::2], strict=False)]
        if len(values) % 2:
            paired.append(values[-1])
        values = paired
    return values[0] if values else 0


def _scaled_mean_sd(values: list[int], scale: int) -> tuple[Fraction, Fraction]:
    """Mean and population sd (divide by n) of int / scale values, exactly (the mean as _mean gives it)."""
    n = len(values)
    total = sum(values)
    squares = sum(v * v for v in values)
    return Fraction(total, n * scale), _sqrt(Fraction(n * squares - total * total, n * n * scale * scale))


def _pstdev_scaled(values: list, scale: int) -> Fraction:
    """Population sd of values / scale (values ints, or Fractions with scale 1): Σ(v - mean)² / n = (nΣv² - (Σv)²) / n²."""
    n = len(values)
    total = _exact_sum(values)
    squares = _exact_sum([v * v for v in values])
    return _sqrt(Fraction(n * squares - total * total, n * n * scale * scale))


# ---------------------------------------------------------------------------------------------------------------
# The pure computation
# ---------------------------------------------------------------------------------------------------------------


def _normalise(criteria, scaled: dict, scale: int, field_of, normalise: bool):
    """Values the ranking uses for each (nomination, reviewer, criterion), and each reviewer's treatment.

    ``scaled`` holds every raw value as an int over ``scale`` (``_scaled_values``). Returns (used, treatment) where
    used[(nomination, reviewer, code)] is a Fraction, or used is None when normalisation is off (the raw values are
    used), and treatment[(reviewer, code)] is "normalised", "raw_few" or "raw_sd0" (empty when normalisation is off).
    """
    if not normalise:
        return None, {}
    by_reviewer = defaultdict(list)
    by_panel = defaultdict(list)
    for (nomination, reviewer, code), value in scaled.items():
        by_reviewer[(reviewer, code)].append(value)
        by_panel[(field_of[nomination], code)].append(value)
    panel_stats = {key: _scaled_mean_sd(values, scale) for key, values in by_panel.items()}
    reviewer_stats = {}
    treatment = {}
    for key, values in by_reviewer.items():
        if len(values) < MIN_NORMALISE:
            treatment[key] = "raw_few"
            continue
        mean, sd = _scaled_mean_sd(values, scale)
        if sd == 0:
            treatment[key] = "raw_sd0"
            continue
        treatment[key] = "normalised"
        reviewer_stats[key] = (mean, sd)
    max_of = {c["code"]: c["max"] for c in criteria}
    zero = Fraction(0)
    # panel_mean + (value - mean) / sd × panel_sd = offset + value × ratio, with ratio = panel_sd / sd and
    # offset = panel_mean - mean × ratio, computed once per (reviewer, criterion, field).
    maps = {}
    used = {}
    for key, value in scaled.items():
        nomination, reviewer, code = key
        stats = reviewer_stats.get((reviewer, code))
        if stats is None:
            used[key] = Fraction(value, scale)
            continue
        field = field_of[nomination]
        mapping = maps.get((reviewer, code, field))
        if mapping is None:
            mean, sd = stats
            panel_mean, panel_sd = panel_stats[(field, code)]
            ratio = panel_sd / sd
            mapping = maps[(reviewer, code, field)] = (
                panel_mean - mean * ratio,
                ratio.numerator,
                ratio.denominator * scale,
            )
        offset, ratio_numerator, ratio_denominator = mapping
        mapped = offset + Fraction(value * ratio_numerator, ratio_denominator)
        used[key] = min(max(mapped, zero), max_of[code])
    return used, treatment


def _reviewer_total(criteria, values: dict) -> Fraction | None:
    """Σ weight × value / max over every criterion, or None when a criterion is missing."""
    if any(c["code"] not in values for c in criteria):
        return None
    return sum((c["weight"] * values[c["code"]] / c["max"] for c in criteria), Fraction(0))


def _nomination_figures(criteria, reviews: dict) -> dict:
    """Trimmed means, total and reviewer totals of one nomination from {reviewer: {code: value}}."""
    means = {}
    for c in criteria:
        values = [v[c["code"]] for v in reviews.values() if c["code"] in v]
        means[c["code"]] = _trimmed_mean(values) if values else None
    total = None
    if criteria and all(m is not None for m in means.values()):
        total = sum((c["weight"] * means[c["code"]] / c["max"] for c in criteria), Fraction(0))
    totals = {r: t for r, v in reviews.items() if (t := _reviewer_total(criteria, v)) is not None}
    return {"means": means, "total": total, "reviewer_totals": totals}


def _scaled_figures(criteria, reviews: dict, scale: int, coefficients: list) -> dict:
    """``_nomination_figures`` for values that are ints over ``scale``, in integer arithmetic.

    The means and the total are the same Fractions; each reviewer total is an int over scale × the common
    denominator of the coefficients (``coefficients``: [(code, weight / max × that denominator)] per criterion).
    """
    means = {}
    for c in criteria:
        code = c["code"]
        values = sorted(v[code] for v in reviews.values() if code in v)
        if not values:
            means[code] = None
            continue
        if len(values) >= TRIM_FROM:
            values = values[1:-1]
        means[code] = Fraction(sum(values), len(values) * scale)
    total = None
    if criteria and all(m is not None for m in means.values()):
        total = sum((c["weight"] * means[c["code"]] / c["max"] for c in criteria), Fraction(0))
    totals = {}
    for reviewer, values in reviews.items():
        try:
            totals[reviewer] = sum(coefficient * values[code] for code, coefficient in coefficients)
        except KeyError:  # a criterion missing: no total for this reviewer
            continue
    return {"means": means, "total": total, "reviewer_totals": totals}


def _sort_key(row: dict):
    """Total desc, tie criteria desc, earlier final submission, lower id."""
    submitted = row["_final"]
    return (
        -row["_total"],
        *(-row["_means"][code] if row["_means"].get(code) is not None else 0 for code in row["_tie_codes"]),
        (submitted is None, submitted or datetime.datetime.min.replace(tzinfo=datetime.UTC)),
        row["id"],
    )


def _decided_by(row: dict, above: dict) -> str:
    """The first rule on which a ranked row differs from the one ranked just above it."""
    if row["_total"] != above["_total"]:
        return "total"
    for code in row["_tie_codes"]:
        if row["_means"].get(code) != above["_means"].get(code):
            return code
    if row["_final"] != above["_final"]:
        return "final_submitted_at"
    return "id"


def _assign_ranks(rows: list[dict], group_key: str, rank_key: str, decided_key: str) -> None:
    groups = defaultdict(list)
    for row in rows:
        if not row["flagged"]:
            groups[row[group_key]].append(row)
    for members in groups.values():
        members.sort(key=_sort_key)
        for position, row in enumerate(members, start=1):
            row[rank_key] = position
            row[decided_key] = _decided_by(row, members[position - 2]) if position > 1 else None


def _parse_time(text: str | None) -> datetime.datetime | None:
    if not text:
        return None
    moment = datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def ranking_results_compute(inputs: dict) -> dict:
    """The ranking of one cycle from its collected inputs; pure, deterministic, JSON-able.

    ``inputs`` (as ``ranking_inputs_collect`` builds it)::

        {"method": str, "cycle": {"id": int, "year": int}, "normalise": bool,
         "criteria": [{"code": str, "weight": "30.00", "max_score": "100.00"}, …],
         "nominations": [{"id", "zone", "province", "track", "field": int,
                          "final_submitted_at": ISO 8601 str | None}, …],
         "scores": [{"nomination": int, "reviewer": int, "criterion": str, "value": "85.50"}, …]}

    ``scores`` holds only scores of submitted assignments. The result::

        {"method", "normalised": bool, "sd": "population",
         "criteria": [{"code", "weight", "max_score"}, …],
         "nominations": [{"id", "zone", "province", "track", "field", "total", "total_raw",
                          "criteria": {code: trimmed mean}, "criteria_raw": {code: trimmed mean of raw values},
                          "review_count", "flagged", "flags", "spread_sd", "spread_range",
                          "rank_in_track", "rank_in_field", "decided_by_track", "decided_by_field",
                          "final_submitted_at"}, …],          # by field, track, rank in track (unranked last), id
         "reviewers": [{"id", "field", "count", "mean_total", "bias", "mean_total_raw", "bias_raw",
                        "normalisation": {code: "normalised" | "raw_few" | "raw_sd0"} | None}, …],
         "summary": {"nominations", "ranked", "flagged", "reviews"}}

    Every decimal is a string with 2 places; a figure that cannot be computed is None.
    """
    normalise = bool(inputs.get("normalise"))
    criteria = [
        {
            "code": c["code"],
            "weight": Fraction(c["weight"]),
            "max": Fraction(c["max_score"]),
            "weight_text": c["weight"],
            "max_text": c["max_score"],
        }
        for c in inputs["criteria"]
    ]
    codes = [c["code"] for c in criteria]
    tie_codes = [code for code in TIE_ORDER if code in codes]
    nominations = sorted(inputs["nominations"], key=lambda n: n["id"])
    field_of = {n["id"]: n["field"] for n in nominations}
    scores = inputs["scores"]
    for s in scores:
        if s["nomination"] not in field_of:
            raise ValueError(f"score for unknown nomination {s['nomination']}")
        if s["criterion"] not in codes:
            raise ValueError(f"score for unknown criterion {s['criterion']!r}")

    scaled, scale = _scaled_values(scores)
    used, treatment = _normalise(criteria, scaled, scale, field_of, normalise)

    reviews_raw = defaultdict(lambda: defaultdict(dict))
    for (nomination, reviewer, code), value in scaled.items():
        reviews_raw[nomination][reviewer][code] = value
    reviews_used = None
    if used is not None:
        reviews_used = defaultdict(lambda: defaultdict(dict))
        for (nomination, reviewer, code), value in used.items():
            reviews_used[nomination][reviewer][code] = value

    # Reviewer totals of raw values as ints: Σ weight / max × value = Σ coefficient × int / (common × scale).
    if all(c["max"] != 0 for c in criteria):
        quotients = [c["weight"] / c["max"] for c in criteria]
        common = math.lcm(*(q.denominator for q in quotients))
        coefficients = [
            (c["code"], q.numerator * (common // q.denominator))
            for c, q in zip(criteria, quotients, strict=True)
        ]
        raw_scale = common * scale

        def raw_figures_of(reviews):
            return _scaled_figures(criteria, reviews, scale, coefficients)

    else:  # a zero maximum: the exact path, which fails where a total needs it
        raw_scale = 1

        def raw_figures_of(reviews):
            exact = {
                r: {code: Fraction(v, scale) for code, v in values.items()} for r, values in reviews.items()
            }
            return _nomination_figures(criteria, exact)

    # Reviewer totals are numbers over these denominators: ints in the integer path, Fractions (over 1) otherwise.
    scale_of = {"raw": raw_scale, "used": raw_scale if used is None else 1}

    rows = []
    # (field, reviewer) -> [totals]; field -> [totals], for the values used and the raw values.
    reviewer_totals = {"used": defaultdict(list), "raw": defaultdict(list)}
    panel_totals = {"used": defaultdict(list), "raw": defaultdict(list)}
    reviewer_counts = defaultdict(int)
    for n in nominations:
        raw_reviews = reviews_raw.get(n["id"], {})
        raw_figures = raw_figures_of(raw_reviews)
        if used is None:
            figures = raw_figures  # without normalisation the values used are the raw values
        else:
            figures = _nomination_figures(criteria, reviews_used.get(n["id"], {}))
        review_count = len(raw_reviews)
        for reviewer in raw_reviews:
            reviewer_counts[(n["field"], reviewer)] += 1
        for kind, fig in (("used", figures), ("raw", raw_figures)):
            for reviewer, total in fig["reviewer_totals"].items():
                reviewer_totals[kind][(n["field"], reviewer)].append(total)
                panel_totals[kind][n["field"]].append(total)
        flags = []
        if review_count < MIN_REVIEWS:
            flags.append("few_reviews")
        if figures["total"] is None:
            flags.append("incomplete")
        spread = list(figures["reviewer_totals"].values())
        spread_scale = scale_of["used"]
        rows.append(
            {
                "id": n["id"],
                "zone": n["zone"],
                "province": n["province"],
                "track": n["track"],
                "field": n["field"],
                "total": _fmt(figures["total"]),
                "total_raw": _fmt(raw_figures["total"]),
                "criteria": {code: _fmt(figures["means"][code]) for code in codes},
                "criteria_raw": {code: _fmt(raw_figures["means"][code]) for code in codes},
                "review_count": review_count,
                "flagged": bool(flags),
                "flags": flags,
                "spread_sd": _fmt(_pstdev_scaled(spread, spread_scale)) if spread else None,
                "spread_range": _fmt(Fraction(max(spread) - min(spread), spread_scale)) if spread else None,
                "rank_in_track": None,
                "rank_in_field": None,
                "decided_by_track": None,
                "decided_by_field": None,
                "final_submitted_at": n.get("final_submitted_at"),
                "_total": figures["total"],
                "_means": figures["means"],
                "_tie_codes": tie_codes,
                "_final": _parse_time(n.get("final_submitted_at")),
            }
        )

    _assign_ranks(rows, "track", "rank_in_track", "decided_by_track")
    _assign_ranks(rows, "field", "rank_in_field", "decided_by_field")
    rows.sort(
        key=lambda r: (r["field"], r["track"], r["rank_in_track"] is None, r["rank_in_track"] or 0, r["id"])
    )
    for row in rows:
        for private in ("_total", "_means", "_tie_codes", "_final"):
            del row[private]

    panel_mean = {
        kind: {f: Fraction(_exact_sum(t), len(t) * scale_of[kind]) for f, t in by_field.items()}
        for kind, by_field in panel_totals.items()
    }
    reviewers = []
    for field, reviewer in sorted(reviewer_counts):
        entry = {"id": reviewer, "field": field, "count": reviewer_counts[(field, reviewer)]}
        for kind, suffix in (("used", ""), ("raw", "_raw")):
            totals = reviewer_totals[kind].get((field, reviewer))
            mean = Fraction(_exact_sum(totals), len(totals) * scale_of[kind]) if totals else None
            entry[f"mean_total{suffix}"] = _fmt(mean)
            bias = None
            if mean is not None:
                # mean - panel mean, rounded from the unreduced difference (no gcd of huge numbers).
                panel = panel_mean[kind][field]
                bias = _fmt_ratio(
                    mean.numerator * panel.denominator - panel.numerator * mean.denominator,
                    mean.denominator * panel.denominator,
                )
            entry[f"bias{suffix}"] = bias
        entry["normalisation"] = (
            {code: treatment[(reviewer, code)] for code in codes if (reviewer, code) in treatment}
            if normalise
            else None
        )
        reviewers.append(entry)

    return {
        "method": METHOD,
        "normalised": normalise,
        "sd": "population",
        "criteria": [
            {"code": c["code"], "weight": c["weight_text"], "max_score": c["max_text"]} for c in criteria
        ],
        "nominations": rows,
        "reviewers": reviewers,
        "summary": {
            "nominations": len(rows),
            "ranked": sum(1 for r in rows if not r["flagged"]),
            "flagged": sum(1 for r in rows if r["flagged"]),
            "reviews": sum(r["review_count"] for r in rows),
        },
    }


# ---------------------------------------------------------------------------------------------------------------
# Reading the inputs and storing the snapshot
# ---------------------------------------------------------------------------------------------------------------


def _iso(moment: datetime.datetime | None) -> str | None:
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment.astimezone(datetime.UTC).isoformat()


def ranking_inputs_collect(cycle: Cycle) -> dict:
    """The cycle's frozen criteria, its nominations in review and their submitted scores, as plain JSON.

    Three queries whatever the number of nominations: criteria, nominations (with the final submission time as an
    aggregate), scores. Only scores of SUBMITTED assignments are read.
    """
    submitted = AssignmentStatus.SUBMITTED
    criteria = [
        {
            "code": row["code"],
            "weight": _decimal_text(row["weight"]),
            "max_score": _decimal_text(row["max_score"]),
        }
        for row in Criterion.objects.filter(cycle=cycle)
        .order_by("order", "code")
        .values("code", "weight", "max_score")
    ]
    nominations = [
        {
            "id": row["id"],
            "zone": row["zone_id"],
            "province": row["province_id"],
            "track": row["track_id"],
            "field": row["track__field_id"],
            "final_submitted_at": _iso(row["final_submitted_at"]),
        }
        for row in Nomination.objects.filter(cycle=cycle, status__in=NominationStatus.REVIEWED)
        .values("id", "zone_id", "province_id", "track_id", "track__field_id")
        .annotate(
            final_submitted_at=Max("assignments__submitted_at", filter=Q(assignments__status=submitted))
        )
        .order_by("id")
    ]
    # Tuples, not dicts, from the database: at national scale this is 40,000 rows, the bulk of the reading.
    scores = [
        {"nomination": nomination, "reviewer": reviewer, "criterion": code, "value": _decimal_text(value)}
        for nomination, reviewer, code, value in Score.objects.filter(
            assignment__status=submitted,
            assignment__nomination__cycle=cycle,
            assignment__nomination__status__in=NominationStatus.REVIEWED,
            criterion__cycle=cycle,
        )
        .values_list("assignment__nomination_id", "assignment__reviewer_id", "criterion__code", "value")
        .order_by(
            "assignment__nomination_id", "assignment__reviewer_id", "criterion__order", "criterion__code"
        )
    ]
    return {
        "method": METHOD,
        "cycle": {"id": cycle.pk, "year": cycle.year},
        "normalise": bool(cycle.normalise_scores),
        "criteria": criteria,
        "nominations": nominations,
        "scores": scores,
    }


def ranking_compute(*, cycle: Cycle, actor=None) -> RankingSnapshot:
    """Rank a cycle and store the snapshot with its inputs, their SHA-256 and the results; audited.

    ``actor`` is the programme staff user who asked for it, or None for the system (the ``rank_cycle`` command).
    """
    if actor is not None and not roles.is_programme_staff(actor):
        raise PermissionDenied(_("只有业务管理员可以计算排名。"))
    with transaction.atomic():
        inputs = ranking_inputs_collect(cycle)
        results = ranking_results_compute(inputs)
        inputs_text = canonical_json(inputs)
        digest = sha256_hex(inputs_text)
        user = actor if getattr(actor, "is_authenticated", False) else None
        snapshot = RankingSnapshot.objects.create(
            cycle=cycle,
            computed_by=user,
            normalised=inputs["normalise"],
            # The text just hashed, stored as it is: megabytes at national scale, not encoded a second time.
            inputs=Cast(Value(inputs_text), output_field=JSONField()),
            inputs_sha256=digest,
            results=results,
        )
        snapshot.inputs = inputs
        audit_record(
            actor=actor,
            action="ranking.compute",
            obj=snapshot,
            after={
                "cycle": cycle.year,
                "normalised": inputs["normalise"],
                "inputs_sha256": digest,
                **results["summary"],
            },
        )
    return snapshot
