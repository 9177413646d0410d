"""The nomination services: who may create, edit and move a nomination, the window (with a province's extension),
the quota (held under concurrent submits on PostgreSQL), the audit trail and the notices each change sends."""

import datetime
import io
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from audit.models import AuditEvent
from tests import factories as f
from tests.tracks.portal_support import (
    GD,
    GZ,
    ZS,
    nomination,
)
from tracks import models as m
from tracks.services import nominations as services
from tracks.services.nominations import QuotaExceeded, WorkflowError
from zones.models import Zone

pytestmark = pytest.mark.django_db
S = m.NominationStatus


def content():
    draft = f.NominationFactory.build()
    return {name: getattr(draft, name) for name in services.REQUIRED_FOR_SUBMIT}


# -- create and edit ----------------------------------------------------------------------------------------------


def test_zone_creates_a_draft_for_its_own_zone_and_the_province_is_told(world):
    created = services.nomination_create(
        actor=world.zs, cycle=world.cycle, zone=f.zone(ZS), track=world.humanoid, data=content()
    )

    assert created.status == S.DRAFT
    assert created.province.code == GD
    assert created.created_by == world.zs
    event = AuditEvent.objects.get(action="nomination.create")
    assert event.actor == world.zs and event.object_id == str(created.pk)
    notice = m.Notification.objects.get(user=world.gd)
    assert notice.message == "中山火炬高新区 准备了 2031年度「人形机器人」推荐草稿，待省级主管部门审核推荐。"
    assert notice.link == f"/portal/nominations/{created.pk}/"
    assert not m.Notification.objects.filter(user=world.js).exists()


@pytest.mark.parametrize(
    ("who", "zone_key", "allowed"),
    [("zs", ZS, True), ("zs", GZ, False), ("gd", GZ, True), ("gd", "320000-01", False), ("js", ZS, False)],
)
def test_who_may_create_for_which_zone(world, who, zone_key, allowed):
    actor = getattr(world, who)
    zone = f.zone(zone_key)
    if allowed:
        assert services.nomination_create(actor=actor, cycle=world.cycle, zone=zone, track=world.humanoid).pk
    else:
        with pytest.raises(PermissionDenied):
            services.nomination_create(actor=actor, cycle=world.cycle, zone=zone, track=world.humanoid)


def test_creating_outside_the_window_is_refused_with_the_window(world):
    world.cycle.nomination_opens_at = timezone.now() - datetime.timedelta(days=30)
    world.cycle.nomination_closes_at = timezone.now() - datetime.timedelta(days=1)
    world.cycle.save()
    opens = timezone.localtime(world.cycle.nomination_opens_at).strftime("%Y-%m-%d %H:%M")
    closes = timezone.localtime(world.cycle.nomination_closes_at).strftime("%Y-%m-%d %H:%M")

    with pytest.raises(WorkflowError) as refused:
        services.nomination_create(actor=world.gd, cycle=world.cycle, zone=f.zone(ZS), track=world.humanoid)

    assert refused.value.messages == [f"不在推荐窗口期内：2031年度推荐时间为 {opens} 至 {closes}。"]
    assert not m.Nomination.objects.exists()


def test_a_merged_track_is_recorded_as_the_track_it_joined(world):
    merged = f.TrackFactory(name="仿生机器人", status=m.TrackStatus.MERGED, merged_into=world.humanoid)

    created = services.nomination_create(actor=world.gd, cycle=world.cycle, zone=f.zone(ZS), track=merged)
    updated = services.nomination_update(actor=world.gd, nomination=created, data={"track": merged})

    assert created.track == world.humanoid and updated.track == world.humanoid


NOT_CHOOSABLE = "不能选择该新赛道：请选择已启用的新赛道或本省提议的新赛道。"


def _not_choosable(world, kind):
    """A track Guangdong may not name: Jiangsu's proposal, or a track merged into it (it stands for that one)."""
    jiangsu = f.TrackFactory(name="江苏提议的赛道", status=m.TrackStatus.PROPOSED, proposed_by=world.js)
    if kind == "proposed_elsewhere":
        return jiangsu
    return f.TrackFactory(name="已合并的赛道", status=m.TrackStatus.MERGED, merged_into=jiangsu)


