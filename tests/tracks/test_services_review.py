"""The review service: the conflict rule, the automatic assignment (property-tested), hand-made assignments, the
reviewer's answer, drafts, submission, optimistic concurrency, reopening and reminders.

Conflicts are checked here by a predicate written separately from ``conflict_check``, so the property tests do not
check the service against itself.
"""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.scope import Scope
from audit.models import AuditEvent
from tests import factories
from tracks import selectors
from tracks.models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    CycleStatus,
    ListStatus,
    NominationStatus,
    Notification,
    Score,
)
from tracks.services import review
from tracks.services.ranking import ranking_compute
from zones.models import Zone

CODES = ("strategic", "leading", "growth", "driving")
FULL = {code: {"value": "80", "comment": ""} for code in CODES}


# ---------------------------------------------------------------------------------------------------------------
# A cycle in review
# ---------------------------------------------------------------------------------------------------------------


class Desk:
    """A cycle open for review (criteria frozen; in another phase when ``status`` says so), one field panel and one
    track; add nominations and reviewers."""

    def __init__(
        self,
        *,
        k=3,
        spec=factories.DEFAULT_CRITERIA,
        closes_in=datetime.timedelta(days=10),
        status=CycleStatus.REVIEW,
        **cycle,
    ):
        now = timezone.now()
        self.staff = factories.staff()
        self.cycle = factories.CycleFactory(
            status=status,
            criteria_frozen_at=now,
            reviewers_per_nomination=k,
            review_opens_at=now + min(closes_in, datetime.timedelta(0)) - datetime.timedelta(days=5),
            review_closes_at=now + closes_in,
            **cycle,
        )
        self.criteria = {c.code: c for c in factories.criteria_for(self.cycle, spec)}
        self.field = factories.FieldFactory()
        self.track = factories.TrackFactory(field=self.field)

    def nomination(self, zone_key="440000-03", status=NominationStatus.ACCEPTED, track=None):
        zone = Zone.objects.get(key=zone_key)
        return factories.NominationFactory(
            cycle=self.cycle, track=track or self.track, zone=zone, province=zone.province, status=status
        )

    def reviewer(self, province_code="110000", zone_key=None, **kwargs):
        return factories.reviewer(province_code, fields=[self.field], zone_key=zone_key, **kwargs)

    def invite(self, nomination, reviewer, **kwargs):
        return Assignment.objects.create(
            nomination=nomination, reviewer=reviewer, status=AssignmentStatus.INVITED, **kwargs
        )

    def accepted(self, nomination, reviewer):
        assignment = self.invite(nomination, reviewer)
        return review.assignment_accept(actor=reviewer.user, assignment=assignment, pledge=True)

    def submitted(self, nomination, reviewer, values=None):
        assignment = self.accepted(nomination, reviewer)
        return review.score_submit(
            actor=reviewer.user, assignment=assignment, values=values or FULL, version=assignment.version
        )


@pytest.fixture
def desk(db):
    return Desk()


def is_conflicted(reviewer, nomination) -> bool:
    """The conflict rule of domain.md, written independently of the service."""
    zone_province = reviewer.zone.province_id if reviewer.zone_id else None
    if reviewer.zone_id == nomination.zone_id and reviewer.zone_id is not None:
        return True
    if nomination.province_id in (reviewer.province_id, zone_province):
        return True
    return (
        ConflictDeclaration.objects.filter(reviewer=reviewer).filter(zone_id=nomination.zone_id).exists()
        or ConflictDeclaration.objects.filter(reviewer=reviewer, province_id=nomination.province_id).exists()
        or (ConflictDeclaration.objects.filter(reviewer=reviewer, nomination_id=nomination.pk).exists())
    )


# ---------------------------------------------------------------------------------------------------------------
# The conflict rule
# ---------------------------------------------------------------------------------------------------------------

GD, JS, BJ = 1, 2, 3  # provinces
SZ, GZ, NJ = 11, 12, 21  # zones: two in GD, one in JS
NOMINATION = review.Target(nomination_id=100, province_id=GD, zone_id=SZ)


