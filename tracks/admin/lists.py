"""Park lists, their entries, objections and announcements."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedModelAdmin, AuditHistoryMixin

from ..models import (
    Announcement,
    ListEntry,
    Objection,
    ParkList,
)
from .common import ReadOnlyAdminMixin, ReadOnlyInline


class ListEntryInline(ReadOnlyInline):
    model = ListEntry
    fields = [
        "rank",
        "zone",
        "province",
        "track",
        "total",
        "score_strategic",
        "score_leading",
        "score_growth",
        "score_driving",
    ]
    show_change_link = False
    ordering = ["rank"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("zone", "province", "track")


@admin.register(ParkList)
class ParkListAdmin(AuditedModelAdmin):
    """Drafts are built by the list service and may be retitled here; a published list is read-only for good."""

    list_display = [
        "title",
        "cycle",
        "scope",
        "field",
        "track",
        "version",
        "status",
        "entry_count",
        "published_at",
    ]
    list_display_links = ["title"]
    list_filter = ["status", "cycle", "scope", "field"]
    search_fields = ["title", "track__name", "field__name", "sha256"]
    list_select_related = ["cycle", "field", "track"]
    fieldsets = [
        (None, {"fields": ["title", "cycle", "scope", "field", "track", "version", "status", "ranking"]}),
        (_("入榜规则"), {"fields": ["cutoff_top_n", "cutoff_min_score"]}),
        (_("公示"), {"fields": ["notice_starts_at", "notice_ends_at"]}),
        (
            _("发布"),
            {
                "fields": [
                    "published_at",
                    "published_by",
                    "sha256",
                    "sm3",
                    "supersedes",
                    "superseded_at",
                    "correction_note",
                ]
            },
        ),
    ]
    # Everything about a list's identity, state and stamps is written by tracks.services.lists.
    readonly_fields = [
        "cycle",
        "scope",
        "field",
        "track",
        "version",
        "status",
        "ranking",
        "notice_starts_at",
        "notice_ends_at",
        "published_at",
        "published_by",
        "sha256",
        "sm3",
        "supersedes",
        "superseded_at",
        "correction_note",
    ]
    inlines = [ListEntryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_entry_count=Count("entries"))

    @admin.display(description=_("入榜数"), ordering="_entry_count")
    def entry_count(self, obj):
        return obj._entry_count

    def has_add_permission(self, request):
        return False  # lists are built from a ranking by the list service

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete cannot tell drafts from published lists per row
        return actions


@admin.register(ListEntry)
class ListEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["park_list", "rank", "zone", "province", "track", "total"]
    list_filter = ["park_list__cycle", "park_list__status", "track__field"]
    search_fields = ["zone__name", "track__name", "park_list__title"]
    list_select_related = ["park_list", "zone", "province", "track"]
    fields = [
        "park_list",
        "rank",
        "nomination",
        "zone",
        "province",
        "track",
        "total",
        "score_strategic",
        "score_leading",
        "score_growth",
        "score_driving",
    ]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdminMixin, AuditHistoryMixin, admin.ModelAdmin):
    """Objections are filed publicly and resolved through the objection service; never shown to the public."""

    list_display = ["receipt_number", "park_list", "entry", "name", "organisation", "status", "submitted_at"]
    list_filter = ["status", "park_list__cycle"]
    search_fields = ["receipt_number", "name", "organisation", "statement"]
    list_select_related = ["park_list", "entry__park_list", "entry__zone"]
    # The evidence file is private: its name is shown, the file is not linked.
    fields = [
        "receipt_number",
        "park_list",
        "entry",
        "name",
        "organisation",
        "contact",
        "statement",
        "evidence_name",
        "submitted_at",
        "status",
        "resolution",
        "resolved_by",
        "resolved_at",
    ]


# ---------------------------------------------------------------------------------------------------------------
# Announcements and notifications


@admin.register(Announcement)
class AnnouncementAdmin(AuditedModelAdmin):
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
