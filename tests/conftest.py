"""Fixtures for the whole suite.

On PostgreSQL with two roles (``DATABASE_URL`` the runtime role, ``DATABASE_OWNER_URL`` the owner role, see
deploy/postgres-roles.sql) the suite runs the way a deployment does: the owner role creates the test database,
applies deploy/postgres-roles.sql to it (the runtime role's default privileges), migrates it and drops it at the
end; every test runs as the runtime role. The transactional tests' flushes need TRUNCATE, so ``flush`` logs in as
the owner (audit/management/commands/flush.py), as ``restore`` and ``archive_audit`` do. A test that must act as
the owner for the whole of its transaction (back-dated audit history, a restore) asks for ``owner_db`` (with or
instead of ``db``). On SQLite, or PostgreSQL with one role, nothing changes.
"""

from pathlib import Path

import pytest
from django.core.cache import cache

ROLES_SQL = Path(__file__).resolve().parent.parent / "deploy" / "postgres-roles.sql"


def _two_roles() -> bool:
    from audit.db_roles import owner_settings

    return owner_settings() is not None


class _Login:
    """Switches the main thread's default connection between the runtime and the owner role, keeping whatever the
    test-database setup writes into the settings (its NAME) on the runtime role's settings."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.runtime = connection.settings_dict

    def as_owner(self):
        from audit.db_roles import OWNER_KEYS, owner_settings

        owner = owner_settings()
        self.connection.close()
        self.connection.settings_dict = {
            **self.runtime,
            **{key: owner.get(key) or "" for key in OWNER_KEYS},
            "OPTIONS": {**self.runtime.get("OPTIONS", {}), **(owner.get("OPTIONS") or {})},
        }

    def as_runtime(self):
        self.connection.close()
        self.runtime["NAME"] = self.connection.settings_dict["NAME"]
        self.connection.settings_dict = self.runtime


def _apply_roles_sql(sender, using, **kwargs):
    """pre_migrate, while the test database is set up: what deploy/postgres-roles.sql does in a deployment's
    database before its first migrate, here as the owner role in the new test database."""
    from django.db import connections

    from audit.db_roles import owner_settings

    connection = connections[using]
    name = connection.settings_dict["NAME"]
    if name in _apply_roles_sql.done:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('ntr.owner_role', %s, false), set_config('ntr.app_role', %s, false)",
            [owner_settings()["USER"], _apply_roles_sql.runtime_user],
        )
        cursor.execute(ROLES_SQL.read_text("utf-8"))
    _apply_roles_sql.done.add(name)


_apply_roles_sql.done = set()


_LOGIN: _Login | None = None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The test database is created and migrated by the owner role (then see ``django_db_setup``)."""
    global _LOGIN
    if not _two_roles():
        yield
        return
    from django.db.models.signals import pre_migrate

    _LOGIN = _Login()
    _apply_roles_sql.runtime_user = _LOGIN.runtime["USER"]
    pre_migrate.connect(_apply_roles_sql, dispatch_uid="tests.apply_roles_sql")
    _LOGIN.as_owner()
    yield
    pre_migrate.disconnect(dispatch_uid="tests.apply_roles_sql")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_modify_db_settings):
    """pytest-django's setup (as the owner), then every test as the runtime role; the owner drops the database."""
    if _LOGIN is None:
        yield
        return
    _LOGIN.as_runtime()
    yield
    _LOGIN.as_owner()


@pytest.fixture
def owner_db(db):
    """Like ``db``, with the test's connection logged in as the owner role for the whole test, its transaction
    included (see pytest_fixture_setup below); on SQLite or with one role, just ``db``. For tests of what only the
    owner may do (back-dated audit rows, restore, archive_audit)."""
    from audit.db_roles import is_owner_connection

    assert is_owner_connection()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """``owner_db``: log in as the owner before pytest-django opens the test's transaction, and back to the runtime
    role after it is rolled back (the finalizer added first runs last)."""
    if (
        _LOGIN is not None
        and fixturedef.argname == "_django_db_helper"
        and "owner_db" in getattr(request.node, "fixturenames", ())
    ):
        _LOGIN.as_owner()
        fixturedef.addfinalizer(_LOGIN.as_runtime)
    return (yield)


@pytest.fixture(autouse=True)
def _default_language(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _published_root(settings, tmp_path_factory):
    # Compiled lists are files named by the list's id (publishing/paths.py): a rolled-back test may reuse an id
    # (SQLite), so each test writes and reads its own directory.
    settings.PUBLISHED_ROOT = tmp_path_factory.mktemp("published")


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rolled-back tests may reuse primary keys (SQLite): a page cached by an earlier test must not answer for a
    # different row with the same id.
    cache.clear()
    yield