@pytest.mark.parametrize(
    ("affiliation", "declarations", "expected"),
    [
        (review.Affiliation(1, province_id=BJ), [], []),
        (review.Affiliation(1, province_id=GD), [], ["same_province"]),
        (
            review.Affiliation(1, province_id=GD, zone_id=SZ, zone_province_id=GD),
            [],
            ["same_zone", "same_province"],
        ),
        # a zone affiliation implies its province even when the profile names no province
        (review.Affiliation(1, zone_id=GZ, zone_province_id=GD), [], ["same_province"]),
        (review.Affiliation(1, province_id=BJ, zone_id=NJ, zone_province_id=JS), [], []),
        (review.Affiliation(1, province_id=BJ), [review.Declaration(1, zone_id=SZ)], ["declared_zone"]),
        (review.Affiliation(1, province_id=BJ), [review.Declaration(1, zone_id=GZ)], []),
        (
            review.Affiliation(1, province_id=BJ),
            [review.Declaration(1, province_id=GD)],
            ["declared_province"],
        ),
        (
            review.Affiliation(1, province_id=BJ),
            [review.Declaration(1, nomination_id=100)],
            ["declared_nomination"],
        ),
        (review.Affiliation(1, province_id=BJ), [review.Declaration(1, nomination_id=101)], []),
        # another reviewer's declaration is theirs alone
        (review.Affiliation(1, province_id=BJ), [review.Declaration(2, zone_id=SZ)], []),
    ],
)
def test_conflict_rule(affiliation, declarations, expected):
    assert review.conflict_check(affiliation, NOMINATION, declarations) == expected


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


# ---------------------------------------------------------------------------------------------------------------
# The automatic assignment against the database
# ---------------------------------------------------------------------------------------------------------------

POOL_PROVINCES = ["110000", "320000", "440000", "330000"]
POOL_ZONES = ["440000-03", "440000-02", "320000-01", "330000-01"]


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    k=st.integers(1, 4),
    reviewer_specs=st.lists(
        st.tuples(
            st.sampled_from([None, *POOL_PROVINCES]),
            st.sampled_from([None, *POOL_ZONES]),
            st.sampled_from([None, "zone", "province"]),
            st.booleans(),
        ),
        max_size=9,
    ),
    nomination_zones=st.lists(st.sampled_from(POOL_ZONES), min_size=1, max_size=4, unique=True),
)
def test_auto_assignment_over_random_reviewer_pools(k, reviewer_specs, nomination_zones):
    with transaction.atomic():
        desk = Desk(k=k)
        nominations = [desk.nomination(zone_key) for zone_key in nomination_zones]
        reviewers = []
        for province_code, zone_key, declared, active in reviewer_specs:
            r = desk.reviewer(province_code, zone_key=zone_key, is_active=active)
            if declared == "zone":
                ConflictDeclaration.objects.create(reviewer=r, zone=nominations[0].zone, reason="曾任职")
            elif declared == "province":
                ConflictDeclaration.objects.create(
                    reviewer=r, province=nominations[0].province, reason="亲属"
                )
            reviewers.append(r)

        preview = review.assignment_auto(cycle=desk.cycle, actor=desk.staff, dry_run=True)
        assert not Assignment.objects.filter(nomination__cycle=desk.cycle).exists()
        result = review.assignment_auto(cycle=desk.cycle, actor=desk.staff)

        assert result.plan.choices == preview.plan.choices  # deterministic for the same inputs
        for nomination in nominations:
            assigned = Assignment.objects.filter(nomination=nomination).select_related("reviewer__zone")
            for assignment in assigned:
                assert not is_conflicted(assignment.reviewer, nomination)
                assert assignment.reviewer.is_active
                assert assignment.status == AssignmentStatus.INVITED
            available = [r for r in reviewers if r.is_active and not is_conflicted(r, nomination)]
            assert assigned.count() == min(k, len(available))
            missing = k - assigned.count()
            reported = {s.nomination_id: s.missing for s in result.plan.shortfalls}
            assert reported.get(nomination.pk, 0) == missing
        # Running again changes nothing: every nomination has what it can have.
        again = review.assignment_auto(cycle=desk.cycle, actor=desk.staff)
        assert again.created == []
        transaction.set_rollback(True)


def test_auto_assignment_explains_audits_notifies_and_starts_review(desk):
    nomination = desk.nomination("440000-03")
    reviewers = [desk.reviewer(code) for code in ("110000", "320000", "330000", "440000")]
    declared = desk.reviewer("310000")
    ConflictDeclaration.objects.create(reviewer=declared, zone=nomination.zone, reason="曾在该园区任职")

    result = review.assignment_auto(cycle=desk.cycle, actor=desk.staff)

    assigned = Assignment.objects.filter(nomination=nomination).order_by("reviewer__pk")
    assert [a.reviewer for a in assigned] == reviewers[:3]
    for assignment in assigned:
        assert assignment.status == AssignmentStatus.INVITED
        assert assignment.assigned_by == desk.staff
        # due at the cycle's review deadline: nothing of its own stored, so it follows the deadline if it moves
        assert assignment.due_at is None
        assert review.effective_due(assignment) == desk.cycle.review_closes_at
        assert assignment.explanation.startswith("自动分配：领域匹配（")
        assert "无回避关系" in assignment.explanation
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.IN_REVIEW
    rows = result.rows()
    excluded = {item["reviewer"].name: item["text"] for item in rows[0]["exclusions"]}
    assert excluded == {reviewers[3].name: "与推荐项目同属一个省份", declared.name: "已申报与该高新区回避"}
    assert AuditEvent.objects.filter(action="assignment.create").count() == 3
    summary = AuditEvent.objects.get(action="assignment.auto")
    assert summary.after["created"] == 3 and summary.after["shortfalls"] == {}
    notice = Notification.objects.get(user=reviewers[0].user)
    assert "1 项新的评审任务" in notice.message and "保密与回避承诺" in notice.message
    assert notice.link.endswith(f"/admin/tracks/assignment/{assigned[0].pk}/change/")


