"""Staff add, rename and correct zones through the admin; every change is audited and survives a reload."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests import factories
from zones.models import Province, Region, StrategicArea, Zone
from zones.reference import load_reference_data
from zones.selectors import next_zone_key

pytestmark = pytest.mark.django_db

ZONE_COUNT = 177


@pytest.fixture
def staff_client(client):
    user = factories.staff(username="ops")
    client.force_login(user)
    client.user = user
    return client


def zone_post_data(zone: Zone, **changes) -> dict:
    data = {
        "name": zone.name,
        "short_name": zone.short_name,
        "province": str(zone.province_id),
        "city": zone.city,
        "approved_year": "" if zone.approved_year is None else str(zone.approved_year),
        "strategic_area": "" if zone.strategic_area_id is None else str(zone.strategic_area_id),
        "source": zone.source,
        "audit_reason": "",
    }
    if zone.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return data


def reload_reference_data():
    return load_reference_data(Region, StrategicArea, Province, Zone)


def test_reference_data_has_the_known_zones():
    assert Zone.objects.count() == ZONE_COUNT
    assert not Zone.objects.filter(operator_edited=True).exists()


def test_rename_is_audited_marked_and_survives_a_reload(staff_client):
    zone = factories.zone("440000-03")
    old_name, old_short = zone.name, zone.short_name
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    assert staff_client.get(url).status_code == 200

    response = staff_client.post(
        url,
        zone_post_data(
            zone, name="深圳市高新技术产业园区（更名）", short_name="深圳高新区", audit_reason="依批复更名"
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    zone.refresh_from_db()
    assert zone.name == "深圳市高新技术产业园区（更名）"
    assert zone.short_name == "深圳高新区"
    assert zone.operator_edited is True
    assert zone.key == "440000-03"

    event = AuditEvent.objects.get(action="zone.update", object_id=str(zone.pk))
    assert event.object_type == "zones.zone"
    assert event.actor == staff_client.user
    assert event.actor_repr == "ops"
    assert event.reason == "依批复更名"
    assert event.before == {"name": old_name, "short_name": old_short, "operator_edited": False}
    assert event.after == {
        "name": "深圳市高新技术产业园区（更名）",
        "short_name": "深圳高新区",
        "operator_edited": True,
    }

    report = reload_reference_data()
    zone.refresh_from_db()
    assert zone.name == "深圳市高新技术产业园区（更名）"
    assert zone.short_name == "深圳高新区"
    assert Zone.objects.count() == ZONE_COUNT
    assert report.kept == 1
    assert report.created == {}


def test_history_is_shown_on_the_change_page(staff_client):
    zone = factories.zone("440000-03")
    old_name = zone.name
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    staff_client.post(url, zone_post_data(zone, name="新名称高新区", audit_reason="勘误"))

    page = staff_client.get(url).content.decode()

    assert "变更记录" in page
    assert f"{old_name} → 新名称高新区" in page
    assert "ops" in page
    assert "勘误" in page


def test_saving_without_a_change_records_nothing_and_keeps_the_flag(staff_client):
    zone = factories.zone("440000-03")
    url = reverse("admin:zones_zone_change", args=[zone.pk])

    response = staff_client.post(url, zone_post_data(zone))

    assert response.status_code == 302
    zone.refresh_from_db()
    assert zone.operator_edited is False
    assert not AuditEvent.objects.filter(object_type="zones.zone").exists()


def test_moving_a_zone_to_another_province_is_audited_by_key(staff_client):
    zone = factories.zone("440000-03")
    guangxi = factories.province("450000")
    url = reverse("admin:zones_zone_change", args=[zone.pk])

    staff_client.post(url, zone_post_data(zone, province=str(guangxi.pk)))

    event = AuditEvent.objects.get(action="zone.update")
    assert event.before["province_id"] == zone.province_id
    assert event.after["province_id"] == guangxi.pk
    page = staff_client.get(url).content.decode()
    assert f"{zone.province.name} → {guangxi.name}" in page


def test_add_page_prefills_the_next_key_of_the_province(staff_client):
    guangdong = factories.province("440000")
    expected = next_zone_key(guangdong)

    response = staff_client.get(reverse("admin:zones_zone_add") + f"?province={guangdong.pk}")

    assert response.status_code == 200
    assert response.context["adminform"].form.initial["key"] == expected
    assert f'value="{expected}"' in response.content.decode()


def test_add_is_audited_marked_and_not_duplicated_by_a_reload(staff_client):
    guangdong = factories.province("440000")
    key = next_zone_key(guangdong)

    response = staff_client.post(
        reverse("admin:zones_zone_add"),
        {
            "key": key,
            "name": "某某高新技术产业开发区",
            "short_name": "某某高新区",
            "province": str(guangdong.pk),
            "city": "某某市",
            "approved_year": "2025",
            "strategic_area": "",
            "is_active": "on",
            "source": "国务院批复",
            "audit_reason": "新获批",
        },
    )

    assert response.status_code == 302
    zone = Zone.objects.get(key=key)
    assert zone.operator_edited is True
    assert zone.pinyin  # computed on save
    event = AuditEvent.objects.get(action="zone.create")
    assert event.object_id == str(zone.pk)
    assert event.before is None
    assert event.after["key"] == key
    assert event.after["name"] == "某某高新技术产业开发区"
    assert event.reason == "新获批"
    assert Zone.objects.count() == ZONE_COUNT + 1

    reload_reference_data()
    assert Zone.objects.count() == ZONE_COUNT + 1
    assert Zone.objects.get(key=key).name == "某某高新技术产业开发区"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("44000003", "高新区编号格式应为“省级代码-序号”，如 440000-03。"),
        ("440000-3", "高新区编号格式应为“省级代码-序号”，如 440000-03。"),
        ("450000-99", "编号应以所在省份的行政区划代码 440000 开头"),
    ],
)
def test_add_refuses_a_malformed_key(staff_client, key, message):
    guangdong = factories.province("440000")

    response = staff_client.post(
        reverse("admin:zones_zone_add"),
        {"key": key, "name": "测试高新区", "province": str(guangdong.pk), "is_active": "on"},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["key"]
    assert any(message in error for error in errors)
    assert Zone.objects.count() == ZONE_COUNT
    assert not AuditEvent.objects.exclude(action__startswith="login").exists()


def test_key_is_read_only_on_change(staff_client):
    zone = factories.zone("440000-03")
    url = reverse("admin:zones_zone_change", args=[zone.pk])

    response = staff_client.post(url, zone_post_data(zone, key="440000-99"))

    assert response.status_code == 302
    zone.refresh_from_db()
    assert zone.key == "440000-03"


def test_province_change_is_audited(staff_client):
    province = factories.province("440000")
    url = reverse("admin:zones_province_change", args=[province.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert "在本省新增高新区" in response.content.decode()

    response = staff_client.post(
        url,
        {
            "code": province.code,
            "name": province.name,
            "short_name": "粤",
            "region": str(province.region_id),
            "strategic_area": str(province.strategic_area_id or ""),
            "zones-TOTAL_FORMS": "0",
            "zones-INITIAL_FORMS": str(province.zones.count()),
            "zones-MIN_NUM_FORMS": "0",
            "zones-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    event = AuditEvent.objects.get(action="province.update")
    assert event.before == {"short_name": "广东"}
    assert event.after == {"short_name": "粤"}


def test_official_cannot_reach_the_zone_admin(client):
    client.force_login(factories.official())
    response = client.get(reverse("admin:zones_zone_changelist"))
    assert response.status_code == 302  # not staff: sent to the admin login


@pytest.mark.parametrize(("province_code", "rows"), [("440000", None), (None, 50)])
def test_zone_changelist_queries_do_not_grow_with_rows(
    staff_client, django_assert_max_num_queries, province_code, rows
):
    url = reverse("admin:zones_zone_changelist")
    if province_code:
        province = factories.province(province_code)
        url += f"?province__id__exact={province.pk}"
        rows = province.zones.count()
    with django_assert_max_num_queries(11):
        response = staff_client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows
