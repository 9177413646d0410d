"""Isolation: an official of 广东 and the committee of another 广东 zone, against 江苏's nominations and against each
other's. Lists leave them out; detail, edit, submit, withdraw, print and attachment download are 404 — in the pages
and in the API — exactly like an id that does not exist, so nothing leaks by probing."""

from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.tracks.portal_support import (
    GZ,
    NJ,
    ZS,
    login,
    nomination,
    pdf_bytes,
)
from tracks import models as m

pytestmark = pytest.mark.django_db
S = m.NominationStatus


@pytest.fixture
def targets(world):
    """One nomination of each unit, each with an attachment: 江苏 (南京), 广东 中山 (zs), 广东 广州 (gz)."""
    made = {}
    for name, key in (("js", NJ), ("zs", ZS), ("gz", GZ)):
        item = nomination(world, zone_key=key, status=S.DRAFT)
        attachment = m.NominationAttachment(
            nomination=item,
            original_name="材料.pdf",
            content_type="application/pdf",
            size=len(pdf_bytes()),
            sha256="0" * 64,
        )
        attachment.file.save("x", ContentFile(pdf_bytes()), save=True)
        made[name] = (item, attachment)
    return made


# (user, nomination they must not reach): an official of 广东 against 江苏; a 广东 zone against 江苏 and the other
# 广东 zone, both ways.
MATRIX = [
    ("gd", "js"),
    ("zs", "js"),
    ("zs", "gz"),
    ("gz", "zs"),
    ("js", "zs"),
]
PAGES = [
    ("get", "portal:nomination_detail", ()),
    ("get", "portal:nomination_edit", ()),
    ("post", "portal:nomination_edit", ()),
    ("get", "portal:nomination_print", ()),
    ("get", "portal:nomination_action", ("submit",)),
    ("post", "portal:nomination_action", ("submit",)),
    ("post", "portal:nomination_action", ("withdraw",)),
    ("post", "portal:attachment_upload", ()),
    ("get", "portal:attachment_download", ("attachment",)),
    ("post", "portal:attachment_remove", ("attachment",)),
]


def page_url(name, item, attachment, extra):
    args = [item.pk]
    for part in extra:
        args.append(attachment.pk if part == "attachment" else part)
    return reverse(name, args=args)


@pytest.mark.parametrize(("who", "whose"), MATRIX)
@pytest.mark.parametrize(("method", "name", "extra"), PAGES, ids=lambda v: v if isinstance(v, str) else None)
def test_pages_of_another_unit_are_404(client, world, targets, who, whose, method, name, extra):
    item, attachment = targets[whose]
    login(client, getattr(world, who))
    response = getattr(client, method)(page_url(name, item, attachment, extra))
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == S.DRAFT and item.version == 1
    attachment.refresh_from_db()
    assert attachment.removed_at is None


@pytest.mark.parametrize(("who", "whose"), MATRIX)
def test_lists_and_exports_leave_out_another_unit(client, world, targets, who, whose):
    item, _attachment = targets[whose]
    login(client, getattr(world, who))
    listed = client.get(reverse("portal:nomination_list"), {"cycle": world.cycle.pk})
    assert item.pk not in [n.pk for n in listed.context["page"].object_list]
    assert len(listed.context["page"].object_list) >= 1
    dashboard = client.get(reverse("portal:dashboard"))
    assert item.pk not in [n.pk for n in dashboard.context["zone_drafts"]]
    exported = client.get(reverse("portal:nominations_export"))
    sheet = load_workbook(BytesIO(exported.content)).active
    assert item.pk not in [row[0].value for row in sheet.iter_rows(min_row=2)]


def test_own_units_nominations_are_reachable(client, world, targets):
    """The control: the same URLs answer for the unit itself (the official sees the whole province)."""
    for who, whose in (("gd", "zs"), ("gd", "gz"), ("zs", "zs"), ("js", "js")):
        item, attachment = targets[whose]
        login(client, getattr(world, who))
        assert client.get(reverse("portal:nomination_detail", args=[item.pk])).status_code == 200
        download = client.get(reverse("portal:attachment_download", args=[item.pk, attachment.pk]))
        assert download.status_code == 200


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.mark.parametrize(("who", "whose"), MATRIX)
def test_api_of_another_unit_is_404_on_every_verb(world, targets, who, whose):
    item, _attachment = targets[whose]
    client = api(getattr(world, who))
    base = f"/api/v1/nominations/{item.pk}/"

    listed = client.get("/api/v1/nominations/")
    assert listed.status_code == 200
    assert item.pk not in [row["id"] for row in listed.json()["results"]]
    assert client.get(base).status_code == 404
    assert client.patch(base, {"narrative": "越权修改"}, format="json").status_code == 404
    assert client.post(f"{base}submit/").status_code == 404
    assert client.post(f"{base}withdraw/").status_code == 404
    assert client.options(base).status_code == 404
    item.refresh_from_db()
    assert (item.status, item.narrative, item.version) == (S.DRAFT, "申报材料正文。", 1)