@pytest.mark.parametrize("kind", ["proposed_elsewhere", "merged"])
def test_the_services_refuse_a_track_the_province_may_not_choose_and_change_nothing(world, kind):
    track = _not_choosable(world, kind)
    draft = nomination(world)
    before = (m.Nomination.objects.count(), AuditEvent.objects.count(), m.Notification.objects.count())

    with pytest.raises(ValidationError) as created:
        services.nomination_create(
            actor=world.zs, cycle=world.cycle, zone=f.zone(ZS), track=track, data=content()
        )
    with pytest.raises(ValidationError) as updated:
        services.nomination_update(actor=world.gd, nomination=draft, data={"track": track, "narrative": "改"})
    made, errors = services.nominations_create_many(
        actor=world.gd, cycle=world.cycle, rows=[(f.zone(GZ), world.humanoid, {}), (f.zone(ZS), track, {})]
    )

    assert created.value.message_dict == updated.value.message_dict == {"track": [NOT_CHOOSABLE]}
    assert (made, errors) == ([], [[], [NOT_CHOOSABLE]])
    narrative = draft.narrative
    draft.refresh_from_db()
    assert (draft.track, draft.narrative, draft.version) == (world.humanoid, narrative, 1)
    assert (
        m.Nomination.objects.count(),
        AuditEvent.objects.count(),
        m.Notification.objects.count(),
    ) == before


def test_a_track_the_province_proposed_may_be_chosen(world):
    proposed = f.TrackFactory(name="广东提议的赛道", status=m.TrackStatus.PROPOSED, proposed_by=world.zs)

    created = services.nomination_create(actor=world.gd, cycle=world.cycle, zone=f.zone(GZ), track=proposed)

    assert created.track == proposed


def test_a_stale_edit_is_refused_and_changes_nothing(world):
    draft = nomination(world)
    services.nomination_update(actor=world.gd, nomination=draft, data={"narrative": "第一版"}, version=1)

    with pytest.raises(WorkflowError) as refused:
        services.nomination_update(actor=world.zs, nomination=draft, data={"narrative": "旧页面"}, version=1)

    assert refused.value.code == "stale"
    draft.refresh_from_db()
    assert (draft.narrative, draft.version) == ("第一版", 2)


def test_a_zone_may_not_edit_once_the_province_recommended(world):
    submitted = nomination(world, status=S.SUBMITTED)
    returned = nomination(world, zone_key=GZ, status=S.RETURNED)

    with pytest.raises(PermissionDenied):
        services.nomination_update(actor=world.zs, nomination=submitted, data={"narrative": "x"})
    with pytest.raises(PermissionDenied):
        services.nomination_update(actor=world.gz, nomination=returned, data={"narrative": "x"})
    assert (
        services.nomination_update(actor=world.gd, nomination=returned, data={"narrative": "补充"}).version
        == 2
    )


# -- transitions --------------------------------------------------------------------------------------------------


def test_only_the_official_submits_and_the_zone_is_told(world):
    draft = nomination(world)

    with pytest.raises(PermissionDenied):
        services.nomination_transition(actor=world.zs, nomination=draft, action="submit")
    done = services.nomination_transition(actor=world.gd, nomination=draft, action="submit")

    assert done.status == S.SUBMITTED and done.submitted_at is not None
    assert (
        m.Notification.objects.get(user=world.zs).message
        == "2031年度 中山火炬高新区「人形机器人」 已由省级主管部门推荐。"
    )
    event = AuditEvent.objects.get(action="nomination.submit")
    assert (event.before, event.after, event.actor) == (
        {"status": "draft"},
        {"status": "submitted"},
        world.gd,
    )


def test_an_incomplete_nomination_is_not_submitted(world):
    draft = nomination(world, revenue=None, narrative="")

    with pytest.raises(WorkflowError) as refused:
        services.nomination_transition(actor=world.gd, nomination=draft, action="submit")

    assert refused.value.messages == ["推荐材料不完整，请补充：申报材料正文、营业收入（亿元）。"]


def test_submit_outside_the_window_names_it_and_an_extension_reopens_it(world):
    world.cycle.nomination_closes_at = timezone.now() - datetime.timedelta(hours=1)
    world.cycle.save()
    draft = nomination(world)

    with pytest.raises(WorkflowError, match="不在推荐窗口期内：2031年度推荐时间为 .* 至 .*。"):
        services.nomination_transition(actor=world.gd, nomination=draft, action="submit")

    later = timezone.now() + datetime.timedelta(days=2)
    services.window_extension_grant(
        actor=world.staff,
        cycle=world.cycle,
        province=f.province(GD),
        closes_at=later,
        reason="汛期影响材料报送",
    )
    assert (
        services.nomination_transition(actor=world.gd, nomination=draft, action="submit").status
        == S.SUBMITTED
    )
    # 江苏 got no extension.
    other = nomination(world, zone_key="320000-01")
    with pytest.raises(WorkflowError):
        services.nomination_transition(actor=world.js, nomination=other, action="submit")


