"""The outbox: queue an e-mail in the event's transaction, send the queue later, and what staff do with it.

* ``mail_notices`` is called by ``tracks.services.notifications.notification_send``/``notifications_send`` (the one hook): every in-app
  notice also queues an e-mail, rendered now from templates in the recipient's language (accounts.Profile.language,
  zh-hans by default). A rolled-back change rolls its rows back with it. A user who turned off non-essential e-mail
  gets none of those; a user without an address gets a row marked 无邮箱地址, so staff see who is missed. Without
  ``EMAIL_HOST`` a row is stored as ``held`` and never sent, even after a host is set.
* ``outbox_send`` (``manage.py send_outbox``, every minute) claims each queued row with a conditional update to
  ``sending`` plus a lease, commits, sends it with its own stable Message-ID, then marks it ``sent``: at most once,
  whatever the number of senders. A server that is down or unreachable leaves the rows queued and uses no attempt;
  a 4xx answer defers the row; a 5xx refusal counts, and after ``NTR_MAIL_MAX_ATTEMPTS`` the row is ``failed``. A
  row whose lease ran out before its sender reported is shown to staff as uncertain and never sent again by itself.
* ``mail_bulk`` sends staff's own mail (a call to all provinces, a hand-made reminder): up to
  ``BULK_REVIEW_OVER`` recipients it goes at once; above, it waits in a ``MailBatch`` that staff read (recipients and
  rendered text) and then send or cancel.
* Password-reset and second-factor mail never come here: Django sends them directly and nothing is stored.
"""

import contextlib
import datetime
import smtplib
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import guards, roles
from audit.services import audit_record

from .events import event_of
from .models import MailBatch, OutboxMessage, OutboxStatus

#: A send to more recipients than this waits for staff to read it (MailBatch).
BULK_REVIEW_OVER = 10


# ---------------------------------------------------------------------------------------------------------------
# Recipients


def _profiles(users) -> dict:
    from accounts.models import Profile

    ids = [u.pk for u in users if u is not None and u.pk is not None]
    return {p.user_id: p for p in Profile.objects.filter(user_id__in=ids)}


def user_language(user, profile=None) -> str:
    """The language a user reads mail and notices in: their setting, else the site's (zh-hans)."""
    if profile is None:
        profile = _profiles([user]).get(user.pk)
    language = getattr(profile, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def wants_optional_mail(profile) -> bool:
    return getattr(profile, "email_notices", True) if profile is not None else True


def site_url(path: str) -> str:
    """An absolute address for a link in an e-mail (SITE_URL), or "" when the site's address is not configured."""
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if not base or not path:
        return ""
    return base + path if path.startswith("/") else path


def _domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL
    address = address.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] if "@" in address else "localhost"


def new_message_id() -> str:
    """A Message-ID of its own per row, kept for every attempt (short enough for one header line)."""
    return f"<ntr.{uuid.uuid4().hex}@{_domain()}>"


def mail_configured() -> bool:
    return bool(getattr(settings, "EMAIL_HOST", ""))


# ---------------------------------------------------------------------------------------------------------------
# Rendering and queueing


