"""A cycle's required materials: a nomination is recommended only with a file for each, the portal shows
what is missing where the files are, and the token API lists, uploads and removes attachments under the same rule."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests import factories as f
from tests.tracks.portal_support import (
    NJ,
    exe_bytes,
    login,
    nomination,
    pdf_bytes,
    png_bytes,
    upload,
)
from tracks import models as m
from tracks.models.cycle import material_lines
from tracks.services import attachments as attachment_services
from tracks.services.cycles import cycle_create_from_previous
from tracks.services.nominations import (
    missing_for_submit,
    missing_materials,
    nomination_transition,
)

pytestmark = pytest.mark.django_db
S = m.NominationStatus
SCAN, REPORT = "推荐表盖章扫描件", "园区发展情况说明"


@pytest.fixture
def required(world):
    m.Cycle.objects.filter(pk=world.cycle.pk).update(required_materials=f"{SCAN}\n{REPORT}")
    world.cycle.refresh_from_db()
    return world


def attach(world, draft, material, name="材料.pdf", content=None):
    return attachment_services.attachment_add(
        actor=world.gd, nomination=draft, uploaded=upload(name, content or pdf_bytes()), material=material
    )


def test_material_lines_are_one_per_line_trimmed_without_repeats():
    assert material_lines(f" {SCAN} \r\n\r\n{REPORT}\n{SCAN}\n") == [SCAN, REPORT]
    assert material_lines("") == []
    cycle = f.CycleFactory(year=2032, required_materials=f"{SCAN}\r\n  {REPORT}  \r\n")
    cycle.full_clean()
    assert cycle.required_materials == f"{SCAN}\n{REPORT}"
    cycle.required_materials = "材" * 65
    with pytest.raises(ValidationError, match="每项材料名称不超过64个字"):
        cycle.full_clean()


def test_submit_names_the_missing_materials_and_passes_once_attached(required):
    world = required
    draft = nomination(world)
    assert missing_materials(draft) == [SCAN, REPORT]
    assert missing_for_submit(draft) == [f"附件“{SCAN}”", f"附件“{REPORT}”"]
    with pytest.raises(ValidationError) as refused:
        nomination_transition(actor=world.gd, nomination=draft, action="submit")
    assert refused.value.messages == [f"推荐材料不完整，请补充：附件“{SCAN}”、附件“{REPORT}”。"]
    assert refused.value.code == "incomplete"
    # Another file does not stand in for a required one; a removed one no longer counts.
    attach(world, draft, "")
    scan = attach(world, draft, SCAN)
    assert missing_materials(draft) == [REPORT]
    attach(world, draft, REPORT)
    attachment_services.attachment_remove(actor=world.gd, attachment=scan)
    assert missing_materials(draft) == [SCAN]
    attach(world, draft, SCAN, name="扫描件.png", content=png_bytes())
    assert missing_for_submit(draft) == []
    assert nomination_transition(actor=world.gd, nomination=draft, action="submit").status == S.SUBMITTED


def test_content_fields_come_before_materials(required):
    draft = nomination(required, origin="")
    assert missing_for_submit(draft) == ["培育路径", f"附件“{SCAN}”", f"附件“{REPORT}”"]


def test_a_cycle_without_requirements_requires_no_file(world):
    draft = nomination(world)
    assert missing_for_submit(draft) == []


def test_an_unknown_material_is_refused_and_the_material_is_audited(required):
    world = required
    draft = nomination(world)
    with pytest.raises(ValidationError) as refused:
        attach(world, draft, "营业执照")
    assert refused.value.message_dict == {"material": ["“营业执照”不是本批次要求的材料。"]}
    attachment = attach(world, draft, f"  {SCAN} ")
    assert attachment.material == SCAN
    event = AuditEvent.objects.get(action="nominationattachment.create")
    assert event.after["material"] == SCAN


def test_a_new_cycle_inherits_the_requirements(required):
    world = required
    cycle = cycle_create_from_previous(
        actor=world.staff,
        year=2032,
        nomination_opens_at=world.cycle.nomination_opens_at.replace(year=2032),
        nomination_closes_at=world.cycle.nomination_closes_at.replace(year=2032),
    )
    assert cycle.material_names == [SCAN, REPORT]


# ---------------------------------------------------------------------------------------------------------------
# The portal


def test_the_portal_shows_the_checklist_and_uploads_by_material(client, required):
    world = required
    draft = nomination(world)
    login(client, world.gd)
    url = reverse("portal:nomination_detail", args=[draft.pk])
    html = client.get(url).content.decode()
    assert f'<li class="missing"><span lang="zh-hans">{SCAN}</span>：<strong>未上传</strong></li>' in html
    assert f"推荐前还需补充：附件“{SCAN}”、附件“{REPORT}”" in html
    # The first material still missing is chosen for the next upload.
    assert f'<option value="{SCAN}" selected>{SCAN}</option>' in html
    assert '<option value="">其他材料</option>' in html
    response = client.post(
        reverse("portal:attachment_upload", args=[draft.pk]),
        {"material": SCAN, "file": upload("盖章.pdf", pdf_bytes())},
    )
    assert response["Location"] == url + "#attachments"
    html = client.get(url).content.decode()
    assert f'<li class="done"><span lang="zh-hans">{SCAN}</span>：已上传</li>' in html
    assert f'<option value="{REPORT}" selected>{REPORT}</option>' in html
    assert m.NominationAttachment.objects.get().material == SCAN


def test_a_refused_upload_says_why_inside_the_attachments_panel(client, required):
    world = required
    draft = nomination(world)
    login(client, world.gd)
    response = client.post(
        reverse("portal:attachment_upload", args=[draft.pk]),
        {"material": SCAN, "file": upload("盖章.pdf", exe_bytes())},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("#attachments")
    html = response.content.decode()
    panel = html.split('id="attachments"')[1].split("</section>")[0]
    assert 'role="alert" data-attachment-message>“盖章.pdf”未能上传：只能上传 PDF' in panel
    # Shown once, where the redirect lands, not at the top of the page.
    assert html.split('id="attachments"')[0].count("未能上传") == 0
    # A message of another page still shows at the top.
    response = client.post(
        reverse("portal:notifications_read"), {"next": reverse("portal:dashboard")}, follow=True
    )
    assert response.status_code == 200


def test_the_admin_sets_the_requirements(client, world):
    login(client, world.staff)
    response = client.get(reverse("admin:tracks_cycle_change", args=[world.cycle.pk]))
    assert 'name="required_materials"' in response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# The token API


def api(user) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def attachments_url(nomination_id, attachment_id=None):
    base = f"/api/v1/nominations/{nomination_id}/attachments/"
    return base if attachment_id is None else f"{base}{attachment_id}/"


def test_api_lists_uploads_and_removes_attachments_to_meet_the_rule(required):
    world = required
    draft = nomination(world)
    client = api(world.gd)
    listing = client.get(attachments_url(draft.pk))
    assert listing.status_code == 200
    assert listing["Cache-Control"] == "private, no-store" or "no-store" in listing["Cache-Control"]
    assert listing.json() == {
        "required_materials": [SCAN, REPORT],
        "missing_materials": [SCAN, REPORT],
        "attachments": [],
    }
    refused = client.post(f"/api/v1/nominations/{draft.pk}/submit/", {}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "incomplete"
    assert SCAN in refused.json()["detail"]

    created = client.post(
        attachments_url(draft.pk),
        {"file": upload("盖章.pdf", pdf_bytes()), "material": SCAN},
        format="multipart",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["material"], body["original_name"], body["content_type"], body["size"]) == (
        SCAN,
        "盖章.pdf",
        "application/pdf",
        len(pdf_bytes()),
    )
    other = client.post(
        attachments_url(draft.pk), {"file": upload("说明.pdf", pdf_bytes())}, format="multipart"
    )
    assert other.status_code == 201 and other.json()["material"] == ""
    assert client.get(attachments_url(draft.pk, body["id"])).json()["id"] == body["id"]
    client.post(
        attachments_url(draft.pk),
        {"file": upload("说明.pdf", pdf_bytes()), "material": REPORT},
        format="multipart",
    )
    assert client.get(attachments_url(draft.pk)).json()["missing_materials"] == []
    assert client.post(f"/api/v1/nominations/{draft.pk}/submit/", {}, format="json").status_code == 200

    # Removing needs an editable nomination: after the submit, a 403 in the error shape.
    refused = client.delete(attachments_url(draft.pk, body["id"]))
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"


def test_api_removal_keeps_the_file_on_record(required):
    world = required
    draft = nomination(world)
    client = api(world.gd)
    created = client.post(
        attachments_url(draft.pk),
        {"file": upload("盖章.pdf", pdf_bytes()), "material": SCAN},
        format="multipart",
    ).json()
    assert client.delete(attachments_url(draft.pk, created["id"])).status_code == 204
    assert client.get(attachments_url(draft.pk)).json()["attachments"] == []
    assert client.get(attachments_url(draft.pk, created["id"])).status_code == 404
    assert m.NominationAttachment.objects.get(pk=created["id"]).removed_at is not None
    assert AuditEvent.objects.filter(action="nominationattachment.remove").count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"file": upload("x.pdf", exe_bytes())}, "file", "只能上传 PDF"),
        ({"file": upload("x.png", pdf_bytes())}, "file", "文件扩展名“.png”与文件内容（PDF）不符"),
        ({"file": upload("x.pdf", b"")}, "file", "附件为空文件。"),
        ({"file": upload("x.pdf", pdf_bytes()), "material": "营业执照"}, "material", "不是本批次要求的材料"),
        ({"material": SCAN}, "file", ""),
    ],
)
def test_api_refusals_name_the_field(required, data, field, message):
    draft = nomination(required)
    response = api(required.gd).post(attachments_url(draft.pk), data, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["errors"]) == [field]
    assert message in body["errors"][field][0]
    assert not m.NominationAttachment.objects.exists()


def test_api_answers_404_for_another_provinces_nomination_on_every_verb(required):
    theirs = nomination(required, zone_key=NJ)
    attachment = attachment_services.attachment_add(
        actor=required.js, nomination=theirs, uploaded=upload("a.pdf", pdf_bytes()), material=SCAN
    )
    client = api(required.gd)
    for response in (
        client.get(attachments_url(theirs.pk)),
        client.options(attachments_url(theirs.pk)),
        client.post(attachments_url(theirs.pk), {"file": upload("b.pdf", pdf_bytes())}, format="multipart"),
        client.get(attachments_url(theirs.pk, attachment.pk)),
        client.delete(attachments_url(theirs.pk, attachment.pk)),
        client.get(attachments_url(2**63, 1)),
        client.get(attachments_url(99999999)),
    ):
        assert response.status_code == 404, response
        assert response.json()["code"] == "not_found"
    assert m.NominationAttachment.objects.filter(removed_at__isnull=True).count() == 1


def test_api_needs_a_token_and_json_is_not_an_upload(required):
    draft = nomination(required)
    assert APIClient().get(attachments_url(draft.pk)).status_code == 401
    response = api(required.gd).post(attachments_url(draft.pk), {"material": SCAN}, format="json")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_the_schema_documents_the_attachment_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operations = schema["paths"]["/api/v1/nominations/{nomination_id}/attachments/"]
    assert set(operations) >= {"get", "post"}
    assert list(operations["post"]["requestBody"]["content"]) == ["multipart/form-data"]
    detail = schema["paths"]["/api/v1/nominations/{nomination_id}/attachments/{id}/"]
    assert set(detail) >= {"get", "delete"}
    for operation in (operations["get"], detail["delete"]):
        path_params = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "path"}
        assert path_params["nomination_id"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