def test_window_extension_rules_and_notice(world):
    later = world.cycle.nomination_closes_at + datetime.timedelta(days=5)
    with pytest.raises(PermissionDenied):
        services.window_extension_grant(
            actor=world.gd, cycle=world.cycle, province=f.province(GD), closes_at=later, reason="x"
        )
    with pytest.raises(ValidationError) as refused:
        services.window_extension_grant(
            actor=world.staff,
            cycle=world.cycle,
            province=f.province(GD),
            closes_at=world.cycle.nomination_closes_at,
            reason="x",
        )
    assert "closes_at" in refused.value.error_dict

    first = services.window_extension_grant(
        actor=world.staff, cycle=world.cycle, province=f.province(GD), closes_at=later, reason="汛期"
    )
    again = services.window_extension_grant(
        actor=world.staff,
        cycle=world.cycle,
        province=f.province(GD),
        closes_at=later + datetime.timedelta(days=1),
        reason="再延一天",
    )

    assert first.pk == again.pk and m.WindowExtension.objects.count() == 1
    assert services.nomination_window(world.cycle, f.province(GD))[1] == later + datetime.timedelta(days=1)
    assert [e.action for e in AuditEvent.objects.order_by("id")] == [
        "windowextension.create",
        "windowextension.update",
    ]
    assert m.Notification.objects.filter(user=world.gd).count() == 2
    assert not m.Notification.objects.filter(user=world.js).exists()


def test_quota_counts_recommended_ones_and_a_resubmit_keeps_its_place(world):
    world.cycle.default_quota = 2
    world.cycle.save()
    first = nomination(world, zone_key=ZS)
    second = nomination(world, zone_key=GZ)
    third = nomination(world, zone_key="440000-04")
    for item in (first, second):
        services.nomination_transition(actor=world.gd, nomination=item, action="submit")

    with pytest.raises(QuotaExceeded) as refused:
        services.nomination_transition(actor=world.gd, nomination=third, action="submit")
    assert refused.value.messages == ["广东省本批次推荐名额为 2 项，已全部使用，不能再推荐。"]

    services.nomination_transition(actor=world.staff, nomination=second, action="return", reason="补充材料")
    # The returned one still holds its place: the third cannot take it, the returned one can come back.
    with pytest.raises(QuotaExceeded):
        services.nomination_transition(actor=world.gd, nomination=third, action="submit")
    assert (
        services.nomination_transition(actor=world.gd, nomination=second, action="submit").status
        == S.SUBMITTED
    )

    services.nomination_transition(
        actor=world.staff, nomination=first, action="reject", reason="不属于新赛道"
    )
    assert (
        services.nomination_transition(actor=world.gd, nomination=third, action="submit").status
        == S.SUBMITTED
    )


def test_a_province_quota_row_overrides_the_default(world):
    m.ProvinceQuota.objects.create(cycle=world.cycle, province=f.province(GD), quota=1)
    services.nomination_transition(actor=world.gd, nomination=nomination(world), action="submit")
    with pytest.raises(QuotaExceeded):
        services.nomination_transition(
            actor=world.gd, nomination=nomination(world, zone_key=GZ), action="submit"
        )


def test_return_needs_a_reason_and_tells_the_province_and_the_zone(world):
    submitted = nomination(world, status=S.SUBMITTED)
    with pytest.raises(WorkflowError):
        services.nomination_transition(actor=world.staff, nomination=submitted, action="return", reason="  ")

    services.nomination_transition(
        actor=world.staff, nomination=submitted, action="return", reason="补充应用场景"
    )

    submitted.refresh_from_db()
    assert (submitted.status, submitted.status_reason) == (S.RETURNED, "补充应用场景")
    # 补正 until the later of the window's close and the cycle's 5 days: here the window, 20 days ahead.
    assert submitted.resubmit_by == world.cycle.nomination_closes_at
    deadline = timezone.localtime(submitted.resubmit_by).strftime("%Y-%m-%d %H:%M")
    expected = (
        f"2031年度 中山火炬高新区「人形机器人」 被退回修改：补充应用场景（请于 {deadline} 前修改后重新推荐）"
    )
    assert sorted(n.user.username for n in m.Notification.objects.filter(message=expected)) == [
        "gd_official",
        "zs_zone",
    ]


