"""The built-in daily rules: on by default; staff turn each off in the admin (每日提醒规则).

A rule's reminders carry a key (rule, object, due date, step) per recipient, stored in ``RuleFiring``: the same key
is never sent twice, whatever the number of runs, and every firing is logged there."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

WINDOW_CLOSING = "window_closing"
REVIEW_DUE_SOON = "review_due_soon"
REVIEW_DUE_TODAY = "review_due_today"
REVIEW_OVERDUE = "review_overdue"


@dataclass(frozen=True)
class Rule:
    label: str
    description: str


RULES = {
    WINDOW_CLOSING: Rule(
        _("推荐窗口截止提醒"), _("窗口截止前3天内，提醒尚未完成推荐的省级主管部门和高新区管委会。")
    ),
    REVIEW_DUE_SOON: Rule(_("评审截止前3天提醒"), _("评审任务截止前3天，提醒尚未提交评分的专家。")),
    REVIEW_DUE_TODAY: Rule(_("评审截止当日提醒"), _("评审任务截止当天，提醒尚未提交评分的专家。")),
    REVIEW_OVERDUE: Rule(_("评审逾期提醒"), _("评审任务逾期后，每2天提醒一次尚未提交评分的专家。")),
}

#: Reminders before the due day: this many days ahead.
DUE_SOON_DAYS = 3
#: Overdue reminders repeat every this many days.
OVERDUE_EVERY_DAYS = 2


def rule_enabled(code: str) -> bool:
    from .models import MailRule

    row = MailRule.objects.filter(code=code).only("enabled").first()
    return True if row is None else row.enabled


def fire_once(*, rule: str, object_key: str, due_on: datetime.date, step: int, user) -> bool:
    """Log one firing of a rule for one user; False when that key was already logged (nothing to send)."""
    from .models import RuleFiring

    try:
        with transaction.atomic():
            RuleFiring.objects.create(rule=rule, object_key=object_key, due_on=due_on, step=step, user=user)
    except IntegrityError:
        return False
    return True


def dedupe_key(*, rule: str, object_key: str, due_on: datetime.date, step: int, user) -> str:
    return f"{rule}|{object_key}|{due_on.isoformat()}|{step}|{user.pk}"
