"""Archiving the audit log: rows older than the retention go to a JSON Lines file, then leave the database.

This is the only code path that removes audit rows. In one transaction it locks and writes the rows (gzip when
the file name ends in .gz), syncs the file to disk, deletes exactly those rows through the ORM guard's internal
method and, on PostgreSQL, with the trigger's session switch set for this transaction only (SET LOCAL), then
records an ``audit.archive`` event with the file's SHA-256. If anything fails nothing is deleted and the partial
file is removed.
"""

import datetime
import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import MINIMUM_RETENTION_DAYS, AppendOnlyError, AuditEvent
from .services import audit_record

FIELDS = [
    "id",
    "at",
    "actor_id",
    "actor_repr",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "reason",
    "ip_address",
]


@dataclass
class ArchiveResult:
    count: int
    cutoff: datetime.datetime
    path: Path | None
    sha256: str


def retention_days() -> int:
    return max(MINIMUM_RETENTION_DAYS, int(getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)))


def event_as_json(event: AuditEvent) -> str:
    row = {}
    for name in FIELDS:
        value = getattr(event, name)
        if isinstance(value, datetime.datetime):
            value = value.isoformat()
        row[name] = value
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def _open(path: Path, *, compress: bool):
    if compress:
        return gzip.open(path, "wt", encoding="utf-8")
    return open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed by the caller's with


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def audit_archive(*, older_than_days: int, output: Path) -> ArchiveResult:
    """Move the events older than ``older_than_days`` (at least the retention, 180 days) to ``output``."""
    minimum = retention_days()
    if older_than_days < minimum:
        raise ValidationError(
            _("审计记录至少保存 %(days)d 天，不能归档更近的记录。") % {"days": minimum}, code="retention"
        )
    output = Path(output)
    if output.exists():
        raise ValidationError(_("归档文件 %(path)s 已存在，不会覆盖。") % {"path": output}, code="exists")
    if not output.parent.is_dir():
        raise ValidationError(_("目录 %(path)s 不存在。") % {"path": output.parent}, code="no_directory")
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    partial = output.with_name(output.name + ".partial")
    moved = False
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL ntr.audit_archive = 'on'")
            rows = AuditEvent.objects.filter(at__lt=cutoff).order_by("id")
            if connection.features.has_select_for_update:
                rows = rows.select_for_update()
            count = 0
            max_id = 0
            with _open(partial, compress=output.name.endswith(".gz")) as handle:
                for event in rows.iterator(chunk_size=2000):
                    handle.write(event_as_json(event) + "\n")
                    count += 1
                    max_id = event.pk
            if count == 0:
                partial.unlink()
                return ArchiveResult(count=0, cutoff=cutoff, path=None, sha256="")
            with open(partial, "rb") as handle:
                os.fsync(handle.fileno())
            deleted = AuditEvent.objects.all()._archive_delete(cutoff=cutoff, max_id=max_id)
            if connection.vendor == "postgresql":
                # Off again at once, even if this runs inside a caller's longer transaction.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL ntr.audit_archive = 'off'")
            if deleted != count:
                raise AppendOnlyError(
                    _("归档时审计记录发生变化（写入 %(written)d 条，删除 %(deleted)d 条），已全部撤销。")
                    % {"written": count, "deleted": deleted}
                )
            os.replace(partial, output)
            moved = True
            digest = file_sha256(output)
            audit_record(
                actor=None,
                action="audit.archive",
                after={
                    "count": count,
                    "cutoff": cutoff.isoformat(),
                    "file": output.name,
                    "sha256": digest,
                    "older_than_days": older_than_days,
                },
                reason=_("审计日志归档（manage.py archive_audit）"),
            )
    except BaseException:
        # Rolled back: the rows are still in the database, so no file may claim to hold them.
        partial.unlink(missing_ok=True)
        if moved:
            output.unlink(missing_ok=True)
        raise
    return ArchiveResult(count=count, cutoff=cutoff, path=output, sha256=digest)
