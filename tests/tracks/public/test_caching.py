"""Public pages are rendered once for every anonymous reader and renewed when the data behind them changes
(tracks/public/caching.py ``public_page``, tracks/services/public_cache.py)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests import rounds
from tracks.models import LibraryEntry, LibraryStatus
from tracks.services.library import library_set_status
from tracks.services.notifications import notification_send

pytestmark = pytest.mark.django_db

PAGES = ["/", "/lists/", "/library/", "/tracks/", "/provinces/", "/zones/440000-03/", "/en/library/"]


@pytest.mark.parametrize("url", PAGES)
def test_a_second_anonymous_reader_is_answered_from_the_cache(client, url):
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]

    with CaptureQueriesContext(connection) as second_reader:
        second = Client().get(url)
    with CaptureQueriesContext(connection) as repeat_reader:
        repeat = Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert second.status_code == 200 and second.content == first.content and second["ETag"] == first["ETag"]
    assert repeat.status_code == 304 and repeat.content == b""
    assert len(second_reader) == 0 and len(repeat_reader) == 0


def test_each_query_string_and_language_is_its_own_page(client):
    zh = client.get("/library/")
    en = client.get("/en/library/")
    watched = client.get("/library/?status=watch")
    assert len({zh["ETag"], en["ETag"], watched["ETag"]}) == 3
    assert 'lang="en"' in en.content.decode() and 'lang="zh-hans"' in zh.content.decode()


def test_a_change_made_by_a_service_shows_at_once(client):
    """library_set_status changes the row with QuerySet.update() (no signal): its audit event renews the pages."""
    entry = f.LibraryEntryFactory(track=f.TrackFactory(name="合成生物"))
    before = client.get("/library/?status=watch")
    assert "合成生物" not in before.content.decode()

    library_set_status(actor=f.staff(), entry=entry, status=LibraryStatus.WATCH, reason="营收连续下降")

    after = client.get("/library/?status=watch", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and "合成生物" in after.content.decode()


def test_a_saved_row_shows_at_once(client):
    track = f.TrackFactory(name="合成生物")
    client.get("/tracks/")
    track.name = "合成生物制造"
    track.save()
    assert "合成生物制造" in client.get("/tracks/").content.decode()


def test_working_data_does_not_renew_public_pages(client):
    official = f.official()
    first = client.get("/library/")
    notification_send(user=official, message="您有一项推荐待处理")  # a notification: never on a public page
    with CaptureQueriesContext(connection) as again:
        client.get("/library/")
    assert first.status_code == 200 and len(again) == 0


def test_a_signed_in_reader_shares_the_neutral_rendering(client):
    """Public pages render no user (the header's account slot is filled in the browser), so a signed-in reader
    is answered from the same cache, without the page's queries: only the session checks of the middleware."""
    LibraryEntry.objects.create(
        zone=f.zone("440000-03"), track=f.TrackFactory(name="合成生物"), entered_cycle=f.CycleFactory()
    )
    official = f.official(username="li.hua")
    anonymous = client.get("/library/")
    signed_in = Client()
    signed_in.force_login(official)
    with CaptureQueriesContext(connection) as for_official:
        shared = signed_in.get("/library/")
    with CaptureQueriesContext(connection) as repeat:
        again = signed_in.get("/library/", HTTP_IF_NONE_MATCH=anonymous["ETag"])

    assert shared.status_code == 200 and shared.content == anonymous.content
    assert shared["ETag"] == anonymous["ETag"] and "li.hua" not in shared.content.decode()
    assert again.status_code == 304
    # The session and the account (accounts.middleware, roles.current): nothing of the page itself.
    assert len(for_official) <= 2 and len(repeat) <= 2
    assert not any("tracks_libraryentry" in q["sql"] for q in [*for_official.captured_queries])
    assert "Cookie" not in shared.get("Vary", "")


def test_a_signed_in_readers_rendering_is_shared_when_it_read_no_session(client):
    f.LibraryEntryFactory(track=f.TrackFactory(name="合成生物"))
    signed_in = Client()
    signed_in.force_login(f.official(username="li.hua"))
    first = signed_in.get("/tracks/")
    with CaptureQueriesContext(connection) as anonymous_reader:
        second = client.get("/tracks/")
    assert second.content == first.content and len(anonymous_reader) == 0


def test_a_rendering_that_read_the_session_is_never_stored(rf):
    """A view that looked at the user (it must not, on a public page) is answered, but never stored for others."""
    from django.contrib.sessions.backends.cache import SessionStore
    from django.http import HttpResponse

    from tracks.public.caching import public_page

    renderings = []

    @public_page
    def page(request):
        renderings.append(request.session.get("_auth_user_id"))
        return HttpResponse("<p>page</p>")

    def request():
        made = rf.get("/peeking/")
        made.COOKIES["sessionid"] = "x"
        made.session = SessionStore()
        return made

    assert page(request()).status_code == 200
    assert page(request()).status_code == 200
    assert len(renderings) == 2


@pytest.mark.parametrize(
    "url", ["/api/v1/zones/?province=440000", "/api/v1/lists/", "/api/v1/library/?page=1"]
)
def test_a_second_api_reader_is_answered_from_the_cache(client, url):
    rounds.published_list(["440000-03", "320000-01"])
    first = client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    with CaptureQueriesContext(connection) as second_reader:
        second = Client().get(url)
    assert second.json() == first.json() and second["ETag"] == first["ETag"] and len(second_reader) == 0
    assert Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_browsable_api_is_not_served_the_cached_json(client):
    client.get("/api/v1/zones/")
    html = client.get("/api/v1/zones/", HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")


def test_a_change_is_saved_even_when_the_cache_is_down(settings):
    entry = f.LibraryEntryFactory()
    actor = f.staff()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    library_set_status(actor=actor, entry=entry, status=LibraryStatus.WATCH, reason="营收连续下降")
    entry.refresh_from_db()
    assert entry.status == LibraryStatus.WATCH
