"""Reopening (tracks/services/review/closing.py and scores.py): staff reopen a submitted score with a reason; once
the scope's review is closed only a published list's nomination reopens, for a correction."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from tests.tracks.services.review_support import CODES, FULL, list_in_state
from tracks.models import (
    Assignment,
    AssignmentStatus,
    ListStatus,
    NominationStatus,
    Notification,
)
from tracks.services import review

# ---------------------------------------------------------------------------------------------------------------
# Reopening
# ---------------------------------------------------------------------------------------------------------------


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
