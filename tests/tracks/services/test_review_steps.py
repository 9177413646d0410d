"""Every step of expert review (评审), each starting from the state the step before left, through the services only:
the cycle opened and its nominations accepted by the round's own steps (``tests.rounds.Round``), no row built in a
late state. The other review tests start from a desk built for the rule they test (``review_support.Desk``)."""

import pytest

from audit.models import AuditEvent
from tests import factories as f
from tests.rounds import CODES, Round
from tracks.models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    CycleStatus,
    ListStatus,
    NominationStatus,
    ReviewReopening,
)
from tracks.services import lists as list_services
from tracks.services import review
from tracks.services.ranking import ranking_compute

pytestmark = pytest.mark.django_db
A = AssignmentStatus


def pending(nomination):
    return list(Assignment.objects.filter(nomination=nomination, status__in=A.PENDING).order_by("pk"))


def actions_on(assignment):
    return list(
        AuditEvent.objects.filter(object_type="tracks.assignment", object_id=str(assignment.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_review_from_assignment_to_a_reopened_score_after_publication():
    round_ = Round(k=3)
    first, second = round_.accepted("440000-02"), round_.accepted("320000-01")
    round_.to_review()
    assert round_.cycle.status == CycleStatus.REVIEW
    first.refresh_from_db()
    assert first.status == NominationStatus.IN_REVIEW and len(pending(first)) == 3

    # The reviewers answer: one declines, one declares a conflict; each time the panel gives another reviewer.
    declining, conflicted, replaced = pending(first)
    declined = review.assignment_decline(actor=declining.reviewer.user, assignment=declining, reason="出差")
    assert declined.status == A.DECLINED and declined.refill is not None
    withdrawn = review.assignment_declare_conflict(
        actor=conflicted.reviewer.user, assignment=conflicted, reason="曾与该高新区合作项目"
    )
    assert withdrawn.status == A.CONFLICT and withdrawn.refill is not None
    assert ConflictDeclaration.objects.filter(reviewer=conflicted.reviewer, nomination=first).exists()
    assert len(pending(first)) == 3

    # Staff take one reviewer off for another, and add a fourth reviewer to the second nomination.
    newcomer = f.reviewer("530000", fields=[round_.field])
    replacement = review.assignment_replace(
        actor=round_.staff, assignment=replaced, reviewer=newcomer, reason="专业方向更对口"
    )
    replaced.refresh_from_db()
    assert replaced.status == A.REMOVED and replacement.reviewer == newcomer
    spare = (
        f.ReviewerProfileFactory._meta.model.objects.filter(fields=round_.field)
        .exclude(assignments__nomination=second)
        .order_by("pk")
        .first()
    )
    added = review.assignment_add(
        actor=round_.staff, nomination=second, reviewer=spare, reason="增加一位专家"
    )
    assert added.status == A.INVITED and len(pending(second)) == 4

    # The reviewers score: one saves a draft first and submits it as saved; staff reopen a submitted score.
    drafting, *others = pending(first)
    drafting = review.assignment_accept(actor=drafting.reviewer.user, assignment=drafting, pledge=True)
    saved = review.score_save(
        actor=drafting.reviewer.user,
        assignment=drafting,
        values={code: {"value": "82", "comment": ""} for code in CODES},
        version=drafting.version,
    )
    assert set(saved.saved) == set(CODES) and saved.errors == {}
    drafting = review.score_submit(
        actor=drafting.reviewer.user,
        assignment=saved.assignment,
        values=None,
        version=saved.assignment.version,
    )
    assert drafting.status == A.SUBMITTED
    reopened = review.score_reopen(actor=round_.staff, assignment=drafting, reason="分值录入有误")
    assert reopened.status == A.ACCEPTED
    resubmitted = review.score_submit(
        actor=reopened.reviewer.user,
        assignment=reopened,
        values={"strategic": {"value": "84", "comment": ""}},
        version=reopened.version,
    )
    assert resubmitted.status == A.SUBMITTED
    for assignment in others:
        round_.score(assignment, value=78)
    round_.score_all([second], value=75)

    # Staff close the track's review: both nominations are scored, nothing is left pending.
    review.review_close_scope(
        actor=round_.staff, cycle=round_.cycle, field=round_.field, track=round_.tracks[0]
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (NominationStatus.SCORED, NominationStatus.SCORED)

    # Ranked, listed, published; an objection then sends one score back to its reviewer (重新评审).
    round_.advance()  # 评审结束
    park_list = list_services.list_build(
        actor=round_.staff,
        snapshot=ranking_compute(cycle=round_.cycle, actor=round_.staff),
        field=round_.field,
        track=round_.tracks[0],
        top_n=2,
    )
    park_list = list_services.list_open_notice(actor=round_.staff, park_list=park_list)
    round_.advance()  # 发布
    park_list.notice_ends_at = park_list.notice_starts_at  # the notice is over (nothing waits a week)
    park_list.save(update_fields=["notice_ends_at"])
    published = list_services.list_publish(actor=round_.staff, park_list=park_list)
    assert published.status == ListStatus.PUBLISHED
    again = review.nomination_review_reopen(
        actor=round_.staff, nomination=first, assignments=[resubmitted], reason="异议成立，复核成长性"
    )
    assert isinstance(again, ReviewReopening)
    resubmitted.refresh_from_db()
    assert resubmitted.status == A.ACCEPTED
    final = review.score_submit(
        actor=resubmitted.reviewer.user,
        assignment=resubmitted,
        values={"growth": {"value": "70", "comment": ""}},
        version=resubmitted.version,
    )
    assert final.status == A.SUBMITTED

    # Who did each step, in order, is on the record.
    assert actions_on(declining) == ["assignment.create", "assignment.decline"]
    assert actions_on(conflicted) == ["assignment.create", "assignment.conflict"]
    assert actions_on(replaced) == ["assignment.create", "assignment.remove"]
    assert actions_on(drafting) == [
        "assignment.create",
        "assignment.accept",
        "score.draft",
        "score.submit",
        "score.reopen",
        "score.submit",
        "score.reopen",  # the objection's 重新评审
        "score.submit",
    ]