def render_mail(template: str, context: dict, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of ``templates/<template>.{txt,html}`` in ``language``; the subject is the event's."""
    with translation.override(language):
        event = event_of(context.get("event", "notice"))
        context = {
            "site_name": str(settings.SITE_NAME),
            "site_url": site_url("/"),
            "profile_url": site_url(_profile_path()),
            "essential": event.essential,
            **context,
        }
        subject = context.get("subject") or str(event.subject)
        subject = f"[{context['site_name']}] {subject}"
        text = render_to_string(f"{template}.txt", context).strip() + "\n"
        try:
            html = render_to_string(f"{template}.html", context)
        except Exception:  # noqa: BLE001 - TemplateDoesNotExist: text only
            html = ""
    return subject[:255], text, html


def _profile_path() -> str:
    from django.urls import reverse

    with translation.override(settings.LANGUAGE_CODE):
        return reverse("accounts:profile")


def _status_for(address: str) -> str:
    if not address:
        return OutboxStatus.NO_ADDRESS
    return OutboxStatus.QUEUED if mail_configured() else OutboxStatus.HELD


def recipient_names(users) -> dict:
    """{user id: how a letter greets them}: the profile's name, a reviewer's name, else the full or user name. Two
    queries for any number of users."""
    from tracks.models import ReviewerProfile

    users = [u for u in users if u is not None and u.pk is not None]
    profiles = _profiles(users)
    reviewers = dict(
        ReviewerProfile.objects.filter(user_id__in=[u.pk for u in users]).values_list("user_id", "name")
    )
    names = {}
    for user in users:
        profile = profiles.get(user.pk)
        names[user.pk] = (
            getattr(profile, "display_name", "")
            or reviewers.get(user.pk)
            or user.get_full_name()
            or user.get_username()
        )
    return names


def build_message(
    *,
    user=None,
    email: str = "",
    language: str | None = None,
    profile=None,
    event: str,
    template: str = "mail/notice",
    context: dict | None = None,
    link: str = "",
    dedupe_key: str | None = None,
    batch: MailBatch | None = None,
    notice_text: str = "",
    status: str | None = None,
    name: str | None = None,
) -> OutboxMessage:
    """One rendered, unsaved outbox row (the caller saves it, alone or in bulk)."""
    if user is not None:
        email = (user.email or "").strip()
        language = language or user_language(user, profile)
    language = language or settings.LANGUAGE_CODE
    context = {
        "event": event,
        "recipient_name": (name if name is not None else recipient_names([user])[user.pk])
        if user is not None
        else "",
        "url": site_url(link),
        **(context or {}),
    }
    subject, text, html = render_mail(template, context, language)
    return OutboxMessage(
        recipient=user,
        to_email=email,
        language=language,
        subject=subject,
        body_text=text,
        body_html=html,
        event=event,
        essential=event_of(event).essential,
        dedupe_key=dedupe_key,
        batch=batch,
        notice_text=notice_text[:255],
        link=link[:255],
        status=status or _status_for(email),
        message_id=new_message_id(),
    )


def mail_notices(*, users, message, link: str = "", event: str = "notice") -> list[OutboxMessage]:
    """The e-mail of an in-app notice, one row per user, in each user's language (the hook of notification_send/notifications_send).

    ``message`` is the notice's text, or a function returning it in the active language (then each recipient reads
    it in their own language)."""
    users = [u for u in users if u is not None]
    if not users:
        return []
    profiles = _profiles(users)
    names = recipient_names(users)
    essential = event_of(event).essential
    rows = []
    for user in users:
        profile = profiles.get(user.pk)
        if not essential and not wants_optional_mail(profile):
            continue
        language = user_language(user, profile)
        with translation.override(language):
            text = str(message() if callable(message) else message)
        rows.append(
            build_message(
                user=user,
                profile=profile,
                language=language,
                event=event,
                context={"message": text},
                link=link,
                name=names[user.pk],
            )
        )
    return OutboxMessage.objects.bulk_create(rows)


def mail_to_address(*, email: str, language: str, event: str, template: str, context: dict) -> OutboxMessage:
    """An e-mail to someone without an account (an objector's receipt), queued in the caller's transaction."""
    row = build_message(
        email=email.strip(), language=language, event=event, template=template, context=context
    )
    row.save()
    return row


# ---------------------------------------------------------------------------------------------------------------
# Staff's own mail: direct up to BULK_REVIEW_OVER recipients, reviewed above


def _require_staff(actor):
    guards.require_programme_staff(actor, _("只有业务管理员可以发送和管理邮件。"))


@dataclass
class BulkResult:
    batch: MailBatch | None
    messages: list = field(default_factory=list)
    notices: int = 0

    @property
    def reviewed(self) -> bool:
        return self.batch is not None


def mail_bulk(
    *,
    actor,
    recipients,
    event: str,
    title: str,
    template: str = "mail/adhoc",
    notice=None,
    context_for=None,
    link: str = "",
    request=None,
) -> BulkResult:
    """Staff's mail to ``recipients`` (users): each rendered in their language from ``template`` with
    ``context_for(user)``, with an in-app notice (``notice``: a function of the user returning its text in the
    active language). More than BULK_REVIEW_OVER recipients: held in a batch for staff to read, then send or cancel."""
    from tracks.models import Notification

    _require_staff(actor)
    recipients = list({u.pk: u for u in recipients}.values())
    if not recipients:
        raise ValidationError(_("没有收件人。"), code="no_recipients")
    profiles = _profiles(recipients)
    names = recipient_names(recipients)
    reviewed = len(recipients) > BULK_REVIEW_OVER
    with transaction.atomic():
        batch = None
        if reviewed:
            batch = MailBatch.objects.create(title=title[:255], event=event, created_by=actor)
        rows, notices = [], []
        for user in recipients:
            profile = profiles.get(user.pk)
            language = user_language(user, profile)
            with translation.override(language):
                context = dict(context_for(user) if context_for else {})
                text = str(notice(user)) if notice else ""
            row = build_message(
                user=user,
                profile=profile,
                language=language,
                event=event,
                template=template,
                context=context,
                link=link,
                batch=batch,
                notice_text=text,
                name=names[user.pk],
            )
            if reviewed and row.status != OutboxStatus.NO_ADDRESS:
                row.status = OutboxStatus.REVIEW
            rows.append(row)
            if not reviewed and text:
                notices.append(Notification(user=user, message=text[:255], link=link[:255]))
        rows = OutboxMessage.objects.bulk_create(rows)
        Notification.objects.bulk_create(notices)
        audit_record(
            actor=actor,
            action="mail.batch" if reviewed else "mail.bulk",
            obj=batch,
            after={"event": event, "title": title, "recipients": [u.pk for u in recipients]},
            request=request,
        )
    return BulkResult(batch=batch, messages=rows, notices=len(notices))


def mail_batch_approve(*, actor, batch: MailBatch, request=None) -> MailBatch:
    """Staff read the batch and send it: its rows are queued (held without a server), the in-app notices made."""
    from tracks.models import Notification

    _require_staff(actor)
    with transaction.atomic():
        now = timezone.now()
        changed = MailBatch.objects.filter(pk=batch.pk, status=MailBatch.Status.REVIEW).update(
            status=MailBatch.Status.APPROVED, decided_by=actor, decided_at=now
        )
        if changed != 1:
            raise ValidationError(_("该群发已处理。"), code="invalid_state")
        batch.refresh_from_db()
        target = OutboxStatus.QUEUED if mail_configured() else OutboxStatus.HELD
        queued = OutboxMessage.objects.filter(batch=batch, status=OutboxStatus.REVIEW).update(
            status=target, created_at=now
        )
        Notification.objects.bulk_create(
            [
                Notification(user_id=user_id, message=text, link=link)
                for user_id, text, link in batch.messages.exclude(notice_text="")
                .filter(recipient__isnull=False)
                .values_list("recipient_id", "notice_text", "link")
            ]
        )
        audit_record(
            actor=actor, action="mail.batch_send", obj=batch, after={"messages": queued}, request=request
        )
    return batch


def mail_batch_cancel(*, actor, batch: MailBatch, request=None) -> MailBatch:
    _require_staff(actor)
    with transaction.atomic():
        changed = MailBatch.objects.filter(pk=batch.pk, status=MailBatch.Status.REVIEW).update(
            status=MailBatch.Status.CANCELLED, decided_by=actor, decided_at=timezone.now()
        )
        if changed != 1:
            raise ValidationError(_("该群发已处理。"), code="invalid_state")
        batch.refresh_from_db()
        cancelled = OutboxMessage.objects.filter(
            batch=batch, status__in=[OutboxStatus.REVIEW, OutboxStatus.NO_ADDRESS]
        ).update(status=OutboxStatus.CANCELLED)
        audit_record(
            actor=actor, action="mail.batch_cancel", obj=batch, after={"messages": cancelled}, request=request
        )
    return batch


# ---------------------------------------------------------------------------------------------------------------
# Staff on single rows: resend a failed (or uncertain) one, cancel one not sent


def _uncertain_q(now) -> Q:
    return Q(status=OutboxStatus.SENDING, lease_until__lt=now)


def outbox_resend(*, actor, messages, request=None) -> int:
    """Queue failed rows (and uncertain ones: staff decided) again with a fresh count; the Message-ID stays, so a
    duplicate of an uncertain one is recognisable."""
    _require_staff(actor)
    now = timezone.now()
    ids = [m.pk for m in messages]
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.filter(pk__in=ids)
            .filter(Q(status=OutboxStatus.FAILED) | _uncertain_q(now))
            .order_by("pk")
        )
        for row in rows:
            changed = OutboxMessage.objects.filter(
                pk=row.pk, status=row.status, claim_token=row.claim_token
            ).update(
                status=OutboxStatus.QUEUED if mail_configured() else OutboxStatus.HELD,
                attempts=0,
                next_attempt_at=None,
                claim_token="",
                claimed_at=None,
                lease_until=None,
            )
            if changed:
                audit_record(
                    actor=actor,
                    action="mail.resend",
                    obj=row,
                    before={"status": row.status, "attempts": row.attempts},
                    after={"status": OutboxStatus.QUEUED},
                    request=request,
                )
    return len(rows)


