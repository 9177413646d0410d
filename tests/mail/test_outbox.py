"""The e-mail outbox against a real SMTP server in this process: what a notice queues (language, opt-out, no
address, held without a server, nothing on rollback), the bytes the server receives (RFC 2047 subject, UTF-8 body,
the row's Message-ID), refusals (5xx counts, 4xx and a server that is down do not), at most once (claims, leases,
uncertain rows), password reset never through the outbox, bulk mail reviewed above 10 recipients."""

import datetime
import email
import email.policy
import io

import pytest
from django.core import mail as django_mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from audit.models import AuditEvent
from mail import services
from mail.models import MailBatch, OutboxMessage, OutboxStatus
from tests import factories, rounds
from tests.tracks.services.review_support import Desk
from tracks.models import Notification
from tracks.services import review

pytestmark = pytest.mark.django_db


def invite(desk, *, email_address="expert@example.org", language=None, zone_key="440000-03", **reviewer):
    """Staff put a reviewer on a nomination: the reviewer's invitation (an essential notice) is queued."""
    expert = desk.reviewer(**reviewer)
    expert.user.email = email_address
    expert.user.save(update_fields=["email"])
    if language:
        Profile.objects.update_or_create(user=expert.user, defaults={"language": language})
    review.assignment_add(actor=desk.staff, nomination=desk.nomination(zone_key), reviewer=expert)
    return expert


def parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


# ---------------------------------------------------------------------------------------------------------------
# Queueing


def test_a_notice_queues_its_mail_rendered_in_the_recipients_language(smtp_server):
    desk = Desk()
    chinese = invite(desk, email_address="zh@example.org", name="张专家")
    english = factories.reviewer("110000", fields=[desk.field], name="Smith")
    english.user.email = "en@example.org"
    english.user.save(update_fields=["email"])
    Profile.objects.create(user=english.user, language="en")
    review.assignment_add(actor=desk.staff, nomination=desk.nomination("440000-02"), reviewer=english)

    zh = OutboxMessage.objects.get(recipient=chinese.user)
    en = OutboxMessage.objects.get(recipient=english.user)
    assert (zh.status, zh.event, zh.essential, zh.language, zh.to_email) == (
        OutboxStatus.QUEUED,
        "assignment.invite",
        True,
        "zh-hans",
        "zh@example.org",
    )
    assert zh.subject == "[新赛道培育库] 新的评审任务"
    assert zh.body_text.startswith("张专家，您好：\n\n您有 1 项新的评审任务，请在 ")
    assert "查看详情：https://ntr.example.gov.cn/admin/tracks/assignment/" in zh.body_text
    assert en.language == "en"
    assert en.subject == "[New-Track Registry] New review assignment"
    assert en.body_text.startswith("Dear Smith,\n\nYou have 1 new review assignment")
    # the in-app notice is in the recipient's language too
    assert Notification.objects.get(user=english.user).message.startswith("You have 1 new review assignment")


def test_without_a_server_rows_are_held_and_never_sent_later(settings, smtp_server):
    settings.EMAIL_HOST = ""
    desk = Desk()
    invite(desk)
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.HELD
    assert services.outbox_send().no_host

    settings.EMAIL_HOST = "127.0.0.1"  # a server configured later
    report = services.outbox_send()
    assert (report.sent, smtp_server.messages) == (0, [])
    row.refresh_from_db()
    assert row.status == OutboxStatus.HELD


def test_a_rolled_back_change_queues_nothing(smtp_server):
    desk = Desk()
    expert = desk.reviewer()
    expert.user.email = "expert@example.org"
    expert.user.save(update_fields=["email"])
    nomination = desk.nomination()

    with pytest.raises(RuntimeError), transaction.atomic():
        review.assignment_add(actor=desk.staff, nomination=nomination, reviewer=expert)
        assert OutboxMessage.objects.count() == 1
        raise RuntimeError("the change fails after the notice")

    assert OutboxMessage.objects.count() == 0
    assert Notification.objects.count() == 0


