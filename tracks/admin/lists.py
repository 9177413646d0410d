"""Park lists, their entries and objections, in the admin (the library's status actions: .library; announcements:
.announcements).

Everything that changes a list goes through tracks.services.lists: build (with a preview), open notice, publish,
correct; objections are resolved through ``objection_resolve``; library statuses through tracks.services.library.
A published (or superseded) list is read-only here for good: no change, no delete, no bulk action touches it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of
from audit.admin_mixins import AuditedModelAdmin, AuditHistoryMixin
from audit.services import audit_record

from .. import workflow
from ..downloads import private_file_response
from ..models import (
    Field,
    ListEntry,
    ListStatus,
    Objection,
    ObjectionStatus,
    ParkList,
    RankingSnapshot,
    Track,
    TrackStatus,
)
from ..services import lists as list_services
from ..services import verification as verification_services
from .common import ReadOnlyAdminMixin, ReadOnlyInline, ReasonForm, _action_form, _message_errors
from .gates import gate_page


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


def snapshot_label(snapshot) -> str:
    """A ranking snapshot as staff pick it: its cycle, number and computing time in Beijing time (the model's own
    name gives the time in UTC)."""
    at = timezone.localtime(snapshot.computed_at).strftime("%Y-%m-%d %H:%M")
    return f"{snapshot.cycle} " + gettext("快照 #%(id)s，%(at)s") % {"id": snapshot.pk, "at": at}


class SnapshotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return snapshot_label(obj)


class ListBuildForm(forms.Form):
    snapshot = SnapshotChoiceField(
        RankingSnapshot.objects.select_related("cycle").order_by("-computed_at"),
        label=_("排名快照"),
        help_text=_("榜单按所选排名快照的结果生成，并保存该快照的计算输入，以便日后复核。"),
    )
    field = forms.ModelChoiceField(Field.objects.order_by("order", "code"), label=_("领域"))
    track = forms.ModelChoiceField(
        Track.objects.filter(status=TrackStatus.ACTIVE)
        .select_related("field")
        .order_by("field__order", "name"),
        label=_("赛道"),
        required=False,
        help_text=_("选择赛道则生成按赛道的榜单；不选则生成按领域的榜单。"),
    )
    top_n = forms.IntegerField(label=_("入榜名额（前N名）"), min_value=1, max_value=500, required=False)
    min_score = forms.DecimalField(
        label=_("最低总分"), min_value=0, max_value=100, max_digits=6, decimal_places=2, required=False
    )
    title = forms.CharField(
        label=_("标题"),
        max_length=200,
        required=False,
        help_text=_("不填则自动生成，如“2025年度人形机器人重点新赛道园区榜单”。"),
    )

    def clean(self):
        cleaned = super().clean()
        field, track = cleaned.get("field"), cleaned.get("track")
        if field and track and track.field_id != field.pk:
            self.add_error("track", gettext("所选赛道不属于该领域。"))
        if cleaned.get("top_n") is None and cleaned.get("min_score") is None:
            raise ValidationError(gettext("请设置入榜名额（前N名）或最低总分。"))
        return cleaned


class ListCorrectForm(forms.Form):
    note = forms.CharField(
        label=_("更正说明"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("与更正版本一同公开，说明更正的原因和依据。"),
    )
    exclude = forms.MultipleChoiceField(
        label=_("移出榜单的推荐项目"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("如异议成立需取消入榜资格，勾选后将按原入榜规则依次递补。"),
    )
    snapshot = SnapshotChoiceField(
        RankingSnapshot.objects.none(),
        label=_("排名快照"),
        required=False,
        help_text=_("评分经重新开放修改后，选择新计算的排名快照；不选则沿用原榜单的排名快照。"),
    )

    def __init__(self, *args, park_list, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exclude"].choices = [
            (
                str(entry.nomination_id),
                gettext("%(name)s（%(note)s）")
                % {"name": f"{entry.rank}. {entry.zone.name}", "note": entry.total},
            )
            for entry in entries
        ]
        self.fields["snapshot"].queryset = (
            RankingSnapshot.objects.filter(cycle_id=park_list.cycle_id)
            .select_related("cycle")
            .order_by("-computed_at")
        )


class NoticePeriodForm(forms.Form):
    ends_at = forms.SplitDateTimeField(label=_("新的公示结束时间"), widget=AdminSplitDateTime)
    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("缩短或延长公示期都须说明理由，记入审计日志。"),
    )


@admin.register(ParkList)
class ParkListAdmin(AuditedModelAdmin):
    """Drafts are built by the list service and may be retitled here; a published list is read-only for good."""

    change_list_template = "admin/tracks/parklist/change_list.html"
    change_form_template = "admin/tracks/parklist/change_form.html"
    list_display = [
        "title",
        "cycle",
        "scope",
        "field",
        "track",
        "version",
        "status",
        "entry_count",
        "pending_objections",
        "published_at",
    ]
    list_display_links = ["title"]
    list_filter = ["status", "cycle", "scope", "field"]
    search_fields = ["title", "track__name", "field__name", "sha256"]
    list_select_related = ["cycle", "field", "track"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "cycle",
                    "scope",
                    "field",
                    "track",
                    "version",
                    "status",
                    "ranking_snapshot",
                ]
            },
        ),
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
                    "cancelled_at",
                    "cancel_reason",
                ]
            },
        ),
    ]
    # Everything about a list's identity, state and stamps is written by tracks.services.lists. A draft's cut-off
    # may be changed here: its entries are then rebuilt from the same ranking (list_recut).
    readonly_fields = [
        "cycle",
        "scope",
        "field",
        "track",
        "version",
        "status",
        "ranking_snapshot",
        "notice_starts_at",
        "notice_ends_at",
        "published_at",
        "published_by",
        "sha256",
        "sm3",
        "supersedes",
        "superseded_at",
        "correction_note",
        "cancelled_at",
        "cancel_reason",
    ]
    inlines = [ListEntryInline]
    actions = ["open_notice", "publish"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_entry_count=Count("entries", distinct=True))
            .annotate(
                _pending=Count(
                    "objections",
                    filter=Q(objections__status=ObjectionStatus.PENDING),
                    distinct=True,
                )
            )
        )

    @admin.display(description=_("入榜数"), ordering="_entry_count")
    def entry_count(self, obj):
        return obj._entry_count

    @admin.display(description=_("待处理异议"), ordering="_pending")
    def pending_objections(self, obj):
        return obj._pending

    @admin.display(description=_("排名快照"))
    def ranking_snapshot(self, obj):
        return snapshot_label(obj.ranking) if obj is not None and obj.ranking_id else "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None or obj.status != ListStatus.DRAFT:
            fields += ["cutoff_top_n", "cutoff_min_score"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class CutoffForm(form):
            def clean(self):
                cleaned = super().clean()
                changed = {"cutoff_top_n", "cutoff_min_score"} & set(self.changed_data)
                if (
                    changed
                    and cleaned.get("cutoff_top_n") is None
                    and cleaned.get("cutoff_min_score") is None
                ):
                    raise ValidationError(gettext("请设置入榜名额（前N名）或最低总分。"))
                return cleaned

        return CutoffForm

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if (
            change
            and obj.status == ListStatus.DRAFT
            and obj.ranking_id
            and {"cutoff_top_n", "cutoff_min_score"} & set(form.changed_data)
        ):
            try:
                list_services.list_recut(actor=request.user, park_list=obj)
            except ValidationError as error:
                # The draft keeps its entries; publishing refuses it until its entries follow its rule.
                _message_errors(self, request, gettext("未能按新的入榜规则重新生成条目"), error)
            else:
                self.message_user(request, gettext("已按新的入榜规则重新生成榜单条目。"), messages.INFO)

    def has_add_permission(self, request):
        return False  # lists are built from a ranking by the list service (按排名生成榜单)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_frozen or obj.status in (ListStatus.NOTICE, ListStatus.CANCELLED)):
            return False  # it was public: kept on record
        return super().has_delete_permission(request, obj)

    def has_manage_permission(self, request):
        return scope_of(request).is_programme_staff

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete cannot tell drafts from published lists per row
        return actions

    def delete_model(self, request, obj):
        if obj.is_frozen:  # the ORM refuses too; this keeps the admin's answer a clean 403
            raise PermissionDenied
        super().delete_model(request, obj)

    # -- actions -------------------------------------------------------------------------------------------

    def _one(self, request, queryset, url_name):
        lists = list(queryset[:2])
        if len(lists) != 1:
            self.message_user(request, gettext("请只选择一个榜单。"), messages.ERROR)
            return None
        return HttpResponseRedirect(reverse(url_name, args=[lists[0].pk]))

    @admin.action(description=_("进入公示…（先确认公开的内容）"), permissions=["manage"])
    def open_notice(self, request, queryset):
        return self._one(request, queryset, "admin:tracks_parklist_notice")

    @admin.action(description=_("正式发布…（先确认检查结果）"), permissions=["manage"])
    def publish(self, request, queryset):
        return self._one(request, queryset, "admin:tracks_parklist_publish")

    def _managed_list(self, request, pk):
        if not self.has_manage_permission(request):
            raise PermissionDenied
        return get_object_or_404(ParkList.objects.select_related("cycle", "field", "track", "ranking"), pk=pk)

    def notice_view(self, request, pk):
        park_list = self._managed_list(request, pk)
        change_url = reverse("admin:tracks_parklist_change", args=[pk])
        return gate_page(
            self,
            request,
            gate=list_services.list_notice_gate(park_list),
            title=gettext("进入公示：%(title)s") % {"title": park_list},
            intro=gettext("公示是公开的：确认后，以下内容立即在公开网站和开放接口上可见。"),
            submit=gettext("确认进入公示"),
            cancel_url=change_url,
            apply=lambda reason, form: list_services.list_open_notice(
                actor=request.user, park_list=park_list
            ),
            done_message=lambda result: (
                gettext("已进入公示，公示期至 %(end)s。") % {"end": workflow.when(result.notice_ends_at)}
            ),
        )

    def publish_view(self, request, pk):
        park_list = self._managed_list(request, pk)
        change_url = reverse("admin:tracks_parklist_change", args=[pk])
        return gate_page(
            self,
            request,
            gate=list_services.list_publish_gate(park_list),
            title=gettext("正式发布：%(title)s") % {"title": park_list},
            intro=gettext("发布不可撤回：发布后的榜单永久冻结，只能以更正版本替代。"),
            submit=gettext("确认发布"),
            cancel_url=change_url,
            apply=lambda reason, form: list_services.list_publish(actor=request.user, park_list=park_list),
            done_message=lambda result: (
                gettext("已发布：%(title)s，SHA-256 %(sha)s") % {"title": result, "sha": result.sha256}
            ),
        )

    def notice_period_view(self, request, pk):
        park_list = self._managed_list(request, pk)
        change_url = reverse("admin:tracks_parklist_change", args=[pk])
        if park_list.status != ListStatus.NOTICE:
            self.message_user(request, gettext("只有公示中的榜单可以调整公示期。"), messages.ERROR)
            return HttpResponseRedirect(change_url)
        form = NoticePeriodForm(request.POST or None, initial={"ends_at": park_list.notice_ends_at})
        if request.method == "POST" and form.is_valid():
            try:
                list_services.list_notice_change(
                    actor=request.user,
                    park_list=park_list,
                    ends_at=form.cleaned_data["ends_at"],
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, gettext("公示期已调整。"), messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "admin/tracks/parklist/notice_period.html",
            self._context(
                request,
                gettext("调整公示期：%(title)s") % {"title": park_list},
                form=form,
                park_list=park_list,
                cancel_url=change_url,
                media=self.media + form.media,
            ),
        )

    def cancel_view(self, request, pk):
        park_list = self._managed_list(request, pk)
        change_url = reverse("admin:tracks_parklist_change", args=[pk])
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        form.fields["reason"].label = gettext("撤销理由")
        if "apply" in request.POST and form.is_valid():
            try:
                list_services.list_notice_cancel(
                    actor=request.user,
                    park_list=park_list,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request, gettext("已撤销公示：%(title)s") % {"title": park_list}, messages.SUCCESS
                )
                return HttpResponseRedirect(change_url)
        intro = (
            gettext("撤销后，该更正版本不再公开，现行的第%(version)s版继续有效，可另行更正。")
            % {"version": park_list.supersedes.version}
            if park_list.supersedes_id
            else gettext(
                "撤销后，该榜单不再公开，推荐状态不变；该范围可按排名重新生成榜单（例如排除异议成立的推荐）。"
            )
        )
        return TemplateResponse(
            request,
            "admin/tracks/lists/action_reason.html",
            {
                **self._context(request, gettext("撤销公示：%(title)s") % {"title": park_list}),
                "intro": intro,
                "submit": gettext("确认撤销"),
                "objects": [park_list],
                "single": True,
                "form": form,
                "cancel_url": change_url,
            },
        )

    # -- build, correct, verify ------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path("build/", self.admin_site.admin_view(self.build_view), name="tracks_parklist_build"),
            path(
                "<int:pk>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="tracks_parklist_correct",
            ),
            path(
                "<int:pk>/verify/",
                self.admin_site.admin_view(self.verify_view),
                name="tracks_parklist_verify",
            ),
            path(
                "<int:pk>/notice/",
                self.admin_site.admin_view(self.notice_view),
                name="tracks_parklist_notice",
            ),
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="tracks_parklist_publish",
            ),
            path(
                "<int:pk>/notice-period/",
                self.admin_site.admin_view(self.notice_period_view),
                name="tracks_parklist_notice_period",
            ),
            path(
                "<int:pk>/cancel/",
                self.admin_site.admin_view(self.cancel_view),
                name="tracks_parklist_cancel",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **extra}

    def build_view(self, request):
        if not self.has_manage_permission(request):
            raise PermissionDenied
        initial = {}
        if request.GET.get("snapshot", "").isdigit():
            initial["snapshot"] = int(request.GET["snapshot"])
        form = ListBuildForm(request.POST or None, initial=initial)
        preview = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if "build" in request.POST:
                try:
                    park_list = list_services.list_build(
                        actor=request.user,
                        snapshot=data["snapshot"],
                        field=data["field"],
                        track=data["track"],
                        top_n=data["top_n"],
                        min_score=data["min_score"],
                        title=data["title"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request, gettext("已生成榜单草稿：%(title)s") % {"title": park_list}, messages.SUCCESS
                    )
                    return HttpResponseRedirect(reverse("admin:tracks_parklist_change", args=[park_list.pk]))
            preview = list_services.list_preview(
                snapshot=data["snapshot"],
                field=data["field"],
                track=data["track"],
                top_n=data["top_n"],
                min_score=data["min_score"],
            )
        return TemplateResponse(
            request,
            "admin/tracks/parklist/build.html",
            self._context(request, gettext("按排名生成榜单"), form=form, preview=preview),
        )

    def correct_view(self, request, pk):
        if not self.has_manage_permission(request):
            raise PermissionDenied
        park_list = get_object_or_404(
            ParkList.objects.select_related("cycle", "field", "track", "ranking"), pk=pk
        )
        if park_list.status != ListStatus.PUBLISHED:
            self.message_user(request, gettext("只有现行的已发布榜单可以更正。"), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:tracks_parklist_change", args=[pk]))
        if park_list.corrections.filter(status=ListStatus.NOTICE).exists():
            self.message_user(
                request, gettext("该版本已有一个公示中的更正版本；请先发布或撤销它。"), messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:tracks_parklist_change", args=[pk]))
        entries = list(park_list.entries.select_related("zone").order_by("rank"))
        form = ListCorrectForm(request.POST or None, park_list=park_list, entries=entries)
        preview = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            snapshot = data["snapshot"] or park_list.ranking
            exclude = [int(pk) for pk in data["exclude"]]
            if "apply" in request.POST:
                try:
                    new = list_services.list_correct(
                        actor=request.user,
                        park_list=park_list,
                        note=data["note"],
                        snapshot=snapshot,
                        exclude_nominations=exclude,
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    if new.status == ListStatus.NOTICE:
                        message = gettext(
                            "更正版本增加或重新评分了条目，已进入公示，至 %(end)s；原版本在更正发布前继续有效。"
                        ) % {"end": workflow.when(new.notice_ends_at)}
                    else:
                        message = gettext("已发布更正版本：%(title)s，SHA-256 %(sha)s") % {
                            "title": new,
                            "sha": new.sha256,
                        }
                    self.message_user(request, message, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:tracks_parklist_change", args=[new.pk]))
            elif snapshot is not None:
                previous = (park_list.inputs or {}).get(list_services.EXCLUSIONS_KEY, [])
                preview = list_services.list_preview(
                    snapshot=snapshot,
                    field=park_list.field,
                    track=park_list.track,
                    top_n=park_list.cutoff_top_n,
                    min_score=park_list.cutoff_min_score,
                    exclude=[*previous, *exclude],
                )
        return TemplateResponse(
            request,
            "admin/tracks/parklist/correct.html",
            self._context(
                request,
                gettext("发布更正版本：%(title)s") % {"title": park_list},
                form=form,
                park_list=park_list,
                entries=entries,
                preview=preview,
            ),
        )

    def verify_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        park_list = get_object_or_404(ParkList, pk=pk)
        result = verification_services.list_verify(park_list)
        return TemplateResponse(
            request,
            "admin/tracks/parklist/verify.html",
            self._context(
                request,
                gettext("校验榜单：%(title)s") % {"title": park_list},
                park_list=park_list,
                result=result,
            ),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_manage"] = self.has_manage_permission(request)
        if obj is not None and obj.status == ListStatus.PUBLISHED:
            context["pending_correction"] = obj.corrections.filter(status=ListStatus.NOTICE).first()
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )


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

    def get_actions(self, request):
        return {}


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdminMixin, AuditHistoryMixin, admin.ModelAdmin):
    """Objections are filed publicly and resolved through the objection service; never shown to the public."""

    list_display = ["receipt_number", "park_list", "entry", "name", "organisation", "status", "submitted_at"]
    list_filter = ["status", "park_list__cycle"]
    search_fields = ["receipt_number", "name", "organisation", "statement"]
    list_select_related = ["park_list", "entry__park_list", "entry__zone"]
    # The evidence file is private: its name is shown, and staff download it through a checked view.
    fields = [
        "receipt_number",
        "park_list",
        "entry",
        "name",
        "organisation",
        "contact",
        "statement",
        "evidence_link",
        "submitted_at",
        "status",
        "resolution",
        "resolved_by",
        "resolved_at",
    ]
    readonly_fields = ["evidence_link"]
    actions = ["resolve_upheld", "resolve_dismissed"]

    def has_resolve_permission(self, request):
        return scope_of(request).is_programme_staff

    @admin.display(description=_("证明材料"))
    def evidence_link(self, obj):
        from django.utils.html import format_html

        if not obj.evidence:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:tracks_objection_evidence", args=[obj.pk]),
            obj.evidence_name or gettext("下载"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/evidence/",
                self.admin_site.admin_view(self.evidence_view),
                name="tracks_objection_evidence",
            ),
            *super().get_urls(),
        ]

    def evidence_view(self, request, pk):
        if not self.has_resolve_permission(request):
            raise PermissionDenied
        objection = get_object_or_404(Objection, pk=pk)
        if not objection.evidence:
            raise Http404
        extension, content_type = list_services.evidence_check(objection.evidence.open("rb"))
        response = private_file_response(
            objection.evidence, filename=f"{objection.receipt_number}.{extension}", content_type=content_type
        )
        audit_record(actor=request.user, action="objection.evidence_download", obj=objection, request=request)
        return response

    def _resolve(self, request, queryset, decision, title):
        reason, page = _action_form(
            self,
            request,
            queryset,
            title=title,
            intro=gettext("处理意见将记入异议记录和审计日志，处理结果可通过回执编号反馈异议人。"),
            submit=title,
            reason_label=gettext("处理意见"),
        )
        if page is not None:
            return page
        done = 0
        for objection in queryset:
            try:
                list_services.objection_resolve(
                    actor=request.user,
                    objection=objection,
                    decision=decision,
                    resolution=reason,
                    request=request,
                )
                done += 1
            except (ValidationError, PermissionDenied) as error:
                _message_errors(self, request, objection, error)
        if done:
            self.message_user(request, gettext("已处理 %(n)s 件异议。") % {"n": done}, messages.SUCCESS)
        return None

    @admin.action(description=_("处理为：异议成立"), permissions=["resolve"])
    def resolve_upheld(self, request, queryset):
        return self._resolve(request, queryset, ObjectionStatus.UPHELD, gettext("异议成立"))

    @admin.action(description=_("处理为：异议不成立"), permissions=["resolve"])
    def resolve_dismissed(self, request, queryset):
        return self._resolve(request, queryset, ObjectionStatus.DISMISSED, gettext("异议不成立"))
