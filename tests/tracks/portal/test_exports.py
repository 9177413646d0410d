"""The export of one's own nominations (/portal/nominations/export.xlsx): text somebody typed is a text cell, never
a formula, shown without a prefix; and the exported file, edited, imports again with the same texts and numbers."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tests.tracks.portal_support import (
    login,
    nomination,
)
from tests.tracks.test_imports import filled, row_values, template
from tracks import models as m

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA = '=HYPERLINK("http://example.com/x","点击查看")'


def export(client):
    response = client.get(reverse("portal:nominations_export"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return response.content


def column(sheet, title: str) -> int:
    return [cell.value for cell in sheet[1]].index(title) + 1


def test_a_narrative_that_looks_like_a_formula_is_exported_as_text(client, world):
    nomination(
        world, narrative=FORMULA, public_summary="@SUM(A1)", status_reason="+请补充", revenue_growth=-1.25
    )
    login(client, world.gd)

    sheet = load_workbook(BytesIO(export(client))).active

    narrative = sheet.cell(row=2, column=column(sheet, "申报材料正文"))
    assert (narrative.value, narrative.data_type) == (FORMULA, "s")
    summary = sheet.cell(row=2, column=column(sheet, "公开简介"))
    assert (summary.value, summary.data_type) == ("@SUM(A1)", "s")
    reason = sheet.cell(row=2, column=column(sheet, "状态变更理由"))
    assert (reason.value, reason.data_type) == ("+请补充", "s")
    growth = sheet.cell(row=2, column=column(sheet, "营业收入同比增长（%）"))
    assert (growth.value, growth.data_type) == (-1.25, "n")
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_an_exported_file_edited_imports_with_the_same_texts(client, world):
    # Withdrawn: the zone may nominate the track again in this cycle, from the exported row.
    nomination(
        world,
        status=m.NominationStatus.WITHDRAWN,
        narrative="=1+1 是发展基础的第一句",
        public_summary="-依托龙头企业",
        revenue_growth=Decimal("-1.25"),
    )
    login(client, world.gd)
    workbook = load_workbook(BytesIO(export(client)))
    sheet = workbook.active
    sheet.cell(row=2, column=column(sheet, "企业数"), value=130)  # the edit
    buffer = BytesIO()
    workbook.save(buffer)

    response = client.post(
        reverse("portal:excel_import"),
        {"file": SimpleUploadedFile("推荐导出.xlsx", buffer.getvalue(), content_type=XLSX)},
    )

    assert response.status_code == 302, response.context["result"].errors
    draft = m.Nomination.objects.get(status=m.NominationStatus.DRAFT)
    assert (draft.narrative, draft.public_summary, draft.revenue_growth, draft.enterprise_count) == (
        "=1+1 是发展基础的第一句",
        "-依托龙头企业",
        Decimal("-1.25"),
        130,
    )
    assert (draft.origin, draft.cultivation_model) == (m.Origin.EXTENSION, m.CultivationModel.SCENARIO)


def test_the_import_strips_the_apostrophe_a_csv_export_adds(client, world):
    login(client, world.gd)
    upload = filled(
        template(client),
        [
            row_values(
                world, narrative="'=SUM(1,2) 来自 CSV", public_summary="'引号开头", revenue_growth=-1.25
            )
        ],
    )
    response = client.post(reverse("portal:excel_import"), {"file": upload})
    assert response.status_code == 302, response.context["result"].errors
    draft = m.Nomination.objects.get()
    assert draft.narrative == "=SUM(1,2) 来自 CSV"
    assert draft.public_summary == "'引号开头"  # an apostrophe the export did not add stays
    assert draft.revenue_growth == Decimal("-1.25")