def test_auto_assignment_reports_the_shortfall(desk):
    nomination = desk.nomination("440000-03")
    desk.reviewer("110000")
    desk.reviewer("440000")  # same province: excluded

    result = review.assignment_auto(cycle=desk.cycle, actor=desk.staff)

    assert [(s.nomination_id, s.missing) for s in result.plan.shortfalls] == [(nomination.pk, 2)]
    assert Assignment.objects.filter(nomination=nomination).count() == 1
    assert AuditEvent.objects.get(action="assignment.auto").after["shortfalls"] == {str(nomination.pk): 2}


def test_auto_assignment_balances_load_across_the_cycle(desk):
    nominations = [desk.nomination(key) for key in ("440000-03", "440000-02", "320000-01", "330000-01")]
    panel = [desk.reviewer(code) for code in ("110000", "310000", "340000", "350000", "360000", "370000")]

    review.assignment_auto(cycle=desk.cycle, actor=desk.staff)

    loads = [Assignment.objects.filter(reviewer=r).count() for r in panel]
    assert sum(loads) == 4 * 3
    assert max(loads) - min(loads) <= 1
    assert all(Assignment.objects.filter(nomination=n).count() == 3 for n in nominations)


def test_auto_assignment_per_field_leaves_other_panels_alone(desk):
    other_track = factories.TrackFactory(field=factories.FieldFactory())
    mine = desk.nomination("440000-03")
    theirs = desk.nomination("320000-01", track=other_track)
    desk.reviewer("110000")
    factories.reviewer("110000", fields=[other_track.field])

    review.assignment_auto(cycle=desk.cycle, actor=desk.staff, field=desk.field)

    assert Assignment.objects.filter(nomination=mine).count() == 1
    assert not Assignment.objects.filter(nomination=theirs).exists()


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (CycleStatus.NOMINATION, "review_not_open", "尚未进入评审阶段"),
        (CycleStatus.FORMAL_REVIEW, "review_not_open", "尚未进入评审阶段"),
        (CycleStatus.REVIEW_CLOSED, "review_closed", "评审已结束"),
        (CycleStatus.CLOSED, "review_closed", "评审已结束"),
    ],
)
def test_auto_assignment_needs_review_open(db, status, code, message):
    closed = status in CycleStatus.AFTER_REVIEW
    desk = Desk(status=status, review_closed_at=timezone.now() if closed else None)
    desk.nomination()
    desk.reviewer()
    with pytest.raises(ValidationError, match=message) as caught:
        review.assignment_auto(cycle=desk.cycle, actor=desk.staff)
    assert caught.value.code == code
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "make_user", [factories.official, lambda: factories.reviewer().user, factories.UserFactory]
)
def test_only_programme_staff_assign(desk, make_user):
    nomination = desk.nomination()
    reviewer = desk.reviewer()
    with pytest.raises(PermissionDenied):
        review.assignment_auto(cycle=desk.cycle, actor=make_user())
    with pytest.raises(PermissionDenied):
        review.assignment_add(actor=make_user(), nomination=nomination, reviewer=reviewer)
    assert not Assignment.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# By hand
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d.reviewer("440000"), "与推荐项目同属一个省份"),
        (lambda d: d.reviewer(None, zone_key="440000-03"), "与推荐项目同属一个高新区"),
        (lambda d: d.reviewer("110000", is_active=False), "已暂停接受评审任务"),
    ],
)
def test_add_by_hand_keeps_the_conflict_rule(desk, make, message):
    nomination = desk.nomination("440000-03")
    reviewer = make(desk)
    with pytest.raises(ValidationError, match=message):
        review.assignment_add(actor=desk.staff, nomination=nomination, reviewer=reviewer)
    assert not Assignment.objects.exists()


