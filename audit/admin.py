"""The audit log in the admin: read-only for everyone, with filters and a CSV export of what the filters show.

Only holders of ``audit.view_auditevent`` see it: the audit administrator (审计管理员) and a superuser. Every
export is itself recorded; its cells are written by ``office.cells`` (UTF-8 with a BOM, formulas neutralised)."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from office.cells import csv_lines

from .actions import action_choices, action_label
from .admin_mixins import history_rows
from .models import AuditEvent
from .services import audit_record

EXPORT_COLUMNS = [
    ("id", _("编号")),
    ("at", _("时间")),
    ("actor_repr", _("操作人")),
    ("action", _("操作")),
    ("object_type", _("对象类型")),
    ("object_id", _("对象编号")),
    ("object_repr", _("对象")),
    ("before", _("变更前")),
    ("after", _("变更后")),
    ("reason", _("理由")),
    ("ip_address", _("IP 地址")),
]


class ActionGroupFilter(admin.SimpleListFilter):
    """Actions by kind: sign-in, accounts and security, the programme's data, the audit log itself."""

    title = _("操作类别")
    parameter_name = "kind"
    GROUPS = {
        "signin": (_("登录与会话"), ["login", "logout", "session.", "2fa."]),
        "accounts": (_("账户与安全"), ["account.", "user.", "profile.", "group.", "lockout", "login.unlock"]),
        "audit": (_("审计日志"), ["audit."]),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _prefixes) in self.GROUPS.items()] + [("data", _("业务数据"))]

    def queryset(self, request, queryset):
        from django.db.models import Q

        value = self.value()
        if not value:
            return queryset
        condition = Q()
        prefixes = (
            [p for _label, group in self.GROUPS.values() for p in group]
            if value == "data"
            else self.GROUPS.get(value, (None, []))[1]
        )
        for prefix in prefixes:
            condition |= Q(action__startswith=prefix)
        return queryset.exclude(condition) if value == "data" else queryset.filter(condition)


class ActionFilter(admin.SimpleListFilter):
    """One action, by its label (audit.actions)."""

    title = _("操作")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
        return action_choices(codes)

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(action=value) if value else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "actor_repr",
        "action_display",
        "object_type",
        "object_repr",
        "ip_address",
        "reason",
    ]
    list_filter = [
        ActionGroupFilter,
        ActionFilter,
        "object_type",
        ("at", admin.DateFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["actor_repr", "object_repr", "object_id", "reason", "ip_address", "action"]
    date_hierarchy = "at"
    # The stored fields as they are, with the action's label and the change (before → after, times in Beijing
    # time) beside the raw JSON.
    fields = [
        "at",
        "actor",
        "actor_repr",
        "action_display",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "changes_display",
        "before",
        "after",
        "reason",
        "ip_address",
    ]
    readonly_fields = [f.name for f in AuditEvent._meta.fields] + ["action_display", "changes_display"]

    @admin.display(description=_("操作"), ordering="action")
    def action_display(self, obj):
        return format_html('<span title="{}">{}</span>', obj.action, action_label(obj.action))

    @admin.display(description=_("变更内容（修改前 → 修改后）"))
    def changes_display(self, obj):
        rows = history_rows(AuditEvent, [obj]) if obj is not None else []
        changes = rows[0]["changes"] if rows else []
        if not changes:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><strong>{}</strong>{}{} → {}</li>",
                ((c["label"], gettext("："), c["before"], c["after"]) for c in changes),
            ),
        )

    list_select_related = ["actor"]
    list_per_page = 100
    change_list_template = "admin/audit/auditevent/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}

    @admin.display(description=_("对象"))
    def object_link(self, obj):
        return obj.object_repr

    def get_urls(self):
        return [
            path("export.csv", self.admin_site.admin_view(self.export_view), name="audit_auditevent_export"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """The rows the change list shows with the same filters and search, all pages, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return redirect("admin:audit_auditevent_changelist")
        queryset = changelist.get_queryset(request).order_by("id")
        filters = dict(request.GET.items())
        audit_record(
            actor=request.user,
            action="audit.export",
            after={"filters": filters, "count": queryset.count()},
            request=request,
        )
        header = [str(label) for _name, label in EXPORT_COLUMNS]
        names = [name for name, _label in EXPORT_COLUMNS]

        def rows():
            tz = timezone.get_current_timezone()
            for event in queryset.iterator(chunk_size=2000):
                values = []
                for name in names:
                    value = getattr(event, name)
                    if name == "at":
                        value = timezone.localtime(value, tz).strftime("%Y-%m-%d %H:%M:%S")
                    values.append(value)
                yield values

        response = StreamingHttpResponse(csv_lines(header, rows()), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "export_label": gettext("导出 CSV")}
        return super().changelist_view(request, extra_context=extra_context)
