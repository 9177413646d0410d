"""The review service's assignments: the automatic assignment (property-tested), hand-made assignments and the
reviewer's answer. What the review tests share is in review_support.py and conftest.py.

Conflicts are checked here by a predicate written separately from ``conflict_check``, so the property tests do not
check the service against itself.
"""

import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from tests import factories
from tests.tracks.services.review_support import FULL, Desk, is_conflicted
from tracks.models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    CycleStatus,
    NominationStatus,
    Notification,
)
from tracks.services import review

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


def test_random_reviewer_pools_property_helpers_agree_with_the_service(desk):
    """The independent predicate used above and the service's rule agree on a few hand-picked cases."""
    nomination = desk.nomination("440000-03")
    rng = random.Random(4)
    for _ in range(10):
        reviewer = desk.reviewer(
            rng.choice(["110000", "440000", None]), zone_key=rng.choice([None, "440000-02", "320000-01"])
        )
        assert bool(review.reviewer_conflicts(reviewer, nomination)) == is_conflicted(reviewer, nomination)
