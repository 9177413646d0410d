"""In-app notifications: the one way to tell a user something happened."""

from django.utils import timezone

from ..models import Notification


def notify(*, user, message: str, link: str = "") -> Notification:
    return Notification.objects.create(user=user, message=str(message)[:255], link=link[:255])


def notify_many(*, users, message: str, link: str = "") -> list[Notification]:
    return Notification.objects.bulk_create(
        [Notification(user=user, message=str(message)[:255], link=link[:255]) for user in users]
    )


def notifications_mark_read(*, user, ids=None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