def test_add_by_hand_refuses_a_declared_conflict_and_a_second_assignment(desk):
    nomination = desk.nomination("440000-03")
    declared = desk.reviewer("110000")
    ConflictDeclaration.objects.create(reviewer=declared, nomination=nomination, reason="参与过材料编写")
    with pytest.raises(ValidationError, match="已申报与该推荐项目回避"):
        review.assignment_add(actor=desk.staff, nomination=nomination, reviewer=declared)

    reviewer = desk.reviewer("320000")
    assignment = review.assignment_add(
        actor=desk.staff, nomination=nomination, reviewer=reviewer, reason="补充"
    )
    assert assignment.status == AssignmentStatus.INVITED
    assert assignment.explanation == "人工指派：无回避关系；理由：补充"
    assert Notification.objects.filter(user=reviewer.user).count() == 1
    event = AuditEvent.objects.get(action="assignment.create")
    assert event.actor == desk.staff and event.reason == "补充"
    with pytest.raises(ValidationError, match="已是该推荐项目的评审专家"):
        review.assignment_add(actor=desk.staff, nomination=nomination, reviewer=reviewer)


def test_add_by_hand_notes_a_reviewer_from_another_field(desk):
    nomination = desk.nomination("440000-03")
    outsider = factories.reviewer("110000", fields=[factories.FieldFactory()])
    assignment = review.assignment_add(actor=desk.staff, nomination=nomination, reviewer=outsider)
    assert assignment.explanation == "人工指派：无回避关系；非本领域评审专家"


def test_replace_withdraws_the_old_and_invites_the_new_under_the_same_rule(desk):
    nomination = desk.nomination("440000-03")
    old = desk.invite(nomination, desk.reviewer("110000"))
    conflicted = desk.reviewer("440000")
    new = desk.reviewer("320000")

    with pytest.raises(ValidationError, match="必须填写理由"):
        review.assignment_replace(actor=desk.staff, assignment=old, reviewer=new, reason=" ")
    with pytest.raises(ValidationError, match="同属一个省份"):
        review.assignment_replace(actor=desk.staff, assignment=old, reviewer=conflicted, reason="出差")
    old.refresh_from_db()
    assert old.status == AssignmentStatus.INVITED

    created = review.assignment_replace(actor=desk.staff, assignment=old, reviewer=new, reason="专家出差")

    old.refresh_from_db()
    assert old.status == AssignmentStatus.REMOVED and old.status_reason == "专家出差" and old.version == 2
    assert created.status == AssignmentStatus.INVITED and created.reviewer == new
    assert created.explanation.startswith(f"人工替换（替换{old.reviewer.name}）")
    assert AuditEvent.objects.get(action="assignment.remove").reason == "专家出差"
    assert "撤换" in Notification.objects.get(user=old.reviewer.user).message


def test_a_submitted_assignment_is_not_replaced(desk):
    nomination = desk.nomination("440000-03")
    done = desk.submitted(nomination, desk.reviewer("110000"))
    with pytest.raises(ValidationError, match="当前状态为「已提交」，不能替换"):
        review.assignment_replace(
            actor=desk.staff, assignment=done, reviewer=desk.reviewer("320000"), reason="x"
        )


# ---------------------------------------------------------------------------------------------------------------
# The reviewer's answer
# ---------------------------------------------------------------------------------------------------------------


def test_accept_needs_the_pledge_and_keeps_its_time(desk):
    reviewer = desk.reviewer()
    assignment = desk.invite(desk.nomination(), reviewer)

    with pytest.raises(ValidationError, match="保密与回避承诺"):
        review.assignment_accept(actor=reviewer.user, assignment=assignment, pledge=False)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.INVITED and assignment.pledge_signed_at is None

    before = timezone.now()
    accepted = review.assignment_accept(actor=reviewer.user, assignment=assignment, pledge=True)

    stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.status == AssignmentStatus.ACCEPTED
    assert before <= stored.pledge_signed_at <= timezone.now()
    assert stored.responded_at == stored.pledge_signed_at
    assert stored.version == accepted.version == 2
    event = AuditEvent.objects.get(action="assignment.accept")
    assert event.after["pledge_version"] == review.PLEDGE_VERSION
    assert event.after["pledge_text"].startswith("本人承诺")
    with pytest.raises(ValidationError, match="当前状态为「评审中」，不能接受"):
        review.assignment_accept(actor=reviewer.user, assignment=assignment, pledge=True)


def test_only_the_assigned_reviewer_answers(desk):
    assignment = desk.invite(desk.nomination(), desk.reviewer())
    for intruder in (desk.reviewer().user, desk.staff):
        with pytest.raises(PermissionDenied):
            review.assignment_accept(actor=intruder, assignment=assignment, pledge=True)
        with pytest.raises(PermissionDenied):
            review.assignment_decline(actor=intruder, assignment=assignment)
        with pytest.raises(PermissionDenied):
            review.score_save(actor=intruder, assignment=assignment, values=FULL, version=1)


