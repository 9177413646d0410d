"""Reminders of overdue assignments (tracks/services/review/overdue.py)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from tests.tracks.services.review_support import Desk
from tracks.models import (
    Notification,
)
from tracks.services import review

# ---------------------------------------------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------------------------------------------


def test_reminders_go_to_reviewers_with_overdue_assignments_once_each(db):
    desk = Desk(closes_in=datetime.timedelta(days=-1))  # the review window closed yesterday
    late, punctual, on_time_due = desk.reviewer("110000"), desk.reviewer("320000"), desk.reviewer("330000")
    first, second = desk.nomination("440000-03"), desk.nomination("440000-02")
    desk.invite(first, late)
    desk.accepted(second, late)
    desk.submitted(first, punctual)
    desk.invite(second, on_time_due, due_at=timezone.now() + datetime.timedelta(days=2))

    assert review.reminders_send(actor=desk.staff, cycle=desk.cycle) == 1

    notices = Notification.objects.filter(message__startswith="催办")
    assert [(n.user, n.message) for n in notices] == [
        (late.user, f"催办：您在{desk.cycle}有 2 项评审任务已逾期，请尽快接受并完成评分。")
    ]
    assert AuditEvent.objects.get(action="review.remind").after == {"reviewers": [late.pk], "assignments": 2}
    with pytest.raises(PermissionDenied):
        review.reminders_send(actor=late.user, cycle=desk.cycle)
