"""The cultivation library: status decisions by staff (audited), 重点 from published lists, 观察 from two years of
declining revenue, 出库 only with a reason; the admin actions that call the service."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin import helpers
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from tests import factories as f
from tests import rounds
from tracks.models import LibraryEntry, LibraryStatus, ListStatus, MonitoringReport
from tracks.services.library import (
    is_declining,
    library_review_monitoring,
    library_set_status,
)
from tracks.services.lists import list_correct

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return LibraryEntry.objects.create(
        zone=f.zone("440000-03"),
        track=f.TrackFactory(name="新型储能"),
        entered_cycle=f.CycleFactory(year=2031),
    )


def report(entry, year, revenue=None, growth=None):
    return MonitoringReport(entry=entry, year=year, revenue=revenue, revenue_growth=growth)


# ---------------------------------------------------------------------------------------------------------------
# Staff decisions


def test_staff_set_watch_and_back_with_an_audited_reason(entry):
    actor = f.staff()
    library_set_status(actor=actor, entry=entry, status=LibraryStatus.WATCH, reason="龙头企业外迁，需跟踪")
    entry.refresh_from_db()
    assert entry.status == LibraryStatus.WATCH and entry.status_changed_at is not None
    event = AuditEvent.objects.get(action="library.status")
    assert (event.actor, event.reason) == (actor, "龙头企业外迁，需跟踪")
    assert event.before["status"] == "cultivating" and event.after["status"] == "watch"

    library_set_status(actor=actor, entry=entry, status=LibraryStatus.CULTIVATING, reason="指标恢复")
    assert LibraryEntry.objects.get(pk=entry.pk).status == LibraryStatus.CULTIVATING


def test_exit_needs_a_reason_and_reentry_clears_it(entry):
    actor = f.staff()
    with pytest.raises(ValidationError) as error:
        library_set_status(actor=actor, entry=entry, status=LibraryStatus.EXITED, reason="  ")
    assert error.value.code == "reason_required"

    library_set_status(
        actor=actor, entry=entry, status=LibraryStatus.EXITED, reason="主导企业停产，不再符合培育条件"
    )
    entry.refresh_from_db()
    assert (entry.status, entry.exit_reason) == (LibraryStatus.EXITED, "主导企业停产，不再符合培育条件")

    library_set_status(actor=actor, entry=entry, status=LibraryStatus.CULTIVATING, reason="重新符合条件")
    entry.refresh_from_db()
    assert (entry.status, entry.exit_reason) == (LibraryStatus.CULTIVATING, "")


def test_key_only_for_a_pair_on_a_published_list_and_only_staff_decide(entry):
    with pytest.raises(ValidationError) as error:
        library_set_status(actor=f.staff(), entry=entry, status=LibraryStatus.KEY)
    assert error.value.code == "not_listed"
    with pytest.raises(PermissionDenied):
        library_set_status(actor=f.official(), entry=entry, status=LibraryStatus.WATCH, reason="x")
    with pytest.raises(ValidationError):
        library_set_status(actor=f.staff(), entry=entry, status=LibraryStatus.CULTIVATING)


# ---------------------------------------------------------------------------------------------------------------
# 重点 follows the published lists


def test_publishing_makes_listed_pairs_key_and_a_correction_takes_it_back():
    park_list, actor = rounds.list_on_notice(["440000-03", "320000-01", "110000-01"], top_n=2)
    track = park_list.track
    # Formal review's acceptance entered each pair in the library, cultivating until a list is published.
    entries = {
        key: LibraryEntry.objects.get(zone__key=key, track=track)
        for key in ("440000-03", "320000-01", "110000-01")
    }
    assert {entry.status for entry in entries.values()} == {LibraryStatus.CULTIVATING}
    from tracks.services.lists import list_publish

    published = list_publish(actor=actor, park_list=park_list)
    statuses = dict(LibraryEntry.objects.values_list("zone__key", "status"))
    assert statuses == {"440000-03": "key", "320000-01": "key", "110000-01": "cultivating"}
    assert AuditEvent.objects.filter(action="library.key").count() == 2

    first = published.entries.get(rank=1)
    correction = list_correct(
        actor=actor, park_list=published, note="更正", exclude_nominations=[first.nomination_id]
    )
    # The cut-off pulls 110000-01 in: the correction goes on notice first and nothing changes meanwhile.
    assert correction.status == ListStatus.NOTICE
    statuses = dict(LibraryEntry.objects.values_list("zone__key", "status"))
    assert statuses == {"440000-03": "key", "320000-01": "key", "110000-01": "cultivating"}
    assert not AuditEvent.objects.filter(action="library.unkey").exists()

    list_publish(
        actor=actor, park_list=correction, now=correction.notice_ends_at + datetime.timedelta(minutes=1)
    )
    statuses = dict(LibraryEntry.objects.values_list("zone__key", "status"))
    assert statuses == {"440000-03": "cultivating", "320000-01": "key", "110000-01": "key"}
    assert AuditEvent.objects.filter(action="library.unkey", object_id=str(entries["440000-03"].pk)).exists()


# ---------------------------------------------------------------------------------------------------------------
# 观察: revenue declining two years running


@pytest.mark.parametrize(
    ("reports", "declining"),
    [
        ([(2029, "100", None), (2030, "90", None), (2031, "80", None)], True),
        ([(2029, "100", None), (2030, "90", None), (2031, "95", None)], False),
        ([(2029, "100", None), (2030, "110", None), (2031, "80", None)], False),
        ([(2030, "90", "-5.0"), (2031, "80", None)], True),  # the first year's own growth shows its decline
        ([(2030, "90", "3.0"), (2031, "80", None)], False),
        ([(2030, None, "-2.0"), (2031, None, "-1.0")], True),  # revenue not reported: growth decides
        ([(2029, "100", None), (2031, "80", "-3.0")], False),  # not consecutive years
        ([(2031, "80", "-10.0")], False),  # one year only
        ([], False),
    ],
)
def test_watch_rule(entry, reports, declining):
    rows = [
        report(entry, year, Decimal(r) if r else None, Decimal(g) if g else None) for year, r, g in reports
    ]
    assert is_declining(list(reversed(rows))) is declining


def test_monitoring_review_moves_declining_entries_to_watch(entry):
    steady = LibraryEntry.objects.create(
        zone=f.zone("320000-01"),
        track=entry.track,
        entered_cycle=entry.entered_cycle,
        status=LibraryStatus.KEY,
    )
    for year, revenue in ((2029, "120.00"), (2030, "100.00"), (2031, "90.00")):
        MonitoringReport.objects.create(entry=entry, year=year, revenue=Decimal(revenue))
    for year, revenue in ((2030, "100.00"), (2031, "130.00")):
        MonitoringReport.objects.create(entry=steady, year=year, revenue=Decimal(revenue))

    moved = library_review_monitoring(actor=f.staff())

    assert moved == [entry]
    assert LibraryEntry.objects.get(pk=entry.pk).status == LibraryStatus.WATCH
    assert LibraryEntry.objects.get(pk=steady.pk).status == LibraryStatus.KEY
    event = AuditEvent.objects.get(action="library.watch")
    assert event.reason == "年度监测：营业收入连续两年下降"
    assert library_review_monitoring(actor=f.staff()) == []  # already under watch


# ---------------------------------------------------------------------------------------------------------------
# The admin actions


def test_admin_exit_action_asks_for_the_reason_then_applies(client, entry):
    client.force_login(f.staff())
    url = reverse("admin:tracks_libraryentry_changelist")
    data = {"action": "mark_exited", helpers.ACTION_CHECKBOX_NAME: [str(entry.pk)], "index": "0"}

    page = client.post(url, data)
    assert page.status_code == 200 and "出库理由" in page.content.decode()
    assert LibraryEntry.objects.get(pk=entry.pk).status == LibraryStatus.CULTIVATING

    empty = client.post(url, {**data, "apply": "1", "reason": ""})
    assert empty.status_code == 200
    done = client.post(url, {**data, "apply": "1", "reason": "园区调整产业方向"})
    assert done.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.exit_reason) == (LibraryStatus.EXITED, "园区调整产业方向")


def test_admin_monitoring_action(client, entry):
    for year, revenue in ((2029, "120.00"), (2030, "100.00"), (2031, "90.00")):
        MonitoringReport.objects.create(entry=entry, year=year, revenue=Decimal(revenue))
    client.force_login(f.staff())
    client.post(
        reverse("admin:tracks_libraryentry_changelist"),
        {"action": "apply_monitoring_rule", helpers.ACTION_CHECKBOX_NAME: [str(entry.pk)], "index": "0"},
    )
    assert LibraryEntry.objects.get(pk=entry.pk).status == LibraryStatus.WATCH


def test_library_actions_are_staff_only(client, entry):
    reviewer = f.ReviewerProfileFactory().user
    reviewer.user_permissions.add(*Permission.objects.filter(codename="view_libraryentry"))
    client.force_login(reviewer)
    response = client.get(reverse("admin:tracks_libraryentry_changelist"))
    assert "mark_exited" not in response.content.decode()
