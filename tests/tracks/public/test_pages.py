"""The other public pages: tracks, zones, provinces, the library, announcements and their feed, search, privacy,
and the page where a province reads its own results."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories as f
from tests import rounds
from tests.tracks.public.test_home import make_published_list
from tracks.models import (
    Announcement,
    AnnouncementKind,
    LibraryEntry,
    LibraryStatus,
    Nomination,
    TrackAlias,
    TrackStatus,
)
from tracks.services.lists import list_correct, list_publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def html_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_header_links_the_public_sections_and_marks_the_current_one(client):
    html = html_of(client, "/lists/")
    for href, label in [
        ("/lists/", "榜单"),
        ("/library/", "培育库"),
        ("/announcements/", "通知公告"),
        ("/search/", "检索"),
    ]:
        assert f'<a href="{href}"' in html and f">{label}</a>" in html
    assert '<a href="/lists/" aria-current="page">榜单</a>' in html
    assert '<a href="/privacy/">隐私说明</a>' in html


def test_home_links_to_the_latest_list_and_the_index(client):
    park_list = make_published_list()
    html = html_of(client, "/")
    assert f'href="/lists/{park_list.pk}/"' in html and 'href="/lists/"' in html


# ---------------------------------------------------------------------------------------------------------------
# Tracks, zones, provinces, library


def test_track_page_shows_zones_across_years_and_the_library(client):
    first = make_published_list(year=2031, zones=["440000-03", "320000-01"])
    track = first.track
    make_published_list(year=2032, zones=["110000-01"])
    TrackAlias.objects.create(track=track, name="仿人机器人2031")

    html = html_of(client, f"/tracks/{track.pk}/")

    assert f"<title>{track.name} - 新赛道 - 新赛道培育库</title>" in html
    assert "仿人机器人2031" in html
    assert "2031年度" in html and first.title in html
    assert '<span class="badge badge-key">重点</span>' in html
    assert re.search(r'<th scope="row" lang="zh-hans"><a href="/zones/440000-03/">', html)


def test_merged_tracks_redirect_and_proposed_ones_are_not_public(client):
    target = f.TrackFactory(name="具身智能")
    merged = f.TrackFactory(name="具身机器人", status=TrackStatus.MERGED, merged_into=target)
    proposed = f.TrackFactory(name="某新提法", status=TrackStatus.PROPOSED)
    response = client.get(f"/tracks/{merged.pk}/")
    assert response.status_code == 301 and response["Location"] == f"/tracks/{target.pk}/"
    assert client.get(f"/tracks/{proposed.pk}/").status_code == 404
    assert "某新提法" not in html_of(client, "/tracks/")


def test_zone_page_shows_its_tracks_status_public_summary_and_lists(client):
    park_list = make_published_list(zones=["440000-03"])
    nomination = Nomination.objects.get(zone__key="440000-03")  # accepted, so in the library; listed, so key

    html = html_of(client, "/zones/440000-03/")

    assert "中山火炬高技术产业开发区" in html and "粤港澳大湾区" in html and "东部" in html
    assert nomination.track.name in html and '<span class="badge badge-key">重点</span>' in html
    assert "培育路径：新兴产业拓展" in html and "培育模式：应用场景牵引" in html
    assert nomination.public_summary in html
    assert park_list.title in html
    # What is not public never shows: indicators and narrative.
    assert "申报材料正文" not in html and "356.40" not in html
    assert client.get("/zones/999999-99/").status_code == 404


def test_province_pages(client):
    make_published_list(zones=["440000-03"])
    index = html_of(client, "/provinces/")
    assert '<a href="/provinces/440000/">广东省</a>' in index and "东北" in index
    html = html_of(client, "/provinces/440000/")
    assert "广东省" in html and "/zones/440000-03/" in html and "2031年度人形机器人重点新赛道园区榜单" in html
    assert client.get("/provinces/999999/").status_code == 404


def test_library_page_filters_and_hides_exited_entries(client):
    cycle = f.CycleFactory(year=2031)
    track = f.TrackFactory(name="合成生物")
    LibraryEntry.objects.create(
        zone=f.zone("440000-03"), track=track, entered_cycle=cycle, status=LibraryStatus.WATCH
    )
    LibraryEntry.objects.create(zone=f.zone("320000-01"), track=track, entered_cycle=cycle)
    LibraryEntry.objects.create(
        zone=f.zone("110000-01"),
        track=track,
        entered_cycle=cycle,
        status=LibraryStatus.EXITED,
        exit_reason="不再符合",
    )

    html = html_of(client, "/library/")
    assert "共 2 条" in html and "中关村科技园区" not in html
    assert "共 1 条" in html_of(client, "/library/?status=watch")
    assert "共 1 条" in html_of(client, "/library/?province=320000")
    assert "共 2 条" in html_of(client, f"/library/?field={track.field.code}")


def test_library_page_queries_do_not_grow(client):
    cycle = f.CycleFactory(year=2031)
    track = f.TrackFactory(name="合成生物")
    zones = [f.zone(key) for key in ["440000-03", "320000-01", "110000-01", "420000-01", "510000-01"]]
    LibraryEntry.objects.create(zone=zones[0], track=track, entered_cycle=cycle)
    with CaptureQueriesContext(connection) as one:
        client.get("/library/")
    for zone in zones[1:]:
        LibraryEntry.objects.create(zone=zone, track=track, entered_cycle=cycle)
    with CaptureQueriesContext(connection) as five:
        client.get("/library/")
    assert len(one) == len(five)


# ---------------------------------------------------------------------------------------------------------------
# Announcements


def announce(
    title, *, days_ago=1, published=True, kind=AnnouncementKind.NOTICE, body="正文第一段。\n\n正文第二段。"
):
    return Announcement.objects.create(
        title=title,
        body=body,
        kind=kind,
        is_published=published,
        published_at=timezone.now() - datetime.timedelta(days=days_ago) if published else None,
    )


def test_announcements_list_detail_and_drafts(client):
    call = announce("关于开展2031年度新赛道推荐工作的通知", kind=AnnouncementKind.CALL, days_ago=3)
    notice = announce("2031年度人形机器人重点新赛道园区榜单公示", days_ago=1)
    draft = announce("尚未发布的稿件", published=False)
    future = announce("定时发布", days_ago=-2)

    html = html_of(client, "/announcements/")
    assert html.index(notice.title) < html.index(call.title)
    assert draft.title not in html and future.title not in html
    assert call.title not in html_of(client, "/announcements/?kind=notice")
    detail = html_of(client, f"/announcements/{call.pk}/")
    assert "<p>正文第一段。</p>" in detail and "申报通知" in detail
    assert client.get(f"/announcements/{draft.pk}/").status_code == 404
    assert client.get(f"/announcements/{future.pk}/").status_code == 404
    assert '<a href="/announcements/' in html_of(client, "/")


def test_announcement_body_is_escaped(client):
    item = announce("标题", body="<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in html_of(client, f"/announcements/{item.pk}/")


def test_atom_feed(client):
    item = announce("关于公示结果的公告")
    announce("草稿", published=False)
    response = client.get("/announcements/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert '<feed xml:lang="zh-hans" xmlns="http://www.w3.org/2005/Atom">' in xml
    assert "<title>关于公示结果的公告</title>" in xml and "草稿" not in xml
    assert f"/announcements/{item.pk}/" in xml
    assert "<title>新赛道培育库 · 通知公告</title>" in xml


# ---------------------------------------------------------------------------------------------------------------
# Search


@pytest.mark.parametrize("term", ["人形机器人", "人形", "renxing", "rxjqr", "仿人"])
def test_search_finds_the_humanoid_track(client, term):
    track = f.TrackFactory(name="人形机器人")
    TrackAlias.objects.create(track=track, name="仿人机器人")
    f.TrackFactory(name="量子信息")
    html = html_of(client, f"/search/?q={term}")
    assert f'<a href="/tracks/{track.pk}/" lang="zh-hans">人形机器人</a>' in html
    assert "量子信息" not in html


@pytest.mark.parametrize("term", ["中山火炬", "中山", "zhongshan", "zshj"])
def test_search_finds_zones_by_name_short_name_or_pinyin(client, term):
    html = html_of(client, f"/search/?q={term}")
    assert 'href="/zones/440000-03/"' in html, term


def test_empty_search_shows_just_the_form(client):
    html = html_of(client, "/search/")
    assert 'role="search"' in html and "找到" not in html


# ---------------------------------------------------------------------------------------------------------------
# Privacy


def test_privacy_notice(client):
    html = html_of(client, "/privacy/")
    assert "隐私说明" in html and "异议" in html and "不使用第三方统计" in html


# ---------------------------------------------------------------------------------------------------------------
# A province's own results


def test_a_province_sees_its_scores_and_anonymised_comments_after_publication(client):
    park_list, _actor = rounds.list_on_notice(["440000-03", "320000-01", "440000-01"], top_n=2)
    official = f.official("440000", username="gd")
    client.force_login(official)

    before = html_of(client, "/my/results/")
    assert "暂无可查看的评审结果" in before

    from tracks.services.lists import list_publish

    list_publish(actor=_actor, park_list=park_list)
    html = html_of(client, "/my/results/")

    assert "广东省推荐项目评审结果" in html
    assert "入榜，第1名" in html and "未入榜" in html  # 440000-01 ranks third: off the list of two
    assert "南京高新技术产业开发区" not in html  # another province's nomination
    assert "专家A" in html and "专家B" in html and "战略性评语0" in html
    for reviewer in Nomination.objects.get(zone__key="440000-03").assignments.all():
        assert reviewer.reviewer.name not in html
    assert '<td class="num">91.00</td>' in html
    assert "csrfmiddlewaretoken" in html and "当前用户：gd" in html  # personal header: never cached
    assert "no-cache" in client.get("/my/results/")["Cache-Control"]


def test_results_page_needs_a_provincial_official(client):
    assert client.get("/my/results/").status_code == 302
    client.force_login(f.staff())
    assert client.get("/my/results/").status_code == 403


def test_results_follow_the_current_version(client):
    old, actor = rounds.published_list(["440000-03", "320000-01", "440000-01"], top_n=2)
    first = old.entries.get(rank=1)
    new = list_correct(actor=actor, park_list=old, note="更正", exclude_nominations=[first.nomination_id])
    client.force_login(f.official("440000"))
    # While the correction is on notice, the published version is still the current one.
    html = html_of(client, "/my/results/")
    assert "入榜，第1名" in html and "入榜，第2名" not in html
    list_publish(actor=actor, park_list=new, now=new.notice_ends_at + datetime.timedelta(minutes=1))
    html = html_of(client, "/my/results/")
    assert "入榜，第2名" in html  # 440000-01 moved up into the corrected list
    assert "入榜，第1名" not in html  # 440000-03 left it


# ---------------------------------------------------------------------------------------------------------------
# Every public page: no inline script, style or handler (a strict CSP); assets only from /static/


PAGES = [
    "/lists/",
    "/library/",
    "/tracks/",
    "/provinces/",
    "/provinces/440000/",
    "/zones/440000-03/",
    "/announcements/",
    "/search/?q=rxjqr",
    "/privacy/",
]


@pytest.mark.parametrize("url", [*PAGES, "LIST", "TRACK", "OBJECTION"])
def test_no_inline_script_style_or_handler(client, url):
    park_list, _actor = rounds.list_on_notice(["440000-03", "320000-01"], days_ago=1)
    url = {
        "LIST": f"/lists/{park_list.pk}/",
        "TRACK": f"/tracks/{park_list.track_id}/",
        "OBJECTION": f"/lists/{park_list.pk}/objection/",
    }.get(url, url)
    html = html_of(client, url)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html
    assert re.findall(r"\sstyle=", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []
    assets = re.findall(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", html)
    # every asset from this site: static files, the feed, and the objection captcha drawn by our own view
    assert assets and all(
        asset.startswith("/static/")
        or asset.startswith("/announcements/feed/")
        or re.fullmatch(r"/lists/\d+/objection/captcha\.png\?c=[\w-]+", asset)
        for asset in assets
    )


@pytest.mark.parametrize("url", PAGES)
def test_public_pages_carry_nothing_personal(client, url):
    client.force_login(f.staff(username="li.lei"))
    response = client.get(url)
    html = response.content.decode()
    assert "li.lei" not in html and "csrfmiddlewaretoken" not in html
    assert "Cookie" not in response.get("Vary", "")
