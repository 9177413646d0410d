"""The audit log holds against the site's own database role.

On PostgreSQL with two roles (deploy/postgres-roles.sql; CI runs the whole suite so) every test connects as the
runtime role of DATABASE_URL: it is no superuser, owns nothing, and cannot TRUNCATE the audit table, disable or drop
its triggers, change or delete its rows, insert a back-dated row, or take rows away through the archive switch.
The owner role of DATABASE_OWNER_URL, which created and migrated the test database, can do what migrate, restore
and archive_audit need. ``check --deploy`` tells a deployment where it stands (audit.checks)."""

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit import checks
from audit.db_roles import OwnerRoleRequired, is_owner_connection, owner_connection
from audit.models import AuditEvent
from audit.services import audit_record

ROOT = Path(django_settings.BASE_DIR)
ROLES_SQL = ROOT / "deploy" / "postgres-roles.sql"
INSUFFICIENT_PRIVILEGE = "42501"


@pytest.fixture
def two_roles():
    """The runtime and owner role names; skips outside PostgreSQL with two roles (fails in CI, which must have
    them)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    owner = django_settings.DATABASE_OWNER
    if not owner:
        if os.environ.get("CI"):
            pytest.fail("CI runs the PostgreSQL suite with two roles: set DATABASE_OWNER_URL (see .ci/run)")
        pytest.skip("one database role (no DATABASE_OWNER_URL)")
    return {"runtime": django_settings.DATABASES["default"]["USER"], "owner": owner["USER"]}


def sqlstate_of(sql: str, params=None) -> str | None:
    """Run ``sql`` in a savepoint and return the SQLSTATE it failed with (None if it did not fail)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        return getattr(exc.__cause__, "sqlstate", "?")
    return None


def one(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def event_at(moment, action="test.event"):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return audit_record(actor=None, action=action, after={"at": moment.isoformat()})


def triggers_enabled() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass "
            "AND NOT tgisinternal ORDER BY tgname"
        )
        return cursor.fetchall()


# -- the runtime role -------------------------------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_suite_connects_as_a_runtime_role_that_is_no_superuser_and_owns_nothing(two_roles):
    role, session_role, superuser, bypass, create_role, create_db = one(
        "SELECT current_user, session_user, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb "
        "FROM pg_roles WHERE rolname = current_user"
    )
    assert role == session_role == two_roles["runtime"]
    assert (superuser, bypass, create_role, create_db) == (False, False, False, False)
    owned = one(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND n.nspname !~ '^pg_'"
    )[0]
    assert owned == 0
    assert one("SELECT pg_has_role(current_user, %s, 'MEMBER')", [two_roles["owner"]]) == (False,)
    assert one("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'audit_auditevent'::regclass") == (
        two_roles["owner"],
    )
    assert not is_owner_connection()


