"""The audit log is append-only: the ORM refuses every change and removal on both databases, and on PostgreSQL a
trigger refuses UPDATE and DELETE even for the role that owns the table (raw SQL here, as the owner would send it;
the runtime role has not even the privileges, see test_db_roles.py)."""

import datetime
from unittest import mock

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_record
from tests import factories as f

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


def event(days_ago=0, action="test.event"):
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return audit_record(actor=None, action=action, after={"n": days_ago})


@pytest.mark.django_db
def test_the_orm_refuses_every_change_and_removal():
    row = event()
    row.action = "edited"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).update(action="edited")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([row], ["action"])
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update_or_create(pk=row.pk, defaults={"action": "edited"})
    assert AuditEvent.objects.get(pk=row.pk).action == "test.event"


def test_the_internal_archive_path_never_takes_recent_rows(owner_db):
    recent = event(days_ago=179)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all()._archive_delete(cutoff=timezone.now(), max_id=recent.pk)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all()._archive_delete(
            cutoff=timezone.now() - datetime.timedelta(days=179), max_id=recent.pk
        )
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


@pytest.mark.django_db
def test_a_user_with_audit_events_cannot_be_deleted():
    from django.db.models import ProtectedError

    user = f.official(username="gd")
    audit_record(actor=user, action="test.event")
    with pytest.raises(ProtectedError):
        user.delete()


@on_postgres
@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s",
        "UPDATE audit_auditevent SET reason = 'x', before = NULL WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgres_refuses_raw_update_and_delete_even_to_the_owner(owner_db, sql):
    row = event(days_ago=400)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [row.pk])
    assert AuditEvent.objects.get(pk=row.pk).action == "test.event"


@on_postgres
@pytest.mark.postgres_only
def test_postgres_trigger_lets_the_archive_switch_delete_only_old_rows(owner_db):
    old, recent = event(days_ago=400), event(days_ago=100)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL ntr.audit_archive = 'on'")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [recent.pk])
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL ntr.audit_archive = 'on'")
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [old.pk])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ntr.audit_archive = 'on'")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])
        cursor.execute("SET LOCAL ntr.audit_archive = 'off'")
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {recent.pk}


@on_postgres
@pytest.mark.postgres_only
def test_the_archive_service_turns_the_switch_off_again(owner_db, tmp_path):
    from audit.archive import audit_archive

    event(days_ago=400)
    result = audit_archive(older_than_days=180, output=tmp_path / "archive.jsonl")
    assert result.count == 1
    another_old = event(days_ago=500)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [another_old.pk])
    assert AuditEvent.objects.filter(pk=another_old.pk).exists()


@on_postgres
@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_triggers_are_installed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass AND NOT tgisinternal "
            "ORDER BY tgname"
        )
        assert [row[0] for row in cursor.fetchall()] == [
            "audit_auditevent_append_only",
            "audit_auditevent_current_time",
            "audit_auditevent_no_truncate",
        ]
