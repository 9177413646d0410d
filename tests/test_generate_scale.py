"""`manage.py generate_scale` at a small scale: counts as asked, deterministic for a seed, lists that verify."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F

from tracks.models import (
    Assignment,
    AssignmentStatus,
    Cycle,
    CycleStatus,
    ListEntry,
    ListStatus,
    Nomination,
    NominationStatus,
    ParkList,
    RankingSnapshot,
    Score,
)
from tracks.services.lists import list_verify_hashes

pytestmark = pytest.mark.django_db

SMALL = {
    "cycles": 2,
    "first_year": 2031,
    "nominations_per_cycle": 60,
    "tracks": 12,
    "reviewers": 24,
    "reviewers_per_nomination": 5,
    "track_lists": 3,
    "field_lists": 1,
    "list_size": 5,
}


def generate(**overrides) -> str:
    out = io.StringIO()
    call_command("generate_scale", stdout=out, **{**SMALL, "seed": 7, **overrides})
    return out.getvalue()


def fingerprint() -> dict:
    """What the generated data says, by natural keys only (ids differ between runs on PostgreSQL)."""
    return {
        "nominations": sorted(
            Nomination.objects.values_list(
                "cycle__year", "zone__key", "track__name", "origin", "revenue", "enterprise_count", "status"
            )
        ),
        "scores": sorted(
            Score.objects.values_list(
                "assignment__nomination__cycle__year",
                "assignment__nomination__zone__key",
                "assignment__nomination__track__name",
                "assignment__reviewer__user__username",
                "criterion__code",
                "value",
            )
        ),
        # The hashes cover nomination ids, which differ between runs on PostgreSQL: compare the entries instead.
        "lists": sorted(
            ListEntry.objects.values_list(
                "park_list__cycle__year",
                "park_list__scope",
                "park_list__field__code",
                "park_list__track__name",
                "rank",
                "zone__key",
                "track__name",
                "total",
            )
        ),
    }


def test_counts_conflicts_and_published_lists_that_verify():
    output = generate()
    assert "生成完成" in output

    assert sorted(Cycle.objects.values_list("year", "status")) == [
        (2031, CycleStatus.CLOSED),
        (2032, CycleStatus.CLOSED),
    ]
    assert Nomination.objects.count() == 2 * 60
    assert Assignment.objects.filter(status=AssignmentStatus.SUBMITTED).count() == 2 * 60 * 5
    assert Score.objects.count() == 2 * 60 * 5 * 4
    for nomination in Nomination.objects.all():
        assert nomination.assignments.count() == 5
        assert nomination.library_entry_id is not None
    # 回避: no reviewer scores a nomination of their own province.
    assert not Assignment.objects.filter(reviewer__province=F("nomination__province")).exists()

    assert RankingSnapshot.objects.count() == 2
    published = list(ParkList.objects.filter(status=ListStatus.PUBLISHED))
    assert len(published) == 2 * (3 + 1)
    for park_list in published:
        assert list_verify_hashes(park_list) == []
        assert 1 <= park_list.entries.count() <= 5
        assert park_list.notice_ends_at <= park_list.published_at
    listed = set(Nomination.objects.filter(status=NominationStatus.LISTED).values_list("pk", flat=True))
    assert listed == {e.nomination_id for p in published for e in p.entries.all()}
    assert set(Nomination.objects.values_list("status", flat=True)) == {
        NominationStatus.LISTED,
        NominationStatus.NOT_LISTED,
    }


def test_same_seed_same_data_and_another_seed_differs():
    with transaction.atomic():
        generate()
        first = fingerprint()
        transaction.set_rollback(True)
    assert not Nomination.objects.exists()
    generate()
    assert fingerprint() == first

    with transaction.atomic():
        generate(seed=8, first_year=2031 + 10, cycles=1)
        other = [row[1:] for row in fingerprint()["nominations"] if row[0] == 2041]
        transaction.set_rollback(True)
    assert len(other) == 60
    assert other != [row[1:] for row in first["nominations"] if row[0] == 2031]


def test_refuses_existing_years_and_production_settings(settings):
    generate(cycles=1)
    with pytest.raises(CommandError, match="2031"):
        generate(cycles=1)
    assert Cycle.objects.count() == 1

    settings.ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="--force"):
        generate(first_year=2050, cycles=1)
    assert not Cycle.objects.filter(year=2050).exists()
    generate(first_year=2050, cycles=1, force=True)
    assert Cycle.objects.filter(year=2050).exists()
