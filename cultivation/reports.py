"""The programme's yearly report (年度培育工作报告): one year's figures, computed with aggregate queries only (a fixed
number of queries whatever the data's size), drawn as a print-ready page and written as an .xlsx.

What each section counts, for the year Y:

* **推荐与受理** — the nominations of the cycle of year Y. *推荐* (submitted): recommended by the province and not
  taken back, i.e. every status but 草稿 and 已撤回. *受理* (accepted): passed formal review (已受理, 评审中, 已评分,
  已入榜, 未入榜). *退回修改* and *不予受理* beside them; 受理率 = 受理 / 推荐. By province and by region (东部 …).
* **重点新赛道园区榜单** — the cycle's published lists (current versions; superseded ones were replaced) and the
  share of their entries by region and by strategic area, read as the source reads the zones' evaluation.
* **培育库变动** — by cycle (年度批次), not by calendar year: a cycle's round runs into the next year, and the
  library entries it adds are stamped when formal review accepts them, whenever that is. *新入库*: the entries the
  cycle of year Y brought in (their ``entered_cycle``). *列为重点*: the entries on the cycle's current published
  lists. Re-entries, moves to 观察, 出库 and back to 培育中 are not tied to a cycle: they are counted from the audit
  log during the cycle's round, from the opening of its nomination window to the opening of the next cycle's (open
  for the latest cycle), per entry (an entry moved twice to 观察 counts once), so no change counts in two reports.
  A year without a cycle has no round and counts none. The status distribution beside them is today's.
* **培育举措** — active (not removed) measures dated in Y, by kind: how many, and their amount in 亿元.
* **年度监测** — the indicators of the monitoring reports for Y and Y−1 summed over all entries that reported, and
  the growth on a like-for-like basis (同口径): only entries that reported both years, so a newly reporting entry
  does not show up as growth.
"""

import io
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.models import AuditEvent
from office.cells import append_row
from tracks.models import (
    Cycle,
    LibraryEntry,
    LibraryStatus,
    ListEntry,
    ListStatus,
    MonitoringReport,
    Nomination,
    NominationStatus,
    ParkList,
)
from tracks.models.indicators import COUNT_INDICATORS, MONEY_INDICATORS
from zones.models import Region, StrategicArea

from .charts import hbar_chart
from .models import MeasureKind, SupportMeasure

ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")
NOT_SUBMITTED = [NominationStatus.DRAFT, NominationStatus.WITHDRAWN]
LIBRARY_OBJECT = "tracks.libraryentry"
# Audit actions that create or bring back an entry: counted as entries, not as status changes.
ENTRY_ACTIONS = ("library.enter", "library.reenter")
# The status changes reported, in the report's order: (status, label).
MOVEMENTS = [
    ("key", gettext_noop("列为重点")),
    ("watch", gettext_noop("转入观察")),
    ("exited", gettext_noop("出库")),
    ("cultivating", gettext_noop("恢复培育")),
]
INDICATORS = [(name, label, "count") for name, label in COUNT_INDICATORS] + [
    (name, label, "money") for name, label in MONEY_INDICATORS
]