def test_opting_out_stops_optional_mail_only_and_no_address_is_listed(smtp_server):
    desk = Desk()
    expert = invite(desk, email_address="")
    row = OutboxMessage.objects.get(recipient=expert.user)
    assert row.status == OutboxStatus.NO_ADDRESS  # shown to staff: this user has no address
    assert expert.user in services.users_without_address()

    official = factories.official("440000")
    official.email = "gd@example.org"
    official.save(update_fields=["email"])
    Profile.objects.filter(user=official).update(email_notices=False)
    from tracks.services.notifications import notification_send

    notification_send(user=official, message="榜单进入公示", event="list.notice")  # not essential: no e-mail
    notification_send(user=official, message="推荐窗口即将截止", event="window.closing")  # essential: always
    assert list(OutboxMessage.objects.filter(recipient=official).values_list("event", flat=True)) == [
        "window.closing"
    ]


# ---------------------------------------------------------------------------------------------------------------
# Sending: the bytes on the wire


def test_send_outbox_delivers_utf8_with_rfc2047_subject_and_the_rows_message_id(smtp_server):
    desk = Desk()
    invite(desk, name="张专家")
    row = OutboxMessage.objects.get()
    out = io.StringIO()

    call_command("send_outbox", stdout=out)

    assert "sent 1" in out.getvalue()
    assert len(smtp_server.messages) == 1
    mail_from, rcpt_tos, raw = smtp_server.messages[0]
    assert (mail_from, rcpt_tos) == ("noreply@ntr.example.gov.cn", ["expert@example.org"])
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # every header is ASCII on the wire
    assert "Subject: =?utf-8?" in head
    assert f"Message-ID: {row.message_id}" in head
    assert "From: =?utf-8?" in head and "<noreply@ntr.example.gov.cn>" in head
    assert "Auto-Submitted: auto-generated" in head
    message = parsed(raw)
    # Django folds a long encoded subject onto a continuation line; unfolded, it reads back exactly
    assert str(message["Subject"]).strip() == "[新赛道培育库] 新的评审任务"
    text = message.get_body(("plain",))
    assert text.get_content_charset() == "utf-8"
    assert text.get_content().startswith("张专家，您好：")
    assert message.get_body(("html",)) is not None
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at is not None) == (OutboxStatus.SENT, 0, True)

    call_command("send_outbox", stdout=out)  # nothing left: never twice
    assert len(smtp_server.messages) == 1


def test_a_5xx_refusal_counts_then_the_row_fails(smtp_server, settings):
    settings.NTR_MAIL_MAX_ATTEMPTS = 2
    invite(Desk())
    row = OutboxMessage.objects.get()
    smtp_server.refuse_rcpt = "550 5.1.1 mailbox unavailable"

    first = services.outbox_send()
    row.refresh_from_db()
    assert (first.refused, row.status, row.attempts) == (1, OutboxStatus.QUEUED, 1)
    assert "550" in row.last_error
    assert services.outbox_send().refused == 0  # waits for its next attempt time

    later = timezone.now() + datetime.timedelta(hours=1)
    second = services.outbox_send(now=later)
    row.refresh_from_db()
    assert (second.failed, row.status, row.attempts) == (1, OutboxStatus.FAILED, 2)
    assert smtp_server.messages == []

    # staff resend the failed row: a fresh count, the same Message-ID
    smtp_server.refuse_rcpt = None
    assert services.outbox_resend(actor=Desk().staff, messages=[row]) == 1
    assert services.outbox_send().sent == 1
    assert parsed(smtp_server.messages[0][2])["Message-ID"] == row.message_id
    assert AuditEvent.objects.filter(action="mail.resend", object_id=str(row.pk)).count() == 1


def test_a_4xx_answer_defers_without_using_an_attempt(smtp_server):
    invite(Desk())
    smtp_server.refuse_data = "451 4.3.0 try again later"
    report = services.outbox_send()
    row = OutboxMessage.objects.get()
    assert (report.deferred, row.status, row.attempts) == (1, OutboxStatus.QUEUED, 0)
    assert row.next_attempt_at is not None


