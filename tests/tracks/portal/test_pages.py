"""The portal's pages: who gets in, the dashboard, the whole loop zone draft → province submit → staff return →
revise and resubmit → staff accept (pages and admin), track search and proposals, optimistic concurrency, the
window, notifications, print documents, and query counts that do not grow with the data."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.tracks.portal_support import (
    GD,
    GZ,
    ZS,
    login,
    nomination,
)
from tracks import models as m
from tracks.services.nominations import nomination_transition
from zones.models import Zone

pytestmark = pytest.mark.django_db
S = m.NominationStatus


def form_data(track, *, zone=None, version=None, **changes):
    data = {
        "track": str(track.pk) if track is not None else "",
        "origin": m.Origin.EXTENSION,
        "cultivation_model": m.CultivationModel.SCENARIO,
        "public_summary": "依托龙头企业和应用场景，形成完整链条。",
        "narrative": "一、基本情况\n二、发展基础",
        "enterprise_count": "120",
        "high_tech_enterprise_count": "60",
        "specialized_enterprise_count": "12",
        "gazelle_count": "5",
        "unicorn_count": "1",
        "invention_patents": "840",
        "research_platforms": "15",
        "application_scenarios": "18",
        "incubators": "6",
        "pilot_platforms": "3",
        "revenue": "356.40",
        "rd_spending": "21.30",
        "financing": "42.00",
        "revenue_growth": "-3.50",
    }
    if zone is not None:
        data["zone"] = str(zone.pk)
    if version is not None:
        data["version"] = str(version)
    data.update(changes)
    return data


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# -- who gets in ----------------------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login_page(client, world):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/portal/"


@pytest.mark.parametrize("kind", ["plain", "staff", "reviewer"])
def test_users_without_an_official_or_zone_role_get_403(client, world, kind):
    user = {
        "plain": lambda: f.UserFactory(username="nobody"),
        "staff": lambda: world.staff,
        "reviewer": lambda: f.ReviewerProfileFactory().user,
    }[kind]()
    login(client, user)
    for url in (reverse("portal:dashboard"), reverse("portal:nomination_list"), "/api/v1/nominations/"):
        response = client.get(url)
        assert response.status_code == 403, url


def test_portal_pages_are_personal_and_never_cached(client, world):
    login(client, world.gd)
    response = client.get(reverse("portal:dashboard"))
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "gd_official" in text(response)


# -- the dashboard --------------------------------------------------------------------------------------------------


def test_dashboard_shows_window_quota_todo_library_and_notices(client, world):
    later = world.cycle.nomination_closes_at + datetime.timedelta(days=7)
    m.WindowExtension.objects.create(
        cycle=world.cycle, province=f.province(GD), closes_at=later, reason="汛期"
    )
    zone_draft = nomination(world, created_by=world.zs)
    own_draft = nomination(world, zone_key=GZ, created_by=world.gd, track=world.storage)
    returned = nomination(world, zone_key="440000-04", status=S.SUBMITTED)
    nomination_transition(actor=world.staff, nomination=returned, action="return", reason="补充营业收入证明")
    nomination(world, zone_key="440000-05", status=S.ACCEPTED, track=world.synbio)
    nomination(world, zone_key="320000-01", status=S.SUBMITTED)  # 江苏: counts nowhere here
    entry = f.LibraryEntryFactory(zone=f.zone(ZS), track=world.storage, entered_cycle=world.cycle)
    login(client, world.gd)

    response = client.get(reverse("portal:dashboard"))
    page = text(response)

    assert response.status_code == 200
    assert response.context["quota"] == {"quota": 3, "used": 2, "remaining": 1}
    assert response.context["window"]["closes"] == later
    assert "推荐截止时间（已延期）" in page and "汛期" in page
    assert [n.pk for n in response.context["returned"]] == [returned.pk]
    assert "退回理由：补充营业收入证明" in page
    # Drafts a zone prepared wait for the province; the official's own draft is not a to-do.
    assert [n.pk for n in response.context["zone_drafts"]] == [zone_draft.pk]
    assert own_draft.pk not in [n.pk for n in response.context["zone_drafts"]]
    counts = {row["status"]: row["count"] for row in response.context["status_counts"]}
    assert counts == {"draft": 2, "submitted": 0, "returned": 1, "accepted": 1, "rejected": 0, "withdrawn": 0}
    assert [e.pk for e in response.context["library_entries"]] == [entry.pk]
    assert response.context["unread_count"] == 1  # the return notice
    assert "data-closing-soon" not in page


def test_dashboard_warns_when_the_window_closes_within_three_days(client, world):
    world.cycle.nomination_closes_at = timezone.now() + datetime.timedelta(hours=30)
    world.cycle.save()
    login(client, world.zs)
    page = text(client.get(reverse("portal:dashboard")))
    assert "推荐窗口将在 29 小时内截止" in page or "推荐窗口将在 30 小时内截止" in page


def test_zone_dashboard_is_limited_to_the_zone(client, world):
    mine = nomination(world, created_by=world.zs)
    nomination(world, zone_key=GZ, created_by=world.gz)
    login(client, world.zs)
    response = client.get(reverse("portal:dashboard"))
    assert [n.pk for n in response.context["zone_drafts"]] == [mine.pk]
    assert response.context["scope"].zone.key == ZS


# -- the loop, in pages and the admin --------------------------------------------------------------------------------


def test_zone_draft_province_submit_return_resubmit_accept(client, world):
    zs = f.zone(ZS)
    # 1. The zone prepares a draft.
    login(client, world.zs)
    response = client.post(reverse("portal:nomination_create"), form_data(world.humanoid, zone=zs))
    draft = m.Nomination.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "portal:nomination_detail", args=[draft.pk]
    )
    assert (draft.status, draft.zone, draft.created_by, draft.revenue_growth) == (S.DRAFT, zs, world.zs, -3.5)
    # The zone cannot recommend.
    assert client.get(reverse("portal:nomination_action", args=[draft.pk, "submit"])).status_code == 403
    assert client.post(reverse("portal:nomination_action", args=[draft.pk, "submit"])).status_code == 403

    # 2. The province sees it waiting, edits it and recommends it.
    login(client, world.gd)
    dashboard = client.get(reverse("portal:dashboard"))
    assert [n.pk for n in dashboard.context["zone_drafts"]] == [draft.pk]
    response = client.post(
        reverse("portal:nomination_edit", args=[draft.pk]),
        form_data(world.humanoid, version=draft.version, narrative="省级审核后补充"),
    )
    assert response.status_code == 302, response.context["form"].errors
    confirm = client.get(reverse("portal:nomination_action", args=[draft.pk, "submit"]))
    assert "确认推荐" in text(confirm)
    response = client.post(reverse("portal:nomination_action", args=[draft.pk, "submit"]))
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert (draft.status, draft.narrative) == (S.SUBMITTED, "省级审核后补充")

    # 3. Staff return it in the admin, with a reason.
    login(client, world.staff)
    review_url = reverse("admin:tracks_nomination_review", args=[draft.pk, "return"])
    assert "退回修改" in text(client.get(review_url))
    refused = client.post(review_url, {"apply": "yes", "reason": ""})
    assert refused.status_code == 200
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    client.post(review_url, {"apply": "yes", "reason": "请补充应用场景清单"})
    draft.refresh_from_db()
    assert (draft.status, draft.status_reason) == (S.RETURNED, "请补充应用场景清单")

    # 4. The province sees the reason, revises and resubmits.
    login(client, world.gd)
    page = text(client.get(reverse("portal:dashboard")))
    assert "退回理由：请补充应用场景清单" in page
    client.post(
        reverse("portal:nomination_edit", args=[draft.pk]),
        form_data(world.humanoid, version=draft.version, application_scenarios="25"),
    )
    client.post(reverse("portal:nomination_action", args=[draft.pk, "submit"]))
    draft.refresh_from_db()
    assert (draft.status, draft.application_scenarios) == (S.SUBMITTED, 25)

    # 5. Staff accept it with the bulk action over a filtered changelist.
    login(client, world.staff)
    changelist = reverse("admin:tracks_nomination_changelist") + "?status__exact=submitted"
    intermediate = client.post(
        changelist, {"action": "review_accept", "_selected_action": [draft.pk], "index": "0"}
    )
    assert intermediate.status_code == 200 and "形式审查：受理" in text(intermediate)
    done = client.post(
        changelist, {"action": "review_accept", "_selected_action": [draft.pk], "apply": "yes"}
    )
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.ACCEPTED and draft.library_entry is not None

    # 6. The province sees the library entry, and the nomination's history tells the story.
    login(client, world.gd)
    dashboard = client.get(reverse("portal:dashboard"))
    assert [e.pk for e in dashboard.context["library_entries"]] == [draft.library_entry_id]
    detail = client.get(reverse("portal:nomination_detail", args=[draft.pk]))
    labels = [row["action_label"] for row in detail.context["history"]]
    assert labels == ["受理", "推荐", "修改", "退回修改", "推荐", "修改", "新建草稿"]
    assert detail.context["actions"] == []


def test_official_may_create_for_any_zone_of_the_province_but_not_others(client, world):
    login(client, world.gd)
    form = client.get(reverse("portal:nomination_create")).context["form"]
    keys = {zone.key for zone in form.fields["zone"].queryset}
    assert GZ in keys and ZS in keys and "320000-01" not in keys

    response = client.post(
        reverse("portal:nomination_create"), form_data(world.humanoid, zone=f.zone("320000-01"))
    )
    assert response.status_code == 200
    assert "zone" in response.context["form"].errors
    assert not m.Nomination.objects.exists()


def test_a_zone_user_can_only_choose_its_zone(client, world):
    login(client, world.zs)
    response = client.post(reverse("portal:nomination_create"), form_data(world.humanoid, zone=f.zone(GZ)))
    assert "zone" in response.context["form"].errors
    assert not m.Nomination.objects.exists()


def test_duplicate_zone_and_track_in_a_cycle_is_refused_on_the_form(client, world):
    nomination(world)
    login(client, world.gd)
    response = client.post(reverse("portal:nomination_create"), form_data(world.humanoid, zone=f.zone(ZS)))
    assert response.status_code == 200
    assert "该高新区在本批次已推荐过这一赛道（已撤回的除外）。" in text(response)


def test_a_stale_edit_form_is_refused(client, world):
    draft = nomination(world)
    login(client, world.gd)
    client.post(
        reverse("portal:nomination_edit", args=[draft.pk]),
        form_data(world.humanoid, version=1, narrative="A"),
    )
    response = client.post(
        reverse("portal:nomination_edit", args=[draft.pk]),
        form_data(world.humanoid, version=1, narrative="B"),
    )
    assert response.status_code == 200
    assert "该推荐已被他人修改，请刷新页面后再编辑。" in text(response)
    draft.refresh_from_db()
    assert (draft.narrative, draft.version) == ("A", 2)


def test_edit_of_a_submitted_nomination_is_refused(client, world):
    submitted = nomination(world, status=S.SUBMITTED)
    login(client, world.gd)
    response = client.get(reverse("portal:nomination_edit", args=[submitted.pk]))
    assert response.status_code == 302
    assert "推荐当前状态为“已推荐”，您不能修改。" in [str(m) for m in response.wsgi_request._messages]


def test_outside_the_window_the_form_says_so_and_create_is_refused(client, world):
    world.cycle.nomination_closes_at = timezone.now() - datetime.timedelta(minutes=5)
    world.cycle.save()
    login(client, world.gd)
    page = text(client.get(reverse("portal:nomination_create")))
    assert "当前不在推荐窗口期内（2031年度推荐时间为" in page
    response = client.post(reverse("portal:nomination_create"), form_data(world.humanoid, zone=f.zone(ZS)))
    assert "不在推荐窗口期内：2031年度推荐时间为" in text(response)
    assert not m.Nomination.objects.exists()


def test_submit_over_quota_shows_the_reason(client, world):
    world.cycle.default_quota = 1
    world.cycle.save()
    nomination(world, zone_key=GZ, status=S.SUBMITTED)
    draft = nomination(world)
    login(client, world.gd)
    response = client.post(reverse("portal:nomination_action", args=[draft.pk, "submit"]))
    assert response.status_code == 200
    assert "广东省本批次推荐名额为 1 项，已全部使用，不能再推荐。" in text(response)


def test_withdraw_with_a_reason(client, world):
    draft = nomination(world, status=S.SUBMITTED)
    login(client, world.gd)
    client.post(reverse("portal:nomination_action", args=[draft.pk, "withdraw"]), {"reason": "调整推荐方向"})
    draft.refresh_from_db()
    assert (draft.status, draft.status_reason) == (S.WITHDRAWN, "调整推荐方向")
    assert client.get(reverse("portal:nomination_action", args=[draft.pk, "accept"])).status_code == 404


# -- tracks: search and proposals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["人形", "仿人", "renxing", "rxjqr", "frjqr"])
def test_track_search_by_name_alias_pinyin_and_initials(client, world, term):
    login(client, world.zs)
    response = client.get(reverse("portal:track_search"), {"q": term})
    assert response.status_code == 200
    assert [r["name"] for r in response.json()["results"]] == ["人形机器人"]
    assert response.json()["results"][0]["aliases"] == ["仿人机器人"]


def test_proposing_a_track_creates_it_proposed_and_only_the_province_sees_it(client, world):
    login(client, world.zs)
    response = client.post(
        reverse("portal:nomination_create"),
        form_data(None, zone=f.zone(ZS), new_track_name="柔性电子", new_track_field=world.field.pk),
    )
    assert response.status_code == 302
    track = m.Track.objects.get(name="柔性电子")
    assert (track.status, track.proposed_by, track.field) == (m.TrackStatus.PROPOSED, world.zs, world.field)
    assert m.Nomination.objects.get().track == track

    login(client, world.gd)
    assert [
        r["name"] for r in client.get(reverse("portal:track_search"), {"q": "rxdz"}).json()["results"]
    ] == ["柔性电子"]
    login(client, world.js)
    assert client.get(reverse("portal:track_search"), {"q": "rxdz"}).json()["results"] == []


def test_proposing_an_existing_name_or_alias_points_to_it(client, world):
    login(client, world.gd)
    response = client.post(
        reverse("portal:nomination_create"),
        form_data(None, zone=f.zone(ZS), new_track_name="仿人机器人", new_track_field=world.field.pk),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_track_name"] == [
        "已有新赛道「人形机器人」（含别名），请直接在列表中选择。"
    ]
    assert not m.Nomination.objects.exists()


def test_a_track_or_a_proposal_is_required(client, world):
    login(client, world.gd)
    response = client.post(reverse("portal:nomination_create"), form_data(None, zone=f.zone(ZS)))
    assert response.context["form"].errors["track"] == ["请选择新赛道，或提议一个新赛道。"]


# -- notifications ---------------------------------------------------------------------------------------------------


def test_notifications_list_open_and_mark_read(client, world):
    submitted = nomination(world, status=S.SUBMITTED)
    nomination_transition(actor=world.staff, nomination=submitted, action="return", reason="补充")
    other = m.Notification.objects.create(user=world.gd, message="其他通知")
    m.Notification.objects.create(user=world.js, message="江苏的通知")
    login(client, world.gd)

    page = client.get(reverse("portal:notifications"))
    submitted.refresh_from_db()
    deadline = timezone.localtime(submitted.resubmit_by).strftime("%Y-%m-%d %H:%M")
    assert [n.message for n in page.context["page"].object_list] == [
        "其他通知",
        f"2031年度 中山火炬高新区「人形机器人」 被退回修改：补充（请于 {deadline} 前修改后重新推荐）",
    ]
    assert page.context["unread_count"] == 2

    note = m.Notification.objects.get(user=world.gd, link__startswith="/portal/")
    response = client.get(reverse("portal:notification_open", args=[note.pk]))
    assert response["Location"] == reverse("portal:nomination_detail", args=[submitted.pk])
    note.refresh_from_db()
    assert note.read_at is not None

    client.post(reverse("portal:notifications_read"))
    other.refresh_from_db()
    assert other.read_at is not None
    assert client.get(reverse("portal:dashboard")).context["unread_count"] == 0
    js_note = m.Notification.objects.get(user=world.js)
    assert client.get(reverse("portal:notification_open", args=[js_note.pk])).status_code == 404


# -- print documents ------------------------------------------------------------------------------------------------


def test_print_form_has_the_nomination_and_signature_blocks(client, world):
    draft = nomination(world)
    login(client, world.zs)
    response = client.get(reverse("portal:nomination_print", args=[draft.pk]))
    page = text(response)
    assert "2031年度国家高新区新赛道推荐表" in page
    assert "中山火炬高技术产业开发区" in page and "人形机器人" in page and "356.40" in page
    assert "国家高新区管委会意见" in page and "省级主管部门推荐意见" in page and "（盖章）" in page
    assert 'href="/static/css/portal.css"' in page
    assert "<style" not in page and "style=" not in page


def test_letter_lists_the_recommended_nominations_in_order(client, world):
    first = nomination(world, zone_key=GZ, track=world.storage)
    second = nomination(world, zone_key=ZS)
    nomination(world, zone_key="440000-04")  # a draft: not in the letter
    returned = nomination(world, zone_key="440000-05", track=world.synbio)
    for item in (first, second, returned):
        nomination_transition(actor=world.gd, nomination=item, action="submit")
    nomination_transition(actor=world.staff, nomination=returned, action="return", reason="补充")
    m.Nomination.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - datetime.timedelta(hours=2))
    login(client, world.gd)

    response = client.get(reverse("portal:letter"), {"cycle": world.cycle.pk})

    assert [n.pk for n in response.context["nominations"]] == [first.pk, second.pk]
    page = text(response)
    assert "广东省关于推荐2031年度国家高新区新赛道的函" in page
    assert "现推荐以下 2 项新赛道进入新赛道培育库" in page
    login(client, world.zs)
    assert client.get(reverse("portal:letter")).status_code == 403


# -- query counts ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 12])
def test_dashboard_and_list_queries_do_not_grow(client, world, django_assert_max_num_queries, size):
    zones = list(Zone.objects.filter(province__code=GD).order_by("key")[:size])
    for index, zone in enumerate(zones):
        status = [S.DRAFT, S.RETURNED, S.SUBMITTED][index % 3]
        n = nomination(world, zone_key=zone.key, status=status, created_by=world.zs, status_reason="理由")
        entry = f.LibraryEntryFactory(zone=zone, track=world.storage, entered_cycle=world.cycle)
        m.Notification.objects.create(
            user=world.gd, message=f"通知{index}", link=f"/portal/nominations/{n.pk}/"
        )
        f.MonitoringReportFactory(entry=entry, year=2025)
    login(client, world.gd)
    client.get(reverse("portal:dashboard"))  # warm the session

    with django_assert_max_num_queries(16):
        assert client.get(reverse("portal:dashboard")).status_code == 200
    with django_assert_max_num_queries(14):
        response = client.get(reverse("portal:nomination_list"))
    assert len(response.context["page"].object_list) == size
    with django_assert_max_num_queries(12):
        assert len(client.get(reverse("portal:library_list")).context["page"].object_list) == size


def test_the_header_links_the_portal_on_every_page(client, world):
    public = client.get(reverse("home"))
    assert f'href="{reverse("portal:dashboard")}"' in public.content.decode()
    login(client, world.gd)
    page = client.get(reverse("portal:nomination_list"))
    assert f'<a href="{reverse("portal:dashboard")}" aria-current="page">工作台</a>' in page.content.decode()