def percent(part, whole, places=ONE_PLACE) -> Decimal | None:
    """part / whole in percent, rounded half up; None when the whole is 0 or missing."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(places, rounding=ROUND_HALF_UP)


def growth(current, previous) -> Decimal | None:
    """Year-on-year growth in percent, one place; None without a previous value above zero."""
    if current is None or not previous:
        return None
    return ((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)).quantize(
        ONE_PLACE, rounding=ROUND_HALF_UP
    )


def _region_label(code: str, name: str = "") -> str:
    try:
        return str(Region.Code(code).label)
    except ValueError:
        return name or code


# ---------------------------------------------------------------------------------------------------------------
# Sections


def _nominations(cycle, regions) -> dict:
    rows = []
    if cycle is not None:
        rows = list(
            Nomination.objects.filter(cycle=cycle)
            .exclude(status__in=NOT_SUBMITTED)
            .values("province__code", "province__name", "province__region__code")
            .annotate(
                submitted=Count("pk"),
                accepted=Count("pk", filter=Q(status__in=NominationStatus.ADMITTED)),
                returned=Count("pk", filter=Q(status=NominationStatus.RETURNED)),
                rejected=Count("pk", filter=Q(status=NominationStatus.REJECTED)),
                pending=Count("pk", filter=Q(status=NominationStatus.SUBMITTED)),
            )
            .order_by("province__code")
        )
    provinces = [
        {
            "code": row["province__code"],
            "name": row["province__name"],
            "region": _region_label(row["province__region__code"]),
            "region_code": row["province__region__code"],
            "submitted": row["submitted"],
            "accepted": row["accepted"],
            "returned": row["returned"],
            "rejected": row["rejected"],
            "pending": row["pending"],
            "rate": percent(row["accepted"], row["submitted"]),
        }
        for row in rows
    ]
    by_region = []
    for region in regions:
        mine = [row for row in provinces if row["region_code"] == region.code]
        submitted = sum(row["submitted"] for row in mine)
        accepted = sum(row["accepted"] for row in mine)
        by_region.append(
            {
                "code": region.code,
                "name": _region_label(region.code, region.name),
                "provinces": len(mine),
                "submitted": submitted,
                "accepted": accepted,
                "returned": sum(row["returned"] for row in mine),
                "rejected": sum(row["rejected"] for row in mine),
                "pending": sum(row["pending"] for row in mine),
                "rate": percent(accepted, submitted),
            }
        )
    total = {
        key: sum(row[key] for row in provinces)
        for key in ("submitted", "accepted", "returned", "rejected", "pending")
    }
    total["provinces"] = len(provinces)
    total["rate"] = percent(total["accepted"], total["submitted"])
    return {"provinces": provinces, "regions": by_region, "total": total}


def _lists(cycle, regions, areas) -> dict:
    lists = []
    if cycle is not None:
        lists = list(
            ParkList.objects.filter(cycle=cycle, status=ListStatus.PUBLISHED)
            .select_related("field", "track")
            .annotate(entry_count=Count("entries"))
            .order_by("field__order", "scope", "track__name", "pk")
        )
    entries = ListEntry.objects.filter(park_list__in=[item.pk for item in lists]).order_by()
    total = sum(item.entry_count for item in lists)
    zones = entries.values("zone_id").distinct().count() if lists else 0
    by_region = dict(entries.values_list("province__region__code").annotate(n=Count("pk"))) if lists else {}
    by_area = (
        dict(
            entries.filter(zone__strategic_area__isnull=False)
            .values_list("zone__strategic_area_id")
            .annotate(n=Count("pk"))
        )
        if lists
        else {}
    )
    in_areas = sum(by_area.values())
    return {
        "lists": [
            {
                "title": item.title,
                "scope": item.get_scope_display(),
                "field": item.field.name,
                "track": item.track.name if item.track_id else "",
                "version": item.version,
                "entries": item.entry_count,
                "published_at": item.published_at,
            }
            for item in lists
        ],
        "total_entries": total,
        "zones": zones,
        "regions": [
            {
                "code": region.code,
                "name": _region_label(region.code, region.name),
                "count": by_region.get(region.code, 0),
                "share": percent(by_region.get(region.code, 0), total) if total else None,
            }
            for region in regions
        ],
        "areas": [
            {
                "code": area.code,
                "name": area.name,
                "count": by_area.get(area.pk, 0),
                "share": percent(by_area.get(area.pk, 0), total) if total else None,
            }
            for area in areas
        ],
        "areas_combined": {"count": in_areas, "share": percent(in_areas, total) if total else None},
    }


def cycle_round(cycle) -> tuple:
    """[start, end) of a cycle's round for the library's changes: from the opening of its nomination window to the
    opening of the next cycle's; end is None for the latest cycle."""
    following = (
        Cycle.objects.filter(year__gt=cycle.year)
        .order_by("year")
        .values_list("nomination_opens_at", flat=True)
        .first()
    )
    return cycle.nomination_opens_at, following


