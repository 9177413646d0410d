"""Backup and restore of the whole registry: the database as a Django JSON Lines dump (works on SQLite and
PostgreSQL alike) and the private media directory (attachments, objection evidence), with a manifest of SHA-256
checksums and row counts. Used by ``manage.py backup`` and ``manage.py restore``.

A backup directory holds::

    manifest.json            format, time, database vendor, row counts per model, SHA-256 and size of every file
    database.ntrjsonl.gz     every model's rows (dumpdata --all) as JSON Lines, times to the microsecond, read in
                             one transaction (one snapshot on PostgreSQL)
    media/…                  the private media files under their stored names

Restore goes into an empty database (migrated, with no accounts and no audit events): it checks every checksum
first, then replaces the database's contents with the dump in one transaction and copies the media files, and
finally compares the row counts with the manifest.
"""

import contextlib
import hashlib
import json
import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILE = "database.ntrjsonl.gz"
MEDIA_DIR = "media"
#: never backed up: logins in progress, lockout and rate-limit counters are not data
EXCLUDED_MODELS = [
    "sessions.session",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "throttle.ratecounter",
]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_root() -> Path:
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


def _backed_up_models():
    excluded = set(EXCLUDED_MODELS)
    return [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in excluded and not model._meta.proxy and model._meta.managed
    ]


def model_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.count() for model in _backed_up_models()}


def _media_files(root: Path):
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def backup_create(output: Path) -> dict:
    """Write a backup into ``output`` (a new or empty directory); returns the manifest."""
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise ValidationError(_("备份目录 %(path)s 不是空目录。") % {"path": output}, code="not_empty")
    output.mkdir(parents=True, exist_ok=True)
    database_path = output / DATABASE_FILE
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table, so the dump is consistent while the site keeps running.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        counts = model_counts()
        call_command(
            "dumpdata",
            all=True,
            format="ntrjsonl",
            exclude=EXCLUDED_MODELS,
            output=str(database_path),
            verbosity=0,
        )
    files = {DATABASE_FILE: {"sha256": sha256_of(database_path), "size": database_path.stat().st_size}}
    root = media_root()
    for source in _media_files(root):
        relative = source.relative_to(root).as_posix()
        target = output / MEDIA_DIR / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        files[f"{MEDIA_DIR}/{relative}"] = {"sha256": sha256_of(target), "size": target.stat().st_size}
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database_vendor": connection.vendor,
        "counts": counts,
        "files": files,
    }
    (output / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), "utf-8"
    )
    return manifest


def backup_verify(source: Path) -> dict:
    """The manifest, once every file in it is present with its checksum; raises ValidationError otherwise."""
    source = Path(source)
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise ValidationError(
            _("%(path)s 中没有备份清单 manifest.json。") % {"path": source}, code="no_manifest"
        )
    manifest = json.loads(manifest_path.read_text("utf-8"))
    if manifest.get("format") != FORMAT:
        raise ValidationError(_("不支持的备份格式。"), code="format")
    problems = []
    for relative, facts in manifest["files"].items():
        path = (source / relative).resolve()
        if source.resolve() not in path.parents or not path.is_file() or sha256_of(path) != facts["sha256"]:
            problems.append(relative)
    if problems:
        raise ValidationError(
            _("以下备份文件缺失或校验不符：%(files)s") % {"files": "、".join(problems[:20])}, code="checksum"
        )
    return manifest


def database_is_empty() -> bool:
    from audit.models import AuditEvent

    return not get_user_model()._base_manager.exists() and not AuditEvent._base_manager.exists()


@contextlib.contextmanager
def _user_triggers_disabled():
    """On PostgreSQL the guard triggers (append-only audit log, immutable published lists) refuse to take back
    the rows they protect; a restore is the one load that must. They are off only inside the restore's
    transaction (ALTER TABLE is transactional and locks the table until commit) and back on before it commits.
    Foreign-key checks are internal triggers and stay on."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT t.tgisinternal AND n.nspname = current_schema() ORDER BY 1"
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} DISABLE TRIGGER USER")
    yield
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} ENABLE TRIGGER USER")


def backup_restore(source: Path) -> dict:
    """Restore a verified backup into an empty database and media directory; returns the restored counts."""
    source = Path(source)
    manifest = backup_verify(source)
    if not database_is_empty():
        raise ValidationError(
            _("目标数据库不是空库（已有账户或审计记录）。请恢复到新建并已迁移的空数据库。"), code="not_empty"
        )
    root = media_root()
    media_files = [relative for relative in manifest["files"] if relative.startswith(f"{MEDIA_DIR}/")]
    for relative in media_files:
        target = root / relative.removeprefix(f"{MEDIA_DIR}/")
        if target.exists() and sha256_of(target) != manifest["files"][relative]["sha256"]:
            raise ValidationError(
                _("附件目录中已有同名但内容不同的文件：%(path)s") % {"path": target}, code="media_conflict"
            )
    with transaction.atomic():
        # The migrated empty database holds reference data, groups and content types made by migrations; the dump
        # has the same rows under the source's keys, so the tables are emptied first and filled from the dump.
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks still pending in this transaction would block TRUNCATE.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        if connection.vendor == "postgresql":
            # Back to Django's deferred checks: the dump's rows reference each other in no particular order.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        ContentType.objects.clear_cache()
        with _user_triggers_disabled():
            call_command("loaddata", str(source / DATABASE_FILE), verbosity=0)
        ContentType.objects.clear_cache()
        counts = model_counts()
        expected = manifest["counts"]
        differing = sorted(
            label for label in set(expected) | set(counts) if expected.get(label, 0) != counts.get(label, 0)
        )
        if differing:
            raise ValidationError(
                _("恢复后的记录数与备份不一致：%(models)s") % {"models": "、".join(differing)}, code="counts"
            )
    for relative in media_files:
        target = root / relative.removeprefix(f"{MEDIA_DIR}/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copy2(source / relative, target)
    return counts
