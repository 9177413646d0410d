import pytest
from django.core.management import call_command

from zones.models import Province, Region, StrategicArea, Zone
from zones.reference import load_reference_data

pytestmark = pytest.mark.django_db


def reload():
    return load_reference_data(Region, StrategicArea, Province, Zone)


def test_migrate_loads_the_reference_data():
    assert Zone.objects.count() == 177
    assert Province.objects.count() == 32
    assert Region.objects.count() == 4
    assert StrategicArea.objects.count() == 3


def test_provinces_carry_codes_regions_and_areas():
    bingtuan = Province.objects.get(code="660000")
    assert bingtuan.name == "新疆生产建设兵团"
    assert bingtuan.region.code == "west"
    assert Province.objects.get(code="210000").region.name == "东北"
    assert Province.objects.get(code="320000").strategic_area.name == "长三角"
    assert Province.objects.get(code="440000").strategic_area is None


def test_zones_keep_source_and_strategic_area():
    zhongguancun = Zone.objects.get(key="110000-01")
    assert zhongguancun.name == "中关村科技园区"
    assert zhongguancun.province.code == "110000"
    assert zhongguancun.approved_year == 1988
    assert "github:" in zhongguancun.source
    assert zhongguancun.strategic_area.name == "京津冀"
    # 粤港澳大湾区 is nine cities of Guangdong, not the whole province.
    assert Zone.objects.get(key="440000-02").strategic_area.name == "粤港澳大湾区"
    gba = Zone.objects.filter(strategic_area__code="greater-bay-area")
    assert gba.exists() and not gba.exclude(province__code="440000").exists()
    assert Zone.objects.get(key="440000-01").short_name == "广州高新区"


def test_reload_is_idempotent():
    report = reload()
    assert report.created == {}
    assert report.updated == {}
    assert Zone.objects.count() == 177


def test_reload_keeps_an_operator_rename_and_adds_no_duplicate():
    zone = Zone.objects.get(key="330000-07")
    zone.name = "嘉兴高新技术产业开发区"
    zone.short_name = "嘉兴高新区"
    zone.operator_edited = True
    zone.save()

    report = reload()

    zone.refresh_from_db()
    assert zone.name == "嘉兴高新技术产业开发区"
    assert report.kept == 1
    assert Zone.objects.count() == 177
    assert Zone.objects.filter(name__startswith="嘉兴").count() == 1


def test_reload_restores_a_zone_nobody_edited_and_readds_a_missing_one():
    Zone.objects.filter(key="110000-01").update(city="错误的城市")
    Zone.objects.get(key="660000-01").delete() if Zone.objects.filter(key="660000-01").exists() else None
    call_command("load_reference_data", verbosity=0)
    assert Zone.objects.get(key="110000-01").city == "北京市"
    assert Zone.objects.count() == 177


def test_zone_search_by_name_pinyin_and_initials():
    assert Zone.objects.search("中关村").filter(key="110000-01").exists()
    assert Zone.objects.search("zhongguancun").filter(key="110000-01").exists()
    assert Zone.objects.search("zgc").filter(key="110000-01").exists()
