"""Two database roles on PostgreSQL (deploy/postgres-roles.sql).

The site runs as the *runtime* role of ``DATABASE_URL``: it owns nothing, has no TRUNCATE, and may only read and
append to the audit log. The *owner* role of ``DATABASE_OWNER_URL`` owns the tables; the commands that need it
(``migrate``, ``flush``, ``restore``, ``archive_audit``) log in as the owner for their run through
:func:`owner_connection`. Without ``DATABASE_OWNER_URL`` (and always on SQLite) one role does both and
:func:`owner_connection` changes nothing; ``check --deploy`` warns about that on PostgreSQL (audit.checks).
"""

import contextlib

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

#: what DATABASE_OWNER_URL replaces in the connection's settings; the database name stays the connection's own (in
#: the test suite, the test database's)
OWNER_KEYS = ("USER", "PASSWORD", "HOST", "PORT")


class OwnerRoleRequired(RuntimeError):
    """The operation needs the owner role and the connection cannot switch to it here."""


def owner_settings(using: str = DEFAULT_DB_ALIAS) -> dict | None:
    """The owner role's connection settings, or None where one role does everything (SQLite, or PostgreSQL without
    DATABASE_OWNER_URL)."""
    owner = getattr(settings, "DATABASE_OWNER", None)
    if not owner or using != DEFAULT_DB_ALIAS or connections[using].vendor != "postgresql":
        return None
    return owner


def is_owner_connection(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True where this connection logs in as the owner role (or where there is no separate one)."""
    owner = owner_settings(using)
    if owner is None:
        return True
    current = connections[using].settings_dict
    return all(str(current.get(key) or "") == str(owner.get(key) or "") for key in OWNER_KEYS)


@contextlib.contextmanager
def owner_connection(using: str = DEFAULT_DB_ALIAS):
    """Run the block with connection ``using`` logged in as the owner role, then back to the runtime role.

    The switch closes the connection and opens it again with the owner's credentials (this thread's connection
    only), so it cannot happen inside a transaction: there it raises :class:`OwnerRoleRequired`, unless the
    connection already is the owner's."""
    connection = connections[using]
    if is_owner_connection(using):
        yield connection
        return
    if connection.in_atomic_block:
        raise OwnerRoleRequired(
            _("此操作需要数据库所有者角色（DATABASE_OWNER_URL），不能在已开始的事务中切换角色。")
        )
    owner = owner_settings(using)
    runtime = connection.settings_dict
    connection.close()
    connection.settings_dict = {
        **runtime,
        **{key: owner.get(key) or "" for key in OWNER_KEYS},
        "OPTIONS": {**runtime.get("OPTIONS", {}), **(owner.get("OPTIONS") or {})},
    }
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict = runtime
