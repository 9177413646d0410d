"""The public list pages: the ranked table, hashes, breakdown, versions and change log; the index and its
filters; downloads; conditional GETs and caching by version and language; constant query counts."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from tests import factories as f
from tests import rounds
from tests.tracks.public.test_home import make_published_list
from tracks.models import ListStatus, ParkList
from tracks.public.breakdown import list_breakdown
from tracks.services.hashing import sha256_hex, sm3_hex
from tracks.services.lists import list_correct, list_publish
from zones.models import Region, StrategicArea, Zone

pytestmark = pytest.mark.django_db

# Eight zones read the way the source article reads the evaluation: by region and by strategic area.
SPREAD = [
    "110000-01",  # 北京 东部 京津冀
    "120000-01",  # 天津 东部 京津冀
    "310000-01",  # 上海 东部 长三角
    "440000-03",  # 中山 东部 粤港澳大湾区
    "370000-01",  # 山东 东部
    "420000-01",  # 湖北 中部
    "510000-01",  # 四川 西部
    "210000-01",  # 辽宁 东北
]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def page(client, park_list, prefix=""):
    response = client.get(f"{prefix}/lists/{park_list.pk}/")
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# Breakdown


def test_breakdown_figures_on_a_hand_built_list():
    park_list = make_published_list(zones=SPREAD)
    entries = list(park_list.entries.select_related("zone", "province"))

    breakdown = list_breakdown(
        entries, Region.objects.order_by("order"), StrategicArea.objects.order_by("order")
    )

    assert breakdown.total == 8
    assert [(r.code, r.count, str(r.share)) for r in breakdown.regions] == [
        ("east", 5, "62.5"),
        ("central", 1, "12.5"),
        ("west", 1, "12.5"),
        ("northeast", 1, "12.5"),
    ]
    assert {a.name: (a.count, str(a.share)) for a in breakdown.areas} == {
        "京津冀": (2, "25.0"),
        "长三角": (1, "12.5"),
        "粤港澳大湾区": (1, "12.5"),
    }
    assert (breakdown.areas_combined.count, str(breakdown.areas_combined.share)) == (4, "50.0")
    assert [r.bar for r in breakdown.regions] == [65, 15, 15, 15]


def test_breakdown_on_the_page_reads_like_the_article(client):
    park_list = make_published_list(zones=SPREAD)

    html = page(client, park_list)

    assert (
        "本榜单共有8个国家高新区入榜。从区域分布看，东部地区5个，占62.5%；中部地区1个，占12.5%；"
        "西部地区1个，占12.5%；东北地区1个，占12.5%。从重点区域看，京津冀2个（25.0%）；长三角1个（12.5%）；"
        "粤港澳大湾区1个（12.5%），合计占50.0%。"
    ) in html
    region_rows = re.findall(
        r'<th scope="row">([^<]+)</th>\s*<td class="num">(\d+)</td>\s*<td class="share-cell">([\d.]+)%', html
    )
    assert region_rows[:4] == [
        ("东部", "5", "62.5"),
        ("中部", "1", "12.5"),
        ("西部", "1", "12.5"),
        ("东北", "1", "12.5"),
    ]
    assert ("京津冀", "2", "25.0") in region_rows
    # The chart's data, for static/js/charts.js, in a data attribute (no inline script).
    assert 'data-chart-data="{&quot;labels&quot;: [&quot;东部&quot;, &quot;中部&quot;' in html


# ---------------------------------------------------------------------------------------------------------------
# The page


def test_list_page_shows_the_ranked_table_with_four_criteria_and_hashes(client):
    park_list, _actor = rounds.published_list(["440000-03", "320000-01", "110000-01"])

    html = page(client, park_list)

    assert f"<title>{park_list.title}（第1版） - 新赛道培育库</title>" in html
    assert '<span class="badge badge-published">已发布</span>' in html
    for header in ("名次", "国家高新区", "省份", "新赛道", "总分", "战略性", "领先性", "成长性", "带动性"):
        assert f">{header}</th>" in html
    rows = re.findall(
        r'<td class="rank">(\d+)</td>\s*<th scope="row" lang="zh-hans"><a href="/zones/([^/]+)/"', html
    )
    assert rows == [("1", "440000-03"), ("2", "320000-01"), ("3", "110000-01")]
    assert "<strong>90.15</strong>" in html
    assert '<td class="num">91.00</td>' in html and '<td class="num">90.50</td>' in html
    assert park_list.sha256 in html and park_list.sm3 in html
    assert sha256_hex(park_list.canonical_json) == park_list.sha256
    assert f'href="/lists/{park_list.pk}/download.csv"' in html
    assert "权重：战略性 30%，领先性 25%，成长性 25%，带动性 20%。" in html


def test_list_page_is_english_under_en_with_chinese_data_marked(client):
    park_list, _actor = rounds.published_list(["440000-03", "320000-01"])
    html = page(client, park_list, "/en")
    assert '<html lang="en">' in html
    assert f'<span lang="zh-hans">{park_list.title}</span>' in html
    assert 'href="/en/zones/440000-03/"' in html


def test_a_notice_list_invites_objections_and_shows_no_hashes_yet(client):
    park_list, _actor = rounds.list_on_notice(["440000-03", "320000-01"], days_ago=1)

    html = page(client, park_list)

    assert "本榜单正在公示" in html
    assert f'href="/lists/{park_list.pk}/objection/"' in html
    assert "榜单正式发布时计算并公布 SHA-256 与 SM3 校验值。" in html


def test_a_notice_that_ended_no_longer_invites_objections(client):
    park_list, _actor = rounds.list_on_notice(["440000-03", "320000-01"], days_ago=8)
    html = page(client, park_list)
    assert "公示期已结束" in html
    assert "/objection/" not in html


def test_drafts_are_not_public(client):
    park_list = make_published_list(publish=False)
    assert client.get(f"/lists/{park_list.pk}/").status_code == 404
    assert client.get(f"/lists/{park_list.pk}/download.csv").status_code == 404
    assert client.get(f"/lists/{park_list.pk}/objection/").status_code == 404


def test_every_version_stays_readable_with_the_change_log(client):
    old, actor = rounds.published_list(["440000-03", "320000-01", "110000-01", "420000-01"], top_n=3)
    removed = old.entries.get(rank=1)
    new = list_correct(
        actor=actor,
        park_list=old,
        note="异议成立，取消第1名入榜资格。",
        exclude_nominations=[removed.nomination_id],
    )

    # 420000-01 enters: the correction is on notice first, and the old version still the current one.
    old_html = page(client, old)
    assert "本版本的更正正在公示" in old_html
    assert f'<a href="/lists/{new.pk}/">查看公示中的第2版</a>' in old_html
    assert "本版本已被更正" not in old_html and "badge-superseded" not in old_html
    new_html = page(client, new)
    assert "本榜单正在公示" in new_html and "异议成立，取消第1名入榜资格。" in new_html
    new = list_publish(actor=actor, park_list=new, now=new.notice_ends_at + datetime.timedelta(minutes=1))

    old_html = page(client, old)
    assert "本版本已被更正" in old_html
    assert "本版本的更正正在公示" not in old_html
    assert f'<a href="/lists/{new.pk}/">查看现行的第2版</a>' in old_html
    assert '<span class="badge badge-superseded">已更正</span>' in old_html
    assert old.sha256 in old_html

    new_html = page(client, new)
    assert "更正说明（更正第1版）" in new_html
    assert "异议成立，取消第1名入榜资格。" in new_html
    zone = Zone.objects.get(key="440000-03").name
    assert f'<span lang="zh-hans">{zone}</span>：\n      不再列入（原第1名）' in new_html
    assert "新列入，第3名（总分 82.65）" in new_html
    assert "名次 2 → 1" in new_html
    assert f'<a href="/lists/{old.pk}/">第1版</a>' in new_html
    assert new.sha256 in new_html and new.sha256 != old.sha256


def test_list_page_carries_nothing_personal(client):
    park_list, _actor = rounds.published_list(["440000-03", "320000-01"])
    client.force_login(f.staff(username="zhang.wei"))

    response = client.get(f"/lists/{park_list.pk}/")

    html = response.content.decode()
    assert "zhang.wei" not in html and "csrfmiddlewaretoken" not in html
    assert "Cookie" not in response.get("Vary", "")
    assert "Set-Cookie" not in str(response.cookies.output())


# ---------------------------------------------------------------------------------------------------------------
# Conditional GET and caching


def test_conditional_get_answers_304(client):
    park_list, _actor = rounds.published_list(["440000-03", "320000-01"])

    first = client.get(f"/lists/{park_list.pk}/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified == http_date(park_list.published_at.timestamp())
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]

    again = client.get(f"/lists/{park_list.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag

    since = client.get(f"/lists/{park_list.pk}/", HTTP_IF_MODIFIED_SINCE=modified)
    assert since.status_code == 304

    stale = client.get(f"/lists/{park_list.pk}/", HTTP_IF_NONE_MATCH='"something-else"')
    assert stale.status_code == 200


def test_cached_by_version_and_language(client):
    park_list, _actor = rounds.published_list(["440000-03", "320000-01"])
    zh = client.get(f"/lists/{park_list.pk}/")
    en = client.get(f"/en/lists/{park_list.pk}/")
    assert zh["ETag"] != en["ETag"]

    with CaptureQueriesContext(connection) as cached:
        again = client.get(f"/lists/{park_list.pk}/")
    assert again["ETag"] == zh["ETag"]
    assert len(cached) <= 2  # the list's own row (and a session, if any): nothing is rendered again

    # A correction supersedes it: the same URL then answers with a new body and a new ETag.
    list_correct(actor=f.staff(), park_list=park_list, note="更正")
    after = client.get(f"/lists/{park_list.pk}/", HTTP_IF_NONE_MATCH=zh["ETag"])
    assert after.status_code == 200 and "本版本已被更正" in after.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/lists/{pk}/", "/en/lists/{pk}/", "/lists/{pk}/download.csv", "/api/v1/lists/{pk}/"],
)
def test_repeat_reader_is_answered_without_the_database(client, url):
    park_list, _actor = rounds.published_list(["440000-03", "320000-01"])
    url = url.format(pk=park_list.pk)
    first = client.get(url)
    assert first.status_code == 200

    with CaptureQueriesContext(connection) as repeat:
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert (
        again["Last-Modified"] == first["Last-Modified"] and again["Cache-Control"] == first["Cache-Control"]
    )
    with CaptureQueriesContext(connection) as first_reader:
        other = client.get(url + "?utm=1")
    assert other.status_code == 200 and other.content == first.content
    assert len(repeat) == 0 and len(first_reader) == 0, [q["sql"] for q in repeat.captured_queries]


@pytest.mark.parametrize("header", ["W/{etag}", '"other", {etag}', "*"])
def test_if_none_match_compares_weakly_and_accepts_lists_and_star(client, header):
    park_list, _actor = rounds.published_list(["440000-03", "320000-01"])
    etag = client.get(f"/lists/{park_list.pk}/")["ETag"]
    again = client.get(f"/lists/{park_list.pk}/", HTTP_IF_NONE_MATCH=header.format(etag=etag))
    assert again.status_code == 304 and again["ETag"] == etag


def test_a_state_change_is_seen_at_once_by_repeat_readers(client):
    from tracks.services.lists import list_publish

    park_list, actor = rounds.list_on_notice(["440000-03", "320000-01"])
    on_notice = client.get(f"/lists/{park_list.pk}/")
    api = client.get(f"/api/v1/lists/{park_list.pk}/")
    assert on_notice.status_code == 200 and api.json()["status"] == ListStatus.NOTICE

    list_publish(actor=actor, park_list=park_list)

    page_after = client.get(f"/lists/{park_list.pk}/", HTTP_IF_NONE_MATCH=on_notice["ETag"])
    api_after = client.get(f"/api/v1/lists/{park_list.pk}/", HTTP_IF_NONE_MATCH=api["ETag"])
    assert page_after.status_code == 200 and page_after["ETag"] != on_notice["ETag"]
    assert api_after.status_code == 200 and api_after.json()["status"] == ListStatus.PUBLISHED


def test_an_edit_saved_by_staff_is_seen_by_the_next_reader(client):
    park_list, _actor = rounds.list_on_notice(["440000-03", "320000-01"], days_ago=1)
    before = client.get(f"/lists/{park_list.pk}/download.csv")
    assert "2031" in before["Content-Disposition"]

    park_list.title = "更名后的榜单"
    park_list.save(update_fields=["title"])  # as the admin saves it

    after = client.get(f"/lists/{park_list.pk}/download.csv")
    assert "%E6%9B%B4%E5%90%8D" in after["Content-Disposition"]  # 更名, percent-encoded in filename*


def test_a_list_leaving_the_public_is_a_404_at_once(client):
    park_list, _actor = rounds.list_on_notice(["440000-03", "320000-01"], days_ago=1)
    assert client.get(f"/lists/{park_list.pk}/").status_code == 200
    park_list.status = ListStatus.DRAFT
    park_list.save(update_fields=["status"])
    assert client.get(f"/lists/{park_list.pk}/").status_code == 404
    assert client.get(f"/api/v1/lists/{park_list.pk}/").status_code == 404


@pytest.mark.parametrize("path", ["", "download.csv", "download.json", "download.xlsx"])
def test_list_page_and_downloads_use_a_constant_number_of_queries(client, path):
    small = make_published_list(year=2031, zones=SPREAD[:1])
    large = make_published_list(year=2032, zones=SPREAD)  # 8×
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/lists/{small.pk}/{path}").status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/lists/{large.pk}/{path}").status_code == 200
    assert len(one) == len(many)


def test_list_page_queries_equal_at_1x_and_10x(client):
    keys = list(Zone.objects.order_by("key").values_list("key", flat=True)[:20])
    small = make_published_list(year=2031, zones=keys[:2])
    large = make_published_list(year=2032, zones=keys)
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        client.get(f"/lists/{small.pk}/")
    with CaptureQueriesContext(connection) as ten:
        client.get(f"/lists/{large.pk}/")
    assert len(one) == len(ten), [q["sql"] for q in ten.captured_queries]


# ---------------------------------------------------------------------------------------------------------------
# Downloads


def test_csv_keeps_chinese_neutralises_formulas_and_keeps_numbers():
    Zone.objects.filter(key="440000-03").update(name="=cmd|' /C calc'!A0")
    park_list, _actor = rounds.list_on_notice(["440000-03", "320000-01"], days_ago=1)
    park_list.entries.filter(rank=2).update(score_growth=Decimal("-1.50"))

    from django.test import Client

    response = Client().get(f"/lists/{park_list.pk}/download.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        "attachment;" in response["Content-Disposition"]
        and "filename*=utf-8''" in response["Content-Disposition"]
    )
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "名次",
        "国家高新区",
        "高新区编号",
        "省份",
        "区域",
        "重点区域",
        "新赛道",
        "总分",
        "战略性",
        "领先性",
        "成长性",
        "带动性",
    ]
    assert rows[1][1] == "'=cmd|' /C calc'!A0"  # neutralised
    assert rows[1][3:6] == ["广东省", "东部", "粤港澳大湾区"]
    assert rows[2][1] == "南京高新技术产业开发区"
    assert rows[2][10] == "-1.50"  # a negative number stays a number, no apostrophe
    assert rows[2][7] == "87.65"  # 30% × 88.5 + 25% × 87.5 + 25% × 86.5 + 20% × 88
    assert "\r\n2," in text  # the rank is a bare number


def test_xlsx_has_numbers_as_numbers_and_text_never_as_formula(client):
    # The name as published (a published list shows the names it was published with: publishing/frozen.py).
    Zone.objects.filter(key="440000-03").update(name='=HYPERLINK("http://x")')
    park_list = make_published_list(zones=["440000-03", "320000-01"])
    cache.clear()

    response = client.get(f"/lists/{park_list.pk}/download.xlsx")

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A1"].value == "名次" and sheet["L1"].value == "带动性"
    assert sheet["B2"].value == '=HYPERLINK("http://x")' and sheet["B2"].data_type == "s"  # text, no prefix
    assert sheet["A2"].value == 1 and sheet["H2"].value == pytest.approx(90.15)
    assert sheet["H2"].data_type == "n"
    about = load_workbook(io.BytesIO(response.content)).worksheets[1]
    assert [row[1].value for row in about.iter_rows()][-2:] == [park_list.sha256, park_list.sm3]


def test_json_download_lets_anyone_check_the_hashes(client):
    park_list, _actor = rounds.published_list(["440000-03", "320000-01"])

    document = json.loads(client.get(f"/lists/{park_list.pk}/download.json").content)

    assert document["hashes"] == {
        "covers": "canonical_json",
        "sha256": park_list.sha256,
        "sm3": park_list.sm3,
    }
    assert sha256_hex(document["canonical_json"]) == park_list.sha256
    assert sm3_hex(document["canonical_json"]) == park_list.sm3
    assert document["entries"][0]["zone"]["province"] == {"code": "440000", "name": "广东省"}
    assert document["entries"][0]["scores"] == {
        "strategic": "91.00",
        "leading": "90.00",
        "growth": "89.00",
        "driving": "90.50",
    }


def test_downloads_answer_conditional_requests(client):
    park_list, _actor = rounds.published_list(["440000-03"])
    first = client.get(f"/lists/{park_list.pk}/download.csv")
    assert (
        client.get(f"/lists/{park_list.pk}/download.csv", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    )
    assert client.get(f"/lists/{park_list.pk}/download.pdf").status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# The index


def titles(html):
    return re.findall(r'<h3 class="card-title"><a href="/lists/\d+/" lang="zh-hans">([^<]+)</a>', html)


def test_index_lists_current_versions_and_filters(client):
    a = make_published_list(year=2031, zones=["440000-03", "420000-01"], title="甲榜")
    b = make_published_list(year=2032, zones=["110000-01"], title="乙榜")
    c, _actor = rounds.list_on_notice(["510000-01", "210000-01"], year=2033)
    ParkList.objects.filter(pk=c.pk).update(title="丙榜")
    make_published_list(year=2034, zones=["310000-01"], title="丁榜草稿", publish=False)

    assert titles(client.get("/lists/").content.decode()) == ["丙榜", "乙榜", "甲榜"]
    assert titles(client.get("/lists/?year=2032").content.decode()) == ["乙榜"]
    assert titles(client.get(f"/lists/?field={a.field.code}").content.decode()) == ["甲榜"]
    assert titles(client.get(f"/lists/?track={b.track_id}").content.decode()) == ["乙榜"]
    assert titles(client.get("/lists/?province=440000").content.decode()) == ["甲榜"]
    assert titles(client.get("/lists/?region=central").content.decode()) == ["甲榜"]
    assert titles(client.get("/lists/?region=northeast").content.decode()) == ["丙榜"]
    assert titles(client.get("/lists/?status=notice").content.decode()) == ["丙榜"]
    assert titles(client.get("/lists/?region=nowhere").content.decode()) == ["丙榜", "乙榜", "甲榜"]
    html = client.get("/lists/?year=2032").content.decode()
    assert "共 1 个榜单" in html and "入榜 1 个" in html


def test_index_shows_superseded_versions_only_when_asked(client):
    old, actor = rounds.published_list(["440000-03", "320000-01"])
    list_correct(actor=actor, park_list=old, note="更正")
    current = titles(client.get("/lists/").content.decode())
    history = titles(client.get("/lists/?status=superseded").content.decode())
    assert current == [old.title] and history == [old.title]
    assert f'href="/lists/{old.pk}/"' in client.get("/lists/?status=superseded").content.decode()