def test_accept_refuses_a_conflict_declared_since_the_invitation(desk):
    nomination = desk.nomination()
    reviewer = desk.reviewer()
    assignment = desk.invite(nomination, reviewer)
    ConflictDeclaration.objects.create(reviewer=reviewer, province=nomination.province, reason="兼职")
    with pytest.raises(ValidationError, match="存在回避关系"):
        review.assignment_accept(actor=reviewer.user, assignment=assignment, pledge=True)


def test_decline_withdraws_and_the_nomination_is_reassigned(desk):
    nomination = desk.nomination("440000-03", status=NominationStatus.IN_REVIEW)
    first = desk.reviewer("110000")
    spare = desk.reviewer("320000")
    assignment = desk.invite(nomination, first)

    declined = review.assignment_decline(actor=first.user, assignment=assignment, reason="时间冲突")

    assert declined.status == AssignmentStatus.DECLINED and declined.status_reason == "时间冲突"
    replacement = Assignment.objects.get(nomination=nomination, reviewer=spare)
    assert replacement.status == AssignmentStatus.INVITED and replacement.assigned_by is None
    assert replacement.explanation.startswith("自动补派（原专家已谢绝）：")
    assert [a.reviewer for a in declined.refill.created] == [spare]
    assert Notification.objects.filter(user=spare.user).exists()
    # the one who declined is never picked again for it
    with pytest.raises(ValidationError, match="此前已谢绝该任务"):
        review.assignment_add(actor=desk.staff, nomination=nomination, reviewer=first)


def test_declared_conflict_withdraws_records_the_declaration_and_tells_staff_of_a_shortfall(desk):
    nomination = desk.nomination("440000-03", status=NominationStatus.IN_REVIEW)
    reviewer = desk.reviewer("110000")
    assignment = desk.accepted(nomination, reviewer)

    with pytest.raises(ValidationError, match="须说明理由|必须说明理由"):
        review.assignment_declare_conflict(actor=reviewer.user, assignment=assignment, reason="")
    withdrawn = review.assignment_declare_conflict(
        actor=reviewer.user, assignment=assignment, reason="曾为该园区提供咨询"
    )

    assert withdrawn.status == AssignmentStatus.CONFLICT
    declaration = ConflictDeclaration.objects.get(reviewer=reviewer)
    assert declaration.nomination == nomination and declaration.reason == "曾为该园区提供咨询"
    assert withdrawn.refill.plan.shortfalls[0].missing == 3  # nobody else on the panel
    assert "评审专家不足" in Notification.objects.get(user=desk.staff).message
    event = AuditEvent.objects.get(action="assignment.conflict")
    assert event.before == {"status": "accepted"} and event.reason == "曾为该园区提供咨询"
    # the declaration keeps the next automatic assignment away from it too
    review.assignment_auto(cycle=desk.cycle, actor=desk.staff)
    assert Assignment.objects.filter(nomination=nomination).count() == 1


# ---------------------------------------------------------------------------------------------------------------
# Drafts, submission, optimistic concurrency
# ---------------------------------------------------------------------------------------------------------------


def test_draft_keeps_valid_values_reports_the_rest_and_bumps_the_version(desk):
    reviewer = desk.reviewer()
    assignment = desk.accepted(desk.nomination(), reviewer)

    result = review.score_save(
        actor=reviewer.user,
        assignment=assignment,
        values={
            "strategic": {"value": "88.5", "comment": "契合国家战略"},
            "leading": {"value": "120"},
            "growth": {"value": "abc"},
            "driving": {"value": "", "comment": "带动明显"},
        },
        version=2,
    )

    assert result.saved == ["strategic"]
    assert result.errors == {
        "leading": "「领先性」的分值必须在 0 到 100 之间。",
        "growth": "「成长性」的分值必须是数字。",
        "driving": "「带动性」的评语需与分值一起保存，请先填写分值。",
    }
    assert result.assignment.version == 3
    score = Score.objects.get(assignment=assignment)
    assert (score.criterion.code, score.value, score.comment, score.max_score) == (
        "strategic",
        Decimal("88.50"),
        "契合国家战略",
        Decimal("100.00"),
    )
    event = AuditEvent.objects.get(action="score.draft")
    assert event.after == {"strategic": {"value": "88.50", "comment": "契合国家战略"}}

    # clearing a value (and its comment) removes the draft row
    cleared = review.score_save(
        actor=reviewer.user,
        assignment=assignment,
        values={"strategic": {"value": "", "comment": ""}},
        version=3,
    )
    assert cleared.saved == ["strategic"] and not Score.objects.filter(assignment=assignment).exists()