def _library(cycle) -> dict:
    """培育库变动 of a cycle (the module's docstring); nothing without one."""
    start = end = None
    entered = reentered = 0
    changes = {}
    if cycle is not None:
        start, end = cycle_round(cycle)
        entered = LibraryEntry.objects.filter(entered_cycle=cycle).count()
        events = AuditEvent.objects.filter(object_type=LIBRARY_OBJECT, at__gte=start)
        if end is not None:
            events = events.filter(at__lt=end)
        events = events.annotate(to_status=KT("after__status")).order_by()
        reentered = events.filter(action="library.reenter").values("object_id").distinct().count()
        changes = dict(
            events.exclude(action__in=ENTRY_ACTIONS)
            .filter(after__status__in=[status for status, _label in MOVEMENTS])
            .values_list("to_status")
            .annotate(n=Count("object_id", distinct=True))
        )
        on_lists = ListEntry.objects.filter(
            park_list__cycle=cycle,
            park_list__status=ListStatus.PUBLISHED,
            zone_id=OuterRef("zone_id"),
            track_id=OuterRef("track_id"),
        )
        changes["key"] = LibraryEntry.objects.filter(Exists(on_lists)).count()
    stock = dict(LibraryEntry.objects.order_by().values_list("status").annotate(n=Count("pk")))
    movements = [
        {"code": "entered", "label": _("新入库"), "count": entered},
        {"code": "reentered", "label": _("重新入库"), "count": reentered},
    ] + [{"code": status, "label": _(label), "count": changes.get(status, 0)} for status, label in MOVEMENTS]
    return {
        "basis": "cycle" if cycle is not None else "none",
        "start": start,
        "end": end,
        "movements": movements,
        "by_code": {row["code"]: row["count"] for row in movements},
        "stock": [
            {"code": value, "label": label, "count": stock.get(value, 0)}
            for value, label in LibraryStatus.choices
        ],
        "stock_total": sum(stock.values()),
    }


def _measures(year) -> dict:
    measures = SupportMeasure.objects.active().filter(date__year=year).order_by()
    rows = {row["kind"]: row for row in measures.values("kind").annotate(n=Count("pk"), total=Sum("amount"))}
    totals = measures.aggregate(n=Count("pk"), amount=Sum("amount"), entries=Count("entry", distinct=True))
    kinds = [
        {
            "code": value,
            "label": label,
            "count": rows.get(value, {}).get("n", 0),
            "amount": (rows.get(value, {}).get("total") or Decimal("0")).quantize(TWO_PLACES),
        }
        for value, label in MeasureKind.choices
    ]
    return {
        "kinds": kinds,
        "total_count": totals["n"] or 0,
        "total_amount": (totals["amount"] or Decimal("0")).quantize(TWO_PLACES),
        "entries": totals["entries"] or 0,
    }