CANCELLABLE = (OutboxStatus.QUEUED, OutboxStatus.FAILED, OutboxStatus.HELD, OutboxStatus.NO_ADDRESS)


def outbox_cancel(*, actor, messages, request=None) -> int:
    """Cancel rows not sent: queued, failed, held, without address, or uncertain (never one a sender holds now)."""
    _require_staff(actor)
    now = timezone.now()
    count = 0
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.filter(pk__in=[m.pk for m in messages])
            .filter(Q(status__in=CANCELLABLE) | _uncertain_q(now))
            .order_by("pk")
        )
        for row in rows:
            if OutboxMessage.objects.filter(pk=row.pk, status=row.status, claim_token=row.claim_token).update(
                status=OutboxStatus.CANCELLED
            ):
                count += 1
                audit_record(
                    actor=actor,
                    action="mail.cancel",
                    obj=row,
                    before={"status": row.status},
                    after={"status": OutboxStatus.CANCELLED},
                    request=request,
                )
    return count


# ---------------------------------------------------------------------------------------------------------------
# Sending


@dataclass
class SendReport:
    sent: int = 0
    deferred: int = 0
    refused: int = 0
    failed: int = 0
    skipped: int = 0
    down: str = ""
    no_host: bool = False
    errors: list = field(default_factory=list)


