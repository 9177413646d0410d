"""A published list never changes: every ORM path and the admin refuse on both databases; on PostgreSQL triggers
refuse raw SQL too, except the superseded mark, which only the correction service sets."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests import rounds
from tracks.models import ImmutableListError, ListEntry, ListStatus, ParkList
from tracks.services.lists import list_correct

pytestmark = pytest.mark.django_db

KEYS = ["440000-03", "320000-01", "110000-01", "420000-01"]
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="triggers exist only on PostgreSQL"
)


@pytest.fixture
def published():
    park_list, actor = rounds.published_list(KEYS, top_n=3)
    return park_list


@pytest.fixture
def superseded(published):
    list_correct(actor=f.staff(), park_list=published, note="更正")
    published.refresh_from_db()
    return published


def _entry(park_list):
    return park_list.entries.order_by("rank").first()


LIST_PATHS = {
    "save": lambda pl: (setattr(pl, "title", "改"), pl.save()),
    "save_update_fields": lambda pl: (setattr(pl, "sha256", "0" * 64), pl.save(update_fields=["sha256"])),
    "delete": lambda pl: pl.delete(),
    "queryset_update": lambda pl: ParkList.objects.filter(pk=pl.pk).update(title="改"),
    "queryset_update_status": lambda pl: ParkList.objects.filter(pk=pl.pk).update(status=ListStatus.DRAFT),
    "queryset_delete": lambda pl: ParkList.objects.filter(pk=pl.pk).delete(),
    "bulk_update": lambda pl: ParkList.objects.bulk_update([pl], ["title"]),
}
ENTRY_PATHS = {
    "save": lambda pl: (lambda e: (setattr(e, "total", Decimal("1")), e.save()))(_entry(pl)),
    "delete": lambda pl: _entry(pl).delete(),
    "queryset_update": lambda pl: ListEntry.objects.filter(park_list=pl).update(total=Decimal("1")),
    "queryset_delete": lambda pl: ListEntry.objects.filter(park_list=pl).delete(),
    "related_update": lambda pl: pl.entries.update(rank=99),
    "bulk_update": lambda pl: ListEntry.objects.bulk_update([_entry(pl)], ["total"]),
    "create": lambda pl: ListEntry.objects.create(
        park_list=pl,
        rank=9,
        nomination=_entry(pl).nomination,
        zone=_entry(pl).zone,
        province=_entry(pl).province,
        track=_entry(pl).track,
        total=Decimal("1"),
        score_strategic=Decimal("1"),
        score_leading=Decimal("1"),
        score_growth=Decimal("1"),
        score_driving=Decimal("1"),
    ),
}


def _unchanged(park_list, before_content):
    park_list.refresh_from_db()
    assert park_list.status in (ListStatus.PUBLISHED, ListStatus.SUPERSEDED)
    assert park_list.canonical_json == before_content
    assert list(park_list.entries.values_list("rank", "total")) == [
        (1, Decimal("90.15")),
        (2, Decimal("87.65")),
        (3, Decimal("85.15")),
    ]


@pytest.mark.parametrize("path", LIST_PATHS, ids=list(LIST_PATHS))
@pytest.mark.parametrize("state", ["published", "superseded"])
def test_orm_refuses_to_change_a_frozen_list(request, path, state):
    park_list = request.getfixturevalue(state)
    content = park_list.canonical_json
    with pytest.raises(ImmutableListError), transaction.atomic():
        LIST_PATHS[path](park_list)
    _unchanged(park_list, content)


@pytest.mark.parametrize("path", ENTRY_PATHS, ids=list(ENTRY_PATHS))
def test_orm_refuses_to_change_entries_of_a_published_list(published, path):
    content = published.canonical_json
    with pytest.raises((ImmutableListError, DatabaseError)), transaction.atomic():
        ENTRY_PATHS[path](published)
    _unchanged(published, content)


def test_drafts_and_notices_stay_editable():
    park_list, _actor = rounds.list_on_notice(KEYS[:2], days_ago=1)
    park_list.title = "公示中的榜单可以改标题"
    park_list.save()
    ListEntry.objects.filter(park_list=park_list, rank=2).update(total=Decimal("80"))
    assert ParkList.objects.get(pk=park_list.pk).title == "公示中的榜单可以改标题"


# ---------------------------------------------------------------------------------------------------------------
# The admin


@pytest.fixture
def staff_client(client):
    client.force_login(f.staff(username="ops"))
    return client


@pytest.fixture
def root_client(client):
    client.force_login(f.UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize("who", ["staff_client", "root_client"])
def test_admin_refuses_to_change_or_delete_a_published_list(request, published, who):
    client = request.getfixturevalue(who)
    content = published.canonical_json
    change = reverse("admin:tracks_parklist_change", args=[published.pk])

    page = client.get(change)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="title"' not in html  # read-only view
    assert "已发布的榜单不可修改或删除" in html

    assert client.post(change, {"title": "改了"}).status_code == 403
    assert (
        client.post(reverse("admin:tracks_parklist_delete", args=[published.pk]), {"post": "yes"}).status_code
        == 403
    )
    # No bulk delete offered, and the entries' admin is view-only.
    changelist = client.get(reverse("admin:tracks_parklist_changelist")).content.decode()
    assert "delete_selected" not in changelist
    entry = _entry(published)
    assert (
        client.post(reverse("admin:tracks_listentry_change", args=[entry.pk]), {"total": "1"}).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:tracks_listentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    _unchanged(published, content)


def test_admin_still_lets_staff_retitle_a_draft(staff_client):
    snapshot_list, actor = rounds.list_on_notice(KEYS[:2], days_ago=1)
    ParkList.objects.filter(pk=snapshot_list.pk).update(status=ListStatus.DRAFT)
    response = staff_client.post(
        reverse("admin:tracks_parklist_change", args=[snapshot_list.pk]),
        {
            "title": "新标题",
            "cutoff_top_n": "2",
            "cutoff_min_score": "",
            "entries-TOTAL_FORMS": "0",
            "entries-INITIAL_FORMS": "2",
            "entries-MIN_NUM_FORMS": "0",
            "entries-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ParkList.objects.get(pk=snapshot_list.pk).title == "新标题"


# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL triggers: raw SQL


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@postgres_only
@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE tracks_listentry SET total = 1 WHERE park_list_id = %s",
        "UPDATE tracks_listentry SET rank = rank + 10 WHERE park_list_id = %s",
        "DELETE FROM tracks_listentry WHERE park_list_id = %s",
        "UPDATE tracks_parklist SET title = 'x' WHERE id = %s",
        "UPDATE tracks_parklist SET sha256 = repeat('0', 64) WHERE id = %s",
        "UPDATE tracks_parklist SET status = 'draft' WHERE id = %s",
        "UPDATE tracks_parklist SET superseded_at = now() WHERE id = %s",
        "UPDATE tracks_parklist SET status = 'superseded', superseded_at = now(), title = 'x' WHERE id = %s",
        "DELETE FROM tracks_parklist WHERE id = %s",
    ],
)
def test_triggers_refuse_raw_sql_on_a_published_list(published, sql):
    content = published.canonical_json
    with pytest.raises(DatabaseError, match="ntr:"):
        _raw(sql, [published.pk])
    _unchanged(published, content)


@postgres_only
@pytest.mark.postgres_only
def test_trigger_refuses_new_entries_on_a_published_list(published):
    entry = _entry(published)
    with pytest.raises(DatabaseError, match="takes no new entries"):
        _raw(
            "INSERT INTO tracks_listentry (park_list_id, rank, nomination_id, zone_id, province_id, track_id, total,"
            " score_strategic, score_leading, score_growth, score_driving)"
            " VALUES (%s, 9, %s, %s, %s, %s, 1, 1, 1, 1, 1)",
            [published.pk, entry.nomination_id, entry.zone_id, entry.province_id, entry.track_id],
        )


@postgres_only
@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE tracks_parklist SET status = 'published', superseded_at = NULL WHERE id = %s",
        "UPDATE tracks_parklist SET superseded_at = now() - interval '1 day' WHERE id = %s",
        "DELETE FROM tracks_parklist WHERE id = %s",
    ],
)
def test_triggers_keep_a_superseded_list_as_it_is(superseded, sql):
    with pytest.raises(DatabaseError, match="ntr:"):
        _raw(sql, [superseded.pk])
    superseded.refresh_from_db()
    assert superseded.status == ListStatus.SUPERSEDED


@postgres_only
@pytest.mark.postgres_only
def test_trigger_allows_exactly_the_superseded_mark(published):
    """What the correction service does, in SQL: status published → superseded with its time, nothing else."""
    moment = timezone.now() + datetime.timedelta(minutes=1)
    _raw(
        "UPDATE tracks_parklist SET status = 'superseded', superseded_at = %s WHERE id = %s",
        [moment, published.pk],
    )
    published.refresh_from_db()
    assert (published.status, published.superseded_at) == (ListStatus.SUPERSEDED, moment)


@postgres_only
@pytest.mark.postgres_only
def test_triggers_leave_drafts_and_notices_alone():
    park_list, _actor = rounds.list_on_notice(KEYS[:2], days_ago=1)
    _raw("UPDATE tracks_listentry SET total = 80 WHERE park_list_id = %s AND rank = 2", [park_list.pk])
    _raw("UPDATE tracks_parklist SET title = 'x' WHERE id = %s", [park_list.pk])
    assert ParkList.objects.get(pk=park_list.pk).title == "x"
