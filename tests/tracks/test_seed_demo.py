import io

import pytest
from django.core.management import CommandError, call_command

from tracks.models import Cycle, CycleStatus, ListStatus, Nomination, NominationStatus, ParkList, Score, Track
from tracks.services.lists import list_verify_hashes

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_refuses_under_production_settings(settings):
    settings.ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="生产环境不允许"):
        seed()
    assert not Cycle.objects.exists()


def test_seed_demo_builds_a_realistic_registry_and_is_idempotent():
    output = seed()
    assert "Demo-Passw0rd!" in output and "staff" in output and "official_440000" in output

    assert set(Cycle.objects.values_list("year", "status")) == {
        (2025, CycleStatus.PUBLICATION),
        (2026, CycleStatus.NOMINATION),
    }
    for name in ["氢冶金", "智能织物", "人形机器人", "量子信息", "新型储能", "合成生物"]:
        assert Track.objects.filter(name=name).exists()
    assert 25 <= Track.objects.count() <= 35
    total = Nomination.objects.count()
    assert 100 <= total <= 140
    statuses = set(Nomination.objects.values_list("status", flat=True))
    assert {
        NominationStatus.DRAFT,
        NominationStatus.SUBMITTED,
        NominationStatus.RETURNED,
        NominationStatus.ACCEPTED,
        NominationStatus.LISTED,
        NominationStatus.SCORED,
    } <= statuses
    assert Nomination.objects.values("province").distinct().count() >= 12
    assert Score.objects.exists()

    published = ParkList.objects.get(status=ListStatus.PUBLISHED)
    assert published.track.name == "人形机器人"
    assert published.entries.count() >= 3
    assert list_verify_hashes(published) == []
    assert published.ranking is not None and published.inputs == published.ranking.inputs

    assert "跳过" in seed()
    assert Nomination.objects.count() == total
