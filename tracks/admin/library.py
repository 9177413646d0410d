"""The library in the admin: staff's status decisions on the (read-only) library entries and the monitoring rule."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of

from ..models import LibraryEntry, LibraryStatus
from ..services import library as library_services
from .common import _action_form, _message_errors
from .nominations import LibraryEntryAdmin


class LibraryEntryStatusAdmin(LibraryEntryAdmin):
    """Library entries with the staff's status decisions (培育中 / 观察 / 出库) and the monitoring rule."""

    actions = ["mark_watch", "mark_cultivating", "mark_exited", "apply_monitoring_rule"]

    def has_library_permission(self, request):
        return scope_of(request).is_programme_staff

    def _set(self, request, queryset, status, *, reason_required, title):
        reason, page = _action_form(
            self,
            request,
            queryset,
            title=title,
            intro=gettext("状态变更及理由记入审计日志。"),
            submit=title,
            reason_label=gettext("出库理由") if status == LibraryStatus.EXITED else gettext("理由"),
            reason_required=reason_required,
        )
        if page is not None:
            return page
        done = 0
        for entry in queryset:
            try:
                library_services.library_set_status(
                    actor=request.user, entry=entry, status=status, reason=reason, request=request
                )
                done += 1
            except (ValidationError, PermissionDenied) as error:
                _message_errors(self, request, entry, error)
        if done:
            self.message_user(request, gettext("已调整 %(n)s 个条目的状态。") % {"n": done}, messages.SUCCESS)
        return None

    @admin.action(description=_("设为观察"), permissions=["library"])
    def mark_watch(self, request, queryset):
        return self._set(
            request, queryset, LibraryStatus.WATCH, reason_required=True, title=gettext("设为观察")
        )

    @admin.action(description=_("恢复为培育中"), permissions=["library"])
    def mark_cultivating(self, request, queryset):
        return self._set(
            request, queryset, LibraryStatus.CULTIVATING, reason_required=True, title=gettext("恢复为培育中")
        )

    @admin.action(description=_("出库（须填写理由）"), permissions=["library"])
    def mark_exited(self, request, queryset):
        return self._set(request, queryset, LibraryStatus.EXITED, reason_required=True, title=gettext("出库"))

    @admin.action(description=_("按年度监测规则标记观察（营业收入连续两年下降）"), permissions=["library"])
    def apply_monitoring_rule(self, request, queryset):
        moved = library_services.library_review_monitoring(
            actor=request.user, entries=list(queryset), request=request
        )
        self.message_user(
            request,
            gettext("%(n)s 个条目因营业收入连续两年下降转为观察。") % {"n": len(moved)},
            messages.SUCCESS if moved else messages.INFO,
        )


admin.site.unregister(LibraryEntry)
admin.site.register(LibraryEntry, LibraryEntryStatusAdmin)
