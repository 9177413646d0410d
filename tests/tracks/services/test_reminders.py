"""Reminders that work: who has not finished and how late; 催办 to a panel, to chosen reviewers or to one (a batch
staff read first above 10); the daily rules (3 days before, on the day, every 2 days overdue; once per rule, logged,
each may be turned off); standing conflicts on the profile page (respected by assignment, removing and refilling
an assignment made before); the reviewer's queue sorted by what needs action first."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from mail.models import MailBatch, MailRule, OutboxMessage, OutboxStatus, RuleFiring
from mail.rules import REVIEW_DUE_SOON, REVIEW_DUE_TODAY, REVIEW_OVERDUE, WINDOW_CLOSING
from tests import factories
from tests.tracks.services.review_support import Desk
from tracks.models import Assignment, AssignmentStatus, ConflictDeclaration, Notification
from tracks.services import reminders, review

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def with_email(reviewer, address=None):
    reviewer.user.email = address or f"{reviewer.user.username}@example.org"
    reviewer.user.save(update_fields=["email"])
    return reviewer


# ---------------------------------------------------------------------------------------------------------------
# Who has not finished


def test_pending_lists_unanswered_not_started_and_drafts_with_how_late():
    desk = Desk(closes_in=-DAY * 2 - datetime.timedelta(hours=3))
    a, b, c, done = (
        desk.reviewer(code, name=name)
        for code, name in (("110000", "甲"), ("120000", "乙"), ("130000", "丙"), ("140000", "丁"))
    )
    nomination = desk.nomination()
    desk.invite(nomination, a)
    Assignment.objects.create(
        nomination=nomination, reviewer=b, status=AssignmentStatus.ACCEPTED, pledge_signed_at=timezone.now()
    )
    drafting = Assignment.objects.create(
        nomination=nomination,
        reviewer=c,
        status=AssignmentStatus.ACCEPTED,
        pledge_signed_at=timezone.now(),
        due_at=timezone.now() + DAY,
    )
    from tracks.models import Score

    Score.objects.create(assignment=drafting, criterion=desk.criteria["strategic"], value=70, max_score=100)
    Assignment.objects.create(
        nomination=desk.nomination("440000-02"),
        reviewer=done,
        status=AssignmentStatus.SUBMITTED,
        pledge_signed_at=timezone.now(),
        submitted_at=timezone.now(),
    )

    rows = reminders.pending_assignments(desk.cycle)

    assert [(r.reviewer.name, r.state, r.days_late) for r in rows] == [
        ("乙", "not_started", 2),
        ("甲", "unanswered", 2),
        ("丙", "draft", 0),
    ]


# ---------------------------------------------------------------------------------------------------------------
# 催办 from the desk


def test_remind_page_lists_who_is_late_and_reminds_the_ticked_one(client):
    desk = Desk(closes_in=-DAY)
    late = with_email(desk.reviewer(name="迟到专家"))
    other = with_email(desk.reviewer("120000", name="另一位"))
    desk.invite(desk.nomination(), late)
    desk.invite(desk.nomination("440000-02"), other)
    client.force_login(desk.staff)
    url = reverse("admin:tracks_review_remind", args=[desk.cycle.year])

    page = client.get(url).content.decode()
    assert "迟到专家" in page and "未答复邀请" in page and "逾期 1 天" in page

    response = client.post(url, {"scope": "selected", "reviewer": [late.pk]})
    assert response.status_code == 302
    assert Notification.objects.filter(user=late.user, message__startswith="催办").count() == 1
    assert not Notification.objects.filter(user=other.user).exists()
    row = OutboxMessage.objects.get(recipient=late.user)
    # the test settings name no mail server: the row is kept as held, never sent
    assert (row.event, row.status, row.essential) == ("review.reminder", OutboxStatus.HELD, True)
    assert "1. 广东省 · " in row.body_text and "状态：未答复邀请；截止：" in row.body_text
    assert "；已逾期 1 天" in row.body_text
    event = AuditEvent.objects.get(action="review.remind")
    assert event.after["reviewers"] == [late.user.pk]


def test_remind_everyone_in_a_panel_of_more_than_ten_waits_for_staff(client):
    desk = Desk()
    experts = [with_email(desk.reviewer("110000", name=f"专家{i:02d}")) for i in range(11)]
    nomination = desk.nomination()
    for expert in experts:
        desk.invite(nomination, expert)
    client.force_login(desk.staff)

    response = client.post(
        reverse("admin:tracks_review_remind", args=[desk.cycle.year]),
        {"scope": "all", "field": desk.field.pk},
    )

    batch = MailBatch.objects.get()
    assert response["Location"] == reverse("admin:mail_mailbatch_change", args=[batch.pk])
    assert batch.messages.filter(status=OutboxStatus.REVIEW).count() == 11
    assert Notification.objects.count() == 0  # nothing goes before staff send it


def test_the_old_desk_button_still_reminds_the_overdue_by_mail_too(client):
    desk = Desk(closes_in=-DAY)
    late = with_email(desk.reviewer())
    desk.invite(desk.nomination(), late)
    client.force_login(desk.staff)
    client.post(reverse("admin:tracks_review_remind", args=[desk.cycle.year]))
    assert OutboxMessage.objects.get(recipient=late.user).event == "review.reminder"


# ---------------------------------------------------------------------------------------------------------------
# The daily rules


def run(now):
    return reminders.reminders_due(now=now)


def test_daily_rules_three_days_before_on_the_day_then_every_two_days_overdue():
    desk = Desk(closes_in=DAY * 10)
    expert = with_email(desk.reviewer())
    due = timezone.localtime(timezone.now()).replace(hour=17, minute=0, second=0, microsecond=0) + DAY * 5
    desk.invite(desk.nomination(), expert, due_at=due)
    morning = due.replace(hour=8)

    sent = {}
    for offset in range(-5, 8):  # the command runs every morning, from 5 days before to 7 days after
        counts = run(morning + DAY * offset)
        for rule, n in counts.items():
            if n:
                sent.setdefault(rule, []).append(offset)
        run(morning + DAY * offset + datetime.timedelta(hours=2))  # a second run that day sends nothing

    assert sent == {REVIEW_DUE_SOON: [-3], REVIEW_DUE_TODAY: [0], REVIEW_OVERDUE: [1, 3, 5, 7]}
    assert RuleFiring.objects.filter(user=expert.user).count() == 6
    subjects = list(
        OutboxMessage.objects.filter(recipient=expert.user).order_by("pk").values_list("event", flat=True)
    )
    assert subjects == ["review.due_soon", "review.due_today", *["review.overdue"] * 4]
    assert Notification.objects.filter(user=expert.user).count() == 6
    overdue = OutboxMessage.objects.filter(event="review.overdue").order_by("pk").last()
    assert "；已逾期 6 天" in overdue.body_text  # whole days past 17:00 on the due day


def test_a_missed_day_is_made_up_once_and_a_rule_turned_off_sends_nothing():
    desk = Desk(closes_in=DAY * 10)
    expert = with_email(desk.reviewer())
    due = timezone.now() + DAY * 2
    desk.invite(desk.nomination(), expert, due_at=due)
    MailRule.objects.filter(code=REVIEW_DUE_SOON).update(enabled=False)

    assert run(timezone.now())[REVIEW_DUE_SOON] == 0
    MailRule.objects.filter(code=REVIEW_DUE_SOON).update(enabled=True)
    assert run(timezone.now())[REVIEW_DUE_SOON] == 1
    assert run(timezone.now() + datetime.timedelta(hours=5))[REVIEW_DUE_SOON] == 0


def test_submitted_and_declined_assignments_get_no_reminder_and_the_command_logs():
    desk = Desk(closes_in=DAY * 2)
    finished = with_email(desk.reviewer())
    declined = with_email(desk.reviewer("120000"))
    waiting = with_email(desk.reviewer("130000"))
    nomination = desk.nomination()
    desk.submitted(nomination, finished)
    # the decline refills the nomination from the panel: the waiting reviewer is invited
    review.assignment_decline(actor=declined.user, assignment=desk.invite(nomination, declined))
    assert Assignment.objects.filter(
        nomination=nomination, reviewer=waiting, status=AssignmentStatus.INVITED
    ).exists()
    out = io.StringIO()

    call_command("remind_reviewers", stdout=out)

    assert "review_due_soon: 1 reviewer(s) reminded" in out.getvalue()
    assert set(RuleFiring.objects.values_list("user", flat=True)) == {waiting.user.pk}
    event = AuditEvent.objects.get(action="review.remind_rules")
    assert len(event.after[REVIEW_DUE_SOON]) == 1 and event.after[REVIEW_DUE_TODAY] == []


def test_window_closing_is_keyed_and_may_be_turned_off():
    from tracks.services.nominations import window_closing_reminders

    now = timezone.now()
    cycle = factories.CycleFactory(nomination_closes_at=now + DAY * 2)
    official = factories.official("440000")
    MailRule.objects.filter(code=WINDOW_CLOSING).update(enabled=False)
    assert window_closing_reminders(now=now) == 0
    MailRule.objects.filter(code=WINDOW_CLOSING).update(enabled=True)
    assert window_closing_reminders(now=now) >= 1
    assert window_closing_reminders(now=now) == 0
    assert (
        RuleFiring.objects.filter(
            rule=WINDOW_CLOSING, user=official, object_key__startswith=f"cycle:{cycle.pk}:"
        ).count()
        == 1
    )
    assert OutboxMessage.objects.filter(recipient=official, event="window.closing").count() == 1


# ---------------------------------------------------------------------------------------------------------------
# Standing conflicts on the profile page


def test_a_standing_conflict_removes_and_refills_then_assignment_respects_it(client):
    desk = Desk()
    expert = desk.reviewer("110000", name="回避专家")
    spare = desk.reviewer("120000", name="替补专家")
    nomination = desk.nomination("440000-03")  # 中山, 广东
    invited = desk.invite(nomination, expert)
    client.force_login(expert.user)

    page = client.get(reverse("accounts:profile")).content.decode()
    assert "回避申报" in page
    response = client.post(
        reverse("accounts:profile"),
        {
            "op": "conflict",
            "kind": "province",
            "province": factories.province("440000").pk,
            "reason": "曾在广东省任职",
        },
    )

    assert response.status_code == 302
    invited.refresh_from_db()
    assert (invited.status, invited.status_reason) == (AssignmentStatus.CONFLICT, "曾在广东省任职")
    assert Assignment.objects.filter(
        nomination=nomination, reviewer=spare, status=AssignmentStatus.INVITED
    ).exists()
    declaration = ConflictDeclaration.objects.get(reviewer=expert, province__code="440000")
    assert AuditEvent.objects.filter(action="conflict.declare", object_id=str(declaration.pk)).exists()
    # a later automatic assignment never picks the reviewer for 广东
    other = desk.nomination("440000-02")
    review.assignment_auto(cycle=desk.cycle, actor=desk.staff)
    assert not Assignment.objects.filter(nomination=other, reviewer=expert).exists()


def test_an_organisation_is_a_warning_to_staff_at_assignment(client):
    desk = Desk()
    expert = desk.reviewer("110000", name="单位回避专家")
    client.force_login(expert.user)
    client.post(
        reverse("accounts:profile"),
        {
            "op": "conflict",
            "kind": "organisation",
            "organisation": "某某科技集团",
            "reason": "曾在该集团兼职",
        },
    )
    nomination = desk.nomination()
    client.force_login(desk.staff)
    page = client.get(reverse("admin:tracks_review_nomination", args=[nomination.pk])).content.decode()
    assert "单位回避专家：某某科技集团" in page


def test_every_role_has_the_profile_page_and_sets_its_preferences(client):
    official = factories.official("440000")
    official.email = "old@example.org"
    official.save(update_fields=["email"])
    client.force_login(official)
    url = reverse("accounts:profile")
    assert "回避申报" not in client.get(url).content.decode()

    wrong = client.post(
        url, {"op": "preferences", "email": "new@example.org", "language": "en", "current_password": "x"}
    )
    assert "修改邮箱须输入正确的当前密码" in wrong.content.decode()
    client.post(
        url,
        {
            "op": "preferences",
            "email": "new@example.org",
            "language": "en",
            "current_password": factories.PASSWORD,
        },
    )
    official.refresh_from_db()
    assert (official.email, official.profile.language, official.profile.email_notices) == (
        "new@example.org",
        "en",
        False,
    )
    for maker in (factories.staff, factories.system_admin, factories.audit_admin):
        client.force_login(maker())
        assert client.get(url).status_code == 200


# ---------------------------------------------------------------------------------------------------------------
# The reviewer's queue


def test_the_reviewers_queue_puts_what_needs_action_first(client):
    desk = Desk()
    expert = desk.reviewer()
    now = timezone.now()
    first = desk.nomination("440000-03")
    second = desk.nomination("440000-02")
    third = desk.nomination("440000-04")
    done = desk.submitted(third, expert)
    later = desk.invite(second, expert, due_at=now + DAY * 5)
    accepted = desk.accepted(first, expert)
    soon = desk.invite(desk.nomination("440000-05"), expert, due_at=now + DAY)
    client.force_login(expert.user)

    response = client.get(reverse("admin:tracks_assignment_changelist"))

    order = [a.pk for a in response.context["cl"].result_list]
    assert order == [soon.pk, later.pk, accepted.pk, done.pk]


# ---------------------------------------------------------------------------------------------------------------
# Queries that do not grow with the data


@pytest.mark.parametrize("size", [2, 8])
def test_the_remind_page_and_a_reminder_run_read_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, size
):
    desk = Desk(closes_in=-DAY)
    keys = [
        "440000-03",
        "440000-02",
        "440000-04",
        "440000-05",
        "440000-06",
        "440000-07",
        "440000-08",
        "440000-09",
    ]
    for i in range(size):
        expert = with_email(desk.reviewer("110000", name=f"专家{i:02d}"))
        desk.invite(desk.nomination(keys[i]), expert)
    client.force_login(desk.staff)
    url = reverse("admin:tracks_review_remind", args=[desk.cycle.year])
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(
        30 + 2 * size
    ):  # one RuleFiring insert (in a savepoint) per assignment
        assert run(timezone.now())[REVIEW_OVERDUE] == size
