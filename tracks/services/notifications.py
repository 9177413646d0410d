"""In-app notifications: the one way to tell a user something happened; each notice also queues its e-mail.

``message`` is the text, or a function returning it in the active language: then the notice and its e-mail are each
rendered in the recipient's language (mail.services.user_language). ``event`` names the kind of notice
(mail/events.py: its e-mail subject and whether it is essential). The e-mail rows are written in the caller's
transaction, so a change rolled back sends nothing."""

from django.utils import timezone, translation

from ..models import Notification


def _texts(users, message) -> dict:
    """{user id: text} in each user's language (one query for the languages when ``message`` is a function)."""
    if not callable(message):
        return {user.pk: str(message) for user in users}
    from mail.services import _profiles, user_language

    profiles = _profiles(users)
    texts = {}
    for user in users:
        with translation.override(user_language(user, profiles.get(user.pk))):
            texts[user.pk] = str(message())
    return texts


def notification_send(*, user, message, link: str = "", event: str = "notice") -> Notification:
    from mail.services import mail_notices

    text = _texts([user], message)[user.pk]
    notice = Notification.objects.create(user=user, message=text[:255], link=link[:255])
    mail_notices(users=[user], message=message, link=link, event=event)
    return notice


def notifications_send(*, users, message, link: str = "", event: str = "notice") -> list[Notification]:
    from mail.services import mail_notices

    users = list(users)
    texts = _texts(users, message)
    notices = Notification.objects.bulk_create(
        [Notification(user=user, message=texts[user.pk][:255], link=link[:255]) for user in users]
    )
    mail_notices(users=users, message=message, link=link, event=event)
    return notices


def notifications_mark_read(*, user, ids=None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
