"""Track proposals: a province proposes, staff approve it or merge it into an existing track (service and admin).

The merge rule (tracks/services/catalog.py): nominations, library entries and aliases move to the target; the merged
name becomes an alias; a zone left with the same track twice in one cycle keeps the nomination further along the
workflow (the target's on a tie) and the other is withdrawn with a reason; two library entries of one zone fold into
the target's, the other exits with a reason; nothing is deleted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from tests import factories as f
from tests.tracks.portal_support import (
    GD,
    GZ,
    ZS,
    login,
    nomination,
)
from tracks import models as m
from tracks.services import catalog

pytestmark = pytest.mark.django_db
S = m.NominationStatus
L = m.LibraryStatus


@pytest.fixture
def proposed(world):
    return catalog.track_propose(actor=world.zs, name="柔性机器人", field=world.field)


def test_propose_creates_a_proposed_track(world, proposed):
    assert (proposed.status, proposed.proposed_by, proposed.field) == (
        m.TrackStatus.PROPOSED,
        world.zs,
        world.field,
    )
    assert AuditEvent.objects.get(action="track.propose").object_id == str(proposed.pk)
    with pytest.raises(ValidationError):
        catalog.track_propose(actor=world.gd, name="仿人机器人", field=world.field)
    with pytest.raises(PermissionDenied):
        catalog.track_propose(actor=world.staff, name="其他赛道", field=world.field)


def test_approve(world, proposed):
    with pytest.raises(PermissionDenied):
        catalog.track_approve(actor=world.gd, track=proposed)
    approved = catalog.track_approve(actor=world.staff, track=proposed, reason="符合新赛道定义")
    assert approved.status == m.TrackStatus.ACTIVE
    event = AuditEvent.objects.get(action="track.approve")
    assert (event.before, event.after, event.reason) == (
        {"status": "proposed"},
        {"status": "active"},
        "符合新赛道定义",
    )
    assert m.Notification.objects.get(user=world.zs).message == "您提议的新赛道「柔性机器人」已审核通过。"
    with pytest.raises(ValidationError):
        catalog.track_approve(actor=world.staff, track=approved)


def test_merge_moves_everything_and_resolves_duplicates(world, proposed):
    target = world.humanoid
    m.TrackAlias.objects.create(track=proposed, name="柔机")
    older = f.TrackFactory(name="软体机器人", status=m.TrackStatus.MERGED, merged_into=proposed)
    later = f.CycleFactory(year=2032)
    # 中山: the source's nomination is further along (submitted) than the target's draft → the target's is withdrawn.
    zs_source = nomination(world, zone_key=ZS, track=proposed, status=S.SUBMITTED)
    zs_target = nomination(world, zone_key=ZS, track=target, status=S.DRAFT)
    # 广州: the target's is accepted, the source's a draft → the source's is withdrawn.
    gz_source = nomination(world, zone_key=GZ, track=proposed, status=S.DRAFT)
    gz_target = nomination(world, zone_key=GZ, track=target, status=S.ACCEPTED)
    # 佛山: only the source, in another cycle too → simply moved.
    fs_source = nomination(world, zone_key="440000-04", track=proposed, status=S.RETURNED)
    fs_later = nomination(world, zone_key="440000-04", track=proposed, status=S.DRAFT, cycle=later)
    # Library: 中山 has both entries (reports 2024+2025 vs 2025), 佛山 only the source's.
    zs_source_entry = f.LibraryEntryFactory(
        zone=f.zone(ZS), track=proposed, entered_cycle=world.cycle, status=L.KEY
    )
    zs_target_entry = f.LibraryEntryFactory(zone=f.zone(ZS), track=target, entered_cycle=world.cycle)
    r2024 = f.MonitoringReportFactory(entry=zs_source_entry, year=2024)
    r2025_source = f.MonitoringReportFactory(entry=zs_source_entry, year=2025)
    r2025_target = f.MonitoringReportFactory(entry=zs_target_entry, year=2025)
    m.Nomination.objects.filter(pk=zs_source.pk).update(library_entry=zs_source_entry)
    fs_entry = f.LibraryEntryFactory(zone=f.zone("440000-04"), track=proposed, entered_cycle=world.cycle)
    counts = (
        m.Nomination.objects.count(),
        m.LibraryEntry.objects.count(),
        m.MonitoringReport.objects.count(),
    )

    catalog.track_merge(actor=world.staff, source=proposed, target=target, reason="同一赛道的不同叫法")

    # Nothing deleted.
    assert counts == (
        m.Nomination.objects.count(),
        m.LibraryEntry.objects.count(),
        m.MonitoringReport.objects.count(),
    )
    for item in (zs_source, zs_target, gz_source, gz_target, fs_source, fs_later):
        item.refresh_from_db()
        assert item.track_id == target.pk
    assert (zs_source.status, zs_target.status) == (S.SUBMITTED, S.WITHDRAWN)
    assert zs_target.status_reason.startswith("赛道合并（同一赛道的不同叫法）后与同一高新区本批次的推荐")
    assert f"#{zs_source.pk}" in zs_target.status_reason
    assert (gz_source.status, gz_target.status) == (S.WITHDRAWN, S.ACCEPTED)
    assert (fs_source.status, fs_later.status) == (S.RETURNED, S.DRAFT)
    # Library: 中山's entries fold into the target's; the reports of a year it lacked move; the source's exits.
    zs_source_entry.refresh_from_db()
    zs_target_entry.refresh_from_db()
    assert zs_source_entry.status == L.EXITED and "赛道合并" in zs_source_entry.exit_reason
    assert zs_source_entry.track_id == proposed.pk
    r2024.refresh_from_db()
    r2025_source.refresh_from_db()
    r2025_target.refresh_from_db()
    assert (r2024.entry_id, r2025_source.entry_id, r2025_target.entry_id) == (
        zs_target_entry.pk,
        zs_source_entry.pk,
        zs_target_entry.pk,
    )
    assert zs_source.library_entry_id == zs_target_entry.pk
    fs_entry.refresh_from_db()
    assert (fs_entry.track_id, fs_entry.status) == (target.pk, L.CULTIVATING)
    # Aliases and earlier merges.
    proposed.refresh_from_db()
    older.refresh_from_db()
    assert (proposed.status, proposed.merged_into_id) == (m.TrackStatus.MERGED, target.pk)
    assert older.merged_into_id == target.pk
    assert set(target.aliases.values_list("name", flat=True)) == {"仿人机器人", "柔机", "柔性机器人"}
    assert list(m.Track.objects.usable().search("柔性机器人")) == [target]
    # Audited and told.
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("nomination.withdraw_duplicate") == 2
    assert actions.count("nomination.track_merge") == 4  # the four that named the source
    assert "track.merge" in actions and "libraryentry.merge" in actions
    assert m.Notification.objects.filter(
        user=world.gd, message="新赛道「柔性机器人」已并入「人形机器人」，相关推荐和培育库条目已随之调整。"
    ).exists()


def test_merge_keeps_the_targets_nomination_on_a_tie(world, proposed):
    source_one = nomination(world, track=proposed, status=S.SUBMITTED)
    target_one = nomination(world, track=world.humanoid, status=S.SUBMITTED)
    catalog.track_merge(actor=world.staff, source=proposed, target=world.humanoid)
    source_one.refresh_from_db()
    target_one.refresh_from_db()
    assert (source_one.status, target_one.status) == (S.WITHDRAWN, S.SUBMITTED)


def test_merge_refusals(world, proposed):
    with pytest.raises(PermissionDenied):
        catalog.track_merge(actor=world.gd, source=proposed, target=world.humanoid)
    with pytest.raises(ValidationError):
        catalog.track_merge(actor=world.staff, source=proposed, target=proposed)
    other = catalog.track_propose(actor=world.gd, name="另一个提议", field=world.field)
    with pytest.raises(ValidationError, match="只能并入已启用的赛道"):
        catalog.track_merge(actor=world.staff, source=proposed, target=other)
    catalog.track_merge(actor=world.staff, source=proposed, target=world.humanoid)
    with pytest.raises(ValidationError, match="已并入其他赛道"):
        catalog.track_merge(actor=world.staff, source=proposed, target=world.storage)


def test_a_nomination_on_a_merged_name_lands_on_the_target(world, proposed):
    catalog.track_merge(actor=world.staff, source=proposed, target=world.humanoid)
    from tracks.services.nominations import nomination_create

    created = nomination_create(actor=world.gd, cycle=world.cycle, zone=f.zone(GZ), track=proposed)
    assert created.track == world.humanoid


# -- in the admin ---------------------------------------------------------------------------------------------------


def test_admin_approves_proposed_tracks_from_the_filtered_changelist(client, world, proposed):
    login(client, world.staff)
    changelist = reverse("admin:tracks_track_changelist") + "?status__exact=proposed"
    listed = client.get(changelist)
    assert [t.pk for t in listed.context["cl"].result_list] == [proposed.pk]
    response = client.post(
        changelist, {"action": "approve_tracks", "_selected_action": [proposed.pk], "index": "0"}
    )
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == m.TrackStatus.ACTIVE


def test_admin_approve_button_on_the_track_page(client, world, proposed):
    login(client, world.staff)
    page = client.get(reverse("admin:tracks_track_change", args=[proposed.pk]))
    assert page.context["may_approve"] is True
    assert reverse("admin:tracks_track_approve", args=[proposed.pk]) in page.content.decode()
    client.post(reverse("admin:tracks_track_approve", args=[proposed.pk]))
    proposed.refresh_from_db()
    assert proposed.status == m.TrackStatus.ACTIVE


def test_admin_merges_with_an_intermediate_page(client, world, proposed):
    draft = nomination(world, track=proposed)
    login(client, world.staff)
    changelist = reverse("admin:tracks_track_changelist")
    page = client.post(
        changelist, {"action": "merge_tracks", "_selected_action": [proposed.pk], "index": "0"}
    )
    assert page.status_code == 200 and "合并新赛道" in page.content.decode()
    targets = list(page.context["form"].fields["target"].queryset)
    assert world.humanoid in targets and proposed not in targets

    done = client.post(
        changelist,
        {
            "action": "merge_tracks",
            "_selected_action": [proposed.pk],
            "apply": "yes",
            "target": world.humanoid.pk,
            "reason": "同一赛道",
        },
    )
    assert done.status_code == 302
    proposed.refresh_from_db()
    draft.refresh_from_db()
    assert (proposed.status, draft.track) == (m.TrackStatus.MERGED, world.humanoid)


def test_admin_merge_page_of_one_track(client, world, proposed):
    login(client, world.staff)
    url = reverse("admin:tracks_track_merge", args=[proposed.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"apply": "yes", "target": world.storage.pk, "reason": ""})
    assert response["Location"] == reverse("admin:tracks_track_change", args=[proposed.pk])
    proposed.refresh_from_db()
    assert proposed.merged_into == world.storage


def test_only_programme_staff_get_the_catalogue_actions(client, world, proposed):
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    login(client, root)
    actions = dict(
        client.get(reverse("admin:tracks_track_changelist")).context["action_form"].fields["action"].choices
    )
    assert "approve_tracks" not in actions and "merge_tracks" not in actions
    assert client.get(reverse("admin:tracks_track_merge", args=[proposed.pk])).status_code == 403
    assert GD  # the module's constants stay imported for readers
