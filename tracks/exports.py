"""Exports of a user's own nominations (.xlsx): the same columns as the import template, plus their state."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .imports import COLUMNS, header, zone_value


def _localtime(value):
    # Excel has no time zones: write the local wall-clock time without tzinfo.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def nominations_workbook(nominations) -> Workbook:
    """One row per nomination of the (already scoped) queryset."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("推荐导出")
    leading = [_("编号"), _("年度"), _("推荐省份")]
    trailing = [_("领域"), _("状态"), _("状态变更理由"), _("推荐时间"), _("更新时间"), _("版本")]
    headers = [*leading, *[header(name) for name in COLUMNS], *trailing]
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="0D4A8F")
    for index, text in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index, value=text)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = 30 if index in (4, 8, 9) else 16
    sheet.freeze_panes = "E2"
    for row, nomination in enumerate(nominations, start=2):
        values = [nomination.pk, nomination.cycle.year, nomination.province.name]
        for name in COLUMNS:
            if name == "zone":
                values.append(zone_value(nomination.zone))
            elif name == "track":
                values.append(nomination.track.name)
            elif name == "origin":
                values.append(nomination.get_origin_display() if nomination.origin else None)
            elif name == "cultivation_model":
                values.append(
                    nomination.get_cultivation_model_display() if nomination.cultivation_model else None
                )
            else:
                value = getattr(nomination, name)
                values.append(value if value != "" else None)
        values += [
            nomination.track.field.name,
            nomination.get_status_display(),
            nomination.status_reason or None,
            _localtime(nomination.submitted_at),
            _localtime(nomination.updated_at),
            nomination.version,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if hasattr(value, "hour"):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif headers[column - 1].endswith("（亿元）") or headers[column - 1].endswith("（%）"):
                cell.number_format = "0.00"
    return workbook