def test_withdraw_before_acceptance_only(world):
    draft = nomination(world)
    accepted = nomination(world, zone_key=GZ, status=S.ACCEPTED)

    assert (
        services.nomination_transition(actor=world.gd, nomination=draft, action="withdraw").status
        == S.WITHDRAWN
    )
    with pytest.raises(WorkflowError, match="不能执行“撤回”"):
        services.nomination_transition(actor=world.gd, nomination=accepted, action="withdraw")
    with pytest.raises(PermissionDenied):
        services.nomination_transition(actor=world.js, nomination=accepted, action="withdraw")


def test_accept_creates_the_library_entry_then_refreshes_an_exited_one(world):
    submitted = nomination(world, status=S.SUBMITTED)
    accepted = services.nomination_transition(actor=world.staff, nomination=submitted, action="accept")
    entry = accepted.library_entry
    assert (entry.zone.key, entry.track, entry.status) == (ZS, world.humanoid, m.LibraryStatus.CULTIVATING)

    m.LibraryEntry.objects.filter(pk=entry.pk).update(
        status=m.LibraryStatus.EXITED, exit_reason="连续两年未达标"
    )
    later = f.CycleFactory(year=2032)
    again = nomination(world, status=S.SUBMITTED, cycle=later)
    again = services.nomination_transition(actor=world.staff, nomination=again, action="accept")

    entry.refresh_from_db()
    assert again.library_entry_id == entry.pk
    assert (entry.status, entry.exit_reason) == (m.LibraryStatus.CULTIVATING, "")


# -- the quota under concurrent submits (PostgreSQL) ---------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks and concurrent connections"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submits_never_exceed_the_quota():
    """N officials' submits start together on separate connections; exactly the quota succeed.

    Without the province row lock in nomination_transition every submit counts the same committed rows and more
    than the quota pass (checked by hand: with the lock line removed, this test fails)."""
    quota, attempts = 3, 8
    cycle = f.CycleFactory(year=2031, default_quota=quota)
    officials = [f.official(GD, username=f"gd_{i}") for i in range(attempts)]
    zones = list(Zone.objects.filter(province__code=GD).order_by("key")[:attempts])
    drafts = [f.draft_nomination(cycle=cycle, zone=zone, province=zone.province) for zone in zones]
    assert len(drafts) == attempts
    barrier = threading.Barrier(attempts)
    outcomes = []
    lock = threading.Lock()

    def submit(official, draft):
        try:
            barrier.wait(timeout=10)
            services.nomination_transition(actor=official, nomination=draft, action="submit")
            result = "ok"
        except QuotaExceeded:
            result = "quota"
        except Exception as error:  # noqa: BLE001 - report anything else as a failure below
            result = repr(error)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit, args=pair) for pair in zip(officials, drafts, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["ok"] * quota + ["quota"] * (attempts - quota), outcomes
    assert m.Nomination.objects.filter(cycle=cycle, status=S.SUBMITTED).count() == quota
    assert AuditEvent.objects.filter(action="nomination.submit").count() == quota


# -- reminders ------------------------------------------------------------------------------------------------------


def test_window_closing_reminders_once_per_close(world):
    world.cycle.nomination_closes_at = timezone.now() + datetime.timedelta(days=2)
    world.cycle.save()
    # 江苏 got a longer window: no reminder for it yet.
    m.WindowExtension.objects.create(
        cycle=world.cycle,
        province=f.province("320000"),
        closes_at=timezone.now() + datetime.timedelta(days=10),
        reason="延期",
    )
    out = io.StringIO()
    call_command("remind_window_closing", stdout=out)
    assert out.getvalue().strip() == "已发送 3 条推荐截止提醒。"
    told = set(m.Notification.objects.values_list("user__username", flat=True))
    assert told == {"gd_official", "zs_zone", "gz_zone"}
    closes = timezone.localtime(world.cycle.nomination_closes_at).strftime("%Y-%m-%d %H:%M")
    assert (
        m.Notification.objects.filter(message=f"2031年度推荐窗口将于 {closes} 截止，请尽快完成推荐。").count()
        == 3
    )
    assert services.window_closing_reminders() == 0
