"""The ranking service against an independent computation of domain.md's aggregation rule.

The expected figures here are computed separately from the service: exact fractions and ``statistics`` over the raw
scores for the exact rules, plain floats for normalisation (compared to within 0.01, the output's last place).
"""

import datetime
import hashlib
import io
import json
import statistics
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from tests.factories import (
    CycleFactory,
    FieldFactory,
    NominationFactory,
    ReviewerProfileFactory,
    TrackFactory,
    UserFactory,
    criteria_for,
    staff,
)
from tracks.models import Assignment, AssignmentStatus, NominationStatus, RankingSnapshot, Score
from tracks.services.ranking import (
    canonical_json,
    ranking_compute,
    ranking_inputs_collect,
    ranking_results_compute,
    sha256_hex,
)
from zones.models import Zone

T0 = datetime.datetime(2025, 6, 1, 1, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
CODES = ("strategic", "leading", "growth", "driving")

EQUAL_SPEC = [
    ("strategic", "战略性", Decimal("25"), Decimal("100")),
    ("leading", "领先性", Decimal("25"), Decimal("100")),
    ("growth", "成长性", Decimal("25"), Decimal("100")),
    ("driving", "带动性", Decimal("25"), Decimal("100")),
]
UNEQUAL_SPEC = [
    ("strategic", "战略性", Decimal("40"), Decimal("10")),
    ("leading", "领先性", Decimal("20"), Decimal("20")),
    ("growth", "成长性", Decimal("25"), Decimal("100")),
    ("driving", "带动性", Decimal("15"), Decimal("50")),
]
ZERO_GROWTH_SPEC = [
    ("strategic", "战略性", Decimal("40"), Decimal("100")),
    ("leading", "领先性", Decimal("30"), Decimal("100")),
    ("growth", "成长性", Decimal("0"), Decimal("100")),
    ("driving", "带动性", Decimal("30"), Decimal("100")),
]


# ---------------------------------------------------------------------------------------------------------------
# Building a cycle through the ORM
# ---------------------------------------------------------------------------------------------------------------


class Scenario:
    """A cycle with criteria; add nominations and submitted reviews straight through the ORM."""

    def __init__(self, *, spec=EQUAL_SPEC, normalise=False, year=None):
        extra = {"year": year} if year else {}
        self.cycle = CycleFactory(normalise_scores=normalise, **extra)
        self.spec = spec
        self.criteria = {c.code: c for c in criteria_for(self.cycle, spec)}
        self._zones = iter(list(Zone.objects.select_related("province").order_by("key")))

    def nomination(self, track, *, status=NominationStatus.IN_REVIEW, zone=None):
        zone = zone or next(self._zones)
        return NominationFactory(
            cycle=self.cycle, track=track, zone=zone, province=zone.province, status=status
        )

    def review(self, nomination, reviewer, values, *, at=T0, status=AssignmentStatus.SUBMITTED):
        """values: {code: value} or a tuple in CODES order."""
        if not isinstance(values, dict):
            values = dict(zip(CODES, values, strict=True))
        assignment = Assignment.objects.create(
            reviewer=reviewer,
            nomination=nomination,
            status=status,
            pledge_signed_at=at - HOUR,
            submitted_at=at if status == AssignmentStatus.SUBMITTED else None,
        )
        for code, value in values.items():
            Score.objects.create(
                assignment=assignment, criterion=self.criteria[code], value=Decimal(str(value))
            )
        return assignment


def reviewers(n):
    return [ReviewerProfileFactory() for _ in range(n)]


def by_id(results):
    return {row["id"]: row for row in results["nominations"]}


# ---------------------------------------------------------------------------------------------------------------
# The independent computation
# ---------------------------------------------------------------------------------------------------------------


def q2(value) -> str:
    """Round half up to 2 places, from an exact fraction (or a float via its shortest repr)."""
    if isinstance(value, float):
        value = Fraction(repr(value))
    exact = Context(prec=60).divide(Decimal(value.numerator), Decimal(value.denominator))
    return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def trimmed(values):
    values = sorted(values)
    if len(values) >= 5:
        values = values[1:-1]
    return (
        sum(values, Fraction(0)) / len(values)
        if isinstance(values[0], Fraction)
        else statistics.fmean(values)
    )


def weighted_total(spec, means):
    return sum(
        (Fraction(weight) * means[code] / Fraction(max_score) for code, _, weight, max_score in spec),
        Fraction(0),
    )


def close(text, expected, tolerance="0.01"):
    return abs(Decimal(text) - Decimal(repr(expected))) <= Decimal(tolerance)


# ---------------------------------------------------------------------------------------------------------------
# Trimmed mean, weights, spread
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_trimmed_mean_with_five_four_and_three_reviewers_and_unequal_maximums():
    s = Scenario(spec=UNEQUAL_SPEC)
    track = TrackFactory()
    panel = reviewers(5)
    # (strategic /10, leading /20, growth /100, driving /50) per reviewer.
    sheets = {
        "five": [(9, 15, 80, 40), (7.5, 18, 85.5, 41), (8, 12, 60, 35), (2, 20, 99, 10), (10, 16.5, 72, 44)],
        # duplicates at the extremes: only one highest and one lowest are dropped
        "five_dup": [(8, 12, 70, 30), (8, 12, 70, 30), (8, 15, 75, 35), (3, 11, 40, 25), (3, 11, 40, 25)],
        "four": [(9, 15, 80, 40), (1, 2, 3, 4), (10, 20, 100, 50), (6, 14, 71, 33)],
        "three": [(9, 15, 80, 40), (6.5, 13, 77.5, 21), (7, 19, 91, 38)],
    }
    nominations = {}
    for key, sheet in sheets.items():
        nominations[key] = s.nomination(track)
        for reviewer, values in zip(panel, sheet, strict=False):
            s.review(nominations[key], reviewer, values)
    # Not submitted: never counted, however extreme.
    s.review(nominations["three"], panel[4], (0, 0, 0, 0), status=AssignmentStatus.ACCEPTED)

    results = ranking_compute(cycle=s.cycle).results
    rows = by_id(results)

    for key, sheet in sheets.items():
        row = rows[nominations[key].pk]
        means = {code: trimmed([Fraction(str(v[i])) for v in sheet]) for i, code in enumerate(CODES)}
        total = weighted_total(UNEQUAL_SPEC, means)
        assert row["review_count"] == len(sheet)
        assert row["criteria"] == {code: q2(means[code]) for code in CODES}
        assert row["total"] == q2(total)
        assert row["flagged"] is False
        reviewer_totals = [
            weighted_total(UNEQUAL_SPEC, {code: Fraction(str(v[i])) for i, code in enumerate(CODES)})
            for v in sheet
        ]
        floats = [float(t) for t in reviewer_totals]
        assert close(row["spread_sd"], statistics.pstdev(floats))
        assert row["spread_range"] == q2(max(reviewer_totals) - min(reviewer_totals))

    # Hand-checked figures for the five-reviewer sheet: strategic drops 2 and 10 → (9 + 7.5 + 8) / 3.
    five = rows[nominations["five"].pk]
    assert five["criteria"]["strategic"] == "8.17"
    assert rows[nominations["five_dup"].pk]["criteria"]["strategic"] == "6.33"  # (8 + 8 + 3) / 3
    assert rows[nominations["three"].pk]["criteria"]["growth"] == "82.83"  # (80 + 77.5 + 91) / 3, no trim
    # Ranked by total within the track.
    order = sorted(sheets, key=lambda k: -Decimal(rows[nominations[k].pk]["total"]))
    assert [rows[nominations[k].pk]["rank_in_track"] for k in order] == [1, 2, 3, 4]


@pytest.mark.django_db
def test_reviewer_bias_against_the_field_panel():
    s = Scenario()
    field = FieldFactory()
    track_a, track_b = TrackFactory(field=field), TrackFactory(field=field)
    harsh, fair, lenient = reviewers(3)
    sheets = {
        (track_a, "a1"): {harsh: (50, 50, 50, 50), fair: (70, 72, 68, 70), lenient: (90, 95, 92, 88)},
        (track_a, "a2"): {harsh: (40, 45, 50, 55), fair: (60, 65, 70, 75), lenient: (85, 80, 90, 95)},
        (track_b, "b1"): {harsh: (30, 40, 50, 60), fair: (65, 66, 67, 68), lenient: (99, 98, 97, 96)},
    }
    for (track, _key), sheet in sheets.items():
        nomination = s.nomination(track)
        for reviewer, values in sheet.items():
            s.review(nomination, reviewer, values)

    results = ranking_compute(cycle=s.cycle).results
    totals = {r: [statistics.fmean(sheet[r]) for sheet in sheets.values()] for r in (harsh, fair, lenient)}
    panel_mean = statistics.fmean([t for ts in totals.values() for t in ts])
    entries = {e["id"]: e for e in results["reviewers"]}
    for reviewer, ts in totals.items():
        entry = entries[reviewer.pk]
        assert entry["field"] == field.pk
        assert entry["count"] == 3
        assert close(entry["mean_total"], statistics.fmean(ts))
        assert close(entry["bias"], statistics.fmean(ts) - panel_mean)
        assert entry["bias_raw"] == entry["bias"]
        assert entry["normalisation"] is None
    assert Decimal(entries[harsh.pk]["bias"]) < 0 < Decimal(entries[lenient.pk]["bias"])


# ---------------------------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------------------------


def independent_normalised(spec, reviews, field_of):
    """reviews: [(nomination, reviewer, code, value)] → {(nomination, reviewer, code): value}, treatment, clamps."""
    max_of = {code: float(max_score) for code, _, _, max_score in spec}
    panel, own = {}, {}
    for n, r, code, x in reviews:
        panel.setdefault((field_of[n], code), []).append(x)
        own.setdefault((r, code), []).append(x)
    used, treatment, clamped = {}, {}, 0
    for n, r, code, x in reviews:
        mine = own[(r, code)]
        if len(mine) < 3:
            treatment[(r, code)] = "raw_few"
            used[(n, r, code)] = x
            continue
        sd = statistics.pstdev(mine)
        if sd == 0:
            treatment[(r, code)] = "raw_sd0"
            used[(n, r, code)] = x
            continue
        treatment[(r, code)] = "normalised"
        theirs = panel[(field_of[n], code)]
        mapped = statistics.fmean(theirs) + (x - statistics.fmean(mine)) / sd * statistics.pstdev(theirs)
        if not 0 <= mapped <= max_of[code]:
            clamped += 1
        used[(n, r, code)] = min(max(mapped, 0.0), max_of[code])
    return used, treatment, clamped


@pytest.mark.django_db
def test_normalisation_with_both_raw_fallbacks_clamping_and_field_panels():
    s = Scenario(spec=UNEQUAL_SPEC, normalise=True)
    field_a, field_b = FieldFactory(), FieldFactory()
    track_a, track_b = TrackFactory(field=field_a), TrackFactory(field=field_b)
    r1, r2, r3, r4, few, flat, r7, r8, r9 = reviewers(9)
    a = [s.nomination(track_a) for _ in range(4)]
    b = [s.nomination(track_b) for _ in range(3)]
    sheets = {
        # field A: four regular reviewers on all four nominations
        r1: {a[0]: (9, 15, 80, 40), a[1]: (7, 12, 70, 30), a[2]: (5, 10, 60, 20), a[3]: (8, 14, 75, 35)},
        r2: {a[0]: (6, 10, 0, 25), a[1]: (6.5, 11, 0, 26), a[2]: (4, 8, 0, 20), a[3]: (7, 12, 100, 30)},
        r3: {a[0]: (10, 20, 95, 50), a[1]: (9.5, 19, 90, 49), a[2]: (9, 18, 92, 48), a[3]: (10, 20, 99, 50)},
        r4: {a[0]: (3, 6, 40, 15), a[1]: (5, 9, 55, 22), a[2]: (2, 5, 35, 12), a[3]: (4, 8, 50, 18)},
        # two nominations only: every criterion stays raw
        few: {a[0]: (1, 2, 10, 5), a[1]: (10, 20, 100, 50)},
        # the same 战略性 everywhere (sd = 0, raw), varied otherwise
        flat: {a[1]: (7, 11, 65, 30), a[2]: (7, 16, 85, 40), a[3]: (7, 13, 70, 35)},
        # field B: a lower-scoring panel
        r7: {b[0]: (4, 8, 40, 20), b[1]: (3, 6, 30, 15), b[2]: (5, 9, 45, 25)},
        r8: {b[0]: (5, 10, 50, 22), b[1]: (2, 4, 20, 10), b[2]: (4, 7, 35, 18)},
        r9: {b[0]: (3.5, 7, 38, 19), b[1]: (4, 8, 42, 21), b[2]: (6, 12, 60, 30)},
    }
    # r1 also sits on field B: standardised over all six of its nominations, mapped onto each field's panel.
    sheets[r1].update({b[0]: (9, 18, 90, 45), b[1]: (6, 12, 60, 30)})
    for reviewer, sheet in sheets.items():
        for nomination, values in sheet.items():
            s.review(nomination, reviewer, values)

    results = ranking_compute(cycle=s.cycle).results
    assert results["normalised"] is True
    assert results["sd"] == "population"

    field_of = {n.pk: field_a.pk for n in a} | {n.pk: field_b.pk for n in b}
    raw = [
        (n.pk, r.pk, code, float(values[i]))
        for r, sheet in sheets.items()
        for n, values in sheet.items()
        for i, code in enumerate(CODES)
    ]
    used, treatment, clamped = independent_normalised(UNEQUAL_SPEC, raw, field_of)
    assert clamped > 0  # the scenario exercises the clamp to [0, max]

    rows = by_id(results)
    weight = {code: float(w) for code, _, w, _ in UNEQUAL_SPEC}
    maximum = {code: float(m) for code, _, _, m in UNEQUAL_SPEC}
    for nomination in a + b:
        row = rows[nomination.pk]
        per_code = {
            code: [v for (n, _r, c), v in used.items() if n == nomination.pk and c == code] for code in CODES
        }
        means = {code: trimmed(values) for code, values in per_code.items()}
        for code in CODES:
            assert close(row["criteria"][code], means[code]), (nomination.pk, code)
        assert close(row["total"], sum(weight[c] * means[c] / maximum[c] for c in CODES))
        raw_means = {
            code: trimmed([Fraction(str(x)) for n, _r, c, x in raw if n == nomination.pk and c == code])
            for code in CODES
        }
        assert row["criteria_raw"] == {code: q2(raw_means[code]) for code in CODES}
        own_totals = [
            sum(weight[c] * used[(nomination.pk, r, c)] / maximum[c] for c in CODES)
            for r in {r for (n, r, _c) in used if n == nomination.pk}
        ]
        assert close(row["spread_sd"], statistics.pstdev(own_totals))
        assert close(row["spread_range"], max(own_totals) - min(own_totals))

    entries = {(e["id"], e["field"]): e for e in results["reviewers"]}
    assert entries[(few.pk, field_a.pk)]["normalisation"] == dict.fromkeys(CODES, "raw_few")
    assert entries[(flat.pk, field_a.pk)]["normalisation"] == {
        "strategic": "raw_sd0",
        "leading": "normalised",
        "growth": "normalised",
        "driving": "normalised",
    }
    assert entries[(r1.pk, field_b.pk)]["normalisation"] == dict.fromkeys(CODES, "normalised")
    for (reviewer_id, code), how in treatment.items():
        field_id = field_b.pk if reviewer_id in (r7.pk, r8.pk, r9.pk) else field_a.pk
        assert entries[(reviewer_id, field_id)]["normalisation"][code] == how
    # The raw fallbacks keep the submitted value: the reviewer with two nominations gave 1/10 on 战略性.
    assert used[(a[0].pk, few.pk, "strategic")] == 1.0

    # Bias on the values used and on the raw values, per field panel.
    for kind, values in (("", used), ("_raw", {(n, r, c): x for n, r, c, x in raw})):
        totals = {}
        for n, r, _c in values:
            totals.setdefault((field_of[n], r), set()).add(n)
        panel = {}
        own = {}
        for (f, r), ns in totals.items():
            own[(f, r)] = [sum(weight[c] * values[(n, r, c)] / maximum[c] for c in CODES) for n in ns]
            panel.setdefault(f, []).extend(own[(f, r)])
        for (f, r), ts in own.items():
            entry = entries[(r, f)]
            assert close(entry[f"mean_total{kind}"], statistics.fmean(ts))
            assert close(entry[f"bias{kind}"], statistics.fmean(ts) - statistics.fmean(panel[f]))


@pytest.mark.django_db
def test_normalisation_off_uses_raw_values():
    s = Scenario(normalise=False)
    track = TrackFactory()
    panel = reviewers(3)
    nominations = [s.nomination(track) for _ in range(3)]
    for i, nomination in enumerate(nominations):
        for j, reviewer in enumerate(panel):
            s.review(nomination, reviewer, (50 + i * 10 + j, 60, 70, 80))
    results = ranking_compute(cycle=s.cycle).results
    assert results["normalised"] is False
    for row in results["nominations"]:
        assert row["criteria"] == row["criteria_raw"]
        assert row["total"] == row["total_raw"]


# ---------------------------------------------------------------------------------------------------------------
# Ties
# ---------------------------------------------------------------------------------------------------------------

TIE_CASES = {
    # rule: (spec, first's sheet, second's sheet, first's submission offsets, second's offsets)
    # The second is created first (lower id, except in the id case) and, except in the time case, submits first,
    # so neither id nor time explains the order; each first also loses on the rule after the deciding one.
    "total": (EQUAL_SPEC, (70, 90, 90, 90), (90, 80, 80, 80), (5, 6, 7), (1, 2, 3)),
    "strategic": (EQUAL_SPEC, (90, 80, 70, 60), (80, 80, 70, 70), (5, 6, 7), (1, 2, 3)),
    "driving": (EQUAL_SPEC, (80, 70, 60, 90), (80, 80, 60, 80), (5, 6, 7), (1, 2, 3)),
    "leading": (EQUAL_SPEC, (80, 90, 60, 70), (80, 80, 70, 70), (5, 6, 7), (1, 2, 3)),
    # growth decides only when it weighs nothing: otherwise equal totals and equal other means imply equal growth
    "growth": (ZERO_GROWTH_SPEC, (80, 80, 90, 80), (80, 80, 50, 80), (5, 6, 7), (1, 2, 3)),
    # final submission = the latest one: the first's is at +3h, the second's at +4h despite its earliest at +0h
    "final_submitted_at": (EQUAL_SPEC, (80, 80, 80, 80), (80, 80, 80, 80), (1, 2, 3), (0, 1, 4)),
    "id": (EQUAL_SPEC, (80, 80, 80, 80), (80, 80, 80, 80), (2, 2, 2), (2, 2, 2)),
}


def independent_order(spec, sheets, finals, ids):
    """Sort keys written from domain.md: total, 战略性, 带动性, 领先性, 成长性 desc; earlier final; lower id."""

    def key(name):
        means = {code: Fraction(sheets[name][i]) for i, code in enumerate(CODES)}
        return (
            -weighted_total(spec, means),
            -means["strategic"],
            -means["driving"],
            -means["leading"],
            -means["growth"],
            finals[name],
            ids[name],
        )

    return sorted(sheets, key=key)


@pytest.mark.django_db
@pytest.mark.parametrize("rule", list(TIE_CASES))
def test_tie_rules(rule):
    spec, first_sheet, second_sheet, first_at, second_at = TIE_CASES[rule]
    s = Scenario(spec=spec)
    track = TrackFactory()
    panel = reviewers(3)
    if rule == "id":
        first = s.nomination(track)
        second = s.nomination(track)
    else:
        second = s.nomination(track)
        first = s.nomination(track)
    for nomination, sheet, offsets in ((second, second_sheet, second_at), (first, first_sheet, first_at)):
        for reviewer, offset in zip(panel, offsets, strict=True):
            s.review(nomination, reviewer, sheet, at=T0 + offset * HOUR)
    # A nomination of another track in the same field, far below: field ranks follow the same rules.
    other = s.nomination(TrackFactory(field=track.field))
    for reviewer in panel:
        s.review(other, reviewer, (10, 10, 10, 10))

    rows = by_id(ranking_compute(cycle=s.cycle).results)
    expected = independent_order(
        spec,
        {"first": first_sheet, "second": second_sheet},
        {"first": T0 + max(first_at) * HOUR, "second": T0 + max(second_at) * HOUR},
        {"first": first.pk, "second": second.pk},
    )
    assert expected == ["first", "second"]
    if rule != "total":
        assert rows[first.pk]["total"] == rows[second.pk]["total"]
    assert (rows[first.pk]["rank_in_track"], rows[second.pk]["rank_in_track"]) == (1, 2)
    assert (rows[first.pk]["rank_in_field"], rows[second.pk]["rank_in_field"]) == (1, 2)
    assert rows[other.pk]["rank_in_track"] == 1
    assert rows[other.pk]["rank_in_field"] == 3
    assert rows[second.pk]["decided_by_track"] == rule
    assert rows[second.pk]["decided_by_field"] == rule
    assert rows[first.pk]["decided_by_track"] is None
    assert rows[first.pk]["final_submitted_at"] == (T0 + max(first_at) * HOUR).isoformat()


# ---------------------------------------------------------------------------------------------------------------
# Fewer than 3 reviews
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_fewer_than_three_reviews_is_flagged_listed_and_not_ranked():
    s = Scenario()
    track = TrackFactory()
    panel = reviewers(3)
    strong_but_two = s.nomination(track)
    for reviewer in panel[:2]:
        s.review(strong_but_two, reviewer, (100, 100, 100, 100))
    # three assigned, one not yet submitted: still only two reviews
    s.review(strong_but_two, panel[2], (100, 100, 100, 100), status=AssignmentStatus.ACCEPTED)
    ranked = [s.nomination(track) for _ in range(2)]
    for i, nomination in enumerate(ranked):
        for reviewer in panel:
            s.review(nomination, reviewer, (60 + i, 60, 60, 60))
    unreviewed = s.nomination(track, status=NominationStatus.ACCEPTED)
    draft = s.nomination(track, status=NominationStatus.DRAFT)

    results = ranking_compute(cycle=s.cycle).results
    rows = by_id(results)
    assert draft.pk not in rows
    flagged = rows[strong_but_two.pk]
    assert flagged["flagged"] is True
    assert flagged["flags"] == ["few_reviews"]
    assert flagged["review_count"] == 2
    assert flagged["total"] == "100.00"  # shown, but not ranked
    assert flagged["rank_in_track"] is None and flagged["rank_in_field"] is None
    empty = rows[unreviewed.pk]
    assert empty["flags"] == ["few_reviews", "incomplete"]
    assert empty["review_count"] == 0
    assert empty["total"] is None and empty["rank_in_track"] is None and empty["spread_sd"] is None
    assert [rows[n.pk]["rank_in_track"] for n in ranked] == [2, 1]
    assert results["summary"] == {"nominations": 4, "ranked": 2, "flagged": 2, "reviews": 8}
    # Ranked rows first, flagged ones after them in the track's listing.
    assert [r["id"] for r in results["nominations"]] == [
        ranked[1].pk,
        ranked[0].pk,
        strong_but_two.pk,
        unreviewed.pk,
    ]


# ---------------------------------------------------------------------------------------------------------------
# Bounded queries, snapshot, audit
# ---------------------------------------------------------------------------------------------------------------


def populate(scenario, count, panel):
    """count nominations over three tracks in two fields, each scored by the whole panel within each maximum."""
    fields = [FieldFactory(), FieldFactory()]
    tracks = [TrackFactory(field=fields[0]), TrackFactory(field=fields[0]), TrackFactory(field=fields[1])]
    maxima = [scenario.criteria[code].max_score for code in CODES]
    for i in range(count):
        nomination = scenario.nomination(tracks[i % 3])
        for j, reviewer in enumerate(panel):
            percents = ((i * 7 + j) % 101, (i + j * 3) % 101, 50 + j, 80 - j)
            values = tuple(
                (m * p / 100).quantize(Decimal("0.01")) for m, p in zip(maxima, percents, strict=True)
            )
            scenario.review(nomination, reviewer, values, at=T0 + j * HOUR)


@pytest.mark.django_db
@pytest.mark.parametrize("normalise", [False, True])
def test_query_count_is_the_same_at_one_and_ten_times_the_nominations(
    normalise, django_assert_max_num_queries
):
    panel = reviewers(5)
    small, large = Scenario(normalise=normalise), Scenario(normalise=normalise)
    populate(small, 3, panel)
    populate(large, 30, panel)
    counts = []
    for scenario in (small, large):
        with CaptureQueriesContext(connection) as captured:
            snapshot = ranking_compute(cycle=scenario.cycle)
        counts.append(len(captured))
        assert snapshot.results["summary"]["ranked"] > 0
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(8):
        ranking_compute(cycle=large.cycle)
    assert len(by_id(RankingSnapshot.objects.filter(cycle=large.cycle).first().results)) == 30


@pytest.mark.django_db
def test_snapshot_stores_inputs_hash_and_reproducible_results():
    s = Scenario(spec=UNEQUAL_SPEC, normalise=True)
    populate(s, 9, reviewers(5))
    actor = staff()
    snapshot = ranking_compute(cycle=s.cycle, actor=actor)
    snapshot.refresh_from_db()

    expected_text = json.dumps(snapshot.inputs, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert canonical_json(snapshot.inputs) == expected_text
    assert snapshot.inputs_sha256 == hashlib.sha256(expected_text.encode("utf-8")).hexdigest()
    assert snapshot.inputs_sha256 == sha256_hex(canonical_json(ranking_inputs_collect(s.cycle)))
    assert ranking_results_compute(snapshot.inputs) == snapshot.results
    assert snapshot.normalised is True
    assert snapshot.computed_by == actor
    assert len(snapshot.inputs["scores"]) == 9 * 5 * 4
    assert snapshot.inputs["criteria"][0] == {"code": "strategic", "weight": "40.00", "max_score": "10.00"}

    event = AuditEvent.objects.get(action="ranking.compute", object_id=str(snapshot.pk))
    assert event.actor == actor
    assert event.after["inputs_sha256"] == snapshot.inputs_sha256
    assert event.after["ranked"] == 9

    # The same data gives the same hash and the same results.
    again = ranking_compute(cycle=s.cycle, actor=actor)
    assert again.inputs_sha256 == snapshot.inputs_sha256
    assert again.results == snapshot.results


@pytest.mark.django_db
def test_only_programme_staff_may_compute():
    s = Scenario()
    with pytest.raises(PermissionDenied):
        ranking_compute(cycle=s.cycle, actor=UserFactory())
    assert not RankingSnapshot.objects.filter(cycle=s.cycle).exists()


# ---------------------------------------------------------------------------------------------------------------
# The pure function against an independent exact computation, for arbitrary scores
# ---------------------------------------------------------------------------------------------------------------

value_strategy = st.integers(min_value=0, max_value=200).map(lambda v: f"{Decimal(v) / 2:.2f}")


@st.composite
def ranking_inputs(draw):
    weights = draw(st.lists(st.integers(0, 100), min_size=4, max_size=4))
    total_weight = sum(weights) or 1
    criteria = [
        {"code": code, "weight": f"{Decimal(w * 100) / total_weight:.2f}", "max_score": "100.00"}
        for code, w in zip(CODES, weights, strict=True)
    ]
    nominations, scores = [], []
    for nid in range(1, draw(st.integers(1, 8)) + 1):
        nominations.append(
            {
                "id": nid,
                "zone": nid,
                "province": 1,
                "track": draw(st.integers(1, 2)),
                "field": 1,
                "final_submitted_at": (T0 + draw(st.integers(0, 2)) * HOUR).isoformat(),
            }
        )
        for reviewer in range(1, draw(st.integers(0, 6)) + 1):
            # few distinct values, so ties on totals and criteria happen often
            for code in CODES:
                scores.append(
                    {
                        "nomination": nid,
                        "reviewer": reviewer,
                        "criterion": code,
                        "value": draw(st.sampled_from(["60.00", "70.00", "75.50", "80.00"])),
                    }
                )
    return {
        "method": "x",
        "normalise": False,
        "criteria": criteria,
        "nominations": nominations,
        "scores": scores,
    }


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ranking_inputs())
def test_rank_inputs_matches_an_independent_exact_computation(inputs):
    spec = [(c["code"], "", Decimal(c["weight"]), Decimal(c["max_score"])) for c in inputs["criteria"]]
    rows = by_id(ranking_results_compute(inputs))
    expected = {}
    for n in inputs["nominations"]:
        mine = [s for s in inputs["scores"] if s["nomination"] == n["id"]]
        reviewer_count = len({s["reviewer"] for s in mine})
        row = rows[n["id"]]
        assert row["review_count"] == reviewer_count
        assert row["flagged"] is (reviewer_count < 3)
        if not mine:
            assert row["total"] is None
            continue
        means = {
            code: trimmed([Fraction(s["value"]) for s in mine if s["criterion"] == code]) for code in CODES
        }
        total = weighted_total(spec, means)
        assert row["criteria"] == {code: q2(means[code]) for code in CODES}
        assert row["total"] == q2(total)
        if reviewer_count >= 3:
            expected[n["id"]] = (
                n["track"],
                (
                    -total,
                    -means["strategic"],
                    -means["driving"],
                    -means["leading"],
                    -means["growth"],
                    datetime.datetime.fromisoformat(n["final_submitted_at"]),
                    n["id"],
                ),
            )
    field_order = sorted(expected, key=lambda nid: expected[nid][1])
    assert [rows[nid]["rank_in_field"] for nid in field_order] == list(range(1, len(field_order) + 1))
    for track in (1, 2):
        order = [nid for nid in field_order if expected[nid][0] == track]
        assert [rows[nid]["rank_in_track"] for nid in order] == list(range(1, len(order) + 1))
    unranked = [nid for nid in rows if nid not in expected]
    assert all(rows[nid]["rank_in_track"] is None and rows[nid]["rank_in_field"] is None for nid in unranked)
    # JSON round trip changes nothing: what a snapshot stores is what the function returns.
    assert json.loads(canonical_json(ranking_results_compute(inputs))) == ranking_results_compute(
        json.loads(canonical_json(inputs))
    )


# ---------------------------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rank_cycle_command_prints_the_ranking_per_field_and_track():
    s = Scenario(year=2025)
    field = FieldFactory(name="人工智能")
    humanoid = TrackFactory(field=field, name="人形机器人")
    chips = TrackFactory(field=field, name="智能芯片")
    panel = reviewers(3)
    zhongshan = s.nomination(humanoid, zone=Zone.objects.get(key="440000-03"))
    nanjing = s.nomination(humanoid, zone=Zone.objects.get(key="320000-01"))
    lonely = s.nomination(chips, zone=Zone.objects.get(key="440000-03"))
    for reviewer in panel:
        s.review(zhongshan, reviewer, (90, 88, 86, 84))
        s.review(nanjing, reviewer, (80, 78, 76, 74))
    s.review(lonely, panel[0], (99, 99, 99, 99))

    out = io.StringIO()
    call_command("rank_cycle", "2025", "--reviewers", stdout=out)
    text = out.getvalue()

    assert RankingSnapshot.objects.filter(cycle=s.cycle).count() == 1
    snapshot = RankingSnapshot.objects.get(cycle=s.cycle)
    assert snapshot.inputs_sha256 in text
    assert "【领域】人工智能" in text
    assert "【赛道】人形机器人" in text and "【赛道】智能芯片" in text
    for header in (
        "排名",
        "国家高新区",
        "省份",
        "总分",
        "战略性",
        "领先性",
        "成长性",
        "带动性",
        "评审数",
        "标记",
    ):
        assert header in text
    lines = text.splitlines()
    track_block = lines[next(i for i, line in enumerate(lines) if "【赛道】人形机器人" in line) :]
    first = next(line for line in track_block if zhongshan.zone.display_name in line)
    second = next(line for line in track_block if nanjing.zone.display_name in line)
    assert first.split()[0] == "1" and "87.00" in first and "广东省" in first
    assert second.split()[0] == "2" and "77.00" in second and "江苏省" in second
    assert track_block.index(first) < track_block.index(second)
    flagged = next(line for line in lines if "评审不足3份" in line)
    assert flagged.split()[0] == "—" and "99.00" in flagged
    assert "【评审专家偏差】人工智能" in text


@pytest.mark.django_db
def test_rank_cycle_command_refuses_an_unknown_year():
    CycleFactory(year=2025)
    with pytest.raises(CommandError, match="年度批次“1999”不存在") as error:
        call_command("rank_cycle", "1999")
    # manage.py turns a CommandError into its message on stderr and this exit status. (Running it through
    # execute_from_command_line here would close the test's database connection on the way out.)
    assert error.value.returncode == 1
    assert not RankingSnapshot.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# Spread from exact reviewer totals


def _spread_inputs(normalise: bool) -> dict:
    weights = {"strategic": "30.00", "leading": "25.00", "growth": "25.00", "driving": "20.00"}
    rows = {1: ("80.01", "80.00"), 2: ("70.02", "70.00"), 3: ("75.00", "75.00")}
    return {
        "method": "test",
        "cycle": {"id": 1, "year": 2031},
        "normalise": normalise,
        "criteria": [{"code": code, "weight": w, "max_score": "100.00"} for code, w in weights.items()],
        "nominations": [
            {"id": 1, "zone": 1, "province": 1, "track": 1, "field": 1, "final_submitted_at": None}
        ],
        "scores": [
            {
                "nomination": 1,
                "reviewer": reviewer,
                "criterion": code,
                "value": first if code == "strategic" else rest,
            }
            for reviewer, (first, rest) in rows.items()
            for code in weights
        ],
    }


@pytest.mark.parametrize("normalise", [False, True])
def test_spread_is_computed_from_the_exact_reviewer_totals(normalise):
    """Reviewer totals 80.003, 70.006 and 75: the range is 9.997 → 10.00; from totals rounded first (80.00 and
    70.01) it would be 9.99. The sd, likewise, is of the exact totals."""
    row = ranking_results_compute(_spread_inputs(normalise))["nominations"][0]
    totals = [Fraction("80.003"), Fraction("70.006"), Fraction("75")]
    assert row["spread_range"] == q2(max(totals) - min(totals)) == "10.00"
    assert row["spread_sd"] == q2(statistics.pstdev([float(t) for t in totals]))
