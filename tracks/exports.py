"""Workbooks (.xlsx) to download: a user's own nominations, and the review desk's ranking of a cycle.

Every cell goes through ``office.cells`` (text never becomes a formula). The nominations carry the same columns as
the import template, plus their state; the columns the template has carry the template's values (zone as
名称（编号）, choices by their Chinese labels), so an exported file can be edited and imported again.
"""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from office.cells import append_row, write_cell

from .imports import COLUMNS, choice_labels, header, zone_value
from .models import CultivationModel, Cycle, Origin, RankingSnapshot
from .selectors.review_desk import ranking_tables


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


def _cell(value):
    """Numbers as numbers (the tables carry some as text, e.g. "86.75"); the rest as it is, for office.cells to
    write as text."""
    if value is None or value == "" or isinstance(value, int | Decimal):
        return value
    text = str(value)
    if text.replace(".", "", 1).lstrip("-").isdigit():
        return Decimal(text)
    return text


def ranking_workbook(cycle: Cycle, snapshot: RankingSnapshot) -> bytes:
    tables = ranking_tables(snapshot)
    criteria = [c["name"] for c in tables["criteria"]]
    headers = [
        _("排名"),
        _("国家高新区"),
        _("省份"),
        _("赛道"),
        _("总分"),
        *[_("%(name)s（截尾均值）") % {"name": name} for name in criteria],
        _("评审数"),
        _("离散度（标准差）"),
        _("极差（最高−最低）"),
        _("标记"),
        _("名次决定因素"),
    ]
    workbook = Workbook()

    def sheet(title, header_row, body):
        ws = workbook.create_sheet(title)
        for cell in append_row(ws, header_row):
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for values in body:
            for cell in append_row(ws, [_cell(v) for v in values]):
                if isinstance(cell.value, Decimal):
                    cell.number_format = "0.00"
        for index, _header in enumerate(header_row, start=1):
            ws.column_dimensions[get_column_letter(index)].width = 14 if index > 1 else 8
        ws.freeze_panes = "A2"
        return ws

    def body_rows(rows, field=None):
        return [
            [
                r["rank"] if r["rank"] is not None else "—",
                r["zone"],
                r["province"],
                r["track"],
                r["total"],
                *r["criteria"],
                r["review_count"],
                r["spread_sd"],
                r["spread_range"],
                r["flags"],
                r["decided_by"],
            ]
            for r in rows
        ]

    track_rows, field_rows, bias_rows = [], [], []
    for group in tables["fields"]:
        for track in group["tracks"]:
            for row in body_rows(track["rows"]):
                track_rows.append([group["field"].name, *row])
        for row in body_rows(group["rows"]):
            field_rows.append([group["field"].name, *row])
        for entry in group["reviewers"]:
            bias_rows.append(
                [
                    group["field"].name,
                    entry["name"],
                    entry["count"],
                    entry["mean_total"],
                    entry["bias"],
                    entry["mean_total_raw"],
                    entry["bias_raw"],
                    entry["normalisation"],
                ]
            )
    sheet(_("按赛道排名"), [_("领域"), *headers], track_rows)
    sheet(_("按领域排名"), [_("领域"), *headers], field_rows)
    sheet(
        _("评审专家偏差"),
        [
            _("领域"),
            _("评审专家"),
            _("评审数"),
            _("平均总分"),
            _("偏差"),
            _("原始平均总分"),
            _("原始偏差"),
            _("标准化说明"),
        ],
        bias_rows,
    )
    about = workbook.create_sheet(_("说明"))
    summary = tables["summary"]
    for label, value in [
        (_("年度批次"), str(cycle)),
        (_("排名快照"), f"#{snapshot.pk}"),
        (_("计算时间"), timezone.localtime(snapshot.computed_at).strftime("%Y-%m-%d %H:%M:%S")),
        (_("评分标准化"), _("是") if snapshot.normalised else _("否")),
        (_("输入数据 SHA-256"), snapshot.inputs_sha256),
        (_("计算方法"), snapshot.results.get("method", "")),
        (_("推荐项目数"), summary.get("nominations")),
        (_("参与排名"), summary.get("ranked")),
        (_("标记未排名（评审不足3份或评分不完整）"), summary.get("flagged")),
        (
            _("计算规则"),
            _(
                "各维度取截尾均值（5份及以上去掉一个最高分和一个最低分，不足5份取平均）；总分 = Σ 权重 × 截尾均值 ÷ 满分；"
                "同分依次比较战略性、带动性、领先性、成长性的截尾均值，再比较最终提交时间；离散度为各专家总分的总体标准差。"
            ),
        ),
    ]:
        append_row(about, [label, value])
    about.column_dimensions["A"].width = 36
    about.column_dimensions["B"].width = 90
    del workbook[workbook.sheetnames[0]]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
