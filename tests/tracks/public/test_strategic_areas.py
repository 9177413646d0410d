"""A province's page shows every strategic area it lies in, wholly or in part."""

import pytest

from zones.models import Province, StrategicArea, Zone

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------------------------
# Strategic areas of a province


def test_guangdong_shows_the_greater_bay_area_in_part(client):
    gba = StrategicArea.objects.get(name="粤港澳大湾区")
    in_gba = Zone.objects.filter(province__code="440000", is_active=True, strategic_area=gba).count()
    assert in_gba == 9
    html = client.get("/provinces/440000/").content.decode()
    areas = html.split("data-areas>")[1].split("</dd>")[0]
    assert areas == '<span lang="zh-hans">粤港澳大湾区</span>（部分地区，9 个国家高新区）'
    index = client.get("/provinces/").content.decode()
    assert '<span lang="zh-hans">粤港澳大湾区</span>（部分地区，9 个国家高新区）' in index


def test_a_whole_province_area_and_a_province_without_one(client):
    html = client.get("/provinces/320000/").content.decode()
    assert html.split("data-areas>")[1].split("</dd>")[0] == '<span lang="zh-hans">长三角</span>'
    html = client.get("/provinces/510000/").content.decode()
    assert html.split("data-areas>")[1].split("</dd>")[0] == "—"
    assert Province.objects.get(code="510000").strategic_area is None
