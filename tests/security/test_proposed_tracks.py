"""A province's proposed, never-approved track stays internal.

A proposed track is a working name until programme staff approve it. Once its nomination was accepted, its library
entry used to appear on /library/ and /api/v1/library/ (and the zone's and province's pages, counts and typical
cases), and the token API's refusal named another province's proposal. The rule (tracks.selectors.public_track_q):
nothing public shows a track that is not approved: no page, API answer, search result, count or typical case; it
appears everywhere at once when staff approve it. A refusal answers another province's proposal exactly as an id
that does not exist.
"""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories as f
from tracks import models as m
from tracks.services.catalog import track_approve

pytestmark = pytest.mark.django_db

NAME = "量子织物秘密提法"
NJ, SZ = "320000-01", "440000-02"


@pytest.fixture
def proposal():
    """江苏's proposed track, its nomination accepted into the library (an entry of 南京), with a published case;
    beside it an approved track's entry of 深圳, which is public."""
    proposer = f.official("320000", username="js_proposer")
    field = f.FieldFactory(code="future", name="未来产业")
    track = f.TrackFactory(name=NAME, field=field, status=m.TrackStatus.PROPOSED, proposed_by=proposer)
    entry = f.LibraryEntryFactory(zone=f.zone(NJ), track=track, status=m.LibraryStatus.KEY)
    case = f.published_case(entry=entry, title="南京未公开赛道的案例")
    approved = f.TrackFactory(name="人形机器人", field=field)
    visible = f.LibraryEntryFactory(zone=f.zone(SZ), track=approved, status=m.LibraryStatus.CULTIVATING)
    cache.clear()
    return track, entry, case, visible


PAGES = [
    "/",
    "/library/",
    "/library/?field=future",
    "/library/?status=key",
    "/library/?province=320000",
    f"/zones/{NJ}/",
    "/provinces/",
    "/provinces/320000/",
    "/tracks/",
    "/search/?q=量子织物",
    "/cultivation/cases/",
    "/en/library/",
    "/api/v1/library/",
    "/api/v1/library/?field=future",
    "/api/v1/tracks/",
    "/api/v1/tracks/?search=量子织物",
]


@pytest.mark.parametrize("url", PAGES)
def test_no_public_page_or_api_answer_names_a_proposed_track(client, proposal, url):
    track, _entry, case, _visible = proposal
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert NAME not in body and case.title not in body


def test_its_library_entry_and_case_are_404_in_public(client, proposal):
    track, entry, case, visible = proposal
    assert client.get(f"/api/v1/library/{entry.pk}/").status_code == 404
    assert client.get(f"/api/v1/library/{visible.pk}/").status_code == 200
    assert client.get(f"/api/v1/library/?track={track.pk}").json()["count"] == 0
    assert client.get(f"/tracks/{track.pk}/").status_code == 404
    assert client.get(f"/cultivation/cases/{case.pk}/").status_code == 404


def test_counts_leave_it_out(client, proposal):
    _track, _entry, _case, _visible = proposal
    library = client.get("/api/v1/library/").json()
    assert [row["track"]["name"] for row in library["results"]] == ["人形机器人"]
    # 南京's card counts no library entry: its only one is on the proposed track
    assert "培育库 1 条" not in client.get("/provinces/320000/").content.decode()
    from tracks.selectors import home_counts

    assert home_counts()["library"] == 1


def test_approval_makes_it_public_everywhere(client, proposal):
    track, entry, case, _visible = proposal
    track_approve(actor=f.staff(), track=track)
    for url in ("/library/", f"/zones/{NJ}/", "/api/v1/library/", f"/cultivation/cases/{case.pk}/"):
        assert NAME in client.get(url).content.decode() or case.title in client.get(url).content.decode()
    assert client.get(f"/api/v1/library/{entry.pk}/").status_code == 200


def test_a_refusal_never_names_another_provinces_proposal(proposal):
    track, _entry, _case, _visible = proposal
    cycle = f.CycleFactory(year=2031)
    official = f.official("440000", username="gd_probe")
    token, _created = Token.objects.get_or_create(user=official)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = {"cycle": cycle.pk, "zone": f.zone(SZ).pk, "origin": "extension", "cultivation_model": "scenario"}

    proposed = client.post("/api/v1/nominations/", {**body, "track": track.pk}, format="json")
    missing = client.post("/api/v1/nominations/", {**body, "track": 987654321}, format="json")

    assert proposed.status_code == missing.status_code == 400
    assert NAME not in proposed.content.decode()
    # the same answer as an id that does not exist, but for the id itself
    assert proposed.json()["errors"] == {"track": [f"无效主键 “{track.pk}” － 对象不存在。"]}
    assert missing.json()["errors"] == {"track": ["无效主键 “987654321” － 对象不存在。"]}


def test_its_own_province_still_names_it(proposal):
    track, _entry, _case, _visible = proposal
    cycle = f.CycleFactory(year=2031)
    official = f.official("320000", username="js_colleague")
    token, _created = Token.objects.get_or_create(user=official)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(
        "/api/v1/nominations/",
        {"cycle": cycle.pk, "zone": f.zone(NJ).pk, "track": track.pk, "origin": "extension"},
        format="json",
    )
    assert response.status_code == 201, response.content