def test_a_server_that_is_down_loses_nothing_and_uses_no_attempt(smtp_down):
    desk = Desk()
    invite(desk)
    invite(desk, email_address="second@example.org", province_code="120000", zone_key="440000-02")
    report = services.outbox_send()
    assert report.down
    assert sorted(OutboxMessage.objects.values_list("status", "attempts")) == [
        (OutboxStatus.QUEUED, 0),
        (OutboxStatus.QUEUED, 0),
    ]
    with pytest.raises(SystemExit) as stopped:
        call_command("send_outbox", stdout=io.StringIO(), stderr=io.StringIO())
    assert stopped.value.code == 75


def test_a_claimed_row_is_sent_by_one_sender_only_and_an_expired_lease_is_uncertain(smtp_server):
    invite(Desk())
    row = OutboxMessage.objects.get()
    token = services.outbox_claim(row.pk)
    assert token is not None
    assert services.outbox_claim(row.pk) is None  # a second sender finds it taken

    assert services.outbox_send().sent == 0  # sending rows are never picked up again
    late = timezone.now() + datetime.timedelta(hours=1)
    row.refresh_from_db()
    assert row.uncertain(late) and not row.uncertain()
    assert services.outbox_send(now=late).sent == 0
    assert smtp_server.messages == []


# ---------------------------------------------------------------------------------------------------------------
# Password reset: sent directly, never stored


def test_password_reset_mail_never_goes_through_the_outbox(client, smtp_server, settings):
    settings.NTR_PASSWORD_RESET_BY_EMAIL = True
    user = factories.official("440000")
    user.email = "gd@example.org"
    user.save(update_fields=["email"])

    response = client.post(reverse("accounts:password_reset"), {"email": "gd@example.org"})

    assert response.status_code == 302
    assert OutboxMessage.objects.count() == 0
    assert len(smtp_server.messages) == 1  # straight to the server
    assert smtp_server.messages[0][1] == ["gd@example.org"]
    assert django_mail.outbox == []


# ---------------------------------------------------------------------------------------------------------------
# Bulk mail: above 10 recipients staff read it first


def _officials(n):
    users = []
    for i in range(n):
        user = factories.official("440000", username=f"gd{i:02d}")
        user.email = f"gd{i:02d}@example.org"
        user.save(update_fields=["email"])
        users.append(user)
    return users


def _bulk(actor, users):
    return services.mail_bulk(
        actor=actor,
        recipients=users,
        event="adhoc",
        title="2027年度推荐通知",
        notice=lambda user: "请于3月31日前完成推荐",
        context_for=lambda user: {"subject": "2027年度推荐通知", "body": "请各省于3月31日前完成推荐。"},
    )


def test_up_to_ten_recipients_go_at_once(smtp_server):
    staff = factories.staff()
    result = _bulk(staff, _officials(10))
    assert result.batch is None
    assert OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).count() == 10
    assert Notification.objects.count() == 10