def _indicators(year) -> dict:
    previous = year - 1
    reports = MonitoringReport.objects.filter(year__in=[year, previous]).order_by()
    current_sums = {f"cur_{name}": Sum(name, filter=Q(year=year)) for name, _label, _kind in INDICATORS}
    previous_sums = {f"prev_{name}": Sum(name, filter=Q(year=previous)) for name, _label, _kind in INDICATORS}
    totals = reports.aggregate(
        entries_cur=Count("entry", filter=Q(year=year), distinct=True),
        entries_prev=Count("entry", filter=Q(year=previous), distinct=True),
        **current_sums,
        **previous_sums,
    )
    both = (
        MonitoringReport.objects.filter(year__in=[year, previous])
        .order_by()
        .values("entry_id")
        .annotate(years=Count("year", distinct=True))
        .filter(years=2)
        .values("entry_id")
    )
    same = reports.filter(entry_id__in=both).aggregate(
        entries=Count("entry", distinct=True), **current_sums, **previous_sums
    )
    rows = []
    for name, label, kind in INDICATORS:
        current = totals[f"cur_{name}"]
        before = totals[f"prev_{name}"]
        if kind == "money":
            current = current.quantize(TWO_PLACES) if current is not None else None
            before = before.quantize(TWO_PLACES) if before is not None else None
        rows.append(
            {
                "name": name,
                "label": label,
                "kind": kind,
                "current": current,
                "previous": before,
                "growth": growth(same[f"cur_{name}"], same[f"prev_{name}"]),
            }
        )
    return {
        "rows": rows,
        "entries_current": totals["entries_cur"],
        "entries_previous": totals["entries_prev"],
        "entries_both": same["entries"] or 0,
    }


def programme_report(year: int) -> dict:
    """Every figure of year Y's report (see the module's docstring for what each counts)."""
    cycle = Cycle.objects.filter(year=year).first()
    regions = list(Region.objects.order_by("order"))
    areas = list(StrategicArea.objects.order_by("order", "code"))
    return {
        "year": year,
        "previous_year": year - 1,
        "cycle": cycle,
        "generated_at": timezone.now(),
        "nominations": _nominations(cycle, regions),
        "lists": _lists(cycle, regions, areas),
        "library": _library(cycle),
        "measures": _measures(year),
        "indicators": _indicators(year),
    }


# ---------------------------------------------------------------------------------------------------------------
# Charts of the page (server-side SVG)


def report_charts(report: dict) -> dict:
    nominations = report["nominations"]
    lists = report["lists"]
    measures = report["measures"]
    indicators = report["indicators"]
    return {
        "provinces": hbar_chart(
            [(row["name"], row["submitted"]) for row in nominations["provinces"]],
            title=_("各省推荐数"),
            unit=_("项"),
        ),
        "regions": hbar_chart(
            [(row["name"], row["rate"]) for row in nominations["regions"]],
            title=_("各区域受理率"),
            unit="%",
        ),
        "list_regions": hbar_chart(
            [(row["name"], row["count"]) for row in lists["regions"]],
            title=_("入榜园区按区域分布"),
            unit=_("个次"),
        ),
        "list_areas": hbar_chart(
            [(row["name"], row["count"]) for row in lists["areas"]],
            title=_("入榜园区按重点区域分布"),
            unit=_("个次"),
        ),
        "library": hbar_chart(
            [(row["label"], row["count"]) for row in report["library"]["movements"]],
            title=_("培育库变动"),
            unit=_("个"),
        ),
        "measure_counts": hbar_chart(
            [(row["label"], row["count"]) for row in measures["kinds"]],
            title=_("培育举措数量（按类别）"),
            unit=_("项"),
        ),
        "measure_amounts": hbar_chart(
            [(row["label"], row["amount"]) for row in measures["kinds"]],
            title=_("培育举措涉及金额（按类别）"),
            unit=_("亿元"),
        ),
        "growth": hbar_chart(
            [(row["label"], row["growth"]) for row in indicators["rows"] if row["growth"] is not None],
            title=_("监测指标同口径增长"),
            unit="%",
        ),
    }


# ---------------------------------------------------------------------------------------------------------------
# The workbook (openpyxl, with native charts)


def _sheet(workbook, title, header, rows, *, widths=None):
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = workbook.create_sheet(title)
    for cell in append_row(sheet, header):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EAF1FA")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        append_row(sheet, [_cell(value) for value in row])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    return sheet


def _cell(value):
    """Amounts and rates as floats (the charts draw them); anything else as office.cells writes it."""
    return float(value) if isinstance(value, Decimal) else value


