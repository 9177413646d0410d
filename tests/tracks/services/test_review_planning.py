"""The plan (tracks/services/review/planning.py), property-tested over random reviewer pools.

Conflicts are checked here by a predicate written separately from ``conflict_check``, so the property tests do not
check the service against itself."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tracks.models import (
    AssignmentStatus,
)
from tracks.services import review

# ---------------------------------------------------------------------------------------------------------------
# The plan, property-tested over random reviewer pools
# ---------------------------------------------------------------------------------------------------------------

PROVINCES = [1, 2, 3, 4]
ZONES = {z: z // 10 for z in (11, 12, 21, 31, 41)}  # zone -> province
FIELDS = [1, 2]


@st.composite
def pools(draw):
    k = draw(st.integers(1, 5))
    reviewers = []
    for rid in range(1, draw(st.integers(0, 14)) + 1):
        zone = draw(st.sampled_from([None, *ZONES]))
        reviewers.append(
            review.PanelReviewer(
                affiliation=review.Affiliation(
                    rid,
                    province_id=draw(st.sampled_from([None, *PROVINCES])),
                    zone_id=zone,
                    zone_province_id=ZONES.get(zone),
                ),
                field_ids=frozenset(draw(st.sets(st.sampled_from(FIELDS), max_size=2))),
                available=draw(st.booleans()) or draw(st.booleans()),
                load=draw(st.integers(0, 4)),
            )
        )
    nominations = []
    for nid in range(100, 100 + draw(st.integers(1, 8))):
        zone = draw(st.sampled_from(list(ZONES)))
        assigned = {}
        for r in reviewers:
            if draw(st.integers(0, 5)) == 0:
                assigned[r.id] = draw(st.sampled_from(list(AssignmentStatus.values)))
        nominations.append(
            review.PlanNomination(
                target=review.Target(nid, province_id=ZONES[zone], zone_id=zone),
                field_id=draw(st.sampled_from(FIELDS)),
                assigned=assigned,
            )
        )
    declarations = [
        review.Declaration(
            draw(st.integers(1, max(len(reviewers), 1))),
            **draw(
                st.sampled_from(
                    [
                        {"zone_id": draw(st.sampled_from(list(ZONES)))},
                        {"province_id": draw(st.sampled_from(PROVINCES))},
                        {"nomination_id": draw(st.integers(100, 108))},
                    ]
                )
            ),
        )
        for _ in range(draw(st.integers(0, 6)))
    ]
    return k, nominations, reviewers, declarations


def independent_conflict(reviewer, nomination, declarations) -> bool:
    a, t = reviewer.affiliation, nomination.target
    if a.zone_id is not None and a.zone_id == t.zone_id:
        return True
    if t.province_id in {a.province_id, a.zone_province_id}:
        return True
    return any(
        d.reviewer_id == a.reviewer_id
        and (d.zone_id == t.zone_id or d.province_id == t.province_id or d.nomination_id == t.nomination_id)
        for d in declarations
    )


def eligible(reviewer, nomination, declarations) -> bool:
    return (
        nomination.field_id in reviewer.field_ids
        and reviewer.available
        and reviewer.id not in nomination.assigned
        and not independent_conflict(reviewer, nomination, declarations)
    )


@settings(max_examples=300, deadline=None)
@given(pools())
def test_plan_never_picks_a_conflict_and_fills_exactly_k_whenever_k_are_eligible(pool):
    k, nominations, reviewers, declarations = pool
    plan = review.assignments_plan(nominations, reviewers, declarations, k)
    by_id = {r.id: r for r in reviewers}
    for nomination in nominations:
        chosen = plan.chosen_for(nomination.id)
        assert len(chosen) == len(set(chosen))
        for rid in chosen:
            assert eligible(by_id[rid], nomination, declarations), (rid, nomination)
        active_before = sum(1 for s in nomination.assigned.values() if s in AssignmentStatus.ACTIVE)
        candidates = sum(1 for r in reviewers if eligible(r, nomination, declarations))
        expected = max(active_before, min(k, active_before + candidates))
        assert plan.active_after[nomination.id] == expected
        assert len(chosen) == expected - active_before
        shortfall = next((s for s in plan.shortfalls if s.nomination_id == nomination.id), None)
        if expected >= k:
            assert shortfall is None
        else:
            assert shortfall is not None and shortfall.missing == k - expected
        # every panel reviewer not chosen and not already on it is explained as an exclusion, or was eligible
        explained = {e.reviewer_id for e in plan.exclusions if e.nomination_id == nomination.id}
        for r in reviewers:
            if (
                nomination.field_id in r.field_ids
                and nomination.assigned.get(r.id) not in AssignmentStatus.ACTIVE
            ):
                assert (r.id in explained) != eligible(r, nomination, declarations)


@settings(max_examples=150, deadline=None)
@given(pools(), st.randoms(use_true_random=False))
def test_plan_is_deterministic_whatever_the_input_order(pool, rnd):
    k, nominations, reviewers, declarations = pool
    first = review.assignments_plan(nominations, reviewers, declarations, k)
    shuffled = [list(nominations), list(reviewers), list(declarations)]
    for items in shuffled:
        rnd.shuffle(items)
    again = review.assignments_plan(*shuffled, k)
    assert again.choices == first.choices
    assert again.shortfalls == first.shortfalls
    assert sorted(again.exclusions, key=repr) == sorted(first.exclusions, key=repr)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5), st.integers(1, 12), st.integers(1, 30))
def test_plan_balances_load_when_nothing_conflicts(k, reviewer_count, nomination_count):
    reviewers = [
        review.PanelReviewer(review.Affiliation(rid, province_id=9), frozenset({1}))
        for rid in range(reviewer_count)
    ]
    nominations = [review.PlanNomination(review.Target(nid, 1, 11), 1) for nid in range(nomination_count)]
    plan = review.assignments_plan(nominations, reviewers, [], k)
    loads = [sum(1 for c in plan.choices if c.reviewer_id == r.id) for r in reviewers]
    assert max(loads) - min(loads) <= 1
    assert len(plan.choices) == nomination_count * min(k, reviewer_count)
