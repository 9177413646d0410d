"""精准性培育 in the admin, for programme staff.

Support measures are recorded and removed on the measure pages (through the services, scoped to a province or a
zone); here staff search and filter all of them, read-only, with each one's audit history. Typical cases are
written and edited here (every change audited) and published or unpublished by the actions, which call the
services. Nothing is deleted.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of
from audit.admin_mixins import AuditedModelAdmin

from . import services
from .models import CaseStatus, SupportMeasure, TypicalCase


def _error_text(error) -> str:
    if isinstance(error, ValidationError):
        return gettext("；").join(error.messages)
    return str(error) or gettext("您没有执行该操作的权限。")


class ProgrammeStaffAdmin(AuditedModelAdmin):
    """Programme staff (业务管理员) work here whatever the group's model permissions say; nobody deletes."""

    def _is_staff(self, request) -> bool:
        return scope_of(request).is_programme_staff

    def has_module_permission(self, request):
        return self._is_staff(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._is_staff(request) or super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(SupportMeasure)
class SupportMeasureAdmin(ProgrammeStaffAdmin):
    list_display = [
        "date",
        "title",
        "kind",
        "zone_name",
        "province_name",
        "track_name",
        "amount",
        "issuer",
        "recorded_by",
        "is_active",
    ]
    list_display_links = ["date", "title"]
    list_filter = [
        "kind",
        ("removed_at", admin.EmptyFieldListFilter),
        "entry__zone__province__region",
        "entry__zone__province",
        "entry__track__field",
    ]
    search_fields = [
        "title",
        "issuer",
        "description",
        "entry__zone__name",
        "entry__zone__short_name",
        "entry__track__name",
    ]
    list_select_related = ["entry__zone__province", "entry__track", "recorded_by"]
    date_hierarchy = "date"
    fieldsets = [
        (
            None,
            {"fields": ["entry", "ledger_link", "kind", "title", "date", "issuer", "amount", "description"]},
        ),
        (
            _("附件"),
            {"fields": ["attachment_name", "attachment_type", "attachment_size", "attachment_sha256"]},
        ),
        (_("记录"), {"fields": ["recorded_by", "recorded_at", "removed_at", "removed_by", "removal_reason"]}),
    ]
    readonly_fields = [
        "entry",
        "ledger_link",
        "kind",
        "title",
        "date",
        "issuer",
        "amount",
        "description",
        "attachment_name",
        "attachment_type",
        "attachment_size",
        "attachment_sha256",
        "recorded_by",
        "recorded_at",
        "removed_at",
        "removed_by",
        "removal_reason",
    ]
    audit_ask_reason = False

    def has_add_permission(self, request):
        return False  # recorded on the measure pages, through the service, by the entry's province or zone

    def has_change_permission(self, request, obj=None):
        return False  # a measure is never edited: remove it (with a reason) and record it again

    @admin.display(description=_("国家高新区"), ordering="entry__zone__key")
    def zone_name(self, obj):
        return obj.entry.zone.display_name

    @admin.display(description=_("省份"), ordering="entry__zone__province__code")
    def province_name(self, obj):
        return obj.entry.zone.province.name

    @admin.display(description=_("新赛道"), ordering="entry__track__name")
    def track_name(self, obj):
        return obj.entry.track.name

    @admin.display(description=_("有效"), boolean=True, ordering="removed_at")
    def is_active(self, obj):
        return obj.removed_at is None

    @admin.display(description=_("培育举措台账"))
    def ledger_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("cultivation:entry_detail", args=[obj.entry_id])
        return format_html('<a href="{}">{}</a>', url, gettext("在台账中查看该条目的全部举措"))


@admin.register(TypicalCase)
class TypicalCaseAdmin(ProgrammeStaffAdmin):
    list_display = ["title", "zone_name", "track_name", "cultivation_model", "status", "published_at"]
    list_filter = [
        "status",
        "cultivation_model",
        "entry__track__field",
        "entry__zone__province__region",
        "entry__zone__province",
    ]
    search_fields = [
        "title",
        "summary",
        "body",
        "entry__zone__name",
        "entry__zone__short_name",
        "entry__track__name",
    ]
    list_select_related = ["entry__zone", "entry__track"]
    autocomplete_fields = ["entry"]
    fieldsets = [
        (None, {"fields": ["entry", "title", "cultivation_model", "summary", "body"]}),
        (_("发布"), {"fields": ["status", "published_at", "published_by", "public_link"]}),
        (_("记录"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]
    readonly_fields = [
        "status",
        "published_at",
        "published_by",
        "public_link",
        "created_by",
        "created_at",
        "updated_at",
    ]
    actions = ["publish_cases", "unpublish_cases"]

    def has_add_permission(self, request):
        return self._is_staff(request) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._is_staff(request) or super().has_change_permission(request, obj)

    def has_publish_permission(self, request):
        return self._is_staff(request)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("国家高新区"), ordering="entry__zone__key")
    def zone_name(self, obj):
        return obj.entry.zone.display_name

    @admin.display(description=_("新赛道"), ordering="entry__track__name")
    def track_name(self, obj):
        return obj.entry.track.name

    @admin.display(description=_("公开页面"))
    def public_link(self, obj):
        if obj is None or obj.status != CaseStatus.PUBLISHED:
            return "—"
        url = reverse("cultivation:case_detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.action(description=_("发布所选典型案例"), permissions=["publish"])
    def publish_cases(self, request, queryset):
        done = 0
        for case in queryset:
            try:
                services.case_publish(actor=request.user, case=case, request=request)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request,
                    gettext("%(label)s：%(value)s") % {"label": case, "value": _error_text(error)},
                    messages.ERROR,
                )
        if done:
            self.message_user(request, gettext("已发布 %(n)s 个典型案例。") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("撤回所选典型案例（不再公开）"), permissions=["publish"])
    def unpublish_cases(self, request, queryset):
        done = 0
        for case in queryset:
            try:
                services.case_unpublish(actor=request.user, case=case, request=request)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request,
                    gettext("%(label)s：%(value)s") % {"label": case, "value": _error_text(error)},
                    messages.ERROR,
                )
        if done:
            self.message_user(request, gettext("已撤回 %(n)s 个典型案例。") % {"n": done}, messages.SUCCESS)
