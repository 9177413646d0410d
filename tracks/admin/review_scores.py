"""The staff score list's export (.xlsx): one row per criterion score, as filtered in the admin."""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import AssignmentStatus


def scores_workbook(queryset) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from office.cells import append_row

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("评分")
    header = [
        _("年度批次"),
        _("领域"),
        _("赛道"),
        _("国家高新区"),
        _("省份"),
        _("评审专家"),
        _("评价维度"),
        _("分值"),
        _("满分"),
        _("评语"),
        _("评分状态"),
        _("提交时间"),
        _("更新时间"),
    ]
    for cell in append_row(sheet, header):
        cell.font = Font(bold=True)
    for score in queryset.order_by(
        "assignment__nomination_id", "assignment__reviewer__name", "criterion__order"
    ):
        assignment = score.assignment
        nomination = assignment.nomination
        row = [
            nomination.cycle.year,
            nomination.track.field.name,
            nomination.track.name,
            nomination.zone.display_name,
            nomination.province.name,
            assignment.reviewer.name,
            score.criterion.name,
            Decimal(score.value),
            Decimal(score.max_score),
            score.comment,
            _("已提交") if assignment.status == AssignmentStatus.SUBMITTED else _("草稿"),
            timezone.localtime(assignment.submitted_at).replace(tzinfo=None)
            if assignment.submitted_at
            else "",
            timezone.localtime(score.updated_at).replace(tzinfo=None),
        ]
        for cell in append_row(sheet, row):
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00"
    for letter, width in zip("ABCDEFGHIJKLM", [8, 12, 14, 24, 10, 10, 10, 8, 8, 50, 8, 17, 17], strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
