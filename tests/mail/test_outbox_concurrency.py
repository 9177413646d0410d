"""Two senders of the outbox at once on PostgreSQL, each in its own thread and database connection: every row is
delivered exactly once (the conditional claim to ``sending``), none twice, none lost."""

import pytest
from django.db import connection

from mail import services
from mail.models import OutboxMessage, OutboxStatus
from tests import factories
from tests.security.test_concurrency import together
from tracks.services.notifications import notifications_send

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent connections (SQLite's test database is one in-memory connection)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_senders_at_once_send_each_row_once(smtp_server):
    users = []
    for i in range(30):
        user = factories.official("440000", username=f"sender{i:02d}")
        user.email = f"sender{i:02d}@example.org"
        user.save(update_fields=["email"])
        users.append(user)
    notifications_send(users=users, message="推荐窗口将于明天截止", event="window.closing")
    assert OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).count() == 30

    first, second = together(lambda: services.outbox_send(), lambda: services.outbox_send())

    assert not isinstance(first, BaseException), first
    assert not isinstance(second, BaseException), second
    assert first.sent + second.sent == 30
    recipients = sorted(rcpt for _from, rcpts, _raw in smtp_server.messages for rcpt in rcpts)
    assert recipients == sorted(f"sender{i:02d}@example.org" for i in range(30))  # each once
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 30
