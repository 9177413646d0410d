"""What every page and fixed address answers: the site's own error pages in the page's language (the API
keeps its JSON), /favicon.ico, /robots.txt and /sitemap.xml, the favicon linked from every kind of page, and
``<time datetime>`` values the HTML validator accepts."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from config import errors
from tests import factories as f
from tests import rounds
from tracks import selectors
from tracks.models import LibraryEntry, TrackStatus
from tracks.templatetags.ntr import isotime

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def page(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# Error pages


@pytest.mark.parametrize(
    ("url", "lang", "title", "home", "search"),
    [
        ("/no-such-page/", "zh-hans", "页面不存在", 'href="/"', 'action="/search/"'),
        ("/en/no-such-page/", "en", "Page not found", 'href="/en/"', 'action="/en/search/"'),
        ("/zones/999999-99/", "zh-hans", "页面不存在", 'href="/"', 'action="/search/"'),
    ],
)
def test_404_is_the_sites_own_page_in_the_pages_language(client, url, lang, title, home, search):
    response = client.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = page(response)
    assert f'<html lang="{lang}">' in html
    assert f'<h1 class="error-title">{title}</h1>' in html
    assert 'class="site-header"' in html and 'class="main-nav"' in html  # the site's header
    assert home in html and search in html  # a way on
    assert 'name="robots" content="noindex"' in html
    assert "Not Found" not in html and "The requested resource" not in html
    assert response["Cache-Control"] == "no-store"


def test_403_says_why_and_offers_the_login_page_to_an_anonymous_reader(rf):
    request = rf.get("/portal/secret/")
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    request.user = AnonymousUser()
    with translation.override("zh-hans"):
        response = errors.permission_denied(request, PermissionDenied("该页面供省级主管部门查看。"))

    html = page(response)
    assert response.status_code == 403
    assert "无权访问该页面" in html and "该页面供省级主管部门查看。" in html
    assert 'href="/accounts/login/?next=/portal/secret/"' in html


def test_403_of_a_view_in_english(client):
    client.force_login(f.staff())

    response = client.get("/en/my/results/")

    assert response.status_code == 403
    html = page(response)
    assert '<html lang="en">' in html and "Access denied" in html
    assert "403 Forbidden" not in html


def test_400_of_a_bad_query_string(client):
    response = client.get("/en/lists/?year=%00")

    assert response.status_code == 400
    assert "Bad request" in page(response) and '<html lang="en">' in page(response)


def test_500_is_the_sites_own_page(monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "home_counts", broken)
    client = Client(raise_request_exception=False)

    response = client.get("/en/")

    assert response.status_code == 500
    html = page(response)
    assert '<html lang="en">' in html and "Server error" in html and 'href="/en/"' in html
    assert "boom" not in html


def test_500_page_that_cannot_render_still_answers(rf, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("template gone")

    monkeypatch.setattr(errors, "render", fail)
    response = errors.server_error(rf.get("/"))
    assert response.status_code == 500 and "服务器内部错误" in page(response)


def test_a_failed_csrf_check_is_the_sites_own_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/en/accounts/login/", {"username": "x", "password": "y"})

    assert response.status_code == 403
    html = page(response)
    assert "This page has expired" in html and "CSRF verification failed" not in html
    assert 'href="/en/accounts/login/?next=/en/accounts/login/"' in html


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/no-such-endpoint/", 404, "not_found"),
        ("/api/v1/zones/?province=%00", 400, "invalid"),
    ],
)
def test_the_api_keeps_its_json_errors(client, url, status, code):
    response = client.get(url)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == code


def test_the_handlers_hand_api_paths_to_the_api(rf):
    for handler, status in [
        (errors.bad_request, 400),
        (errors.permission_denied, 403),
        (errors.page_not_found, 404),
    ]:
        response = handler(rf.get("/api/v1/anything/"), None)
        assert response.status_code == status and response["Content-Type"] == "application/json"
    assert errors.server_error(rf.get("/api/v1/anything/")).status_code == 500
    assert errors.csrf_failure(rf.post("/api/v1/anything/"))["Content-Type"] == "application/json"


# ---------------------------------------------------------------------------------------------------------------
# /favicon.ico, /robots.txt, /sitemap.xml


def test_favicon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age" in response["Cache-Control"]


@pytest.mark.parametrize(
    "url",
    ["/", "/en/", "/lists/", "/no-such-page/", "/accounts/login/", "/en/admin/login/", "/portal/"],
)
def test_every_kind_of_page_links_the_favicon(client, url):
    client.force_login(f.official()) if url == "/portal/" else None
    html = page(client.get(url))
    assert '<link rel="icon" href="/static/favicon.ico"' in html
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html


def test_robots_txt(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = page(response)
    assert text.startswith("User-agent: *\n")
    for path in ["/admin/", "/en/admin/", "/portal/", "/accounts/", "/api/v1/portal/"]:
        assert f"Disallow: {path}\n" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /\n" not in text


def _sitemap(client) -> dict:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    return {
        url.find(f"{SITEMAP}loc").text.removeprefix("http://testserver"): getattr(
            url.find(f"{SITEMAP}lastmod"), "text", None
        )
        for url in root.findall(f"{SITEMAP}url")
    }


def test_sitemap_lists_public_pages_in_both_languages_with_lastmod(client):
    park_list, _actor = rounds.published_list(["440000-03", "320000-01", "110000-01"])
    proposed = f.TrackFactory(name="提议中的赛道", status=TrackStatus.PROPOSED)
    track = park_list.track

    urls = _sitemap(client)

    for path in ["/", "/en/", "/lists/", "/en/library/", "/provinces/", "/cultivation/cases/"]:
        assert path in urls
    published = timezone.localtime(park_list.published_at).date().isoformat()
    assert urls[f"/lists/{park_list.pk}/"] == published
    assert urls[f"/en/lists/{park_list.pk}/"] == published
    assert urls[f"/tracks/{track.pk}/"] is not None
    assert urls["/zones/440000-03/"] is not None and urls["/en/zones/440000-03/"] is not None
    assert urls["/provinces/440000/"] is not None
    # Never a proposed track, never a workspace.
    assert f"/tracks/{proposed.pk}/" not in urls
    assert not [path for path in urls if re.search(r"/(admin|portal|accounts)/", path)]


def test_sitemap_keeps_drafts_and_inactive_zones_out(client):
    from tracks.services.lists import list_build
    from tracks.services.ranking import ranking_compute

    cycle, track, _nominations = rounds.scored_cycle(["440000-03", "320000-01"], year=2032)
    actor = f.staff()
    draft = list_build(
        actor=actor,
        snapshot=ranking_compute(cycle=cycle, actor=actor),
        field=track.field,
        track=track,
        top_n=2,
    )
    gone = f.zone("440000-04")
    gone.is_active = False
    gone.save()

    urls = _sitemap(client)

    assert f"/lists/{draft.pk}/" not in urls
    assert "/zones/440000-04/" not in urls and "/zones/440000-03/" in urls


def _sitemap_queries(client) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/sitemap.xml").status_code == 200
    return len(queries)


def test_sitemap_takes_the_same_few_queries_at_one_and_three_lists(client):
    """One query per section and two for every page's latest change: within the public pages' budget of 10, and
    the same however many lists, tracks, zones and library entries there are."""
    rounds.published_list(["440000-03", "320000-01"], year=2031)
    one = _sitemap_queries(client)
    for year, keys in ((2032, ["110000-01", "440000-04", "420000-01"]), (2033, ["510000-01", "210000-01"])):
        rounds.published_list(keys, year=year)
    for key in ("440000-03", "320000-01", "110000-01"):
        f.LibraryEntryFactory(zone=f.zone(key))
    three = _sitemap_queries(client)
    assert one == three <= 10


def test_sitemap_lastmod_follows_the_library_and_the_lists(client):
    """A zone's, its province's and its track's lastmod is the latest change they show: here a library entry that
    changed status after the list was published."""
    park_list, _actor = rounds.published_list(["440000-03", "320000-01"], year=2031)
    later = park_list.published_at + datetime.timedelta(days=40)
    # the pair entered the library when it was accepted; its status changed again 40 days after publication
    LibraryEntry.objects.filter(zone__key="440000-03", track=park_list.track).update(status_changed_at=later)
    urls = _sitemap(client)
    day = timezone.localtime(later).date().isoformat()
    assert urls["/zones/440000-03/"] == day
    assert urls["/provinces/440000/"] == day
    assert urls[f"/tracks/{park_list.track.pk}/"] == day
    assert urls["/zones/320000-01/"] == timezone.localtime(park_list.published_at).date().isoformat()


def test_sitemap_alternates_link_both_languages(client):
    body = page(client.get("/sitemap.xml"))
    assert 'hreflang="en" href="http://testserver/en/lists/"' in body
    assert 'hreflang="zh-hans" href="http://testserver/lists/"' in body


# ---------------------------------------------------------------------------------------------------------------
# <time datetime>


def test_isotime_has_no_microseconds_and_says_beijing_time():
    moment = datetime.datetime(2025, 8, 11, 2, 0, 5, 123456, tzinfo=datetime.UTC)
    assert isotime(moment) == "2025-08-11T10:00:05+08:00"
    assert isotime(datetime.date(2025, 8, 11)) == "2025-08-11"
    assert isotime(None) == ""


VALID_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?$")


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_time_elements_are_valid_html(client, prefix):
    park_list, _actor = rounds.published_list(["440000-03", "320000-01"])
    pages = [f"{prefix}/", f"{prefix}/lists/", f"{prefix}/lists/{park_list.pk}/", f"{prefix}/announcements/"]
    found = []
    for url in pages:
        found += re.findall(r'<time datetime="([^"]*)"', page(client.get(url)))
    assert found, "no <time> on the pages"
    assert [value for value in found if not VALID_TIME.match(value)] == []


def test_healthz_and_readyz_stay_outside_the_language_prefixes(client):
    assert reverse("healthz") == "/healthz" and reverse("readyz") == "/readyz"
