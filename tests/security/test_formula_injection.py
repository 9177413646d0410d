"""Formula (CSV) injection through every spreadsheet the application emits.

Text that people type reaches the exports: zone, province, track, field and reviewer names, narratives, summaries,
reasons, audit reasons. Each is set here to something a spreadsheet would run (=HYPERLINK…, +cmd…, @SUM…), then
every XLSX and CSV download is fetched as the role that may fetch it and read back:

* XLSX: no cell is a formula, and no text carries a visible apostrophe; the attacker's text is there, as typed;
* CSV: a field that begins like a formula is a number (growth ``-1.25`` stays as it is) or was neutralised.

The writer is ``office.cells``; tests/office/test_cells.py makes sure no export bypasses it.
"""

import csv
import io
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from audit.services import audit_record
from tracks import models as m
from zones.models import Province, Zone

from .world import GD, NJ, SZ, ZS

pytestmark = pytest.mark.django_db

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
HOSTILE = {
    "province": '=HYPERLINK("//evil.cn","广东省")',  # fits Province.name (32)
    "zones": {ZS: "=1+2", SZ: "@SUM(1,2)", NJ: "+cmd|' /C calc'!A0"},
    "track": "-2+3赛道",
    "field": "+人工智能",
    "reviewer": "=评审专家()",
}


@pytest.fixture
def hostile(world):
    """The world's names and texts, each beginning like a formula (undone with the test's transaction)."""
    Province.objects.filter(code=GD).update(name=HOSTILE["province"])
    for key, name in HOSTILE["zones"].items():
        Zone.objects.filter(key=key).update(name=name, short_name="")
    for index, track in enumerate([world.humanoid, world.synbio, world.quantum]):
        m.Track.objects.filter(pk=track.pk).update(name=f"{HOSTILE['track']}{index}")
    m.Field.objects.filter(pk=world.field.pk).update(name=HOSTILE["field"])
    m.ReviewerProfile.objects.update(name=HOSTILE["reviewer"])
    m.Nomination.objects.filter(pk=world.drafts[SZ].pk).update(
        narrative='=WEBSERVICE("http://evil.example/")', public_summary="@公开简介", status_reason="+理由"
    )
    audit_record(actor=None, action="test.hostile", reason='=HYPERLINK("http://evil.example/")')
    audit_record(actor=None, action="test.hostile", reason="-1.25")
    return world


def client_as(world, role) -> Client:
    client = Client()
    if world.sessions[role] is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


XLSX_DOWNLOADS = {
    "portal export": ("official_a", lambda w: reverse("portal:nominations_export")),
    "import template": ("official_a", lambda w: reverse("portal:excel_template")),
    "review desk ranking": ("staff", lambda w: reverse("admin:tracks_review_ranking_xlsx", args=[2023])),
    "programme report": ("staff", lambda w: reverse("cultivation:report_xlsx", args=[2023])),
    "public list": ("anon", lambda w: f"/lists/{w.published.pk}/download.xlsx"),
}
CSV_DOWNLOADS = {
    "public list": ("anon", lambda w: f"/lists/{w.published.pk}/download.csv"),
    "audit log": ("auditadmin", lambda w: reverse("admin:audit_auditevent_export") + "?action=test.hostile"),
}


@pytest.mark.parametrize("name", XLSX_DOWNLOADS)
def test_no_xlsx_cell_is_a_formula_and_text_shows_as_typed(hostile, name):
    role, url = XLSX_DOWNLOADS[name]
    response = client_as(hostile, role).get(url(hostile))
    assert response.status_code == 200, response.status_code

    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    formulas = [
        f"{cell.parent.title}!{cell.coordinate}={cell.value!r}" for cell in cells if cell.data_type == "f"
    ]
    assert not formulas
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    prefixed = [text for text in texts if text[:1] == "'" and text[1:2] in FORMULA_START]
    assert not prefixed  # no visible apostrophe: the cell is typed as text instead
    assert [text for text in texts if text.startswith(FORMULA_START)]  # the hostile text is there, as typed


@pytest.mark.parametrize("name", CSV_DOWNLOADS)
def test_csv_fields_that_begin_like_a_formula_are_numbers_or_neutralised(hostile, name):
    role, url = CSV_DOWNLOADS[name]
    response = client_as(hostile, role).get(url(hostile))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    fields = [field for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for field in row]

    live = [field for field in fields if field.startswith(FORMULA_START) and not NUMBER.fullmatch(field)]
    assert not live
    assert [field for field in fields if field[:1] == "'" and field[1:2] in FORMULA_START]  # neutralised
    numbers = [
        field for field in fields if NUMBER.fullmatch(field.lstrip("'")) and field.startswith(("-", "'-"))
    ]
    assert all(not field.startswith("'") for field in numbers), numbers  # a signed number stays a number
