"""The public home page (and the shared layout it shows): Chinese first, counts from the database, the latest
published list, a language switch that is a plain link, and nothing personal on a page a reader may cache."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests import rounds
from tracks.models import (
    Cycle,
    CycleStatus,
    LibraryEntry,
    LibraryStatus,
    TrackStatus,
)
from zones.models import Zone

pytestmark = pytest.mark.django_db

ZONES = ["440000-03", "320000-01", "110000-01"]


def make_published_list(
    *, year=2031, zones=ZONES, title="2031年度人形机器人重点新赛道园区榜单", publish=True
):
    """A track list with one entry per zone (rank order as given), built from a scored cycle by the list service,
    and put on notice and published unless ``publish`` is false (a draft)."""
    if not publish:
        return rounds.list_draft(zones, year=year, title=title)[0]
    return rounds.published_list(zones, year=year, title=title)[0]


def stat(html: str, name: str) -> int:
    match = re.search(rf'data-stat="{name}">\s*(\d+)\s*<', html)
    assert match, f"no {name} count on the page"
    return int(match.group(1))


def test_home_is_chinese_and_explains_the_programme(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "<title>首页 - 新赛道培育库</title>" in html
    for text in [
        "新赛道培育库",
        "建立培育库",
        "开展高标准选拔",
        "实施精准性培育",
        "战略性、领先性、成长性、带动性",
        "数据概览",
    ]:
        assert text in html
    # Landmarks and the skip link.
    assert '<a class="skip-link" href="#main">跳到主要内容</a>' in html
    assert '<main id="main"' in html
    for tag in ("<header", "<nav", "<footer"):
        assert tag in html


def test_counts_come_from_the_database(client):
    f.TrackFactory(name="量子信息")
    f.TrackFactory(name="合成生物")
    f.TrackFactory(name="某新提法", status=TrackStatus.PROPOSED)  # not counted: awaiting staff
    cycle = f.CycleFactory(year=2031)
    f.CycleFactory(year=2032, status=CycleStatus.PLANNING)
    track = f.TrackFactory(name="新型储能")
    LibraryEntry.objects.create(zone=f.zone("440000-03"), track=track, entered_cycle=cycle)
    LibraryEntry.objects.create(
        zone=f.zone("320000-01"),
        track=track,
        entered_cycle=cycle,
        status=LibraryStatus.EXITED,
        exit_reason="不再符合条件",
    )
    Zone.objects.filter(key="110000-01").update(is_active=False)

    html = client.get("/").content.decode()

    assert stat(html, "zones") == 176
    assert stat(html, "tracks") == 3
    assert stat(html, "cycles") == 2
    assert stat(html, "library") == 1


def test_reference_data_gives_177_zones(client):
    assert stat(client.get("/").content.decode(), "zones") == 177


def test_empty_state_when_no_list_is_published(client):
    make_published_list(publish=False)  # a draft is not public

    html = client.get("/").content.decode()

    assert "暂无已发布的榜单" in html
    assert "<table" not in html
    assert "2031年度人形机器人重点新赛道园区榜单" not in html


def test_latest_published_list_is_shown_with_its_hash(client):
    park_list = make_published_list()

    html = client.get("/").content.decode()

    assert "暂无已发布的榜单" not in html
    assert "2031年度人形机器人重点新赛道园区榜单" in html
    assert len(park_list.sha256) == 64
    assert park_list.sha256 in html
    assert park_list.sm3 in html
    rows = re.findall(r"<td class=\"rank\">(\d+)</td>\s*<th scope=\"row\"[^>]*>([^<]+)<", html)
    assert [(int(rank), name) for rank, name in rows] == [
        (rank, f.zone(key).display_name) for rank, key in enumerate(ZONES, start=1)
    ]
    assert "90.15" in html and "85.15" in html
    assert f.zone("440000-03").province.name in html


def test_only_the_latest_published_list_is_shown(client):
    make_published_list(year=2031, title="较早的榜单")
    make_published_list(year=2032, title="最新的榜单", zones=["110000-01"])

    html = client.get("/").content.decode()

    assert "最新的榜单" in html
    assert "较早的榜单" not in html


def test_home_queries_do_not_grow_with_the_list(client):
    make_published_list(year=2031, zones=["440000-03"])
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    make_published_list(year=2032, zones=ZONES)
    with CaptureQueriesContext(connection) as three:
        client.get("/")

    assert len(three) == len(one)


def test_open_cycle_shows_its_nomination_window(client):
    opens = datetime.datetime(2031, 3, 1, 9, 0, tzinfo=datetime.UTC)
    closes = datetime.datetime(2031, 4, 30, 9, 0, tzinfo=datetime.UTC)
    f.CycleFactory(year=2031, nomination_opens_at=opens, nomination_closes_at=closes)

    html = client.get("/").content.decode()

    assert "2031年度新赛道推荐正在进行" in html
    # Shown in Beijing time, with a machine-readable stamp.
    assert "2031年3月1日 17:00" in html
    assert "2031年4月30日 17:00" in html
    assert 'datetime="2031-03-01T17:00:00+08:00"' in html


def test_no_open_cycle_no_window(client):
    Cycle.objects.all().delete()
    f.CycleFactory(year=2031, status=CycleStatus.REVIEW)

    assert "新赛道推荐正在进行" not in client.get("/").content.decode()


def test_english_home_has_lang_en_and_links_back_to_chinese(client):
    response = client.get("/en/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert '<a href="/" lang="zh-hans" hreflang="zh-hans">简体中文</a>' in html
    assert stat(html, "zones") == 177


def test_chinese_home_links_to_english(client):
    html = client.get("/").content.decode()

    assert '<a href="/en/" lang="en" hreflang="en">English</a>' in html
    assert '<span class="lang-current" lang="zh-hans" aria-current="true">简体中文</span>' in html


@pytest.mark.parametrize(
    ("url", "other"),
    [
        ("/accounts/login/", '<a href="/en/accounts/login/" lang="en"'),
        ("/en/accounts/login/", '<a href="/accounts/login/" lang="zh-hans"'),
        ("/accounts/login/?next=/admin/", '<a href="/en/accounts/login/?next=%2Fadmin%2F" lang="en"'),
        ("/en/accounts/login/?next=/admin/", '<a href="/accounts/login/?next=%2Fadmin%2F" lang="zh-hans"'),
    ],
)
def test_language_switch_links_to_the_same_page(client, url, other):
    assert other in client.get(url).content.decode()


def test_cacheable_home_carries_nothing_personal(client):
    user = f.staff(username="zhang.wei")
    client.force_login(user)

    response = client.get("/")

    html = response.content.decode()
    assert "zhang.wei" not in html
    assert "csrfmiddlewaretoken" not in html
    assert "管理后台" not in html
    assert "Cookie" not in response.get("Vary", "")
    # Nor 登录, which would be wrong for this reader: a neutral slot that static/js/account.js fills in.
    assert ">登录<" not in html
    assert (
        '<li class="nav-account" data-account-slot data-account-url="/accounts/me/">'
        '<a href="/accounts/">账户</a></li>'
    ) in html


def test_footer_shows_sponsor_and_optional_facts(client, settings):
    settings.SITE_SPONSOR = "科学技术部火炬高技术产业开发中心"
    settings.SITE_ICP_NUMBER = ""
    settings.SITE_CONTACT = ""
    html = client.get("/").content.decode()
    assert '主办单位：<span lang="zh-hans">科学技术部火炬高技术产业开发中心</span>' in html
    assert "beian.miit.gov.cn" not in html
    assert "联系方式" not in html

    settings.SITE_ICP_NUMBER = "京ICP备00000000号"
    settings.SITE_CONTACT = "010-00000000"
    cache.clear()  # settings change only with a restart; a cached page lives PUBLIC_PAGE_SECONDS at most
    html = client.get("/").content.decode()
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener noreferrer">京ICP备00000000号</a>' in html
    assert "联系方式：010-00000000" in html
    assert "数据来源" in html


@pytest.mark.parametrize("url", ["/", "/en/", "/accounts/login/"])
def test_no_inline_script_style_or_handler_and_no_external_assets(client, url):
    """A strict CSP without 'unsafe-inline' will be added: pages must already live within it."""
    make_published_list()
    html = client.get(url).content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html
    assert re.findall(r"\sstyle=", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []
    assets = re.findall(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", html)
    assert assets and all(asset.startswith("/static/") for asset in assets), assets


def test_login_page_labels_fields_and_shows_errors(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">用户名</label>' in html
    assert '<label for="id_password">密码</label>' in html
    assert "csrfmiddlewaretoken" in html

    f.UserFactory(username="li.na")
    response = client.post("/accounts/login/", {"username": "li.na", "password": "wrong-password"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "请输入一个正确的" in html


def test_login_page_shows_the_signed_in_user_and_logout(client):
    client.force_login(f.staff(username="wang.fang"))

    html = client.get("/accounts/login/").content.decode()

    assert "当前用户：wang.fang" in html
    assert '<a href="/admin/">管理后台</a>' in html
    assert 'action="/accounts/logout/"' in html


def test_login_page_hides_admin_link_from_non_staff(client):
    client.force_login(f.official(username="zhao.lei"))

    html = client.get("/accounts/login/").content.decode()

    assert "当前用户：zhao.lei" in html
    assert "/admin/" not in html


def test_logging_in_leads_home(client):
    f.UserFactory(username="chen.jing")

    response = client.post("/accounts/login/", {"username": "chen.jing", "password": f.PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_admin_is_branded(client):
    html = client.get("/admin/login/").content.decode()

    assert '<div id="site-name"><a href="/admin/">新赛道培育库 管理后台</a></div>' in html
    assert "新赛道培育库 管理后台</title>" in html


def test_chinese_data_on_english_pages_is_marked_as_chinese(client):
    """Zone, province, track names and list titles stay Chinese in English; screen readers need to know."""
    make_published_list()

    html = client.get("/en/").content.decode()

    assert '<h3 class="list-title" lang="zh-hans">2031年度人形机器人重点新赛道园区榜单</h3>' in html
    assert '<td lang="zh-hans">人形机器人2031</td>' in html
    assert '<td class="col-province" lang="zh-hans">广东省</td>' in html
    assert re.search(r'<th scope="row" lang="zh-hans"[^>]*>中山火炬高新区<', html)
