"""The API's one error shape: every 4xx and 5xx under /api/ is JSON {code, detail, errors}, from DRF's
refusals, the services' refusals, paths no route matches and uncaught exceptions alike; v1's top-level field keys
stay beside it; the token API is never cached."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories as f
from tests.tracks.portal_support import ZS, nomination
from tracks import models as m
from tracks.api.public import ZoneViewSet

pytestmark = pytest.mark.django_db
URL = "/api/v1/nominations/"


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code and isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/zones/0.5/",
        "/api/v1/no-such-thing/",
        "/api/v2/",
        "/api/",
        "/api/v1/cycles/26/",
        "/api/v1/x.json",
    ],
)
def test_a_path_no_route_matches_is_a_json_404(client, path):
    assert shape(client.get(path), 404, "not_found") == {
        "code": "not_found",
        "detail": "未找到。",
        "errors": {},
    }


def test_a_page_no_route_matches_is_still_the_sites_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_uncaught_exception_is_a_json_500_under_api_only(client, monkeypatch):
    def boom(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ZoneViewSet, "list", boom)
    client.raise_request_exception = False
    body = shape(client.get("/api/v1/zones/"), 500, "server_error")
    assert "boom" not in body["detail"]


def test_an_unknown_id_says_nothing_of_the_model(client, world):
    body = shape(client.get("/api/v1/zones/999999/"), 404, "not_found")
    assert body["detail"] == "未找到。"
    shape(api(world.gd).get(f"{URL}999999/"), 404, "not_found")


def test_authentication_and_permission_refusals(client, world):
    anonymous = shape(client.get(URL), 401, "not_authenticated")
    assert set(anonymous) == {"code", "detail", "errors"}
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token nope")
    shape(bad.get(URL), 401, "authentication_failed")
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {Token.objects.get_or_create(user=world.gd)[0].key}")
    shape(bearer.get(URL), 401, "not_authenticated")
    body = shape(api(world.staff).get(URL), 403, "permission_denied")
    assert body["detail"] == "接口仅供省级主管部门和国家高新区管委会使用。"


def test_protocol_refusals(world):
    client = api(world.gd)
    draft = nomination(world)
    response = client.put(f"{URL}{draft.pk}/", {}, format="json")
    shape(response, 405, "method_not_allowed")
    assert "PATCH" in response["Allow"]
    shape(client.post(URL, "<x/>", content_type="application/xml"), 415, "unsupported_media_type")
    shape(client.get(URL, HTTP_ACCEPT="application/xml"), 406, "not_acceptable")
    parse = shape(client.post(URL, "{bad", content_type="application/json"), 400, "parse_error")
    assert parse["detail"] == "请求体格式有误，无法解析。"
    assert parse["errors"]["non_field_errors"][0].startswith("JSON parse error")


def test_a_validation_error_keeps_its_v1_keys_beside_the_shape(world):
    response = api(world.gd).post(
        URL, {"zone": "5", "track": world.humanoid.pk, "narrative": 12}, format="json"
    )
    body = shape(response, 400, "invalid")
    assert set(body["errors"]) == {"zone", "narrative"}
    assert {key: body[key] for key in body["errors"]} == body["errors"]  # v1: the field keys at the top level
    assert body["detail"] == "请求参数或提交的数据有误。"


@pytest.mark.parametrize(
    ("setup", "action", "status", "code"),
    [
        ("submitted", "submit", 400, "invalid_state"),
        ("incomplete", "submit", 400, "incomplete"),
        ("quota", "submit", 409, "quota_exceeded"),
    ],
)
def test_the_services_refusals_carry_their_codes(world, setup, action, status, code):
    if setup == "quota":
        world.cycle.default_quota = 0
        world.cycle.save()
    draft = nomination(
        world,
        status=m.NominationStatus.SUBMITTED if setup == "submitted" else m.NominationStatus.DRAFT,
        narrative="" if setup == "incomplete" else "正文",
    )
    body = shape(api(world.gd).post(f"{URL}{draft.pk}/{action}/"), status, code)
    assert body["errors"] == {}


def test_a_stale_version_is_a_version_conflict(world):
    draft = nomination(world)
    client = api(world.gd)
    assert (
        client.patch(f"{URL}{draft.pk}/", {"narrative": "A", "version": 1}, format="json").status_code == 200
    )
    body = shape(
        client.patch(f"{URL}{draft.pk}/", {"narrative": "B", "version": 1}, format="json"),
        409,
        "version_conflict",
    )
    assert body["detail"] == "该推荐已被他人修改，请刷新页面后再编辑。"


def test_a_body_that_is_no_object_is_a_400_and_no_body_is_none(world):
    client = api(world.gd)
    draft = nomination(world, status=m.NominationStatus.SUBMITTED)
    for raw in ("null", "[1]", '"reason"', "3"):
        response = client.post(f"{URL}{draft.pk}/withdraw/", raw, content_type="application/json")
        assert list(shape(response, 400, "invalid")["errors"]) == ["non_field_errors"], raw
    reason = client.post(f"{URL}{draft.pk}/withdraw/", {"reason": 5}, format="json")
    assert list(shape(reason, 400, "invalid")["errors"]) == ["reason"]
    assert client.post(f"{URL}{draft.pk}/withdraw/").json()["status"] == "withdrawn"


def test_json_bodies_carry_json_types_and_form_bodies_are_read_as_before(world):
    client = api(world.gd)
    zone = f.zone(ZS).pk
    typed = client.post(
        URL, {"zone": zone, "track": world.humanoid.pk, "enterprise_count": "12"}, format="json"
    )
    assert list(shape(typed, 400, "invalid")["errors"]) == ["enterprise_count"]
    as_number = client.post(
        URL,
        {"zone": zone, "track": world.humanoid.pk, "revenue": 12.5, "enterprise_count": 12},
        format="json",
    )
    assert as_number.status_code == 201 and as_number.json()["revenue"] == "12.50"
    form = client.post(
        URL,
        {"zone": str(zone), "track": str(world.storage.pk), "enterprise_count": "12", "revenue": "1.5"},
        format="multipart",
    )
    assert form.status_code == 201, form.content
    assert (form.json()["enterprise_count"], form.json()["revenue"]) == (12, "1.50")


def test_the_token_api_is_never_cached_and_the_public_api_is(client, world):
    token = api(world.gd)
    for response in (token.get(URL), token.get(f"{URL}999999/"), token.get("/api/v1/portal/quotas/")):
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    public = client.get("/api/v1/cycles/")
    assert "public" in public["Cache-Control"] and public.has_header("ETag")


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"page_size": "abc"}, 400),
        ({"page_size": "0"}, 400),
        ({"page_size": "-1"}, 400),
        ({"page": "0"}, 400),
        ({"page": "x"}, 400),
        ({"page_size": ""}, 200),
        ({"page": ""}, 200),
        ({"page": "last"}, 200),
        ({"page": "99"}, 404),
        ({"status": ""}, 200),
        ({"track": ""}, 200),
    ],
)
def test_paging_refuses_what_it_cannot_read(client, query, status):
    response = client.get("/api/v1/library/", query)
    assert response.status_code == status, response.content
    if status >= 400:
        shape(response, status, "invalid" if status == 400 else "not_found")


def test_a_page_size_above_the_maximum_is_cut_to_it(client):
    page = client.get("/api/v1/zones/", {"page_size": "100000"}).json()
    assert (page["count"], len(page["results"]), page["next"]) == (177, 177, None)  # cut to 500
    assert len(client.get("/api/v1/zones/", {"page_size": "2"}).json()["results"]) == 2
