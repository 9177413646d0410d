"""`manage.py archive_audit`: rows older than the retention (at least 180 days) go to a JSON Lines file (gzip for
.gz) and then leave the database, in one transaction; the archive itself is an audit event with the file's
SHA-256. The only path that removes audit rows, on SQLite and (through the trigger's switch, for the owner role
only) on PostgreSQL."""

import datetime
import gzip
import hashlib
import io
import json
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from tests import factories as f

# archive_audit runs as the owner role, and only the owner may write the back-dated rows it archives: every test here
# runs as the owner (tests/audit/test_db_roles.py shows the runtime role refused).
pytestmark = pytest.mark.usefixtures("owner_db")


def event(days_ago, action="test.event", actor=None):
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return audit_record(actor=actor, action=action, after={"days": days_ago})


def run(*args):
    out = io.StringIO()
    call_command("archive_audit", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def rows():
    user = f.official(username="gd")
    return {
        "old": event(400, actor=user, action="nomination.submit"),
        "older": event(200, actor=None, action="login.failed"),
        "edge": event(179, actor=None),
        "recent": event(3, actor=user),
    }


def test_old_rows_go_to_the_file_and_leave_the_database(tmp_path, rows):
    output = tmp_path / "audit-archive.jsonl"

    message = run("--older-than-days", "180", "--output", str(output))

    lines = [json.loads(line) for line in output.read_text("utf-8").splitlines()]
    assert [line["id"] for line in lines] == [rows["old"].pk, rows["older"].pk]
    first = lines[0]
    assert first["action"] == "nomination.submit"
    assert first["actor_repr"] == "gd"
    assert first["after"] == {"days": 400}
    assert datetime.datetime.fromisoformat(first["at"]) == rows["old"].at
    remaining = set(AuditEvent.objects.exclude(action="audit.archive").values_list("pk", flat=True))
    assert remaining >= {rows["edge"].pk, rows["recent"].pk}
    assert not remaining & {rows["old"].pk, rows["older"].pk}
    archive = AuditEvent.objects.get(action="audit.archive")
    assert archive.after["count"] == 2
    assert archive.after["sha256"] == hashlib.sha256(output.read_bytes()).hexdigest()
    assert "已归档 2 条审计记录" in message
    assert not (tmp_path / "audit-archive.jsonl.partial").exists()


def test_a_gz_name_compresses(tmp_path, rows):
    output = tmp_path / "audit.jsonl.gz"
    run("--output", str(output))  # the retention is the default
    with gzip.open(output, "rt", encoding="utf-8") as handle:
        assert [json.loads(line)["id"] for line in handle] == [rows["old"].pk, rows["older"].pk]


@pytest.mark.parametrize("days", ["179", "30", "0"])
def test_a_shorter_retention_is_refused(tmp_path, rows, days):
    output = tmp_path / "x.jsonl"
    with pytest.raises(CommandError, match="至少保存 180 天"):
        run("--older-than-days", days, "--output", str(output))
    assert not output.exists()
    assert AuditEvent.objects.count() == 4


def test_a_longer_retention_from_settings_is_the_floor(tmp_path, rows, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    with pytest.raises(CommandError, match="至少保存 365 天"):
        run("--older-than-days", "200", "--output", str(tmp_path / "x.jsonl"))
    run("--output", str(tmp_path / "y.jsonl"))
    assert [json.loads(x)["id"] for x in (tmp_path / "y.jsonl").read_text().splitlines()] == [rows["old"].pk]


def test_an_existing_file_is_never_overwritten(tmp_path, rows):
    output = tmp_path / "x.jsonl"
    output.write_text("keep me")
    with pytest.raises(CommandError, match="已存在"):
        run("--output", str(output))
    assert output.read_text() == "keep me"
    assert AuditEvent.objects.count() == 4


def test_nothing_old_writes_no_file(tmp_path):
    event(10)
    output = tmp_path / "x.jsonl"
    assert "没有早于" in run("--output", str(output))
    assert not output.exists()
    assert AuditEvent.objects.count() == 1
