"""In-app notifications in the admin: everyone's own notices, and the unread ones shown on the review pages."""

from django.contrib import admin

from accounts.scope import scope_of

from ..models import (
    Notification,
)
from .common import ReadOnlyAdminMixin


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Notices are personal: everyone sees their own here."""

    list_display = ["created_at", "user", "message", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["message"]
    list_select_related = ["user"]
    fields = ["user", "message", "link", "created_at", "read_at"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if scope_of(request).is_superuser else queryset.filter(user=request.user)


def unread_notices(request, limit=5) -> dict:
    """The user's latest unread in-app notices (new assignments, reminders, reopened scores) for the page."""
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).order_by(
        "-created_at", "-pk"
    )
    notices = list(unread[: limit + 1])
    return {
        "notices": notices[:limit],
        "more_notices": len(notices) > limit,
        "next_url": request.get_full_path(),
    }
