"""Database constraints and model checks: each refusal is a clear Chinese message."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests import factories as f
from tracks.models import (
    Assignment,
    AssignmentStatus,
    LibraryEntry,
    LibraryStatus,
    Nomination,
    NominationStatus,
    Score,
)
from tracks.services.nominations import nomination_create, nomination_transition

pytestmark = pytest.mark.django_db


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_zone_of_another_province_is_refused_with_a_chinese_message():
    nomination = f.NominationFactory.build(
        cycle=f.CycleFactory(),
        track=f.TrackFactory(),
        zone=f.zone("440000-03"),
        province=f.province("320000"),
    )
    with pytest.raises(ValidationError) as excinfo:
        nomination.full_clean()
    assert "不属于江苏省" in messages_of(excinfo)


def test_negative_count_and_money_are_refused():
    nomination = f.NominationFactory.build(
        cycle=f.CycleFactory(), track=f.TrackFactory(), enterprise_count=-1, revenue=Decimal("-5")
    )
    with pytest.raises(ValidationError) as excinfo:
        nomination.full_clean()
    errors = excinfo.value.message_dict
    assert "enterprise_count" in errors and "revenue" in errors
    assert "0" in " ".join(errors["enterprise_count"])


def test_negative_money_is_refused_by_the_database_itself():
    nomination = f.NominationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.filter(pk=nomination.pk).update(revenue=Decimal("-1"))


def test_growth_rate_may_be_negative():
    nomination = f.NominationFactory.build(
        cycle=f.CycleFactory(), track=f.TrackFactory(), revenue_growth=Decimal("-12.5")
    )
    nomination.full_clean()


def _assignment():
    nomination = f.NominationFactory(status=NominationStatus.IN_REVIEW)
    reviewer = f.ReviewerProfileFactory()
    return Assignment.objects.create(
        reviewer=reviewer, nomination=nomination, status=AssignmentStatus.ACCEPTED
    )


def test_score_above_its_maximum_is_refused():
    assignment = _assignment()
    criterion = f.criteria_for(
        assignment.nomination.cycle, [("strategic", "战略性", Decimal("100"), Decimal("10"))]
    )[0]
    score = Score(
        assignment=assignment, criterion=criterion, value=Decimal("10.5"), max_score=criterion.max_score
    )
    with pytest.raises(ValidationError) as excinfo:
        score.full_clean()
    assert "分值必须在0到该维度满分之间" in messages_of(excinfo)
    with pytest.raises(IntegrityError), transaction.atomic():
        score.save()
    Score.objects.create(assignment=assignment, criterion=criterion, value=Decimal("10"))


def test_exit_from_the_library_needs_a_reason():
    nomination = f.NominationFactory()
    entry = LibraryEntry(
        zone=nomination.zone,
        track=nomination.track,
        entered_cycle=nomination.cycle,
        status=LibraryStatus.EXITED,
    )
    with pytest.raises(ValidationError) as excinfo:
        entry.full_clean()
    assert "出库必须填写理由" in messages_of(excinfo)


def test_a_second_live_nomination_of_the_same_zone_and_track_is_refused():
    first = f.NominationFactory()
    duplicate = f.NominationFactory.build(
        cycle=first.cycle, zone=first.zone, province=first.province, track=first.track
    )
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "已推荐过这一赛道" in messages_of(excinfo)


def test_a_withdrawn_nomination_can_be_drafted_again():
    official = f.official("440000")
    cycle = f.CycleFactory()
    zone, track = f.zone("440000-03"), f.TrackFactory()
    first = nomination_create(actor=official, cycle=cycle, zone=zone, track=track)
    nomination_transition(actor=official, nomination=first, action="withdraw", reason="调整方向")

    second = nomination_create(actor=official, cycle=cycle, zone=zone, track=track)

    assert second.pk != first.pk
    assert Nomination.objects.filter(cycle=cycle, zone=zone, track=track).count() == 2
    first.refresh_from_db()
    assert first.status == NominationStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        nomination_create(actor=official, cycle=cycle, zone=zone, track=track)