def test_a_stale_version_is_refused_and_nothing_is_overwritten(desk):
    reviewer = desk.reviewer()
    assignment = desk.accepted(desk.nomination(), reviewer)
    review.score_save(
        actor=reviewer.user, assignment=assignment, values={"strategic": {"value": "70"}}, version=2
    )

    # A second window still holds version 2.
    with pytest.raises(review.StaleVersion) as caught:
        review.score_save(
            actor=reviewer.user, assignment=assignment, values={"strategic": {"value": "95"}}, version=2
        )
    assert "当前版本 3，本页版本 2" in caught.value.messages[0]
    with pytest.raises(review.StaleVersion):
        review.score_submit(actor=reviewer.user, assignment=assignment, values=FULL, version=2)
    assert Score.objects.get(assignment=assignment).value == Decimal("70.00")
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.ACCEPTED


def test_submit_checks_every_criterion_and_the_comment_threshold(desk):
    reviewer = desk.reviewer()
    assignment = desk.accepted(desk.nomination(), reviewer)
    values = {
        "strategic": {"value": "59.99", "comment": ""},  # below 60 % of 100: needs a comment
        "leading": {"value": "60", "comment": ""},  # at the threshold: no comment needed
        "growth": {"value": "100.001"},
    }

    with pytest.raises(ValidationError) as caught:
        review.score_submit(actor=reviewer.user, assignment=assignment, values=values, version=2)

    assert caught.value.message_dict == {
        "strategic": ["「战略性」得分低于 60 分（满分的 60%），须填写评语。"],
        "growth": ["「成长性」的分值最多保留两位小数。"],
        "driving": ["请为「带动性」评分。"],
    }
    stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.status == AssignmentStatus.ACCEPTED and stored.version == 2
    assert not Score.objects.filter(assignment=assignment).exists()


def test_comment_threshold_follows_each_maximum_and_the_cycle_setting(db):
    spec = [
        ("strategic", "战略性", Decimal("40"), Decimal("10")),
        ("leading", "领先性", Decimal("20"), Decimal("20")),
        ("growth", "成长性", Decimal("25"), Decimal("100")),
        ("driving", "带动性", Decimal("15"), Decimal("50")),
    ]
    desk = Desk(spec=spec)
    type(desk.cycle).objects.filter(pk=desk.cycle.pk).update(comment_required_below=Decimal("50"))
    reviewer = desk.reviewer()
    assignment = desk.accepted(desk.nomination(), reviewer)
    values = {
        "strategic": {"value": "4.99"},  # < 5 (50 % of 10)
        "leading": {"value": "10"},  # = 10: fine
        "growth": {"value": "50"},
        "driving": {"value": "24.99"},  # < 25
    }
    with pytest.raises(ValidationError) as caught:
        review.score_submit(actor=reviewer.user, assignment=assignment, values=values, version=2)
    assert set(caught.value.message_dict) == {"strategic", "driving"}
    assert "低于 5 分（满分的 50%）" in caught.value.message_dict["strategic"][0]

    values["strategic"]["comment"] = "战略关联较弱"
    values["driving"]["comment"] = "带动有限"
    submitted = review.score_submit(actor=reviewer.user, assignment=assignment, values=values, version=2)
    assert submitted.status == AssignmentStatus.SUBMITTED
    assert Score.objects.get(assignment=assignment, criterion__code="strategic").max_score == Decimal("10.00")


def test_submit_locks_the_scores(desk):
    reviewer = desk.reviewer()
    assignment = desk.accepted(desk.nomination(), reviewer)
    review.score_save(actor=reviewer.user, assignment=assignment, values=FULL, version=2)

    submitted = review.score_submit(actor=reviewer.user, assignment=assignment, values=None, version=3)

    assert submitted.status == AssignmentStatus.SUBMITTED and submitted.submitted_at is not None
    assert submitted.version == 4
    event = AuditEvent.objects.get(action="score.submit")
    assert event.after["scores"]["strategic"] == {"value": "80.00", "comment": ""}
    for attempt in (
        lambda: review.score_save(actor=reviewer.user, assignment=assignment, values=FULL, version=4),
        lambda: review.score_submit(actor=reviewer.user, assignment=assignment, values=FULL, version=4),
        lambda: review.assignment_decline(actor=reviewer.user, assignment=assignment),
        lambda: review.assignment_declare_conflict(actor=reviewer.user, assignment=assignment, reason="x"),
    ):
        with pytest.raises(ValidationError, match="当前状态为「已提交」"):
            attempt()
    assert set(Score.objects.filter(assignment=assignment).values_list("value", flat=True)) == {
        Decimal("80.00")
    }


