"""Scores (tracks/services/review/scores.py): drafts, submission, optimistic concurrency; and the anonymised peers a
reviewer sees once they have submitted."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.scope import Scope
from audit.models import AuditEvent
from tests.tracks.services.review_support import CODES, FULL, Desk
from tracks import selectors
from tracks.models import (
    Assignment,
    AssignmentStatus,
    NominationStatus,
    Score,
)
from tracks.services import review
from tracks.services.ranking import ranking_compute

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
# The anonymised peers
# ---------------------------------------------------------------------------------------------------------------


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