def _bar_chart(sheet, *, title, y_title, category_col, value_cols, rows, anchor, horizontal=True):
    from openpyxl.chart import BarChart, Reference

    if rows == 0:
        return None
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = str(title)
    chart.y_axis.title = str(y_title)
    chart.legend = None if len(value_cols) == 1 else chart.legend
    chart.height = max(7.5, 0.6 * rows + 3)
    chart.width = 16
    for col in value_cols:
        data = Reference(sheet, min_col=col, min_row=1, max_row=rows + 1)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=category_col, min_row=2, max_row=rows + 1))
    sheet.add_chart(chart, anchor)
    return chart


class _Chart(NamedTuple):
    """A native bar chart of a section: its title, the value axis's title, the table's columns it draws."""

    title: str
    y_title: str
    value_cols: list[int]
    horizontal: bool = True


def _section(workbook, title, columns, rows, *, charts=()):
    """One section's sheet: a table of ``rows`` (dicts) by ``columns`` — (header, key, width[, number format]) —
    and its bar charts, by the first column, stacked to the right of the table."""
    from openpyxl.utils import get_column_letter

    sheet = _sheet(
        workbook,
        title,
        [column[0] for column in columns],
        [[row[column[1]] for column in columns] for row in rows],
        widths=[column[2] for column in columns],
    )
    for index, column in enumerate(columns, start=1):
        if len(column) > 3:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = column[3]
    beside = get_column_letter(len(columns) + 2)
    for index, chart in enumerate(charts):
        _bar_chart(
            sheet,
            title=chart.title,
            y_title=chart.y_title,
            category_col=1,
            value_cols=chart.value_cols,
            rows=len(rows),
            anchor=f"{beside}{2 + 18 * index}",
            horizontal=chart.horizontal,
        )
    return sheet


