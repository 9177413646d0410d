"""The open read-only API at /api/v1/: public data, filters, pagination, conditional GETs, constant queries, the
OpenAPI schema and Swagger UI from local files."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests import rounds
from tests.tracks.public.test_home import make_published_list
from tracks.models import LibraryEntry, LibraryStatus, TrackAlias
from tracks.services.lists import list_correct
from zones.models import Zone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def test_root_lists_the_endpoints(client):
    root = get(client, "/api/v1/")
    assert set(root) >= {"zones", "provinces", "fields", "tracks", "library", "lists"}


def test_zones_filter_by_province_region_and_search(client):
    page = get(client, "/api/v1/zones/?page_size=5")
    assert page["count"] == 177 and len(page["results"]) == 5 and page["next"].endswith("page=2&page_size=5")
    first = page["results"][0]
    assert first == {
        "id": first["id"],
        "key": "110000-01",
        "name": "中关村科技园区",
        "short_name": "中关村科技园区",
        "province": {"code": "110000", "name": "北京市"},
        "region": "east",
        "strategic_area": first["strategic_area"],
        "city": "北京市",
        "approved_year": 1988,
    }
    guangdong = get(client, "/api/v1/zones/?province=440000&page_size=100")
    assert guangdong["count"] == Zone.objects.filter(province__code="440000").count()
    assert {z["province"]["code"] for z in guangdong["results"]} == {"440000"}
    northeast = get(client, "/api/v1/zones/?region=northeast&page_size=100")
    assert {z["region"] for z in northeast["results"]} == {"northeast"} and northeast["count"] > 0
    assert get(client, "/api/v1/zones/?search=zhongshan")["results"][0]["key"] == "440000-03"
    assert client.get("/api/v1/zones/?region=moon").status_code == 400


def test_provinces_and_fields(client):
    provinces = get(client, "/api/v1/provinces/")
    assert len(provinces) == 32
    assert provinces[0] == {
        "code": "110000",
        "name": "北京市",
        "short_name": provinces[0]["short_name"],
        "region": "east",
        "region_name": "东部",
        "strategic_area": provinces[0]["strategic_area"],
    }
    assert get(client, "/api/v1/provinces/440000/")["name"] == "广东省"
    field = f.FieldFactory(code="ai", name="人工智能")
    assert get(client, "/api/v1/fields/") == [
        {"code": "ai", "name": "人工智能", "name_en": "", "description": ""}
    ]
    assert get(client, "/api/v1/fields/ai/")["name"] == field.name


def test_tracks_search_by_pinyin_and_initials_and_filter_by_field(client):
    humanoid = f.TrackFactory(name="人形机器人")
    TrackAlias.objects.create(track=humanoid, name="仿人机器人")
    other = f.TrackFactory(name="量子信息")
    for term in ("人形", "renxing", "rxjqr", "仿人"):
        assert [t["name"] for t in get(client, f"/api/v1/tracks/?search={term}")["results"]] == [
            "人形机器人"
        ], term
    assert get(client, f"/api/v1/tracks/?field={other.field.code}")["results"][0]["name"] == "量子信息"
    detail = get(client, f"/api/v1/tracks/{humanoid.pk}/")
    assert detail["aliases"] == ["仿人机器人"] and detail["field"]["code"] == humanoid.field.code


def test_library_shows_entries_in_cultivation_only(client):
    cycle = f.CycleFactory(year=2031)
    track = f.TrackFactory(name="新型储能")
    LibraryEntry.objects.create(
        zone=f.zone("440000-03"), track=track, entered_cycle=cycle, status=LibraryStatus.KEY
    )
    LibraryEntry.objects.create(
        zone=f.zone("320000-01"),
        track=track,
        entered_cycle=cycle,
        status=LibraryStatus.EXITED,
        exit_reason="不再符合",
    )
    results = get(client, "/api/v1/library/")["results"]
    assert [(r["zone"]["key"], r["status"], r["entered_cycle"]) for r in results] == [
        ("440000-03", "key", 2031)
    ]
    assert get(client, "/api/v1/library/?status=key")["count"] == 1
    assert get(client, "/api/v1/library/?province=320000")["count"] == 0
    assert "exit_reason" not in results[0]


def test_lists_never_show_drafts_and_filter(client):
    published, actor = rounds.published_list(["440000-03", "320000-01"], year=2031)
    notice, _ = rounds.list_on_notice(["110000-01"], year=2032, days_ago=1)
    draft = make_published_list(year=2033, publish=False)
    new = list_correct(actor=actor, park_list=published, note="更正")

    everything = get(client, "/api/v1/lists/")
    assert {row["id"] for row in everything["results"]} == {published.pk, notice.pk, new.pk}
    assert client.get(f"/api/v1/lists/{draft.pk}/").status_code == 404
    assert [r["id"] for r in get(client, "/api/v1/lists/?status=notice")["results"]] == [notice.pk]
    assert [r["id"] for r in get(client, "/api/v1/lists/?status=superseded")["results"]] == [published.pk]
    assert {r["id"] for r in get(client, "/api/v1/lists/?cycle=2031")["results"]} == {published.pk, new.pk}
    assert [r["id"] for r in get(client, f"/api/v1/lists/?track={notice.track_id}")["results"]] == [notice.pk]
    assert get(client, f"/api/v1/lists/?field={notice.field.code}")["count"] == 1
    old = next(r for r in everything["results"] if r["id"] == published.pk)
    assert (old["status"], old["superseded_by"], old["entry_count"]) == ("superseded", new.pk, 2)
    assert old["url"] == f"/api/v1/lists/{published.pk}/" and old["html_url"] == f"/lists/{published.pk}/"


def test_list_detail_has_entries_with_one_value_per_criterion(client):
    park_list, _actor = rounds.published_list(["440000-03", "320000-01"])

    detail = get(client, f"/api/v1/lists/{park_list.pk}/")

    assert detail["sha256"] == park_list.sha256 and detail["sm3"] == park_list.sm3
    assert [c["code"] for c in detail["criteria"]] == ["strategic", "leading", "growth", "driving"]
    zone = f.zone("440000-03")
    assert detail["entries"][0] == {
        "rank": 1,
        "zone": {
            "id": zone.pk,
            "key": "440000-03",
            "name": zone.name,
            "province": {"code": "440000", "name": "广东省"},
        },
        "track": {"id": park_list.track_id, "name": park_list.track.name},
        "total": "90.15",
        "scores": {"strategic": "91.00", "leading": "90.00", "growth": "89.00", "driving": "90.50"},
    }


def test_the_browsable_api_shows_a_list_as_its_json_does(client):
    park_list, _actor = rounds.published_list(["440000-03", "320000-01"])

    response = client.get(f"/api/v1/lists/{park_list.pk}/?format=api")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert park_list.sha256 in html and "&quot;strategic&quot;: &quot;91.00&quot;" in html


def test_api_answers_conditional_requests(client):
    park_list, _actor = rounds.published_list(["440000-03"])
    for url in (f"/api/v1/lists/{park_list.pk}/", "/api/v1/lists/", "/api/v1/zones/?province=440000"):
        first = client.get(url)
        assert first.status_code == 200 and first["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304, url
    detail = client.get(f"/api/v1/lists/{park_list.pk}/")
    assert (
        client.get(
            f"/api/v1/lists/{park_list.pk}/", HTTP_IF_MODIFIED_SINCE=detail["Last-Modified"]
        ).status_code
        == 304
    )


def test_api_is_the_same_for_everyone_and_needs_no_session(client):
    park_list, _actor = rounds.published_list(["440000-03"])
    anonymous = client.get(f"/api/v1/lists/{park_list.pk}/")
    client.force_login(f.staff())
    signed_in = client.get(f"/api/v1/lists/{park_list.pk}/")
    assert anonymous.content == signed_in.content
    assert client.post("/api/v1/lists/", {}).status_code in (403, 405)


def test_api_list_queries_equal_at_1x_and_10x(client):
    keys = list(Zone.objects.order_by("key").values_list("key", flat=True)[:20])
    make_published_list(year=2031, zones=keys[:2])
    with CaptureQueriesContext(connection) as one:
        get(client, "/api/v1/lists/")
    for year in range(2032, 2041):
        make_published_list(year=year, zones=keys[:2])
    cache.clear()
    with CaptureQueriesContext(connection) as ten:
        assert get(client, "/api/v1/lists/")["count"] == 10
    assert len(one) == len(ten)

    small = make_published_list(year=2050, zones=keys[:2])
    large = make_published_list(year=2051, zones=keys)
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        get(client, f"/api/v1/lists/{small.pk}/")
    with CaptureQueriesContext(connection) as ten:
        get(client, f"/api/v1/lists/{large.pk}/")
    assert len(one) == len(ten)


@pytest.mark.parametrize("url", ["/api/v1/zones/", "/api/v1/library/", "/api/v1/tracks/"])
def test_collections_use_a_constant_number_of_queries(client, url):
    with CaptureQueriesContext(connection) as small:
        get(client, f"{url}?page_size=2")
    with CaptureQueriesContext(connection) as large:
        get(client, f"{url}?page_size=20")
    assert len(small) == len(large)


def test_openapi_schema_and_swagger_ui_from_local_files(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/zones/", "/api/v1/lists/{id}/", "/api/v1/library/", "/api/v1/provinces/{code}/"):
        assert path in text
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower() and "<script>" not in html


def test_list_detail_still_honours_the_list_filters(client):
    park_list, _actor = rounds.published_list(["440000-03", "320000-01"])
    url = f"/api/v1/lists/{park_list.pk}/"
    assert client.get(url).status_code == 200
    assert client.get(url, {"cycle": park_list.cycle.year}).status_code == 200
    assert client.get(url, {"cycle": park_list.cycle.year + 1}).status_code == 404
    assert client.get(url, {"status": "notice"}).status_code == 404
    assert client.get("/api/v1/lists/abc/").status_code == 404
    assert client.get(f"/api/v1/lists/{2**70}/").status_code == 404
