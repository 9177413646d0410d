"""Reads of reference data (everything here is public)."""

from .models import Province, StrategicArea, Zone


def zones_public():
    return Zone.objects.filter(is_active=True).select_related("province__region", "strategic_area")


def provinces_public():
    return Province.objects.select_related("region", "strategic_area")


def next_zone_key(province: Province) -> str:
    """The next free key of a province's sequence, e.g. 440000-15."""
    prefix = f"{province.code}-"
    numbers = [
        int(key.split("-", 1)[1])
        for key in Zone.objects.filter(key__startswith=prefix).values_list("key", flat=True)
        if key.split("-", 1)[1].isdigit()
    ]
    return f"{prefix}{(max(numbers) + 1 if numbers else 1):02d}"


def province_areas(provinces) -> dict[int, list[dict]]:
    """The strategic areas (重点区域) of each province, by province id: the area the whole province belongs to, and
    the areas some of its active zones belong to (粤港澳大湾区 covers nine of 广东's cities, so 广东 belongs to it in
    part). Each as {"area", "whole", "zones"}: whole is True for the whole province's area; zones counts the
    province's active zones in the area. Two queries whatever the number of provinces."""
    provinces = list(provinces)
    areas = {area.pk: area for area in StrategicArea.objects.all()}
    in_zones = {}
    for province_id, area_id in (
        Zone.objects.filter(province__in=provinces, is_active=True, strategic_area__isnull=False)
        .order_by()
        .values_list("province_id", "strategic_area_id")
    ):
        counts = in_zones.setdefault(province_id, {})
        counts[area_id] = counts.get(area_id, 0) + 1
    result = {}
    for province in provinces:
        counts = in_zones.get(province.pk, {})
        rows = []
        if province.strategic_area_id:
            rows.append(
                {
                    "area": areas[province.strategic_area_id],
                    "whole": True,
                    "zones": counts.get(province.strategic_area_id, 0),
                }
            )
        for area_id, count in counts.items():
            if area_id != province.strategic_area_id:
                rows.append({"area": areas[area_id], "whole": False, "zones": count})
        rows.sort(key=lambda row: (not row["whole"], row["area"].order, row["area"].code))
        result[province.pk] = rows
    return result
