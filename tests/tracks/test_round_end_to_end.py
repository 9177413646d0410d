"""A whole round from draft to 已入榜 and 未入榜 through the services only (``manage.py simulate_round``), and the one
door every status goes through."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tests import factories as f
from tracks import invariants, workflow
from tracks.models import (
    Cycle,
    CycleStatus,
    ListStatus,
    Nomination,
    NominationStatus,
    ParkList,
    StatusDoorClosed,
)
from tracks.models.status_door import LATE_STATE_MODULES
from tracks.services.lists import list_verify

pytestmark = pytest.mark.django_db
S = NominationStatus
ROOT = Path(settings.BASE_DIR)


def test_a_whole_round_through_the_services_ends_every_nomination_in_a_true_state():
    out = io.StringIO()
    call_command("simulate_round", "--year", "2031", "--seed", "7", "--provinces", "4", stdout=out)
    text = out.getvalue()
    assert "模拟完成，所有不变式均成立。" in text
    for phase in ("推荐开启", "形式审查", "评审开启", "评审结束", "榜单公示与发布", "归档"):
        assert re.search(rf"✓ {phase}", text), phase
    cycle = Cycle.objects.get(year=2031)
    assert cycle.status == CycleStatus.CLOSED
    statuses = set(Nomination.objects.filter(cycle=cycle).values_list("status", flat=True))
    # Every ending the round knows, and nothing left half-way.
    assert {
        S.LISTED,
        S.NOT_LISTED,
        S.REJECTED,
        S.WITHDRAWN,
        S.NOT_NOMINATED,
        S.LAPSED,
        S.UNDER_REVIEWED,
    } <= statuses
    assert statuses <= S.FINAL
    published = ParkList.objects.filter(cycle=cycle, status=ListStatus.PUBLISHED)
    assert published.exists() and all(list_verify(park_list).ok for park_list in published)
    assert invariants.check_all() == []


def test_simulate_round_refuses_real_data_production_and_an_existing_year(settings):
    f.UserFactory(username="zhang.wei")  # a real account
    with pytest.raises(CommandError, match="非演示账户"):
        call_command("simulate_round", "--year", "2031")
    settings.ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="生产环境"):
        call_command("simulate_round", "--year", "2031")


def test_every_status_goes_through_the_workflows_door():
    cycle = f.CycleFactory(year=2031)
    nomination = f.NominationFactory(cycle=cycle, status=S.DRAFT)
    for attempt in (
        lambda: Nomination.objects.filter(pk=nomination.pk).update(status=S.LISTED),
        lambda: Nomination.objects.bulk_update([nomination], ["status"]),
        lambda: Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.CLOSED),
        lambda: Nomination.objects.create(
            cycle=cycle,
            province=nomination.province,
            zone=f.zone("440000-02"),
            track=nomination.track,
            status=S.LISTED,
        ),
        lambda: Cycle.objects.create(
            year=2032,
            status=CycleStatus.REVIEW,
            nomination_opens_at=cycle.nomination_opens_at,
            nomination_closes_at=cycle.nomination_closes_at,
        ),
    ):
        with pytest.raises(StatusDoorClosed):
            attempt()
    nomination.status = S.SCORED
    with pytest.raises(StatusDoorClosed):
        nomination.save()
    stored = Nomination.objects.get(pk=nomination.pk)
    stored.narrative = "只改正文"
    stored.save()  # an edit that leaves the status alone is no transition
    assert Nomination.objects.get(pk=nomination.pk).status == S.DRAFT


def _python_sources():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "node_modules", "staticfiles", "wheelhouse"} or "migrations" in parts:
            continue
        yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_only_the_workflows_services_open_the_door_and_only_the_listed_modules_make_late_rows():
    opens = re.compile(r"^\s*with (status_door|late_states_allowed)\(\):", re.M)
    used = {name: set(opens.findall(text)) for name, text in _python_sources()}
    door = {name for name, kinds in used.items() if "status_door" in kinds}
    late = {name for name, kinds in used.items() if "late_states_allowed" in kinds}
    assert door - {"tracks/models/status_door.py"} == set(workflow.STATUS_WRITERS)
    assert late - {"tracks/models/status_door.py"} == set(LATE_STATE_MODULES)