def report_workbook(report: dict) -> bytes:
    """The report as an .xlsx: one sheet per section, each with its native bar chart."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    year = report["year"]
    workbook = Workbook()
    overview = workbook.active
    overview.title = _("概览")
    (title,) = append_row(overview, [_("%(year)s年度国家高新区新赛道培育工作报告") % {"year": year}])
    title.font = Font(bold=True, size=14)
    append_row(
        overview, [_("生成时间"), timezone.localtime(report["generated_at"]).strftime("%Y-%m-%d %H:%M")]
    )
    nominations = report["nominations"]["total"]
    lists = report["lists"]
    measures = report["measures"]
    for label, value in [
        (_("推荐数"), nominations["submitted"]),
        (_("受理数"), nominations["accepted"]),
        (_("受理率（%）"), nominations["rate"]),
        (_("已发布榜单数"), len(lists["lists"])),
        (_("入榜园区（个次）"), lists["total_entries"]),
        (_("新入库条目"), report["library"]["by_code"]["entered"]),
        (_("转入观察条目"), report["library"]["by_code"]["watch"]),
        (_("出库条目"), report["library"]["by_code"]["exited"]),
        (_("培育举措（项）"), measures["total_count"]),
        (_("培育举措涉及金额（亿元）"), measures["total_amount"]),
    ]:
        append_row(overview, [label, _cell(value)])
    overview.column_dimensions["A"].width = 28
    overview.column_dimensions["B"].width = 20

    _section(
        workbook,
        _("推荐与受理（省份）"),
        [
            (_("省份"), "name", 18),
            (_("区域"), "region", 8),
            (_("推荐"), "submitted", 8),
            (_("受理"), "accepted", 8),
            (_("退回修改"), "returned", 10),
            (_("不予受理"), "rejected", 10),
            (_("待审查"), "pending", 8),
            (_("受理率（%）"), "rate", 12),
        ],
        report["nominations"]["provinces"],
        charts=[_Chart(_("各省推荐与受理"), _("项"), [3, 4])],
    )
    _section(
        workbook,
        _("推荐与受理（区域）"),
        [
            (_("区域"), "name", 10),
            (_("推荐省份数"), "provinces", 12),
            (_("推荐"), "submitted", 8),
            (_("受理"), "accepted", 8),
            (_("受理率（%）"), "rate", 12),
        ],
        report["nominations"]["regions"],
        charts=[_Chart(_("各区域受理率"), "%", [5], horizontal=False)],
    )
    _section(
        workbook,
        _("榜单"),
        [
            (_("榜单"), "title", 40),
            (_("范围"), "scope", 8),
            (_("领域"), "field", 14),
            (_("赛道"), "track", 16),
            (_("版本"), "version", 6),
            (_("入榜数"), "entries", 8),
            (_("发布时间"), "published_at", 18, "yyyy-mm-dd hh:mm"),
        ],
        lists["lists"],
    )
    _section(
        workbook,
        _("榜单分布"),
        [
            (_("区域 / 重点区域"), "name", 18),
            (_("入榜园区（个次）"), "count", 16),
            (_("占比（%）"), "share", 10),
        ],
        [*lists["regions"], *lists["areas"]],
        charts=[_Chart(_("入榜园区按区域和重点区域分布"), _("个次"), [2])],
    )
    _section(
        workbook,
        _("培育库变动"),
        [(_("变动"), "label", 14), (_("条目数"), "count", 10)],
        report["library"]["movements"],
        charts=[_Chart(library_caption(report), _("个"), [2])],
    )
    _section(
        workbook,
        _("培育举措"),
        [
            (_("举措类别"), "label", 16),
            (_("数量（项）"), "count", 12),
            (_("涉及金额（亿元）"), "amount", 16, "0.00"),
        ],
        measures["kinds"],
        charts=[
            _Chart(_("培育举措数量（按类别）"), _("项"), [2]),
            _Chart(_("培育举措涉及金额（按类别）"), _("亿元"), [3]),
        ],
    )
    _section(
        workbook,
        _("年度监测"),
        [
            (_("指标"), "label", 22),
            (_("%(year)s年合计") % {"year": year}, "current", 14),
            (_("%(year)s年合计") % {"year": year - 1}, "previous", 14),
            (_("同口径增长（%）"), "growth", 16),
        ],
        report["indicators"]["rows"],
        charts=[_Chart(_("监测指标同口径增长"), "%", [4])],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def library_caption(report: dict) -> str:
    """What the library's changes count: the cycle of the year (none when the year has no cycle)."""
    if report["library"]["basis"] == "cycle":
        return _("%(year)s年度批次培育库变动") % {"year": report["year"]}
    return _("%(year)s年度无批次，培育库变动") % {"year": report["year"]}


def report_text(report: dict) -> str:
    """A plain-text summary for the command line."""
    year = report["year"]
    nominations = report["nominations"]["total"]
    lists = report["lists"]
    library = report["library"]["by_code"]
    measures = report["measures"]
    rate = nominations["rate"]
    lines = [
        _("%(year)s年度国家高新区新赛道培育工作报告") % {"year": year},
        _("推荐 %(submitted)s 项，受理 %(accepted)s 项，受理率 %(rate)s")
        % {
            "submitted": nominations["submitted"],
            "accepted": nominations["accepted"],
            "rate": f"{rate}%" if rate is not None else "—",
        },
        _("已发布榜单 %(lists)s 个，入榜园区 %(entries)s 个次")
        % {"lists": len(lists["lists"]), "entries": lists["total_entries"]},
        _("%(caption)s：新入库 %(entered)s 个，转入观察 %(watch)s 个，出库 %(exited)s 个")
        % {
            "caption": library_caption(report),
            "entered": library["entered"],
            "watch": library["watch"],
            "exited": library["exited"],
        },
        _("培育举措 %(count)s 项，涉及金额 %(amount)s 亿元")
        % {"count": measures["total_count"], "amount": measures["total_amount"]},
    ]
    for row in measures["kinds"]:
        lines.append(f"  {row['label']}: {row['count']} / {row['amount']}")
    return "\n".join(str(line) for line in lines)
