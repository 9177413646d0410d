"""Attachments: accepted by content (magic bytes), at most 20 MB, stored under server names, downloaded only through
the permission-checked view as an attachment, removed softly."""

import hashlib

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from tests.tracks.portal_support import (
    docx_bytes,
    exe_bytes,
    jpeg_bytes,
    login,
    nomination,
    pdf_bytes,
    plain_zip_bytes,
    png_bytes,
    upload,
    xlsx_bytes,
)
from tracks import models as m
from tracks.services import attachments as services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("材料.pdf", pdf_bytes(), services.PDF),
        ("照片.PNG", png_bytes(), services.PNG),
        ("照片.jpg", jpeg_bytes(), services.JPEG),
        ("照片.jpeg", jpeg_bytes(), services.JPEG),
        ("报告.docx", docx_bytes(), services.DOCX),
        ("数据.xlsx", xlsx_bytes(), services.XLSX),
    ],
)
def test_accepted_types_by_content(client, world, name, content, content_type):
    draft = nomination(world)
    login(client, world.zs)
    response = client.post(
        reverse("portal:attachment_upload", args=[draft.pk]), {"file": upload(name, content)}
    )
    assert response.status_code == 302
    attachment = m.NominationAttachment.objects.get()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        name,
        content_type,
        len(content),
    )
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    # Stored under a generated name, nothing of the uploaded name on disk, outside any public URL.
    assert attachment.file.name.startswith(f"attachments/{draft.pk}/")
    assert name not in attachment.file.name and "." not in attachment.file.name.rsplit("/", 1)[-1]
    assert settings.STORAGES["default"]["OPTIONS"]["location"] in attachment.file.path
    assert AuditEvent.objects.get(action="nominationattachment.create").after["original_name"] == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("程序.pdf", exe_bytes(), "只能上传 PDF、JPEG/PNG 图片或 Word（.docx）、Excel（.xlsx）文件"),
        ("伪装.docx", plain_zip_bytes(), "只能上传 PDF"),
        ("文本.txt", b"hello world", "只能上传 PDF"),
        ("材料.png", pdf_bytes(), "文件扩展名“.png”与文件内容（PDF）不符"),
        ("报告.xlsx", docx_bytes(), "文件扩展名“.xlsx”与文件内容（DOCX）不符"),
        ("无扩展名", pdf_bytes(), "文件扩展名“无”与文件内容（PDF）不符"),
        ("空.pdf", b"", "空文件"),
    ],
)
def test_refused_types(client, world, name, content, message):
    draft = nomination(world)
    login(client, world.gd)
    response = client.post(
        reverse("portal:attachment_upload", args=[draft.pk]), {"file": upload(name, content)}, follow=True
    )
    assert any(message in str(msg) for msg in response.context["messages"]), list(
        response.context["messages"]
    )
    assert not m.NominationAttachment.objects.exists()


def test_refused_over_20_mb(world):
    draft = nomination(world)
    big = upload("大文件.pdf", pdf_bytes() + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        services.attachment_add(actor=world.gd, nomination=draft, uploaded=big)
    assert refused.value.code == "too_large"
    assert refused.value.messages == ["附件不能超过20MB（当前 20.0 MB）。"]
    exactly = upload("刚好.pdf", pdf_bytes() + b"0" * (20 * 1024 * 1024 - len(pdf_bytes())))
    assert (
        services.attachment_add(actor=world.gd, nomination=draft, uploaded=exactly).size == 20 * 1024 * 1024
    )


def test_refused_over_20_mb_through_the_page(client, world):
    draft = nomination(world)
    login(client, world.gd)
    big = upload("大文件.pdf", pdf_bytes() + b"0" * (20 * 1024 * 1024 + 1))
    response = client.post(reverse("portal:attachment_upload", args=[draft.pk]), {"file": big}, follow=True)
    assert any("附件不能超过20MB" in str(msg) for msg in response.context["messages"])
    assert not m.NominationAttachment.objects.exists()


def test_download_is_an_attachment_with_nosniff(client, world):
    draft = nomination(world)
    attachment = services.attachment_add(
        actor=world.zs, nomination=draft, uploaded=upload("推荐 材料.pdf", pdf_bytes())
    )
    login(client, world.gd)
    response = client.get(reverse("portal:attachment_download", args=[draft.pk, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E6%8E%A8%E8%8D%90%20%E6%9D%90%E6%96%99.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_download_needs_a_login(client, world):
    draft = nomination(world)
    attachment = services.attachment_add(
        actor=world.zs, nomination=draft, uploaded=upload("a.pdf", pdf_bytes())
    )
    response = client.get(reverse("portal:attachment_download", args=[draft.pk, attachment.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_removal_is_soft_and_hides_the_file(client, world):
    draft = nomination(world)
    attachment = services.attachment_add(
        actor=world.zs, nomination=draft, uploaded=upload("a.pdf", pdf_bytes())
    )
    login(client, world.zs)
    response = client.post(reverse("portal:attachment_remove", args=[draft.pk, attachment.pk]))
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert attachment.file.storage.exists(attachment.file.name)  # kept on disk, never deleted
    assert (
        client.get(reverse("portal:attachment_download", args=[draft.pk, attachment.pk])).status_code == 404
    )
    detail = client.get(reverse("portal:nomination_detail", args=[draft.pk]))
    assert detail.context["attachments"] == []
    assert [row["action_label"] for row in detail.context["history"]][:2] == ["移除附件", "上传附件"]


def test_attachments_follow_the_edit_rule(world):
    submitted = nomination(world, status=m.NominationStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=world.gd, nomination=submitted, uploaded=upload("a.pdf", pdf_bytes()))
    returned = nomination(world, zone_key="440000-01", status=m.NominationStatus.RETURNED)
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=world.gz, nomination=returned, uploaded=upload("a.pdf", pdf_bytes()))
    assert services.attachment_add(
        actor=world.gd, nomination=returned, uploaded=upload("a.pdf", pdf_bytes())
    ).pk


def test_uploaded_names_are_cleaned():
    assert services.clean_name("../../etc/passwd") == "passwd"
    assert services.clean_name("C:\\Users\\材料.pdf") == "材料.pdf"
    assert services.clean_name("a\x00b\u202e.pdf") == "ab.pdf"
    assert len(services.clean_name("长" * 400 + ".pdf")) == 255