def test_scoring_needs_the_pledge_first(desk):
    reviewer = desk.reviewer()
    assignment = desk.invite(desk.nomination(), reviewer)
    with pytest.raises(ValidationError, match="当前状态为「待接受」，不能修改评分"):
        review.score_save(actor=reviewer.user, assignment=assignment, values=FULL, version=1)


def test_submitted_scores_reach_the_ranking(desk):
    nomination = desk.nomination("440000-03", status=NominationStatus.IN_REVIEW)
    for code, value in (("110000", "90"), ("320000", "80"), ("330000", "70")):
        values = {c: {"value": value, "comment": ""} for c in CODES}
        desk.submitted(nomination, desk.reviewer(code), values)
    snapshot = ranking_compute(cycle=desk.cycle, actor=desk.staff)
    row = snapshot.results["nominations"][0]
    assert (row["total"], row["review_count"], row["rank_in_track"]) == ("80.00", 3, 1)


# ---------------------------------------------------------------------------------------------------------------
# Reopening
# ---------------------------------------------------------------------------------------------------------------


def list_in_state(desk, nominations, status):
    """Close the track's review, rank, and take its list through the list services to ``status`` (a superseded
    version is corrected by a version without the last nomination, published at once). Returns the list."""
    from tracks.services import lists

    review.review_close_scope(actor=desk.staff, cycle=desk.cycle, field=desk.field, track=desk.track)
    snapshot = ranking_compute(cycle=desk.cycle, actor=desk.staff)
    park_list = lists.list_build(
        actor=desk.staff,
        snapshot=snapshot,
        field=desk.field,
        track=desk.track,
        top_n=len(nominations),
        title="人形机器人重点园区榜单",
    )
    if status == ListStatus.DRAFT:
        return park_list
    park_list = lists.list_open_notice(
        actor=desk.staff, park_list=park_list, starts_at=timezone.now() - datetime.timedelta(days=8)
    )
    if status == ListStatus.NOTICE:
        return park_list
    park_list = lists.list_publish(actor=desk.staff, park_list=park_list)
    if status == ListStatus.SUPERSEDED:
        lists.list_correct(
            actor=desk.staff, park_list=park_list, note="撤出一项", exclude_nominations=[nominations[-1].pk]
        )
        park_list.refresh_from_db()
    assert park_list.status == status
    return park_list


def test_staff_reopen_a_submitted_score_with_a_reason(desk):
    reviewer = desk.reviewer()
    done = desk.submitted(desk.nomination(status=NominationStatus.IN_REVIEW), reviewer)

    with pytest.raises(ValidationError, match="必须填写理由"):
        review.score_reopen(actor=desk.staff, assignment=done, reason="")
    with pytest.raises(PermissionDenied):
        review.score_reopen(actor=reviewer.user, assignment=done, reason="想改")

    reopened = review.score_reopen(actor=desk.staff, assignment=done, reason="成长性评分与评语不符")

    assert reopened.status == AssignmentStatus.ACCEPTED and reopened.submitted_at is None
    assert reopened.status_reason == "成长性评分与评语不符"
    event = AuditEvent.objects.get(action="score.reopen")
    assert event.reason == "成长性评分与评语不符" and event.before["status"] == "submitted"
    assert "重新开放" in Notification.objects.filter(user=reviewer.user).latest("pk").message
    # the reviewer edits and submits again
    again = review.score_submit(actor=reviewer.user, assignment=done, values=FULL, version=reopened.version)
    assert again.status == AssignmentStatus.SUBMITTED


