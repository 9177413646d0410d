"""Input no page or API call should turn into a 500, on PostgreSQL and on SQLite.

* A NUL character: PostgreSQL refuses it in any text ("A string literal cannot contain NUL (0x00) characters"), so
  a NUL reaching a query was a 500 (``/zones/%00/``, ``/search/?q=%00``, ``/api/v1/provinces/%00/``). Now: in the
  path a 404, in the query string a 400; under ``/api/`` with the API's JSON error body, elsewhere the site's page.
* ``1e400`` in an id of the token API: JSON reads it as an infinite float, which the database refused with a 500.
  Now every id (query parameter or body) is a 400 unless it is a whole number; one past the range of an id column is
  an id that does not exist. ``1.5`` and ``true`` are refused too (before, they were truncated to the id 1).
"""

import json

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories as f
from tracks import models as m

pytestmark = pytest.mark.django_db

NUL_PAGES = [
    "/zones/%00/",
    "/provinces/%00/",
    "/en/zones/%00/",
    "/lists/%00/",
    "/tracks/%00/",
    "/announcements/%00/",
    "/cultivation/cases/%00/",
    "/portal/nominations/%00/",
    "/%00",
]
NUL_QUERIES = [
    "/search/?q=%00",
    "/search/?q=a%00b",
    "/en/search/?q=%00",
    "/library/?field=%00",
    "/library/?province=%00&status=key",
    "/lists/?field=%00",
    "/announcements/?kind=%00",
    "/cultivation/cases/?field=%00",
    "/tracks/?%00=1",
]
NUL_API_PATHS = [
    "/api/v1/provinces/%00/",
    "/api/v1/fields/%00/",
    "/api/v1/zones/%00/",
    "/api/v1/lists/%00/",
    "/api/v1/%00/",
    "/api/v1/nominations/%00/",
]
NUL_API_QUERIES = [
    ("/api/v1/zones/?province=%00", "province"),
    ("/api/v1/zones/?search=%00", "search"),
    ("/api/v1/tracks/?search=a%00", "search"),
    ("/api/v1/library/?zone=%00", "zone"),
    ("/api/v1/lists/?field=%00", "field"),
    ("/api/v1/provinces/?format=%00", "format"),
    ("/api/v1/nominations/?status=%00", "status"),
]


@pytest.mark.parametrize("url", NUL_PAGES)
def test_a_nul_in_a_page_path_is_the_sites_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("url", NUL_QUERIES)
def test_a_nul_in_a_page_query_is_the_sites_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("url", NUL_API_PATHS)
def test_a_nul_in_an_api_path_is_a_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "未找到。", "errors": {}}


@pytest.mark.parametrize(("url", "name"), NUL_API_QUERIES)
def test_a_nul_in_an_api_query_is_a_json_400_naming_the_parameter(client, url, name):
    user = f.official("440000")
    token, _created = Token.objects.get_or_create(user=user)
    response = client.get(url, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "invalid",
        "detail": "请求参数有误。",
        "errors": {name: ["参数值不能包含空字符（NUL）。"]},
    }


def test_a_nul_in_a_form_field_is_refused_by_the_field(client):
    """Bodies are left to their fields: a NUL in the login form is a form error, not a 500."""
    response = client.post("/accounts/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 200
    assert "不允许" in response.content.decode() or "空字符" in response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# Numbers in the ids of the token API


@pytest.fixture
def official_api():
    user = f.official("440000")
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def open_cycle():
    return f.CycleFactory(year=2031)


def _blamed(response) -> list[str]:
    """The fields a 400 names: in ``errors`` of the API's error shape, and (v1) as top-level keys beside it."""
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body) - {"code", "detail", "errors"} == set(body["errors"])
    return list(body["errors"])


def _body(**ids) -> str:
    """A create body written by hand, so a number such as 1e400 reaches the server as the client typed it."""
    fields = {"origin": '"extension"', "cultivation_model": '"scenario"', "public_summary": '"摘要"', **ids}
    return "{" + ", ".join(f'"{name}": {value}' for name, value in fields.items()) + "}"