@pytest.mark.postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "TRUNCATE audit_auditevent",
        "TRUNCATE audit_auditevent CASCADE",
        "TRUNCATE django_session",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
        "DROP TRIGGER audit_auditevent_current_time ON audit_auditevent",
        "DROP FUNCTION audit_auditevent_append_only() CASCADE",
        "CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS 'BEGIN RETURN OLD; END' "
        "LANGUAGE plpgsql",
        "DROP TABLE audit_auditevent CASCADE",
        "ALTER TABLE audit_auditevent RENAME TO audit_old",
        "ALTER TABLE audit_auditevent OWNER TO CURRENT_USER",
        "UPDATE audit_auditevent SET action = 'forged'",
        "DELETE FROM audit_auditevent",
        "CREATE TABLE audit_shadow (id int)",
        "CREATE SCHEMA shadow",
    ],
)
def test_the_runtime_role_cannot_erase_or_unguard_the_audit_log(two_roles, sql):
    row = audit_record(actor=None, action="test.keep")
    before = triggers_enabled()

    assert sqlstate_of(sql) == INSUFFICIENT_PRIVILEGE

    assert AuditEvent.objects.get(pk=row.pk).action == "test.keep"
    assert triggers_enabled() == before
    assert {state for _name, state in before} == {"O"}  # every trigger enabled


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_runtime_role_cannot_grant_itself_more(two_roles):
    """GRANT by a role without grant options only warns (PostgreSQL), and grants nothing."""
    with connection.cursor() as cursor:
        cursor.execute("GRANT UPDATE, DELETE, TRUNCATE ON audit_auditevent TO CURRENT_USER")
    assert one(
        "SELECT has_table_privilege('audit_auditevent', 'UPDATE'), has_table_privilege('audit_auditevent', 'DELETE'),"
        " has_table_privilege('audit_auditevent', 'TRUNCATE')"
    ) == (False, False, False)


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_archive_switch_does_not_help_the_runtime_role(two_roles):
    audit_record(actor=None, action="test.keep")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ntr.audit_archive = 'on'")
        assert sqlstate_of("DELETE FROM audit_auditevent") == INSUFFICIENT_PRIVILEGE
    assert AuditEvent.objects.filter(action="test.keep").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    "offset",
    [
        datetime.timedelta(days=-400),
        datetime.timedelta(days=-181),
        datetime.timedelta(hours=-1),
        datetime.timedelta(minutes=-10),
        datetime.timedelta(minutes=10),
        datetime.timedelta(days=30),
    ],
)
def test_a_row_not_dated_now_is_refused_to_the_runtime_role(two_roles, offset):
    with pytest.raises(DatabaseError, match="current time") as refused, transaction.atomic():
        event_at(timezone.now() + offset)
    assert refused.value.__cause__.sqlstate == INSUFFICIENT_PRIVILEGE
    raw = one("SELECT now()")[0] + offset
    assert (
        sqlstate_of(
            "INSERT INTO audit_auditevent (at, actor_repr, action, object_type, object_id, object_repr, reason) "
            "VALUES (%s, '', 'forged', '', '', '', '')",
            [raw],
        )
        == INSUFFICIENT_PRIVILEGE
    )
    assert not AuditEvent.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_rows_dated_now_within_the_tolerance_are_appended(two_roles):
    now = timezone.now()
    for offset in (datetime.timedelta(0), datetime.timedelta(minutes=-4), datetime.timedelta(minutes=4)):
        event_at(now + offset)
    audit_record(actor=None, action="test.plain")
    assert AuditEvent.objects.count() == 4


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_runtime_role_reads_and_writes_every_other_table(two_roles):
    """The default privileges gave it plain DML on every table the migrations created, never TRUNCATE, TRIGGER or
    REFERENCES; on the audit log only SELECT and INSERT."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, "
            "       has_table_privilege(c.oid, 'SELECT') AND has_table_privilege(c.oid, 'INSERT'), "
            "       has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE'), "
            "       has_table_privilege(c.oid, 'TRUNCATE') OR has_table_privilege(c.oid, 'TRIGGER') "
            "       OR has_table_privilege(c.oid, 'REFERENCES') "
            "FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
            "ORDER BY 1"
        )
        rows = {name: flags for name, *flags in cursor.fetchall()}
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
            "AND CASE WHEN c.relkind = 'S' THEN NOT has_sequence_privilege(c.oid, 'USAGE') ELSE false END"
        )
        unusable_sequences = [row[0] for row in cursor.fetchall()]
    assert len(rows) > 40
    assert rows.pop("audit_auditevent") == [True, False, False, False]
    assert {name: flags for name, flags in rows.items() if flags != [True, True, True, False]} == {}
    assert unusable_sequences == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_only_the_owner_role_archives(two_roles, tmp_path):
    """A back-dated row (only the owner may write one) cannot be archived by the runtime role, neither through the
    service nor with the switch by hand; archive_audit logs in as the owner and can."""
    with owner_connection():
        assert one("SELECT current_user") == (two_roles["owner"],)
        old = event_at(timezone.now() - datetime.timedelta(days=400), action="test.old")
    assert one("SELECT current_user") == (two_roles["runtime"],)

    from audit.archive import audit_archive

    with pytest.raises(DatabaseError) as refused:
        audit_archive(older_than_days=180, output=tmp_path / "by-runtime.jsonl")
    assert refused.value.__cause__.sqlstate == INSUFFICIENT_PRIVILEGE
    assert list(tmp_path.iterdir()) == []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL ntr.audit_archive = 'on'")
        assert sqlstate_of("DELETE FROM audit_auditevent WHERE id = %s", [old.pk]) == INSUFFICIENT_PRIVILEGE
    assert AuditEvent.objects.filter(pk=old.pk).exists()

    with transaction.atomic(), pytest.raises(OwnerRoleRequired), owner_connection():
        pass  # cannot switch roles inside a transaction

    output = tmp_path / "by-owner.jsonl"
    call_command("archive_audit", "--output", str(output), stdout=io.StringIO())
    assert str(old.pk) in output.read_text("utf-8")
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert one("SELECT current_user") == (two_roles["runtime"],)


# -- the owner role -----------------------------------------------------------------------------------------------


@pytest.mark.postgres_only
def test_tables_the_owner_creates_later_are_usable_by_the_runtime_role(two_roles, owner_db):
    """ALTER DEFAULT PRIVILEGES (deploy/postgres-roles.sql): a table a later migration creates needs no grant."""
    assert one("SELECT current_user") == (two_roles["owner"],)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE ntr_probe_later (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)"
        )
    runtime = two_roles["runtime"]
    privileges = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"]
    held = {
        privilege: one("SELECT has_table_privilege(%s, 'ntr_probe_later', %s)", [runtime, privilege])[0]
        for privilege in privileges
    }
    assert held == {
        "SELECT": True,
        "INSERT": True,
        "UPDATE": True,
        "DELETE": True,
        "TRUNCATE": False,
        "TRIGGER": False,
        "REFERENCES": False,
    }
    assert one(
        "SELECT has_sequence_privilege(%s, pg_get_serial_sequence('ntr_probe_later', 'id'), 'USAGE')",
        [runtime],
    ) == (True,)


@pytest.mark.postgres_only
def test_the_roles_file_is_idempotent_on_a_migrated_database(two_roles, owner_db):
    """Run again by the owner on the migrated test database: no error, and the audit log stays append-only for the
    runtime role although the file grants it UPDATE and DELETE on all tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('ntr.owner_role', %s, true), set_config('ntr.app_role', %s, true)",
            [two_roles["owner"], two_roles["runtime"]],
        )
        cursor.execute(ROLES_SQL.read_text("utf-8"))
    runtime = two_roles["runtime"]
    assert one(
        "SELECT has_table_privilege(%s, 'audit_auditevent', 'INSERT'), "
        "has_table_privilege(%s, 'audit_auditevent', 'UPDATE'), "
        "has_table_privilege(%s, 'audit_auditevent', 'DELETE'), "
        "has_table_privilege(%s, 'django_session', 'DELETE')",
        [runtime, runtime, runtime, runtime],
    ) == (True, False, False, True)