@pytest.mark.parametrize(
    ("list_status", "reopens"),
    [
        (ListStatus.DRAFT, False),
        (ListStatus.NOTICE, False),
        (ListStatus.PUBLISHED, True),
        (ListStatus.SUPERSEDED, True),
    ],
)
def test_reopen_is_refused_once_review_closed_and_after_publication_only_one_nomination_reopens(
    desk, list_status, reopens
):
    first, second = desk.nomination("440000-03"), desk.nomination("440000-02")
    panel = [desk.reviewer(code) for code in ("110000", "320000", "330000")]
    done = [desk.submitted(first, reviewer) for reviewer in panel]
    for reviewer in panel:
        desk.submitted(second, reviewer, {c: {"value": "70", "comment": ""} for c in CODES})
    list_in_state(desk, [first, second], list_status)

    # A list needs its scope's review closed: from then on no score is reopened one by one.
    with pytest.raises(ValidationError, match="评审已结束，评分不能再重新开放") as caught:
        review.score_reopen(actor=desk.staff, assignment=done[0], reason="复核")
    assert caught.value.code == "review_closed"
    assert Assignment.objects.get(pk=done[0].pk).status == AssignmentStatus.SUBMITTED
    assert not AuditEvent.objects.filter(action="score.reopen").exists()

    # Once its list is published, staff reopen chosen scores of that one nomination (the start of a correction).
    first.refresh_from_db()
    if reopens:
        assert first.status == NominationStatus.LISTED
        reopening = review.nomination_review_reopen(
            actor=desk.staff, nomination=first, assignments=[done[0]], reason="复核"
        )
        assert list(reopening.assignments.all()) == [done[0]]
        assert Assignment.objects.get(pk=done[0].pk).status == AssignmentStatus.ACCEPTED
        assert AuditEvent.objects.get(action="score.reopen").reason == "复核"
    else:
        assert first.status == NominationStatus.SCORED
        with pytest.raises(ValidationError, match="只有榜单已发布的推荐") as caught:
            review.nomination_review_reopen(
                actor=desk.staff, nomination=first, assignments=[done[0]], reason="复核"
            )
        assert caught.value.code == "invalid_state"
        assert Assignment.objects.get(pk=done[0].pk).status == AssignmentStatus.SUBMITTED


# ---------------------------------------------------------------------------------------------------------------
# Reminders and the anonymised peers
# ---------------------------------------------------------------------------------------------------------------


def test_reminders_go_to_reviewers_with_overdue_assignments_once_each(db):
    desk = Desk(closes_in=datetime.timedelta(days=-1))  # the review window closed yesterday
    late, punctual, on_time_due = desk.reviewer("110000"), desk.reviewer("320000"), desk.reviewer("330000")
    first, second = desk.nomination("440000-03"), desk.nomination("440000-02")
    desk.invite(first, late)
    desk.accepted(second, late)
    desk.submitted(first, punctual)
    desk.invite(second, on_time_due, due_at=timezone.now() + datetime.timedelta(days=2))

    assert review.reminders_send(actor=desk.staff, cycle=desk.cycle) == 1

    notices = Notification.objects.filter(message__startswith="催办")
    assert [(n.user, n.message) for n in notices] == [
        (late.user, f"催办：您在{desk.cycle}有 2 项评审任务已逾期，请尽快接受并完成评分。")
    ]
    assert AuditEvent.objects.get(action="review.remind").after == {"reviewers": [late.pk], "assignments": 2}
    with pytest.raises(PermissionDenied):
        review.reminders_send(actor=late.user, cycle=desk.cycle)


def test_peers_are_anonymised_and_shown_only_after_my_submission(desk):
    nomination = desk.nomination(status=NominationStatus.IN_REVIEW)
    me = desk.reviewer("110000", name="张三")
    others = [desk.reviewer(code, name=name) for code, name in (("320000", "李四"), ("330000", "王五"))]
    mine = desk.accepted(nomination, me)
    for reviewer, value in zip(others, ("90", "70"), strict=True):
        desk.submitted(
            nomination, reviewer, {c: {"value": value, "comment": f"{value}分意见"} for c in CODES}
        )

    assert selectors.peer_reviews_for(Scope.of(me.user), mine) == []
    mine = review.score_submit(actor=me.user, assignment=mine, values=FULL, version=mine.version)
    peers = selectors.peer_reviews_for(Scope.of(me.user), mine)

    assert [p["label"] for p in peers] == ["专家A", "专家B"]
    assert [p["total"] for p in peers] == [Decimal("90.00"), Decimal("70.00")]
    assert peers[0]["scores"]["strategic"].comment == "90分意见"
    assert "李四" not in repr([(p["label"], p["total"]) for p in peers])
    # another reviewer cannot ask for mine
    assert selectors.peer_reviews_for(Scope.of(others[0].user), mine) == []


def test_reviewer_label_runs_past_z():
    assert [selectors.reviewer_label(i) for i in (0, 1, 25, 26, 27)] == [
        "专家A",
        "专家B",
        "专家Z",
        "专家A2",
        "专家B2",
    ]


def test_random_reviewer_pools_property_helpers_agree_with_the_service(desk):
    """The independent predicate used above and the service's rule agree on a few hand-picked cases."""
    nomination = desk.nomination("440000-03")
    rng = random.Random(4)
    for _ in range(10):
        reviewer = desk.reviewer(
            rng.choice(["110000", "440000", None]), zone_key=rng.choice([None, "440000-02", "320000-01"])
        )
        assert bool(review.reviewer_conflicts(reviewer, nomination)) == is_conflicted(reviewer, nomination)
