"""tracks.services.cycles: criteria edits and their one rule, freezing, stages, a new year from the previous one."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from tests import factories
from tracks import workflow
from tracks.models import Criterion, Cycle, CycleStatus, ProvinceQuota
from tracks.services import cycles

pytestmark = pytest.mark.django_db

FROZEN = "评审已开始，本批次的评价维度已冻结，不能修改。"


@pytest.fixture
def actor():
    return factories.staff(username="ops")


@pytest.fixture
def cycle():
    cycle = factories.CycleFactory(year=2031, status=CycleStatus.PLANNING)
    factories.criteria_for(cycle)
    return cycle


def weights_of(cycle) -> dict:
    return dict(Criterion.objects.filter(cycle=cycle).values_list("code", "weight"))


# -- the rule -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (
            {"strategic": 30, "leading": 25, "growth": 25, "driving": 19},
            "四个评价维度的权重之和必须为100，当前为 99。",
        ),
        (
            {"strategic": "30.5", "leading": 25, "growth": 25, "driving": 20},
            "四个评价维度的权重之和必须为100，当前为 100.5。",
        ),
        (
            {"strategic": 40, "leading": 30, "growth": 30},
            "评价维度须包括战略性、领先性、成长性、带动性四项，缺少：带动性。",
        ),
        ({}, "评价维度须包括战略性、领先性、成长性、带动性四项，缺少：战略性、领先性、成长性、带动性。"),
        (
            {"strategic": 25, "leading": 25, "growth": 25, "driving": 25, "beauty": 0},
            "未知的评价维度：beauty。",
        ),
    ],
)
def test_validate_criteria_refuses(weights, message):
    with pytest.raises(ValidationError) as caught:
        cycles.validate_criteria(weights)
    assert caught.value.messages == [message]


@pytest.mark.parametrize(
    "weights",
    [
        {"strategic": 30, "leading": 25, "growth": 25, "driving": 20},
        {
            "strategic": Decimal("33.34"),
            "leading": Decimal("33.33"),
            "growth": Decimal("33.33"),
            "driving": 0,
        },
    ],
)
def test_validate_criteria_accepts_exactly_100(weights):
    cycles.validate_criteria(weights)


def test_validate_criteria_may_allow_an_empty_set():
    cycles.validate_criteria({}, allow_empty=True)


# -- criteria_update ----------------------------------------------------------------------------------------------


def test_criteria_update_refuses_a_sum_of_99(cycle, actor):
    with pytest.raises(ValidationError) as caught:
        cycles.criteria_update(cycle=cycle, actor=actor, values={"driving": {"weight": "19"}})

    assert caught.value.messages == ["四个评价维度的权重之和必须为100，当前为 99。"]
    assert weights_of(cycle)["driving"] == Decimal("20.00")
    assert not AuditEvent.objects.exists()


def test_criteria_update_accepts_100_and_audits_the_change(cycle, actor):
    result = cycles.criteria_update(
        cycle=cycle,
        actor=actor,
        values={
            "strategic": {"weight": 35, "rubric": "优（90–100）：……\n良（75–89）：……"},
            "driving": {"weight": "15"},
        },
        reason="专家组建议",
    )

    assert [c.code for c in result] == ["strategic", "leading", "growth", "driving"]
    assert weights_of(cycle) == {
        "strategic": Decimal("35.00"),
        "leading": Decimal("25.00"),
        "growth": Decimal("25.00"),
        "driving": Decimal("15.00"),
    }
    assert Criterion.objects.get(cycle=cycle, code="strategic").rubric_levels() == [
        "优（90–100）：……",
        "良（75–89）：……",
    ]
    event = AuditEvent.objects.get()
    assert event.action == "criteria.update"
    assert event.object_type == "tracks.cycle"
    assert event.object_id == str(cycle.pk)
    assert event.actor == actor
    assert event.reason == "专家组建议"
    assert set(event.before) == {"strategic", "driving"}
    assert event.before["strategic"]["weight"] == "30.00"
    assert event.after["strategic"]["weight"] == "35.00"
    assert event.before["driving"]["weight"] == "20.00"
    assert event.after["driving"]["weight"] == "15.00"
    assert event.after["strategic"]["rubric"] == "优（90–100）：……\n良（75–89）：……"


def test_criteria_update_with_no_change_records_nothing(cycle, actor):
    cycles.criteria_update(cycle=cycle, actor=actor, values={"strategic": {"weight": "30"}})
    assert not AuditEvent.objects.exists()


def test_criteria_update_creates_the_set_of_a_new_cycle(actor):
    cycle = factories.CycleFactory(year=2032)
    values = {
        "strategic": {"weight": 40, "max_score": 10},
        "leading": {"weight": 20, "max_score": 10},
        "growth": {"weight": 20, "max_score": 10},
        "driving": {"weight": 20, "max_score": 10, "name": "带动性（辐射）"},
    }

    cycles.criteria_update(cycle=cycle, actor=actor, values=values)

    criteria = {c.code: c for c in Criterion.objects.filter(cycle=cycle)}
    assert criteria["strategic"].name == "战略性"
    assert criteria["driving"].name == "带动性（辐射）"
    assert criteria["growth"].max_score == Decimal("10.00")
    assert [criteria[code].order for code in ["strategic", "leading", "growth", "driving"]] == [0, 1, 2, 3]
    assert AuditEvent.objects.get().before == {
        "strategic": None,
        "leading": None,
        "growth": None,
        "driving": None,
    }


def test_criteria_update_refuses_a_frozen_cycle(cycle, actor):
    cycle.criteria_frozen_at = timezone.now()
    cycle.save()

    with pytest.raises(ValidationError) as caught:
        cycles.criteria_update(cycle=cycle, actor=actor, values={"strategic": {"name": "战略"}})

    assert caught.value.messages == [FROZEN]
    assert caught.value.code == "criteria_frozen"


def test_criteria_update_sees_a_freeze_the_caller_has_not(cycle, actor):
    stale = Cycle.objects.get(pk=cycle.pk)
    Cycle.objects.filter(pk=cycle.pk).update(criteria_frozen_at=timezone.now())

    with pytest.raises(ValidationError, match="已冻结"):
        cycles.criteria_update(cycle=stale, actor=actor, values={"strategic": {"name": "战略"}})


@pytest.mark.parametrize(
    "make_user",
    [factories.official, factories.zone_preparer, lambda: factories.UserFactory(is_superuser=True)],
)
def test_criteria_update_is_for_programme_staff_only(cycle, make_user):
    with pytest.raises(PermissionDenied):
        cycles.criteria_update(cycle=cycle, actor=make_user(), values={"strategic": {"name": "战略"}})


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"strategic": {"weight": "abc"}}, "「权重」必须是数字。"),
        ({"novelty": {"weight": 10}}, "未知的评价维度：novelty。"),
        ({"strategic": {"code": "x"}}, "不能修改评价维度的这些字段：code。"),
    ],
)
def test_criteria_update_refuses_bad_values(cycle, actor, values, message):
    with pytest.raises(ValidationError) as caught:
        cycles.criteria_update(cycle=cycle, actor=actor, values=values)
    assert caught.value.messages == [message]


def test_criteria_update_refuses_a_zero_maximum(cycle, actor):
    with pytest.raises(ValidationError):
        cycles.criteria_update(cycle=cycle, actor=actor, values={"strategic": {"max_score": 0}})
    assert Criterion.objects.get(cycle=cycle, code="strategic").max_score == Decimal("100.00")


# -- criteria_freeze and cycle_advance ----------------------------------------------------------------------------


def test_criteria_freeze_sets_the_time_once_and_audits(cycle, actor):
    frozen = cycles.criteria_freeze(cycle=cycle, actor=actor)

    assert frozen.criteria_frozen_at is not None
    assert cycle.criteria_frozen_at == frozen.criteria_frozen_at
    first = Cycle.objects.get(pk=cycle.pk).criteria_frozen_at
    assert first == frozen.criteria_frozen_at

    cycles.criteria_freeze(cycle=cycle, actor=actor)

    assert Cycle.objects.get(pk=cycle.pk).criteria_frozen_at == first
    event = AuditEvent.objects.get(action="criteria.freeze")
    assert event.before == {"criteria_frozen_at": None}
    assert event.after["criteria"]["strategic"]["weight"] == "30.00"


def test_criteria_freeze_refuses_an_incomplete_set(actor):
    cycle = factories.CycleFactory(year=2033)
    with pytest.raises(ValidationError, match="缺少"):
        cycles.criteria_freeze(cycle=cycle, actor=actor)
    assert Cycle.objects.get(pk=cycle.pk).criteria_frozen_at is None


def _past_its_window(year, status=CycleStatus.PLANNING):
    """A cycle whose nomination window closed yesterday and whose review deadline is a month ahead, so that every
    gate up to 评审 passes on time alone."""
    now = timezone.now()
    cycle = factories.CycleFactory(
        year=year,
        status=status,
        nomination_opens_at=now - datetime.timedelta(days=30),
        nomination_closes_at=now - datetime.timedelta(days=1),
        review_closes_at=now + datetime.timedelta(days=30),
    )
    factories.criteria_for(cycle)
    return cycle


def test_cycle_advance_walks_the_phases_and_freezes_on_review(actor):
    cycle = _past_its_window(2031)
    cycles.cycle_advance(cycle=cycle, actor=actor)
    assert cycle.status == CycleStatus.NOMINATION
    assert cycle.criteria_frozen_at is None
    cycles.cycle_advance(cycle=cycle, actor=actor, to_status=CycleStatus.FORMAL_REVIEW)
    assert cycle.criteria_frozen_at is None

    cycles.cycle_advance(cycle=cycle, actor=actor, to_status=CycleStatus.REVIEW)

    stored = Cycle.objects.get(pk=cycle.pk)
    assert stored.status == CycleStatus.REVIEW
    assert stored.criteria_frozen_at is not None
    assert [e.action for e in AuditEvent.objects.order_by("id")] == [
        "cycle.advance",
        "cycle.advance",
        "criteria.freeze",
        "cycle.advance",
    ]
    assert [e.after["status"] for e in AuditEvent.objects.filter(action="cycle.advance").order_by("id")] == [
        CycleStatus.NOMINATION,
        CycleStatus.FORMAL_REVIEW,
        CycleStatus.REVIEW,
    ]
    with pytest.raises(ValidationError, match="已冻结"):
        cycles.criteria_update(cycle=stored, actor=actor, values={"strategic": {"name": "战略"}})


def test_cycle_advance_refuses_to_skip_or_pass_the_end(actor):
    cycle = _past_its_window(2031)
    with pytest.raises(ValidationError) as caught:
        cycles.cycle_advance(cycle=cycle, actor=actor, to_status=CycleStatus.REVIEW)
    assert caught.value.messages == ["批次只能从“筹备”进入“推荐”。"]
    assert caught.value.code == "invalid_transition"
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.PLANNING

    # An empty round passes every gate to the archive, one phase at a time, and no further.
    for phase in workflow.PHASES[1:]:
        cycles.cycle_advance(cycle=cycle, actor=actor, to_status=phase)
        assert Cycle.objects.get(pk=cycle.pk).status == phase
    with pytest.raises(ValidationError, match="已归档") as caught:
        cycles.cycle_advance(cycle=cycle, actor=actor)
    assert caught.value.code == "cycle_closed"
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.CLOSED


def test_cycle_advance_to_review_refuses_a_bad_criteria_set(actor):
    cycle = _past_its_window(2034)
    cycles.cycle_advance(cycle=cycle, actor=actor)
    cycles.cycle_advance(cycle=cycle, actor=actor)
    assert cycle.status == CycleStatus.FORMAL_REVIEW
    # The set went wrong behind the service's back (the rule is checked again at the gate, not trusted).
    Criterion.objects.filter(cycle=cycle, code="driving").update(weight=Decimal("19"))

    with pytest.raises(ValidationError, match="当前为 99") as caught:
        cycles.cycle_advance(cycle=cycle, actor=actor)
    assert caught.value.code == "gate_refused"

    stored = Cycle.objects.get(pk=cycle.pk)
    assert stored.status == CycleStatus.FORMAL_REVIEW
    assert stored.criteria_frozen_at is None


# -- cycle_create_from_previous -----------------------------------------------------------------------------------


def _window(year):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 3, 1, 9, 0, tzinfo=tz),
        datetime.datetime(year, 4, 30, 17, 0, tzinfo=tz),
    )


def test_create_from_previous_copies_criteria_quotas_and_settings(actor):
    older = factories.CycleFactory(year=2030, default_quota=3)
    factories.criteria_for(older)
    previous = factories.CycleFactory(
        year=2031,
        title="2031年度国家高新区新赛道推荐",
        default_quota=6,
        notice_days=10,
        reviewers_per_nomination=7,
        normalise_scores=True,
        comment_required_below=Decimal("55.50"),
        criteria_frozen_at=timezone.now(),
        status=CycleStatus.CLOSED,
    )
    spec = [
        ("strategic", "战略性", Decimal("40"), Decimal("10")),
        ("leading", "领先性", Decimal("20"), Decimal("10")),
        ("growth", "成长性", Decimal("20"), Decimal("10")),
        ("driving", "带动性", Decimal("20"), Decimal("10")),
    ]
    factories.criteria_for(previous, spec=spec)
    Criterion.objects.filter(cycle=previous, code="growth").update(rubric="优：……\n中：……")
    ProvinceQuota.objects.create(cycle=previous, province=factories.province("440000"), quota=9)
    ProvinceQuota.objects.create(cycle=previous, province=factories.province("650000"), quota=2)
    opens, closes = _window(2032)

    cycle = cycles.cycle_create_from_previous(
        actor=actor, year=2032, nomination_opens_at=opens, nomination_closes_at=closes
    )

    cycle.refresh_from_db()
    assert cycle.year == 2032
    assert cycle.title == "2032年度国家高新区新赛道推荐"
    assert cycle.status == CycleStatus.PLANNING
    assert (cycle.nomination_opens_at, cycle.nomination_closes_at) == (opens, closes)
    assert cycle.default_quota == 6
    assert cycle.notice_days == 10
    assert cycle.reviewers_per_nomination == 7
    assert cycle.normalise_scores is True
    assert cycle.comment_required_below == Decimal("55.50")
    assert cycle.criteria_frozen_at is None
    assert cycle.review_opens_at is None
    copied = [
        (c.code, c.name, c.weight, c.max_score, c.rubric, c.order)
        for c in Criterion.objects.filter(cycle=cycle)
    ]
    assert copied == [
        ("strategic", "战略性", Decimal("40.00"), Decimal("10.00"), "", 0),
        ("leading", "领先性", Decimal("20.00"), Decimal("10.00"), "", 1),
        ("growth", "成长性", Decimal("20.00"), Decimal("10.00"), "优：……\n中：……", 2),
        ("driving", "带动性", Decimal("20.00"), Decimal("10.00"), "", 3),
    ]
    assert dict(ProvinceQuota.objects.filter(cycle=cycle).values_list("province__code", "quota")) == {
        "440000": 9,
        "650000": 2,
    }
    # The template is untouched.
    assert Criterion.objects.filter(cycle=previous).count() == 4
    assert ProvinceQuota.objects.filter(cycle=previous).count() == 2
    event = AuditEvent.objects.get(action="cycle.create")
    assert event.object_id == str(cycle.pk)
    assert event.after["template_year"] == 2031
    assert event.after["criteria"]["strategic"]["weight"] == "40.00"
    assert event.reason == "以2031年度批次为模板新建。"


def test_create_from_previous_takes_the_latest_earlier_year(actor):
    factories.CycleFactory(year=2030, default_quota=3)
    factories.CycleFactory(year=2031, default_quota=4)
    factories.CycleFactory(year=2035, default_quota=8)
    opens, closes = _window(2033)

    cycle = cycles.cycle_create_from_previous(
        actor=actor, year=2033, nomination_opens_at=opens, nomination_closes_at=closes
    )

    assert cycle.default_quota == 4


def test_create_from_previous_refuses_an_existing_year(cycle, actor):
    opens, closes = _window(2031)
    with pytest.raises(ValidationError) as caught:
        cycles.cycle_create_from_previous(
            actor=actor, year=2031, nomination_opens_at=opens, nomination_closes_at=closes
        )
    assert caught.value.messages == ["2031年度批次已存在。"]
    assert Cycle.objects.count() == 1


def test_create_from_previous_needs_an_earlier_cycle(cycle, actor):
    opens, closes = _window(2029)
    with pytest.raises(ValidationError, match="没有2029年度之前的批次可作模板"):
        cycles.cycle_create_from_previous(
            actor=actor, year=2029, nomination_opens_at=opens, nomination_closes_at=closes
        )


def test_create_from_previous_refuses_a_reversed_window(cycle, actor):
    opens, closes = _window(2032)
    with pytest.raises(ValidationError, match="推荐截止时间必须晚于开始时间"):
        cycles.cycle_create_from_previous(
            actor=actor, year=2032, nomination_opens_at=closes, nomination_closes_at=opens
        )
    assert not Cycle.objects.filter(year=2032).exists()
    assert not AuditEvent.objects.exists()


def test_create_from_previous_is_for_programme_staff_only(cycle):
    opens, closes = _window(2032)
    with pytest.raises(PermissionDenied):
        cycles.cycle_create_from_previous(
            actor=factories.official(), year=2032, nomination_opens_at=opens, nomination_closes_at=closes
        )
