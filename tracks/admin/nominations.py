"""Nominations, attachments, library entries and monitoring reports (read-only: services change them)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditHistoryMixin

from .. import selectors
from ..models import (
    LibraryEntry,
    MonitoringReport,
    Nomination,
    NominationAttachment,
)
from ..models.indicators import INDICATOR_FIELDS
from .common import ReadOnlyAdminMixin, ReadOnlyInline


class NominationAttachmentInline(ReadOnlyInline):
    model = NominationAttachment
    # The file itself is private and served only by the permission-checked download view, never linked here.
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at", "removed_at"]


@admin.register(Nomination)
class NominationAdmin(AuditHistoryMixin, admin.ModelAdmin):
    """Read-only: a nomination's content and status change only through tracks.services.nominations."""

    list_display = ["__str__", "cycle", "province", "zone", "track", "track_field", "status", "submitted_at"]
    list_filter = ["cycle", "status", "track__field", "origin", "cultivation_model", "province"]
    search_fields = ["zone__name", "zone__short_name", "zone__key", "track__name", "province__name"]
    list_select_related = ["cycle", "province", "zone", "track__field"]
    date_hierarchy = "submitted_at"
    inlines = [NominationAttachmentInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "cycle",
                    "province",
                    "zone",
                    "track",
                    "origin",
                    "cultivation_model",
                    "public_summary",
                ]
            },
        ),
        (
            _("状态"),
            {
                "fields": [
                    "status",
                    "status_reason",
                    "submitted_at",
                    "status_changed_at",
                    "library_entry",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "version",
                ]
            },
        ),
        (_("指标"), {"fields": INDICATOR_FIELDS}),
        (_("申报材料正文"), {"fields": ["narrative"]}),
    ]
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"]]

    def get_queryset(self, request):
        if request.user.is_superuser:
            return super().get_queryset(request).select_related("cycle", "province", "zone", "track__field")
        return selectors.nominations_for(request.user)

    @admin.display(description=_("领域"), ordering="track__field__order")
    def track_field(self, obj):
        return obj.track.field

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NominationAttachment)
class NominationAttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "original_name",
        "nomination",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "removed_at",
    ]
    list_filter = ["content_type"]
    search_fields = ["original_name", "nomination__zone__name", "nomination__track__name"]
    list_select_related = ["nomination__cycle", "nomination__zone", "nomination__track", "uploaded_by"]
    fields = [
        "nomination",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "removed_at",
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(nomination__in=selectors.nominations_for(request.user).values("pk"))


class MonitoringReportInline(ReadOnlyInline):
    model = MonitoringReport
    fields = ["year", "enterprise_count", "revenue", "revenue_growth", "rd_spending", "filed_by", "filed_at"]


@admin.register(LibraryEntry)
class LibraryEntryAdmin(ReadOnlyAdminMixin, AuditHistoryMixin, admin.ModelAdmin):
    """Entries are created by accepted nominations and change status through the library service."""

    list_display = [
        "zone",
        "zone_province",
        "track",
        "track_field",
        "status",
        "entered_cycle",
        "status_changed_at",
    ]
    list_filter = ["status", "entered_cycle", "track__field", "zone__province__region", "zone__province"]
    search_fields = ["zone__name", "zone__short_name", "zone__key", "track__name"]
    list_select_related = ["zone__province", "track__field", "entered_cycle"]
    fields = ["zone", "track", "status", "entered_cycle", "entered_at", "status_changed_at", "exit_reason"]
    inlines = [MonitoringReportInline]

    @admin.display(description=_("所在省份"), ordering="zone__province__code")
    def zone_province(self, obj):
        return obj.zone.province

    @admin.display(description=_("领域"), ordering="track__field__order")
    def track_field(self, obj):
        return obj.track.field


@admin.register(MonitoringReport)
class MonitoringReportAdmin(ReadOnlyAdminMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["entry", "year", "enterprise_count", "revenue", "revenue_growth", "filed_by", "filed_at"]
    list_filter = ["year", "entry__track__field"]
    search_fields = ["entry__zone__name", "entry__track__name"]
    list_select_related = ["entry__zone", "entry__track", "filed_by"]
    fields = ["entry", "year", *INDICATOR_FIELDS, "note", "filed_by", "filed_at", "updated_at"]


# ---------------------------------------------------------------------------------------------------------------
# Review
