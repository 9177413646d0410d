"""Fixtures of the security tests.

``world`` builds tests/security/world.py once per module inside a transaction that is rolled back when the module
ends (the way Django's TestCase.setUpTestData works): every test that asks for it also asks for ``db``, whose own
savepoint undoes whatever the test's requests changed, so a POST that an allowed role makes never leaks into the
next case and the database is left as the module found it.
"""

import pytest
from django.db import transaction


def _sessions(users) -> dict:
    """One signed-in session per role (``force_login``), made once: a request of a role carries its cookie. A
    request that ends or cycles the session (logout, 2FA) is rolled back with its savepoint, so the key stays
    good for the next one."""
    from django.conf import settings
    from django.test import Client

    sessions = {}
    for role, user in users.items():
        if user is None:
            sessions[role] = None
            continue
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from .world import build_world

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            world.sessions = _sessions(world.users)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
