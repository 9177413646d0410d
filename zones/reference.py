"""Load the reference data shipped in zones/data/ (regions, strategic areas, provinces, zones).

Works with the live models and with a migration's historical models, so it never relies on custom
``save()`` methods. Matching is by natural key only (region code, province code, zone key): loading again
adds what is missing, refreshes zones nobody has edited, and never touches a zone an operator corrected.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .pinyin import pinyin_full, pinyin_initials

DATA_DIR = Path(__file__).resolve().parent / "data"

REGIONS = [("east", "东部", 1), ("central", "中部", 2), ("west", "西部", 3), ("northeast", "东北", 4)]
AREA_CODES = {"京津冀": "jing-jin-ji", "长三角": "yangtze-river-delta", "粤港澳大湾区": "greater-bay-area"}
PROVINCE_SHORT_NAMES = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
    "新疆生产建设兵团": "兵团",
}


def province_short_name(name: str) -> str:
    if name in PROVINCE_SHORT_NAMES:
        return PROVINCE_SHORT_NAMES[name]
    return name.removesuffix("省").removesuffix("市")


def zone_short_name(name: str) -> str:
    """石家庄高新技术产业开发区 → 石家庄高新区, the form officials use."""
    for long, short in (
        ("高新技术产业开发区", "高新区"),
        ("高技术产业开发区", "高新区"),
        ("高新技术产业园区", "高新区"),
        ("农业高新技术产业示范区", "农高区"),
        ("新技术开发区", "高新区"),
    ):
        if name.endswith(long):
            return name[: -len(long)] + short
    return name


def read_csv(name: str) -> list[dict]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass
class LoadReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    kept: int = 0

    def count(self, bucket: dict, name: str):
        bucket[name] = bucket.get(name, 0) + 1


def load_reference_data(Region, StrategicArea, Province, Zone) -> LoadReport:  # noqa: N803 (model classes)
    report = LoadReport()

    regions = {}
    for code, name, order in REGIONS:
        region, created = Region.objects.get_or_create(code=code, defaults={"name": name, "order": order})
        regions[region.name] = region
        if created:
            report.count(report.created, "region")

    area_rows = read_csv("strategic_areas.csv")
    areas = {}
    for order, row in enumerate(dict.fromkeys((r["area_zh"], r["area_en"]) for r in area_rows), start=1):
        name_zh, name_en = row
        area, created = StrategicArea.objects.get_or_create(
            code=AREA_CODES.get(name_zh, pinyin_full(name_zh)[:32]),
            defaults={"name": name_zh, "name_en": name_en, "order": order},
        )
        areas[name_zh] = area
        if created:
            report.count(report.created, "strategic_area")
    whole_province_area = {
        r["province_zh"]: areas[r["area_zh"]] for r in area_rows if not r["cities_zh"].strip()
    }
    city_area = {
        (r["province_zh"], city.strip()): areas[r["area_zh"]]
        for r in area_rows
        for city in r["cities_zh"].split(";")
        if city.strip()
    }

    provinces = {}
    for row in read_csv("regions.csv"):
        province, created = Province.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["province_zh"],
                "short_name": province_short_name(row["province_zh"]),
                "region": regions[row["region_zh"]],
                "strategic_area": whole_province_area.get(row["province_zh"]),
            },
        )
        provinces[row["province_zh"]] = province
        if created:
            report.count(report.created, "province")

    existing = {zone.key: zone for zone in Zone.objects.all()}
    for row in read_csv("zones.csv"):
        province = provinces[row["province_zh"]]
        city = row["city_zh"].strip()
        short_name = zone_short_name(row["name_zh"])
        values = {
            "name": row["name_zh"].strip(),
            "short_name": short_name,
            "province": province,
            "city": city,
            "approved_year": int(row["approved_year"]) if row["approved_year"].strip() else None,
            "strategic_area": whole_province_area.get(row["province_zh"])
            or city_area.get((row["province_zh"], city)),
            "source": row["source"].strip(),
            "pinyin": pinyin_full(row["name_zh"] + short_name)[:255],
            "pinyin_initials": pinyin_initials(short_name)[:64],
        }
        zone = existing.get(row["key"])
        if zone is None:
            Zone.objects.create(key=row["key"], **values)
            report.count(report.created, "zone")
        elif zone.operator_edited:
            report.kept += 1
        else:
            changed = [name for name, value in values.items() if getattr(zone, name) != value]
            if changed:
                for name in changed:
                    setattr(zone, name, values[name])
                zone.save(update_fields=changed)
                report.count(report.updated, "zone")
    return report
