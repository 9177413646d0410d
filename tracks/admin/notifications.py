"""In-app notifications."""

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
