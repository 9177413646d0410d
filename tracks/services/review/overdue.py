"""Overdue assignments: which are overdue, and staff's one reminder to every reviewer with one."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from ...models import Assignment, Cycle
from ...review_rules import overdue_condition
from ..notifications import notification_send
from .states import _require_staff, assignments_link


def reminders_send(*, actor, cycle: Cycle, now=None, request=None) -> int:
    """Remind every reviewer with an overdue assignment in the cycle (one in-app notice each); audited."""
    _require_staff(actor)
    now = now or timezone.now()
    with transaction.atomic():
        overdue = (
            Assignment.objects.filter(nomination__cycle=cycle)
            .filter(overdue_condition(cycle, now))
            .values("reviewer__user", "reviewer_id")
            .annotate(n=Count("pk"))
            .order_by("reviewer_id")
        )
        rows = list(overdue)
        users = get_user_model().objects.in_bulk([row["reviewer__user"] for row in rows])
        for row in rows:
            notification_send(
                user=users[row["reviewer__user"]],
                message=lambda row=row: (
                    _("催办：您在%(cycle)s有 %(n)s 项评审任务已逾期，请尽快接受并完成评分。")
                    % {"cycle": cycle, "n": row["n"]}
                ),
                link=assignments_link(),
                event="review.reminder",
            )
        if rows:
            audit_record(
                actor=actor,
                action="review.remind",
                obj=cycle,
                after={
                    "reviewers": [row["reviewer_id"] for row in rows],
                    "assignments": sum(r["n"] for r in rows),
                },
                request=request,
            )
    return len(rows)