@pytest.mark.parametrize("field", ["zone", "track", "cycle"])
@pytest.mark.parametrize("value", ["1e400", "-1e400", "1.5", "true", "1e3", '"1e400"', '"1 2"', "[1]", "{}"])
def test_a_body_id_that_is_no_whole_number_is_a_400(official_api, open_cycle, field, value):
    track = f.TrackFactory()
    ids = {"zone": str(f.zone("440000-03").pk), "track": str(track.pk), "cycle": str(open_cycle.pk)}
    ids[field] = value
    response = official_api.post("/api/v1/nominations/", _body(**ids), content_type="application/json")
    assert response.status_code == 400, response.content
    assert _blamed(response) == [field]
    assert not m.Nomination.objects.exists()


@pytest.mark.parametrize("field", ["zone", "track", "cycle"])
@pytest.mark.parametrize("value", ["0", "-3", str(2**63), str(10**30)])
def test_a_body_id_out_of_range_does_not_exist(official_api, open_cycle, field, value):
    track = f.TrackFactory()
    ids = {"zone": str(f.zone("440000-03").pk), "track": str(track.pk), "cycle": str(open_cycle.pk)}
    ids[field] = value
    response = official_api.post("/api/v1/nominations/", _body(**ids), content_type="application/json")
    assert response.status_code == 400, response.content
    assert _blamed(response) == [field]


@pytest.mark.parametrize("value", ["1e400", "1.5", str(10**30), "true"])
def test_a_version_that_is_no_id_is_a_400(official_api, open_cycle, value):
    nomination = f.NominationFactory(cycle=open_cycle, zone=f.zone("440000-03"))
    response = official_api.patch(
        f"/api/v1/nominations/{nomination.pk}/",
        '{"narrative": "改", "version": ' + value + "}",
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert _blamed(response) == ["version"]


def test_a_form_body_id_is_read_as_digits(official_api, open_cycle):
    track = f.TrackFactory()
    data = {"zone": str(f.zone("440000-03").pk), "track": str(track.pk), "cycle": "1e400"}
    response = official_api.post("/api/v1/nominations/", data)
    assert response.status_code == 400
    assert _blamed(response) == ["cycle"]
    data["cycle"] = str(open_cycle.pk)
    assert official_api.post("/api/v1/nominations/", data).status_code == 201


@pytest.mark.parametrize("name", ["zone", "track", "cycle"])
@pytest.mark.parametrize("value", ["1e400", "-1e400", "1.5", "inf", "NaN", str(2**63), str(10**30)])
def test_a_query_id_that_is_no_id_is_a_400_or_empty(official_api, name, value):
    response = official_api.get("/api/v1/nominations/", {name: value})
    assert response.status_code in (200, 400), response.content
    if response.status_code == 200:
        assert response.json()["count"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/library/?track=1e400",
        "/api/v1/lists/?track=1e400",
        "/api/v1/lists/?cycle=1e400",
        "/api/v1/lists/?cycle=-1e400",
        "/api/v1/zones/1e400/",
        "/api/v1/library/1e400/",
        "/api/v1/lists/1e400/",
        f"/api/v1/lists/{2**63}/",
    ],
)
def test_public_api_ids_are_400_or_404_never_500(client, url):
    response = client.get(url)
    assert response.status_code in (400, 404), response.content
    json.loads(response.content)  # the API answers JSON, whatever the error


@pytest.mark.parametrize("action", ["withdraw", "submit"])
def test_a_nul_in_an_action_reason_is_no_500(official_api, open_cycle, action):
    nomination = f.NominationFactory(cycle=open_cycle, zone=f.zone("440000-03"))
    response = official_api.post(
        f"/api/v1/nominations/{nomination.pk}/{action}/",
        '{"reason": "a\\u0000b"}',
        content_type="application/json",
    )
    assert response.status_code < 500, response.content