class _ServerDown(Exception):
    pass


def _max_attempts() -> int:
    return max(1, int(getattr(settings, "NTR_MAIL_MAX_ATTEMPTS", 3)))


def _retry_delay(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(
        seconds=int(getattr(settings, "NTR_MAIL_RETRY_SECONDS", 600)) * max(1, attempts)
    )


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(getattr(settings, "NTR_MAIL_LEASE_SECONDS", 300)))


def outbox_claim(pk: int, *, now=None) -> str | None:
    """Take one queued row for this sender: a conditional update to ``sending`` with a lease; the token, or None when
    another sender (or staff) got to it first. Commits at once outside a transaction, before anything is sent."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    changed = OutboxMessage.objects.filter(pk=pk, status=OutboxStatus.QUEUED).update(
        status=OutboxStatus.SENDING, claim_token=token, claimed_at=now, lease_until=now + _lease()
    )
    return token if changed == 1 else None


def _finish(pk: int, token: str, **changes) -> bool:
    return (
        OutboxMessage.objects.filter(pk=pk, status=OutboxStatus.SENDING, claim_token=token).update(**changes)
        == 1
    )


def _email_of(row: OutboxMessage, connection) -> EmailMultiAlternatives:
    headers = {
        "Message-ID": row.message_id,
        "Auto-Submitted": "auto-generated",
        "Content-Language": row.language,
    }
    email = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_email],
        headers=headers,
        connection=connection,
    )
    if row.body_html:
        email.attach_alternative(row.body_html, "text/html")
    return email


def _refusal_code(error) -> int | None:
    """The SMTP code of a refusal of this message, or None when the error is the server's, not the message's."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return max(codes) if codes else None
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | smtplib.SMTPHeloError):
        return None
    if isinstance(error, smtplib.SMTPAuthenticationError | smtplib.SMTPNotSupportedError):
        return None
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code
    return None


