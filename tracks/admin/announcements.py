"""Announcements (公告) in the admin: written, published and edited by staff, every change audited."""

from django import forms
from django.contrib import admin
from django.utils import timezone

from audit.admin_mixins import AuditedModelAdmin

from ..models import Announcement


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["kind", "title", "body", "cycle", "is_published", "published_at"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_published") and not cleaned.get("published_at"):
            cleaned["published_at"] = timezone.now()  # published now unless a time is given
        return cleaned


@admin.register(Announcement)
class AnnouncementAdmin(AuditedModelAdmin):
    form = AnnouncementForm
    list_display = ["title", "kind", "cycle", "is_published", "published_at", "author"]
    list_filter = ["kind", "is_published", "cycle"]
    search_fields = ["title", "body"]
    list_select_related = ["cycle", "author"]
    date_hierarchy = "published_at"
    fields = ["kind", "title", "body", "cycle", "is_published", "published_at", "author", "updated_at"]
    readonly_fields = ["author", "updated_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)