@pytest.mark.postgres_only
def test_the_owner_may_back_date_but_not_rewrite(two_roles, owner_db):
    """What restore and archive_audit need (old rows in, old rows out through the switch), and no more: the
    append-only trigger binds the owner too, as long as it does not drop it."""
    old = event_at(timezone.now() - datetime.timedelta(days=400))
    assert sqlstate_of("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [old.pk]) == (
        INSUFFICIENT_PRIVILEGE
    )
    assert sqlstate_of("DELETE FROM audit_auditevent WHERE id = %s", [old.pk]) == INSUFFICIENT_PRIVILEGE
    assert AuditEvent.objects.get(pk=old.pk).action == "test.event"


# -- check --deploy -----------------------------------------------------------------------------------------------


def _ids(errors) -> list[str]:
    return sorted(error.id for error in errors)


def test_the_check_says_nothing_on_sqlite(settings):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    settings.DATABASE_OWNER = None
    assert checks.check_database_roles() == []


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_check_passes_for_the_runtime_role(two_roles):
    assert checks.check_database_roles() == []


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_one_role_is_a_warning_that_can_be_silenced(two_roles, settings):
    settings.DATABASE_OWNER = None
    assert _ids(checks.check_database_roles()) == ["audit.W001"]
    with pytest.raises(SystemCheckError, match="audit.W001"):
        call_command("check", "--deploy", "--tag", "database", "--fail-level", "WARNING")
    settings.SILENCED_SYSTEM_CHECKS = ["audit.W001"]
    call_command("check", "--deploy", "--tag", "database", "--fail-level", "WARNING", stdout=io.StringIO())


@pytest.mark.postgres_only
def test_a_runtime_role_that_owns_tables_is_an_error(two_roles, owner_db):
    """The test connection is the owner here, as if DATABASE_URL named the owner role."""
    errors = checks.check_database_roles()
    assert "audit.E002" in _ids(errors)
    assert all(error.level >= 40 for error in errors)  # errors, not warnings


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_a_superuser_is_an_error_with_one_role_or_two(two_roles, settings):
    facts = {**checks.database_role_facts(), "superuser": True}
    with mock.patch.object(checks, "database_role_facts", return_value=facts):
        assert _ids(checks.check_database_roles()) == ["audit.E001"]
        settings.DATABASE_OWNER = None
        assert _ids(checks.check_database_roles()) == ["audit.E001", "audit.W001"]


def _url(settings_dict: dict, name: str) -> str:
    credentials = quote(settings_dict["USER"], safe="")
    if settings_dict.get("PASSWORD"):
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{name}"


def _check_deploy(**env) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    base.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="registry.example.gov.cn",
        PYTHONPATH=str(ROOT),
        **env,
    )
    return subprocess.run(  # noqa: S603 - this interpreter, our manage.py, fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "database", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_check_deploy_against_the_test_database(two_roles):
    """The production settings' check --deploy, run as a deployment would (against this test database): clean with
    two roles, a warning with one, an error when DATABASE_URL names the owner."""
    name = connection.settings_dict["NAME"]
    runtime = _url(django_settings.DATABASES["default"], name)
    owner = _url(django_settings.DATABASE_OWNER, name)

    clean = _check_deploy(DATABASE_URL=runtime, DATABASE_OWNER_URL=owner)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    single = _check_deploy(DATABASE_URL=runtime)
    assert single.returncode != 0
    assert "audit.W001" in single.stderr

    reversed_roles = _check_deploy(DATABASE_URL=owner, DATABASE_OWNER_URL=owner)
    assert reversed_roles.returncode != 0
    assert "audit.E002" in reversed_roles.stderr
    assert "audit.E003" in reversed_roles.stderr
