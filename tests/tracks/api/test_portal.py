"""What a provincial system reads beside its nominations: the public cycles, and under the token API the
caller's zones and the province's quota, its use and its window (never in the public cache)."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories as f
from tests.tracks.portal_support import GD, GZ, JS, ZS, nomination
from tracks import models as m

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_cycles_are_public_without_planning_and_without_anything_per_province(client, world):
    f.CycleFactory(year=2032, status=m.CycleStatus.PLANNING)
    f.CycleFactory(year=2030, status=m.CycleStatus.CLOSED)
    cycles = client.get("/api/v1/cycles/").json()
    assert [(c["year"], c["status"]) for c in cycles] == [(2031, "nomination"), (2030, "closed")]
    assert set(cycles[0]) == {
        "year",
        "url",
        "title",
        "status",
        "nomination_opens_at",
        "nomination_closes_at",
        "review_opens_at",
        "review_closes_at",
        "notice_days",
    }
    assert cycles[0]["url"] == "/api/v1/cycles/2031/"
    assert client.get("/api/v1/cycles/2031/").json()["title"] == "2031年度"
    assert client.get("/api/v1/cycles/2032/").status_code == 404  # planning: not public
    assert [c["year"] for c in client.get("/api/v1/cycles/", {"status": "closed"}).json()] == [2030]
    assert client.get("/api/v1/cycles/", {"status": "moon"}).status_code == 400


def test_the_cycles_answer_is_shared_and_renewed_when_a_cycle_changes(
    client, world, django_assert_num_queries
):
    from tracks.services.cycles import cycle_reschedule

    first = client.get("/api/v1/cycles/")
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(0):
        assert client.get("/api/v1/cycles/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    closes = world.cycle.nomination_closes_at + datetime.timedelta(days=3)
    cycle_reschedule(cycle=world.cycle, actor=world.staff, reason="延期", nomination_closes_at=closes)
    renewed = client.get("/api/v1/cycles/").json()
    assert renewed[0]["nomination_closes_at"] == timezone.localtime(closes).isoformat()


def test_the_quota_its_use_and_the_window_of_my_province(world):
    nomination(world, zone_key=GZ, status=m.NominationStatus.SUBMITTED)
    nomination(world, status=m.NominationStatus.DRAFT)
    nomination(world, zone_key="440000-02", status=m.NominationStatus.WITHDRAWN)
    m.ProvinceQuota.objects.create(cycle=world.cycle, province=f.province(GD), quota=4)
    extended = world.cycle.nomination_closes_at + datetime.timedelta(days=5)
    m.WindowExtension.objects.create(
        cycle=world.cycle, province=f.province(GD), closes_at=extended, reason="延期", granted_by=world.staff
    )
    response = api(world.gd).get("/api/v1/portal/quotas/2031/")
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
    quota = response.json()
    assert quota == {
        "cycle_year": 2031,
        "cycle_status": "nomination",
        "province": {"code": GD, "name": "广东省"},
        "quota": 4,
        "used": 1,
        "remaining": 3,
        "window_opens_at": timezone.localtime(world.cycle.nomination_opens_at).isoformat(),
        "window_closes_at": timezone.localtime(extended).isoformat(),
        "window_open": True,
        "extension_closes_at": timezone.localtime(extended).isoformat(),
    }
    # 江苏 has neither the extension nor the quota of 广东; a zone committee sees its province's
    other = api(world.js).get("/api/v1/portal/quotas/").json()
    assert [(q["cycle_year"], q["quota"], q["used"], q["extension_closes_at"]) for q in other] == [
        (2031, 3, 0, None)
    ]
    assert api(world.zs).get("/api/v1/portal/quotas/2031/").json()["used"] == 1
    assert api(world.gd).get("/api/v1/portal/quotas/2019/").status_code == 404


def test_nothing_of_a_province_reaches_the_public_cache(client, world):
    m.WindowExtension.objects.create(
        cycle=world.cycle,
        province=f.province(JS),
        closes_at=world.cycle.nomination_closes_at + datetime.timedelta(days=9),
        reason="延期",
        granted_by=world.staff,
    )
    body = client.get("/api/v1/cycles/2031/").content.decode()
    assert "quota" not in body and "extension" not in body and "延期" not in body
    assert client.get("/api/v1/portal/quotas/").status_code == 401


def test_cycle_year_is_read_written_and_filtered(world):
    client = api(world.gd)
    body = {"zone": f.zone(ZS).pk, "track": world.humanoid.pk, "cycle_year": 2031}
    created = client.post("/api/v1/nominations/", body, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["cycle_year"], created.json()["cycle"]) == (2031, world.cycle.pk)
    pk = created.json()["id"]
    assert [n["id"] for n in client.get("/api/v1/nominations/", {"cycle_year": 2031}).json()["results"]] == [
        pk
    ]
    assert client.get("/api/v1/nominations/", {"cycle_year": 2030}).json()["count"] == 0
    assert client.get("/api/v1/nominations/", {"cycle_year": 1999}).status_code == 400
    # the deprecated id still works, and must agree
    other = f.CycleFactory(year=2030, status=m.CycleStatus.CLOSED)
    both = client.post(
        "/api/v1/nominations/", {**body, "track": world.storage.pk, "cycle": other.pk}, format="json"
    )
    assert both.status_code == 400 and list(both.json()["errors"]) == ["cycle_year"]
    missing = client.post("/api/v1/nominations/", {**body, "cycle_year": 2040}, format="json")
    assert missing.json()["errors"] == {"cycle_year": ["2040年度批次不存在。"]}
    moved = client.patch(f"/api/v1/nominations/{pk}/", {"cycle_year": 2030}, format="json")
    assert moved.json()["errors"] == {"cycle_year": ["推荐创建后不能更改年度批次。"]}
    same = client.patch(f"/api/v1/nominations/{pk}/", {"cycle_year": 2031, "narrative": "改"}, format="json")
    assert same.status_code == 200 and same.json()["narrative"] == "改"


def test_my_zones(world):
    assert {zone["province"]["code"] for zone in api(world.gd).get("/api/v1/portal/zones/").json()} == {GD}
    assert [zone["key"] for zone in api(world.zs).get("/api/v1/portal/zones/").json()] == [ZS]
    assert api(world.staff).get("/api/v1/portal/zones/").status_code == 403