def test_more_than_ten_wait_for_staff_then_send_or_cancel(smtp_server, client):
    staff = factories.staff()
    users = _officials(11)
    result = _bulk(staff, users)
    batch = result.batch
    assert batch is not None and batch.status == MailBatch.Status.REVIEW
    assert OutboxMessage.objects.filter(status=OutboxStatus.REVIEW).count() == 11
    assert Notification.objects.count() == 0
    assert services.outbox_send().sent == 0

    client.force_login(staff)
    page = client.get(reverse("admin:mail_mailbatch_change", args=[batch.pk])).content.decode()
    assert "gd10@example.org" in page and "请各省于3月31日前完成推荐。" in page

    response = client.post(reverse("admin:mail_mailbatch_change", args=[batch.pk]), {"op": "send"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == MailBatch.Status.APPROVED
    assert Notification.objects.count() == 11
    assert services.outbox_send().sent == 11
    subjects = {str(parsed(raw)["Subject"]).strip() for _f, _t, raw in smtp_server.messages}
    assert subjects == {"[新赛道培育库] 2027年度推荐通知"}

    second = _bulk(staff, users).batch
    services.mail_batch_cancel(actor=staff, batch=second)
    assert OutboxMessage.objects.filter(batch=second, status=OutboxStatus.CANCELLED).count() == 11
    assert services.outbox_send().sent == 0


# ---------------------------------------------------------------------------------------------------------------
# The admin


def test_staff_filter_the_outbox_and_cancel_a_row(client, smtp_server):
    desk = Desk()
    invite(desk)
    invite(desk, email_address="", province_code="120000", zone_key="440000-02")
    client.force_login(desk.staff)
    url = reverse("admin:mail_outboxmessage_changelist")

    page = client.get(url, {"status": "no_address"}).content.decode()
    assert (
        "未发送（无邮箱地址）" in page and "2 个账户没有邮箱地址" in page
    )  # the expert and the staff member
    row = OutboxMessage.objects.get(status=OutboxStatus.QUEUED)
    response = client.post(url, {"action": "cancel", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == OutboxStatus.CANCELLED


def test_reviewers_and_officials_do_not_see_the_outbox(client):
    desk = Desk()
    expert = invite(desk)
    client.force_login(expert.user)
    assert client.get(reverse("admin:mail_outboxmessage_changelist")).status_code == 403


# ---------------------------------------------------------------------------------------------------------------
# Lists and objections


def test_list_on_notice_and_published_reach_the_provinces_concerned_and_an_objector_gets_a_receipt(
    smtp_server,
):
    from tracks.services.lists import list_publish, objection_file

    guangdong = factories.official("440000", username="gd_official")
    guangdong.email = "gd@example.org"
    guangdong.save(update_fields=["email"])
    jiangsu = factories.official("320000", username="js_official")
    jiangsu.email = "js@example.org"
    jiangsu.save(update_fields=["email"])

    park_list, staff = rounds.list_on_notice(["440000-03", "440000-02"], days_ago=1)

    # Guangdong's officials (the one who nominated included); 江苏 has no nomination in the scope.
    notices = OutboxMessage.objects.filter(event="list.notice").select_related("recipient__profile")
    assert {message.recipient.profile.province.code for message in notices} == {"440000"}
    notice = notices.get(recipient=guangdong)
    assert f"《{park_list.title}》进入公示" in notice.body_text

    with transaction.atomic():
        objection_file(
            park_list=park_list,
            name="王五",
            organisation="某大学",
            contact="13800000000",
            statement="对排名第二的园区营业收入数据有异议，请核实。" * 2,
            email="objector@example.org",
        )
    receipt = OutboxMessage.objects.get(event="objection.receipt")
    assert (receipt.to_email, receipt.recipient, receipt.essential) == ("objector@example.org", None, True)
    assert "回执编号：YY" in receipt.body_text and receipt.body_text.startswith("王五，您好：")

    from tracks.models import Objection, ObjectionStatus
    from tracks.services.lists import objection_resolve

    objection_resolve(
        actor=staff,
        objection=Objection.objects.get(),
        decision=ObjectionStatus.DISMISSED,
        resolution="经核实数据无误。",
    )
    park_list.notice_ends_at = timezone.now() - datetime.timedelta(minutes=1)
    park_list.save(update_fields=["notice_ends_at"])
    list_publish(actor=staff, park_list=park_list)
    assert OutboxMessage.objects.filter(event="list.published", recipient=guangdong).count() == 1


@pytest.mark.parametrize("n", [3, 10])
def test_bulk_mail_writes_in_a_fixed_number_of_queries(django_assert_max_num_queries, n):
    staff = factories.staff()
    users = _officials(n)
    with django_assert_max_num_queries(12):
        _bulk(staff, users)
    assert OutboxMessage.objects.count() == n
