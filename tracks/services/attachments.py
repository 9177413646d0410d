"""Attachments of a nomination: checked by content, stored under server names, removed softly.

A file is accepted only when its first bytes say it is a PDF, a JPEG, a PNG, or an Office Open XML document (a ZIP
whose ``[Content_Types].xml`` is present with ``word/`` for DOCX or ``xl/`` for XLSX), and its extension names the
same type. An Office document's archive must also pass ``office.ooxml.check_archive`` (no archive bomb, no member
path with ``..`` or an absolute path, no executable or macro inside): the registry never opens it, but a reviewer
who downloads it does. The stored name is generated (``tracks.models.nomination.attachment_path``); the uploaded name is kept
only as text for the download's Content-Disposition. Nothing is ever deleted: removal stamps ``removed_at``.
"""

import hashlib
import os
import unicodedata
import zipfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import Scope
from audit.services import audit_record, snapshot
from office.ooxml import MB, ArchiveLimits, check_archive

from .. import workflow
from ..models import NominationAttachment

MAX_SIZE = 20 * 1024 * 1024
# A 20 MB document of pictures and text is a few hundred members and well under 100 MB once decompressed; XML
# compresses 5–20 times, pictures not at all.
ARCHIVE_LIMITS = ArchiveLimits(max_members=2000, max_uncompressed=256 * MB, max_ratio=200)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The extensions each detected type may carry.
EXTENSIONS = {
    PDF: {".pdf"},
    JPEG: {".jpg", ".jpeg"},
    PNG: {".png"},
    DOCX: {".docx"},
    XLSX: {".xlsx"},
}
ACCEPT = ",".join(sorted({ext for exts in EXTENSIONS.values() for ext in exts}))
RECORDED_FIELDS = [
    "nomination_id",
    "original_name",
    "material",
    "content_type",
    "size",
    "sha256",
    "file",
    "removed_at",
]


def sniff(file) -> str | None:
    """The content type the bytes of ``file`` show, or None when they are none of the accepted types."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(file)
    return None


def _office_type(file) -> str | None:
    """DOCX or XLSX by the members of the ZIP (only the directory is read, nothing is decompressed)."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names or any(name.startswith("word/") for name in names):
        return DOCX
    if "xl/workbook.xml" in names or any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def clean_name(name: str) -> str:
    """The uploaded name as safe display text: no path, no control characters, at most 255 characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".") or "attachment"
    stem, ext = os.path.splitext(name)
    return f"{stem[: 255 - len(ext)]}{ext}" if len(name) > 255 else name


def check_upload(uploaded) -> str:
    """The content type of an acceptable upload; a ValidationError in Chinese otherwise."""
    size = getattr(uploaded, "size", None)
    if size is None or size == 0:
        raise ValidationError(_("附件为空文件。"), code="empty")
    if size > MAX_SIZE:
        raise ValidationError(
            _("附件不能超过20MB（当前 %(size).1f MB）。") % {"size": size / 1024 / 1024}, code="too_large"
        )
    content_type = sniff(uploaded)
    if content_type is None:
        raise ValidationError(
            _(
                "只能上传 PDF、JPEG/PNG 图片或 Word（.docx）、Excel（.xlsx）文件；该文件的内容不是其中任何一种。"
            ),
            code="bad_type",
        )
    ext = os.path.splitext(uploaded.name or "")[1].lower()
    if ext not in EXTENSIONS[content_type]:
        raise ValidationError(
            _("文件扩展名“%(ext)s”与文件内容（%(kind)s）不符，请检查后重新上传。")
            % {"ext": ext or _("无"), "kind": sorted(EXTENSIONS[content_type])[0].lstrip(".").upper()},
            code="extension_mismatch",
        )
    if content_type in (DOCX, XLSX):
        check_archive(uploaded, ARCHIVE_LIMITS)
    return content_type


def _sha256(uploaded) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def check_material(nomination, material) -> str:
    """``material`` as stored: one of the cycle's required materials, or "" for any other file."""
    material = (material or "").strip()
    if material and material not in nomination.cycle.material_names:
        raise ValidationError(
            {"material": _("“%(name)s”不是本批次要求的材料。") % {"name": material}}, code="material"
        )
    return material


def attachment_add(*, actor, nomination, uploaded, material: str = "", request=None) -> NominationAttachment:
    """Attach a checked file to a nomination whose content the actor may edit; ``material`` names which of the
    cycle's required materials it is (blank for any other file)."""
    if not workflow.may_manage_attachments(Scope.of(actor), nomination):
        raise PermissionDenied(_("当前状态下您不能为该推荐上传附件。"))
    material = check_material(nomination, material)
    content_type = check_upload(uploaded)
    attachment = NominationAttachment(
        nomination=nomination,
        original_name=clean_name(uploaded.name),
        material=material,
        content_type=content_type,
        size=uploaded.size,
        sha256=_sha256(uploaded),
        uploaded_by=actor,
    )
    with transaction.atomic():
        # FileField.save writes the file under its generated name and saves the row.
        attachment.file.save("upload", uploaded, save=False)
        attachment.full_clean(exclude=["file"])
        attachment.save()
        audit_record(
            actor=actor,
            action="nominationattachment.create",
            obj=attachment,
            after=snapshot(attachment, RECORDED_FIELDS),
            request=request,
        )
    return attachment


def attachment_remove(*, actor, attachment: NominationAttachment, request=None) -> NominationAttachment:
    """Take an attachment off its nomination; the file and the row stay (removed_at is stamped)."""
    if not workflow.may_manage_attachments(Scope.of(actor), attachment.nomination):
        raise PermissionDenied(_("当前状态下您不能移除该推荐的附件。"))
    with transaction.atomic():
        changed = NominationAttachment.objects.filter(pk=attachment.pk, removed_at__isnull=True).update(
            removed_at=timezone.now()
        )
        if changed != 1:
            raise ValidationError(_("该附件已被移除。"), code="already_removed")
        attachment.refresh_from_db()
        audit_record(
            actor=actor,
            action="nominationattachment.remove",
            obj=attachment,
            before={"removed_at": None},
            after={"removed_at": attachment.removed_at},
            request=request,
        )
    return attachment
