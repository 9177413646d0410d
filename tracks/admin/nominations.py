"""Nominations, attachments, library entries and monitoring reports (read-only: services change them).

Programme staff make the formal review (形式审查) here: accept, return with reasons, reject with reasons, on one
nomination (buttons on its page) or in bulk over a filtered changelist (actions with an intermediate page asking
for the reason). Every decision goes through ``nomination_transition``, one nomination at a time, so each is
checked, audited and notified on its own; the page reports which succeeded and which were refused and why.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of
from audit.admin_mixins import AuditHistoryMixin, related_history

from .. import selectors, workflow
from ..models import (
    LibraryEntry,
    MonitoringReport,
    Nomination,
    NominationAttachment,
)
from ..models.indicators import INDICATOR_FIELDS
from ..services.nominations import nomination_transition
from .common import ReadOnlyAdminMixin, ReadOnlyInline, _error_text

# The formal-review decisions staff make here, in the order the buttons show.
REVIEW_ACTIONS = ("accept", "return", "reject")
REVIEW_HELP = {
    "accept": _("受理后推荐进入培育库（新建或刷新培育库条目），并进入评审。"),
    "return": _("退回后由省级主管部门修改并重新推荐；请写明需要修改或补充的内容。"),
    "reject": _("不予受理的推荐不占用名额，也不能再推荐；请写明理由。"),
}
HISTORY_LABELS = {
    "nomination.create": _("新建草稿"),
    "nomination.update": _("修改"),
    "nomination.track_merge": _("赛道合并"),
    "nominationattachment.create": _("上传附件"),
    "nominationattachment.remove": _("移除附件"),
}


class FormalReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )

    def __init__(self, *args, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if required:
            self.fields["reason"].help_text = _("必填，将通知省级主管部门并记入办理记录。")
        else:
            self.fields["reason"].help_text = _("选填，将记入办理记录。")


class NominationAttachmentInline(ReadOnlyInline):
    model = NominationAttachment
    # The file is private: never a media URL, only the permission-checked download view below.
    fields = [
        "original_name",
        "material",
        "download",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "removed_at",
    ]
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description=_("下载"))
    def download(self, obj):
        if obj.pk is None or obj.removed_at is not None:
            return "—"
        url = reverse("admin:tracks_nomination_attachment", args=[obj.nomination_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("下载"))


@admin.register(Nomination)
class NominationAdmin(AuditHistoryMixin, admin.ModelAdmin):
    """Read-only: a nomination's content and status change only through tracks.services.nominations."""

    list_display = ["__str__", "cycle", "province", "zone", "track", "track_field", "status", "submitted_at"]
    list_filter = ["cycle", "status", "track__field", "origin", "cultivation_model", "province"]
    search_fields = ["zone__name", "zone__short_name", "zone__key", "track__name", "province__name"]
    list_select_related = ["cycle", "province", "zone", "track__field"]
    date_hierarchy = "submitted_at"
    inlines = [NominationAttachmentInline]
    actions = ["review_accept", "review_return", "review_reject"]
    change_form_template = "admin/tracks/nomination/change_form.html"
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
                    "resubmit_by",
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
        return selectors.nominations_for(scope_of(request))

    @admin.display(description=_("领域"), ordering="track__field__order")
    def track_field(self, obj):
        return obj.track.field

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # -- history ------------------------------------------------------------------------------------------------

    def audit_history_events(self, obj):
        return related_history(obj, obj.attachments.all())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )
        for row in getattr(response, "context_data", {}).get("audit_history") or []:
            verb = row["action"].rsplit(".", 1)[-1]
            if row["action"] in HISTORY_LABELS:
                row["action_label"] = str(HISTORY_LABELS[row["action"]])
            elif row["action"].startswith("nomination.") and verb in workflow.TRANSITIONS:
                row["action_label"] = str(workflow.TRANSITIONS[verb].label)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None and scope_of(request).is_programme_staff:
            extra_context["review_actions"] = [
                {
                    "action": name,
                    "label": workflow.TRANSITIONS[name].label,
                    "url": reverse("admin:tracks_nomination_review", args=[obj.pk, name]),
                }
                for name in REVIEW_ACTIONS
                if obj.status in workflow.TRANSITIONS[name].sources
                and workflow.phase_refusal(workflow.TRANSITIONS[name], obj) is None
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    # -- formal review ------------------------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not scope_of(request).is_programme_staff:
            for name in ("review_accept", "review_return", "review_reject"):
                actions.pop(name, None)
        return actions

    @admin.action(description=_("形式审查：受理所选推荐"))
    def review_accept(self, request, queryset):
        return self._formal_review(request, queryset, "accept")

    @admin.action(description=_("形式审查：退回修改（需填写理由）"))
    def review_return(self, request, queryset):
        return self._formal_review(request, queryset, "return")

    @admin.action(description=_("形式审查：不予受理（需填写理由）"))
    def review_reject(self, request, queryset):
        return self._formal_review(request, queryset, "reject")

    def get_urls(self):
        return [
            path(
                "<int:object_id>/attachments/<int:attachment_id>/",
                self.admin_site.admin_view(self.attachment_view),
                name="tracks_nomination_attachment",
            ),
            path(
                "<int:object_id>/review/<slug:action>/",
                self.admin_site.admin_view(self.formal_review_view),
                name="tracks_nomination_review",
            ),
            *super().get_urls(),
        ]

    def attachment_view(self, request, object_id, attachment_id):
        """Staff read a nomination's attachment for the formal review: scoped like the page, served as a download."""
        from ..downloads import attachment_file_response

        nomination = self.get_queryset(request).filter(pk=object_id).first()
        if nomination is None or not self.has_view_permission(request, nomination):
            raise Http404
        attachment = NominationAttachment.objects.filter(
            nomination=nomination, pk=attachment_id, removed_at__isnull=True
        ).first()
        if attachment is None:
            raise Http404
        return attachment_file_response(attachment)

    def formal_review_view(self, request, object_id, action):
        """One nomination's decision, from the buttons on its page."""
        if action not in REVIEW_ACTIONS:
            raise Http404
        if not scope_of(request).is_programme_staff:
            raise PermissionDenied
        queryset = self.get_queryset(request).filter(pk=object_id)
        if not queryset.exists():
            raise Http404
        response = self._formal_review(request, queryset, action, single=True)
        if response is None:
            return HttpResponseRedirect(reverse("admin:tracks_nomination_change", args=[object_id]))
        return response

    def _formal_review(self, request, queryset, action, single=False):
        """The intermediate page (the reason), then the decision on each nomination through the service."""
        transition = workflow.TRANSITIONS[action]
        applying = request.method == "POST" and request.POST.get("apply") == "yes"
        form = FormalReviewForm(request.POST if applying else None, required=transition.needs_reason)
        nominations = list(
            queryset.select_related("cycle", "province", "zone", "track__field").order_by("pk")
        )
        if applying and form.is_valid():
            self._apply(request, nominations, transition, form.cleaned_data["reason"])
            return None
        eligible = [n for n in nominations if n.status in transition.sources]
        context = {
            **self.admin_site.each_context(request),
            "title": _("形式审查：%(label)s") % {"label": transition.label},
            "opts": self.model._meta,
            "transition": transition,
            "help": REVIEW_HELP[action],
            "form": form,
            "nominations": nominations,
            "eligible_count": len(eligible),
            "ineligible_count": len(nominations) - len(eligible),
            "single": single,
            "action_name": f"review_{action}",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/tracks/nomination/review.html", context)

    def _apply(self, request, nominations, transition, reason):
        done, refused = 0, []
        for nomination in nominations:
            try:
                nomination_transition(
                    actor=request.user,
                    nomination=nomination,
                    action=transition.action,
                    reason=reason,
                    request=request,
                )
            except (ValidationError, PermissionDenied) as error:
                refused.append(
                    gettext("%(label)s：%(value)s") % {"label": nomination, "value": _error_text(error)}
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                gettext("已对 %(n)s 项推荐执行“%(label)s”。") % {"n": done, "label": transition.label},
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, message, messages.ERROR)


@admin.register(NominationAttachment)
class NominationAttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "original_name",
        "material",
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
        "material",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "removed_at",
    ]

    def get_queryset(self, request):
        return scope_of(request).narrow(
            super().get_queryset(request), province="nomination__province", zone="nomination__zone"
        )


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
