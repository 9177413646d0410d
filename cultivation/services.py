"""Writes of 精准性培育: recording and removing support measures, publishing and unpublishing typical cases.

Each service takes keyword arguments only, checks permission and state, changes the rows, writes the audit event,
all in one transaction. Nothing a person submitted is deleted: a measure is removed softly (``removed_at``, by whom,
why) and the file of its attachment stays in the private storage.

Attachments are checked by their content exactly as a nomination's are (tracks.services.attachments): PDF, JPEG,
PNG, DOCX or XLSX by their first bytes, an extension naming the same type, at most 20 MB; the stored name is
generated, the uploaded one is kept only as text for the download's Content-Disposition.
"""

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts import guards
from accounts.scope import Scope
from audit.services import audit_record, snapshot
from tracks.services.attachments import check_upload, clean_name

from . import selectors
from .models import CaseStatus, SupportMeasure, TypicalCase

MEASURE_FIELDS = ["kind", "title", "date", "issuer", "amount", "description"]
RECORDED_FIELDS = [
    "entry_id",
    *MEASURE_FIELDS,
    "attachment_name",
    "attachment_type",
    "attachment_size",
    "attachment_sha256",
]
EARLIEST_DATE = datetime.date(2000, 1, 1)


def _sha256(uploaded) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def _check_may_record(actor, entry):
    """Enforce selectors.may_record; a refusal says which half failed (out of scope first, as before)."""
    scope = Scope.of(actor)
    if selectors.may_record(scope, entry):
        return
    if not selectors.entries_for(scope).filter(pk=entry.pk).exists():
        raise PermissionDenied(_("您无权记录该培育库条目的培育举措。"))
    raise ValidationError(_("该条目已出库，不再记录培育举措。"), code="exited")


def measure_record(
    *,
    actor,
    entry,
    kind: str,
    title: str,
    date: datetime.date,
    issuer: str,
    amount=None,
    description: str = "",
    attachment=None,
    request=None,
) -> SupportMeasure:
    """Record one support measure of a library entry the actor's province, zone or programme role covers."""
    _check_may_record(actor, entry)
    today = timezone.localdate()
    if date is not None and date > today:
        raise ValidationError({"date": _("实施日期不能晚于今天。")}, code="future")
    if date is not None and date < EARLIEST_DATE:
        raise ValidationError({"date": _("实施日期不能早于2000年。")}, code="too_early")
    measure = SupportMeasure(
        entry=entry,
        kind=kind,
        title=(title or "").strip(),
        date=date,
        issuer=(issuer or "").strip(),
        amount=amount,
        description=(description or "").strip(),
        recorded_by=actor,
    )
    if attachment is not None:
        try:
            measure.attachment_type = check_upload(attachment)
        except ValidationError as error:
            raise ValidationError({"attachment": error.messages}, code="attachment") from None
        measure.attachment_name = clean_name(attachment.name)
        measure.attachment_size = attachment.size
        measure.attachment_sha256 = _sha256(attachment)
    measure.full_clean(exclude=["attachment", "entry", "recorded_by"])
    with transaction.atomic():
        if attachment is not None:
            # FileField.save writes the file under its generated name (measure_attachment_path), not the row.
            measure.attachment.save("upload", attachment, save=False)
        measure.save()
        audit_record(
            actor=actor,
            action="supportmeasure.create",
            obj=measure,
            # The stored file's generated name beside the fields (audit's snapshot cannot read an empty FileField).
            after={**snapshot(measure, RECORDED_FIELDS), "attachment": measure.attachment.name or ""},
            request=request,
        )
    return measure


def measure_remove(*, actor, measure: SupportMeasure, reason: str, request=None) -> SupportMeasure:
    """Take a measure off the ledger: the row and its file stay, stamped with who removed it, when and why."""
    _check_may_record(actor, measure.entry)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写移除理由。")}, code="reason_required")
    with transaction.atomic():
        changed = SupportMeasure.objects.filter(pk=measure.pk, removed_at__isnull=True).update(
            removed_at=timezone.now(), removed_by=actor, removal_reason=reason
        )
        if changed != 1:
            raise ValidationError(_("该举措已被移除。"), code="already_removed")
        measure.refresh_from_db()
        audit_record(
            actor=actor,
            action="supportmeasure.remove",
            obj=measure,
            before={"removed_at": None},
            after={"removed_at": measure.removed_at, "removed_by_id": actor.pk},
            reason=reason,
            request=request,
        )
    return measure


def _require_staff(actor):
    guards.require_programme_staff(actor, _("只有业务管理员可以发布或撤回典型案例。"))


def case_publish(*, actor, case: TypicalCase, request=None) -> TypicalCase:
    """Publish a draft typical case: from now on the public reads it."""
    _require_staff(actor)
    missing = [
        str(TypicalCase._meta.get_field(name).verbose_name)
        for name in ("title", "summary", "body", "cultivation_model")
        if not str(getattr(case, name) or "").strip()
    ]
    if missing:
        raise ValidationError(
            _("发布前请填写：%(fields)s。") % {"fields": pgettext("list separator", "、").join(missing)},
            code="incomplete",
        )
    now = timezone.now()
    with transaction.atomic():
        changed = TypicalCase.objects.filter(pk=case.pk, status=CaseStatus.DRAFT).update(
            status=CaseStatus.PUBLISHED, published_at=now, published_by=actor
        )
        if changed != 1:
            raise ValidationError(_("该典型案例已发布。"), code="already_published")
        case.refresh_from_db()
        audit_record(
            actor=actor,
            action="typicalcase.publish",
            obj=case,
            before={"status": CaseStatus.DRAFT},
            after={"status": CaseStatus.PUBLISHED, "published_at": now},
            request=request,
        )
    return case


def case_unpublish(*, actor, case: TypicalCase, reason: str = "", request=None) -> TypicalCase:
    """Take a published case off the public site (back to draft); the reason goes into the audit log."""
    _require_staff(actor)
    with transaction.atomic():
        current = TypicalCase.objects.select_for_update().order_by().get(pk=case.pk)
        if current.status != CaseStatus.PUBLISHED:
            raise ValidationError(_("该典型案例尚未发布。"), code="not_published")
        before = {"status": current.status, "published_at": current.published_at}
        TypicalCase.objects.filter(pk=case.pk).update(
            status=CaseStatus.DRAFT, published_at=None, published_by=None
        )
        case.refresh_from_db()
        audit_record(
            actor=actor,
            action="typicalcase.unpublish",
            obj=case,
            before=before,
            after={"status": CaseStatus.DRAFT, "published_at": None},
            reason=(reason or "").strip(),
            request=request,
        )
    return case
