"""Reads of reference data (everything here is public)."""

from .models import Province, Zone


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
