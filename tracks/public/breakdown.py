"""How a list is read (domain.md): the share of its zones by region (东部/中部/西部/东北) and by strategic area
(京津冀, 长三角, 粤港澳大湾区 …), the way the source article reads the comprehensive evaluation of the zones."""

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from zones.display import local_name

ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class Share:
    code: str
    name: str
    count: int
    share: Decimal  # percent of the list's entries, one decimal place

    @property
    def bar(self) -> int:
        """The share rounded to 5% steps, for a bar drawn with a CSS class (no inline style)."""
        return min(100, int((self.share / 5).quantize(Decimal("1"), rounding=ROUND_HALF_UP)) * 5)


@dataclass(frozen=True)
class Breakdown:
    total: int
    regions: list  # every region, in its order, zeros included
    areas: list  # every strategic area, in its order, zeros included
    areas_combined: Share  # entries in any strategic area

    def chart(self, which: str) -> dict:
        rows = self.regions if which == "regions" else self.areas
        return {
            "labels": [row.name for row in rows],
            "values": [row.count for row in rows],
            "shares": [float(row.share) for row in rows],
        }


def percent(count: int, total: int) -> Decimal:
    if not total:
        return Decimal("0.0")
    return (Decimal(count) * 100 / Decimal(total)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def list_breakdown(entries, regions, areas) -> Breakdown:
    """Counts and shares of ``entries`` (ListEntry with province and zone loaded) by ``regions`` and ``areas``
    (Region and StrategicArea rows, in display order). A zone's region is its province's; its strategic area is the
    zone's own (set for whole provinces and for the cities of the Greater Bay Area)."""
    entries = list(entries)
    total = len(entries)
    by_region = Counter(entry.province.region_id for entry in entries)
    by_area = Counter(entry.zone.strategic_area_id for entry in entries if entry.zone.strategic_area_id)
    in_areas = sum(by_area.values())
    return Breakdown(
        total=total,
        regions=[
            Share(r.code, region_name(r), by_region[r.pk], percent(by_region[r.pk], total)) for r in regions
        ],
        areas=[Share(a.code, area_name(a), by_area[a.pk], percent(by_area[a.pk], total)) for a in areas],
        areas_combined=Share("all", _("重点区域合计"), in_areas, percent(in_areas, total)),
    )


def region_name(region) -> str:
    """东部 … in Chinese; the translated label of the region's code in another language (zones.display)."""
    return local_name(region)


def area_name(area) -> str:
    """京津冀 … in Chinese; the English name in another language where there is one (zones.display)."""
    return local_name(area)


def breakdown_summary(breakdown: Breakdown) -> str:
    """One paragraph the way the source article reads the evaluation: regions first, then strategic areas."""
    if not breakdown.total:
        return ""
    separator = _("；")
    regions = separator.join(
        _("%(name)s地区%(n)s个，占%(share)s%%") % {"name": row.name, "n": row.count, "share": row.share}
        for row in breakdown.regions
        if row.count
    )
    text = _("本榜单共有%(total)s个国家高新区入榜。从区域分布看，%(regions)s。") % {
        "total": breakdown.total,
        "regions": regions,
    }
    if breakdown.areas_combined.count:
        areas = separator.join(
            _("%(name)s%(n)s个（%(share)s%%）") % {"name": row.name, "n": row.count, "share": row.share}
            for row in breakdown.areas
            if row.count
        )
        text += _("从重点区域看，%(areas)s，合计占%(share)s%%。") % {
            "areas": areas,
            "share": breakdown.areas_combined.share,
        }
    else:
        text += _("入榜园区均不在京津冀、长三角、粤港澳大湾区等重点区域。")
    return text
