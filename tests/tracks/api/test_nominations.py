"""The token API of the portal: /api/v1/nominations/ — the same rules as the pages, through the same services."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests import factories as f
from tests.tracks.portal_support import (
    GD,
    GZ,
    NJ,
    ZS,
    login,
    nomination,
)
from tracks import models as m
from tracks.services.nominations import nomination_transition
from zones.models import Zone

pytestmark = pytest.mark.django_db
S = m.NominationStatus
URL = "/api/v1/nominations/"


def api(user) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def payload(world, zone_key=ZS, **changes):
    data = {
        "zone": f.zone(zone_key).pk,
        "track": world.humanoid.pk,
        "origin": "extension",
        "cultivation_model": "scenario",
        "public_summary": "依托龙头企业，形成完整链条。",
        "narrative": "正文",
        "enterprise_count": 120,
        "high_tech_enterprise_count": 60,
        "specialized_enterprise_count": 12,
        "gazelle_count": 5,
        "unicorn_count": 1,
        "invention_patents": 840,
        "research_platforms": 15,
        "application_scenarios": 18,
        "incubators": 6,
        "pilot_platforms": 3,
        "revenue": "356.40",
        "rd_spending": "21.30",
        "financing": "42.00",
        "revenue_growth": "-1.25",
    }
    data.update(changes)
    return data


def test_token_is_required(world):
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_drf_create_token_gives_a_working_token(world):
    out = io.StringIO()
    call_command("drf_create_token", "gd_official", stdout=out)
    key = Token.objects.get(user=world.gd).key
    assert key in out.getvalue()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(URL).status_code == 200


def test_loop_in_the_api(world):
    # The zone prepares a draft; the cycle defaults to the open one.
    created = api(world.zs).post(URL, payload(world), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    pk = body["id"]
    assert (body["cycle"], body["province"], body["status"], body["version"]) == (
        world.cycle.pk,
        f.province(GD).pk,
        "draft",
        1,
    )
    assert body["revenue"] == "356.40" and body["revenue_growth"] == "-1.25"
    refused = api(world.zs).post(f"{URL}{pk}/submit/")
    assert refused.status_code == 403

    # The province edits (with the version it read) and recommends.
    official = api(world.gd)
    edited = official.patch(f"{URL}{pk}/", {"narrative": "省级补充", "version": 1}, format="json")
    assert edited.status_code == 200 and edited.json()["version"] == 2
    submitted = official.post(f"{URL}{pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"

    # Staff return it; the province revises and resubmits; staff accept.
    nomination_transition(
        actor=world.staff, nomination=m.Nomination.objects.get(pk=pk), action="return", reason="补充"
    )
    returned = official.get(f"{URL}{pk}/").json()
    assert (returned["status"], returned["status_reason"]) == ("returned", "补充")
    assert official.patch(f"{URL}{pk}/", {"application_scenarios": 30}, format="json").status_code == 200
    assert official.post(f"{URL}{pk}/submit/").json()["status"] == "submitted"
    nomination_transition(actor=world.staff, nomination=m.Nomination.objects.get(pk=pk), action="accept")
    final = official.get(f"{URL}{pk}/").json()
    assert final["status"] == "accepted" and final["library_entry"] is not None
    assert final["application_scenarios"] == 30
    assert [
        e.action
        for e in AuditEvent.objects.filter(object_id=str(pk), object_type="tracks.nomination").order_by("id")
    ] == [
        "nomination.create",
        "nomination.update",
        "nomination.submit",
        "nomination.return",
        "nomination.update",
        "nomination.submit",
        "nomination.accept",
    ]


def test_status_is_read_only(world):
    draft = nomination(world)
    response = api(world.gd).patch(
        f"{URL}{draft.pk}/", {"status": "accepted", "narrative": "改"}, format="json"
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.status, draft.narrative) == (S.DRAFT, "改")


def test_a_zone_of_another_province_is_400_with_a_clear_message(world):
    response = api(world.gd).post(URL, payload(world, zone_key=NJ), format="json")
    assert response.status_code == 400
    message = ["「南京高新技术产业开发区」不属于广东省，您不能为其创建推荐。"]
    # the error shape, with v1's top-level field key beside it
    assert response.json() == {
        "code": "invalid",
        "detail": "请求参数或提交的数据有误。",
        "errors": {"zone": message},
        "zone": message,
    }
    response = api(world.zs).post(URL, payload(world, zone_key=GZ), format="json")
    assert response.status_code == 400
    assert response.json()["zone"] == [
        "您只能为本高新区（中山火炬高技术产业开发区）创建推荐，不能为「广州高新技术产业开发区」创建。"
    ]
    assert not m.Nomination.objects.exists()


def test_the_zone_cannot_change_after_creation(world):
    draft = nomination(world)
    response = api(world.gd).patch(f"{URL}{draft.pk}/", {"zone": f.zone(GZ).pk}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"zone": ["推荐创建后不能更改国家高新区。"]}


def test_a_proposed_track_of_another_province_cannot_be_named(world):
    proposer = f.official(NJ.split("-")[0], username="js2")
    track = f.TrackFactory(name="苏州提议赛道", status=m.TrackStatus.PROPOSED, proposed_by=proposer)
    response = api(world.gd).post(URL, payload(world, track=track.pk), format="json")
    assert response.status_code == 400
    # answered as a track that does not exist: the refusal names nothing of another province's proposal
    assert response.json()["errors"] == {"track": [f"无效主键 “{track.pk}” － 对象不存在。"]}


def test_submit_outside_the_window_is_400_with_the_window(world):
    draft = nomination(world)
    world.cycle.nomination_closes_at = timezone.now() - datetime.timedelta(hours=1)
    world.cycle.save()
    response = api(world.gd).post(f"{URL}{draft.pk}/submit/")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "window_closed"
    assert body["detail"].startswith("不在推荐窗口期内：2031年度推荐时间为 ")


def test_submit_over_the_quota_is_409_with_the_reason(world):
    world.cycle.default_quota = 1
    world.cycle.save()
    nomination(world, zone_key=GZ, status=S.SUBMITTED)
    draft = nomination(world)
    response = api(world.gd).post(f"{URL}{draft.pk}/submit/")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "广东省本批次推荐名额为 1 项，已全部使用，不能再推荐。",
        "code": "quota_exceeded",
        "errors": {},
    }


def test_incomplete_submit_and_duplicate_create_are_400(world):
    draft = nomination(world, narrative="")
    response = api(world.gd).post(f"{URL}{draft.pk}/submit/")
    assert (response.status_code, response.json()["code"]) == (400, "incomplete")
    duplicate = api(world.gd).post(URL, payload(world), format="json")
    assert duplicate.status_code == 400
    assert duplicate.json()["detail"] == "该高新区在本批次已推荐过这一赛道（已撤回的除外）。"


def test_a_stale_version_is_409(world):
    draft = nomination(world)
    client = api(world.gd)
    assert (
        client.patch(f"{URL}{draft.pk}/", {"narrative": "A", "version": 1}, format="json").status_code == 200
    )
    stale = client.patch(f"{URL}{draft.pk}/", {"narrative": "B", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"


def test_withdraw_with_a_reason(world):
    draft = nomination(world, status=S.SUBMITTED)
    response = api(world.gd).post(f"{URL}{draft.pk}/withdraw/", {"reason": "调整方向"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["status_reason"]) == ("withdrawn", "调整方向")
    again = api(world.gd).post(f"{URL}{draft.pk}/withdraw/")
    assert again.status_code == 400 and again.json()["code"] == "invalid_state"


def test_no_open_cycle_is_400(world):
    from tracks.services.cycles import cycle_advance

    # The window closes and staff move the cycle on to formal review: no cycle takes nominations any more.
    m.Cycle.objects.filter(pk=world.cycle.pk).update(
        nomination_closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    world.cycle.refresh_from_db()
    cycle_advance(cycle=world.cycle, actor=f.staff(), to_status=m.CycleStatus.FORMAL_REVIEW)
    response = api(world.gd).post(URL, payload(world), format="json")
    assert response.status_code == 400 and response.json()["code"] == "no_open_cycle"


def test_put_and_delete_are_not_offered(world):
    draft = nomination(world)
    client = api(world.gd)
    assert client.put(f"{URL}{draft.pk}/", payload(world), format="json").status_code == 405
    assert client.delete(f"{URL}{draft.pk}/").status_code == 405
    assert m.Nomination.objects.filter(pk=draft.pk).exists()


def test_options_describes_the_fields(world):
    response = api(world.gd).options(URL)
    assert response.status_code == 200
    fields = response.json()["actions"]["POST"]
    assert fields["zone"]["required"] is True and fields["zone"]["type"] == "field"
    assert fields["cycle"]["required"] is False
    assert fields["status"]["read_only"] is True
    assert fields["revenue"]["label"] == "营业收入（亿元）"
    assert {"value": "extension", "display_name": "新兴产业拓展"} in fields["origin"]["choices"]
    # Related fields list no choices: nothing of other provinces leaks through the metadata.
    assert "choices" not in fields["zone"]


def test_filters_and_pagination(world):
    nomination(world, status=S.SUBMITTED)
    nomination(world, zone_key=GZ)
    response = api(world.gd).get(URL, {"status": "submitted"})
    assert [row["zone"] for row in response.json()["results"]] == [f.zone(ZS).pk]
    assert response.json()["count"] == 1


@pytest.mark.parametrize("size", [2, 14])
def test_api_list_queries_do_not_grow(world, django_assert_max_num_queries, size):
    for zone in Zone.objects.filter(province__code=GD).order_by("key")[:size]:
        nomination(world, zone_key=zone.key)
    client = api(world.gd)
    with django_assert_max_num_queries(7):
        response = client.get(URL)
    assert response.json()["count"] == size


# -- the token on the profile page -------------------------------------------------------------------------------


def test_profile_creates_rotates_and_revokes_the_token(client, world):
    login(client, world.gd)
    assert "尚未创建接口令牌" in client.get(reverse("portal:profile")).content.decode()

    created = client.post(reverse("portal:profile"), {"op": "rotate"})
    first = Token.objects.get(user=world.gd).key
    assert created.context["new_key"] == first and first in created.content.decode()
    # Shown once: the next visit shows only its first characters.
    page = client.get(reverse("portal:profile")).content.decode()
    assert first not in page and f"当前令牌以 {first[:4]}… 开头" in page

    rotated = client.post(reverse("portal:profile"), {"op": "rotate"})
    second = Token.objects.get(user=world.gd).key
    assert second != first and rotated.context["new_key"] == second
    old = APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert old.get(URL).status_code == 401

    client.post(reverse("portal:profile"), {"op": "revoke"})
    assert not Token.objects.filter(user=world.gd).exists()
    events = list(AuditEvent.objects.filter(action__startswith="apitoken.").order_by("id"))
    assert [e.action for e in events] == ["apitoken.create", "apitoken.rotate", "apitoken.revoke"]
    assert all(first not in str(e.after) and second not in str(e.after) for e in events)
