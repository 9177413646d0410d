"""Exports of a user's own nominations (.xlsx): the same columns as the import template, plus their state.

Every cell goes through ``office.cells`` (text never becomes a formula). The columns the template has carry the
template's values (zone as 名称（编号）, choices by their Chinese labels), so an exported file can be edited and
imported again.
"""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from office.cells import write_cell

from .imports import COLUMNS, choice_labels, header, zone_value
from .models import CultivationModel, Origin


def nominations_workbook(nominations) -> Workbook:
    """One row per nomination of the (already scoped) queryset."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("推荐导出")
    leading = [_("编号"), _("年度"), _("推荐省份")]
    trailing = [_("领域"), _("状态"), _("状态变更理由"), _("推荐时间"), _("更新时间"), _("版本")]
    headers = [*leading, *[header(name) for name in COLUMNS], *trailing]
    # The template's (Chinese) labels whatever the page's language, as the import reads them.
    labels = {
        "origin": {value: label for label, value in choice_labels(Origin).items()},
        "cultivation_model": {value: label for label, value in choice_labels(CultivationModel).items()},
    }
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="0D4A8F")
    for index, text in enumerate(headers, start=1):
        cell = write_cell(sheet, 1, index, text)
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
            elif name in labels:
                values.append(labels[name].get(getattr(nomination, name)))
            else:
                values.append(getattr(nomination, name))
        values += [
            nomination.track.field.name,
            nomination.get_status_display(),
            nomination.status_reason,
            nomination.submitted_at,
            nomination.updated_at,
            nomination.version,
        ]
        for column, value in enumerate(values, start=1):
            cell = write_cell(sheet, row, column, value)
            if hasattr(value, "hour"):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif headers[column - 1].endswith("（亿元）") or headers[column - 1].endswith("（%）"):
                cell.number_format = "0.00"
    return workbook
