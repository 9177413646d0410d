"""`manage.py backup` and `manage.py restore`: a round trip of the demo registry with attachments gives back the
same rows of every model, every published list with its hashes, every attachment with its checksum and the whole
audit log; a damaged backup or a database that is not empty is refused."""

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from config.backup import MANIFEST, model_counts
from tests import rounds
from tracks.demo import seed_demo
from tracks.models import ListStatus, Nomination, NominationAttachment, ParkList
from tracks.services.hashing import sha256_hex, sm3_hex

ROOT = Path(django_settings.BASE_DIR)


# `restore` (and the flush that empties the database before it) runs as the owner role, so the test's own transaction
# must be the owner's too: every test here runs as the owner.
pytestmark = pytest.mark.usefixtures("owner_db")


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "private_media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(root)}},
    }
    return root


def _attach(nomination, index: int) -> None:
    content = f"%PDF-1.4 申报材料 {index}\n".encode() * (index + 1) * 100
    attachment = NominationAttachment(
        nomination=nomination,
        original_name=f"申报书{index}.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    attachment.file.save("ignored.pdf", ContentFile(content), save=False)
    attachment.save()


@pytest.fixture
def registry(media):
    seed_demo()
    for index, nomination in enumerate(Nomination.objects.order_by("pk")[:3]):
        _attach(nomination, index)
    return media


@pytest.fixture
def small_registry(media):
    """A published list and one attachment: enough for the refusals, and much quicker to build than the demo."""
    rounds.published_list(["440000-03", "320000-01"])
    _attach(Nomination.objects.order_by("pk").first(), 0)
    return media


def snapshot() -> dict:
    published = ParkList.objects.filter(status__in=[ListStatus.PUBLISHED, ListStatus.SUPERSEDED]).order_by(
        "pk"
    )
    return {
        "counts": model_counts(),
        "lists": [(p.pk, p.status, p.sha256, p.sm3, p.canonical_json) for p in published],
        "attachments": [
            (a.pk, a.file.name, a.sha256, hashlib.sha256(a.file.open("rb").read()).hexdigest())
            for a in NominationAttachment.objects.order_by("pk")
        ],
        "audit": list(AuditEvent.objects.order_by("pk").values()),
    }


def backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", "--output", str(path), stdout=out)
    return out.getvalue()


def empty_everything(media_root: Path):
    if connection.vendor == "postgresql":  # the test's own transaction has deferred checks pending
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for path in sorted(media_root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def test_round_trip(registry, tmp_path):
    before = snapshot()
    assert before["lists"], "the demo publishes a list"
    assert len(before["attachments"]) == 3
    assert len(before["audit"]) > 100
    target = tmp_path / "backup"

    message = backup(target)

    assert "已备份" in message
    manifest = json.loads((target / MANIFEST).read_text("utf-8"))
    assert manifest["counts"] == before["counts"]
    assert {name for name in manifest["files"] if name.startswith("media/")} == {
        f"media/{name}" for _pk, name, _sha, _actual in before["attachments"]
    }
    for _pk, name, sha, _actual in before["attachments"]:
        assert manifest["files"][f"media/{name}"]["sha256"] == sha

    empty_everything(registry)
    assert not AuditEvent.objects.exists()
    out = io.StringIO()
    call_command("restore", str(target), stdout=out)

    assert "校验一致" in out.getvalue()
    after = snapshot()
    assert after["counts"] == before["counts"]
    assert after["lists"] == before["lists"]
    assert after["attachments"] == before["attachments"]
    assert after["audit"] == before["audit"]
    for _pk, _status, sha, sm3, canonical in after["lists"]:
        assert sha256_hex(canonical) == sha
        assert sm3_hex(canonical) == sm3
    for _pk, _name, recorded, actual in after["attachments"]:
        assert recorded == actual
    if connection.vendor == "postgresql":  # the guard triggers are back on after the load
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE audit_auditevent SET action = 'forged'")


def test_restore_refuses_a_database_that_is_not_empty(small_registry, tmp_path):
    backup(tmp_path / "backup")
    count = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="不是空库"):
        call_command("restore", str(tmp_path / "backup"))
    assert AuditEvent.objects.count() == count


def test_restore_refuses_a_damaged_backup(small_registry, tmp_path):
    target = tmp_path / "backup"
    backup(target)
    attachment = next((target / "media").rglob("*"))
    while attachment.is_dir():
        attachment = next(attachment.iterdir())
    attachment.write_bytes(attachment.read_bytes() + b"tampered")
    empty_everything(small_registry)

    with pytest.raises(CommandError, match="校验不符"):
        call_command("restore", str(target))

    assert not AuditEvent.objects.exists()
    assert not any(path.is_file() for path in small_registry.rglob("*"))


def test_backup_refuses_a_directory_that_is_not_empty(small_registry, tmp_path):
    target = tmp_path / "backup"
    target.mkdir()
    (target / "other").write_text("x")
    with pytest.raises(CommandError, match="不是空目录"):
        backup(target)


def test_restore_into_a_freshly_migrated_sqlite_database(registry, tmp_path):
    """The way an operator restores: a new database, `migrate`, then `restore` (here from whatever database the
    suite runs on into SQLite)."""
    before = snapshot()
    target = tmp_path / "backup"
    backup(target)
    new_media = tmp_path / "new_media"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        DJANGO_PRIVATE_MEDIA_ROOT=str(new_media),
        PYTHONPATH=str(ROOT),
    )

    def manage(*args):
        result = subprocess.run(  # noqa: S603 - this interpreter, our manage.py, fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    manage("migrate", "--noinput", "-v", "0")
    assert "校验一致" in manage("restore", str(target))
    probe = manage(
        "shell",
        "-c",
        "import json; from config.backup import model_counts; "
        "from tracks.models import ParkList, NominationAttachment; "
        "print(json.dumps({'counts': model_counts(), "
        "'hashes': sorted(ParkList.objects.exclude(sha256='').values_list('sha256', flat=True)), "
        "'files': sorted(NominationAttachment.objects.values_list('file', flat=True))}))",
    )
    restored = json.loads(probe.strip().splitlines()[-1])
    assert restored["counts"] == before["counts"]
    assert restored["hashes"] == sorted(sha for _pk, _s, sha, _sm3, _c in before["lists"])
    for name in restored["files"]:
        recorded = next(sha for _pk, n, sha, _a in before["attachments"] if n == name)
        assert hashlib.sha256((new_media / name).read_bytes()).hexdigest() == recorded