def _send_one(row: OutboxMessage, token: str, connection, now, report: SendReport) -> None:
    try:
        _email_of(row, connection).send()
    except (smtplib.SMTPException, OSError) as error:
        code = _refusal_code(error)
        text = f"{type(error).__name__}: {error}"[:2000]
        if code is None:
            # The server went away or will not talk to us: the row waits, no attempt used, and the run stops.
            _finish(
                row.pk, token, status=OutboxStatus.QUEUED, claim_token="", lease_until=None, last_error=text
            )
            raise _ServerDown(text) from error
        if code < 500:
            _finish(
                row.pk,
                token,
                status=OutboxStatus.QUEUED,
                claim_token="",
                lease_until=None,
                last_error=text,
                next_attempt_at=now + _retry_delay(1),
            )
            report.deferred += 1
            return
        attempts = row.attempts + 1
        if attempts >= _max_attempts():
            _finish(
                row.pk,
                token,
                status=OutboxStatus.FAILED,
                attempts=attempts,
                last_error=text,
                lease_until=None,
            )
            report.failed += 1
        else:
            _finish(
                row.pk,
                token,
                status=OutboxStatus.QUEUED,
                attempts=attempts,
                last_error=text,
                claim_token="",
                lease_until=None,
                next_attempt_at=now + _retry_delay(attempts),
            )
            report.refused += 1
        return
    except ValueError as error:  # an address Python cannot encode: no server will take it
        _finish(
            row.pk,
            token,
            status=OutboxStatus.FAILED,
            last_error=f"ValueError: {error}"[:2000],
            lease_until=None,
        )
        report.failed += 1
        return
    if _finish(
        row.pk, token, status=OutboxStatus.SENT, sent_at=timezone.now(), lease_until=None, last_error=""
    ):
        report.sent += 1
    else:
        report.errors.append(_("邮件 #%(id)s 已发出，但发送期间该记录已被修改。") % {"id": row.pk})


def outbox_send(*, limit: int = 200, now=None) -> SendReport:
    """Send queued rows that are due, oldest first, each claimed before it is sent (see the module's text).

    Call it outside a transaction (the management command does), so each claim is committed before its send."""
    report = SendReport()
    if not mail_configured():
        report.no_host = True
        return report
    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(status=OutboxStatus.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not due:
        return report
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        report.down = f"{type(error).__name__}: {error}"
        return report
    try:
        for pk in due:
            token = outbox_claim(pk, now=now)
            if token is None:
                report.skipped += 1
                continue
            row = OutboxMessage.objects.get(pk=pk)
            try:
                _send_one(row, token, connection, now, report)
            except _ServerDown as error:
                report.down = str(error)
                break
    finally:
        with contextlib.suppress(Exception):  # closing a connection the server already dropped
            connection.close()
    return report


def uncertain_count(now=None) -> int:
    return OutboxMessage.objects.filter(_uncertain_q(now or timezone.now())).count()


def users_without_address():
    """Active accounts in a role that receives notices but have no e-mail address (for staff to complete)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name__in=[roles.OFFICIAL, roles.ZONE_PREPARER, roles.REVIEWER, roles.STAFF],
        )
        .filter(Q(email="") | Q(email__isnull=True))
        .distinct()
        .order_by("username")
    )


__all__ = [
    "BULK_REVIEW_OVER",
    "mail_batch_approve",
    "mail_batch_cancel",
    "mail_bulk",
    "mail_notices",
    "mail_to_address",
    "outbox_cancel",
    "outbox_resend",
    "outbox_send",
]
