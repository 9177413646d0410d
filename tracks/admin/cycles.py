"""Cycles with their criteria, quotas and window extensions."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DecimalField, OuterRef, Subquery, Sum
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of
from audit.admin_mixins import AuditedModelAdmin, related_history

from .. import workflow
from ..forms import CriterionForm, CriterionInlineFormSet, MultilineTextField
from ..models import (
    Criterion,
    Cycle,
    CycleStatus,
    ProvinceQuota,
    WindowExtension,
)
from ..services import cycles as cycle_services
from ..services.nominations import window_extension_grant
from .common import _error_text
from .gates import gate_page, phase_history


class CriterionInline(admin.TabularInline):
    """The four criteria of the cycle, checked together against cycles.validate_criteria; frozen once review opens."""

    model = Criterion
    formset = CriterionInlineFormSet
    fields = ["order", "code", "name", "weight", "max_score", "rubric"]
    max_num = len(cycle_services.CRITERION_CODES)
    can_delete = True

    def get_extra(self, request, obj=None, **kwargs):
        if obj is not None and obj.criteria_frozen_at is not None:
            return 0
        existing = obj.criteria.count() if obj is not None and obj.pk else 0
        return max(len(cycle_services.CRITERION_CODES) - existing, 0)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.read_only = not self.has_change_permission(request, obj)
        return formset

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "rubric":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 40})
            # CRLF as posted is the stored LF: an untouched rubric is no edit (and no audited "change").
            kwargs["form_class"] = MultilineTextField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _frozen(self, obj):
        return obj is not None and obj.criteria_frozen_at is not None

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


def _text(value: str) -> str:
    return value.replace("\r\n", "\n").strip()


def _frozen_criterion_edits(formset) -> bool:
    """Whether a post carries edits to criteria the admin showed read-only because they are frozen: a changed value
    or a deleted row. Django's admin ignores what a read-only inline posts; this is what a change form opened
    before review and posted after would lose. A textarea's CRLF line breaks are no edit, and neither is a field
    the page did not post at all (a page opened after the freeze shows the criteria as text)."""
    if not getattr(formset, "read_only", False) or formset.instance.criteria_frozen_at is None:
        return False
    for form in formset.forms:
        if formset.data.get(f"{form.prefix}-DELETE"):
            return True
        for name in form.changed_data:
            if form.add_prefix(name) not in formset.data:
                continue
            posted, stored = form[name].data, form[name].initial
            if not (isinstance(posted, str) and isinstance(stored, str) and _text(posted) == _text(stored)):
                return True
    return False


class ProvinceQuotaInline(admin.TabularInline):
    model = ProvinceQuota
    fields = ["province", "quota"]
    autocomplete_fields = ["province"]
    extra = 0


class WindowExtensionInline(admin.TabularInline):
    """Shown on the cycle; granted through the 推荐窗口延期 page (window_extension_grant), which tells the province."""

    model = WindowExtension
    fields = ["province", "closes_at", "reason", "granted_by", "granted_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CycleFromPreviousForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2020, max_value=2100)
    nomination_opens_at = forms.SplitDateTimeField(label=_("推荐开始时间"), widget=AdminSplitDateTime)
    nomination_closes_at = forms.SplitDateTimeField(label=_("推荐截止时间"), widget=AdminSplitDateTime)

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("nomination_opens_at"), cleaned.get("nomination_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("nomination_closes_at", _("推荐截止时间必须晚于开始时间。"))
        return cleaned


@admin.register(Cycle)
class CycleAdmin(AuditedModelAdmin):
    list_display = [
        "year",
        "title",
        "status",
        "nomination_opens_at",
        "nomination_closes_at",
        "default_quota",
        "weight_total",
        "criteria_frozen_at",
    ]
    list_display_links = ["year", "title"]
    list_filter = ["status"]
    search_fields = ["title", "year"]
    change_list_template = "admin/tracks/cycle/change_list.html"
    change_form_template = "admin/tracks/cycle/change_form.html"
    fieldsets = [
        (
            None,
            {
                "fields": ["year", "title", "status"],
                "description": _(
                    "年度批次依次经过：筹备 → 推荐 → 形式审查 → 评审 → 评审结束 → 发布 → 归档，不能回退或跳过。"
                    "每次推进都在确认页列出检查结果、将发生的变化和仍待处理的事项；未通过的检查或者不能继续，"
                    "或者须填写理由（记入审计日志并显示在阶段记录中）。"
                ),
            },
        ),
        (
            _("推荐"),
            {
                "fields": [
                    "nomination_opens_at",
                    "nomination_closes_at",
                    "default_quota",
                    "resubmit_days",
                    "required_materials",
                ],
                "description": _(
                    "推荐时间只能在“推荐”阶段结束前修改；延期请在“推荐”阶段为某省单独批准。"
                    "退回修改的推荐可在补正期限内重新推荐，推荐截止后同样适用。"
                    "必备材料在推荐时检查：缺少任何一项附件的推荐不能推荐。"
                ),
            },
        ),
        (
            _("评审"),
            {
                "fields": [
                    "review_opens_at",
                    "review_closes_at",
                    "reviewers_per_nomination",
                    "normalise_scores",
                    "comment_required_below",
                    "criteria_frozen_at",
                    "review_closed_at",
                ],
                "description": _(
                    "开启评审时冻结评价维度。评审截止时间只用于提醒和逾期统计；评审由业务管理员在评审工作台"
                    "按赛道或领域结束（未启用评分标准化时），或推进批次到“评审结束”时全部结束。"
                ),
            },
        ),
        (_("公示"), {"fields": ["notice_days"]}),
        (None, {"fields": ["created_at"]}),
    ]
    # The phase moves only through cycle_advance, from its confirmation page (advance_view).
    readonly_fields = ["status", "criteria_frozen_at", "review_closed_at", "created_at"]
    inlines = [CriterionInline, ProvinceQuotaInline, WindowExtensionInline]
    actions = ["advance_cycles", "grant_extension"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status not in CycleStatus.WINDOW:
            # The window has closed for good (never-submitted drafts are already 未推荐): it is history now.
            fields += ["nomination_opens_at", "nomination_closes_at", "default_quota", "required_materials"]
        if obj is not None and obj.status in CycleStatus.AFTER_REVIEW:
            fields += ["review_opens_at", "review_closes_at", "reviewers_per_nomination", "normalise_scores"]
        return fields

    def get_queryset(self, request):
        weights = (
            Criterion.objects.filter(cycle=OuterRef("pk"))
            .order_by()
            .values("cycle")
            .annotate(total=Sum("weight"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                _weight_total=Subquery(weights, output_field=DecimalField(max_digits=7, decimal_places=2))
            )
        )

    @admin.display(description=_("权重合计"), ordering="_weight_total")
    def weight_total(self, obj):
        total = getattr(obj, "_weight_total", None)
        return "—" if total is None else cycle_services.format_number(total)

    def audit_history_events(self, obj):
        return related_history(obj, obj.criteria.all(), obj.quotas.all(), obj.extensions.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._refuse_frozen_criterion_edits(request, formsets)

    def _refuse_frozen_criterion_edits(self, request, formsets):
        """The criteria froze when review opened; a form opened before then still posts criterion edits. None of
        them is saved (like the criterion page and ``criteria_update``, which refuse them), the rest of the form
        is, and the page says so rather than dropping the edits silently."""
        for formset in formsets:
            if formset.model is Criterion and _frozen_criterion_edits(formset):
                frozen_at = timezone.localtime(formset.instance.criteria_frozen_at)
                self.message_user(
                    request,
                    _("评审已于 %(at)s 开启，评价维度自此冻结：本次提交中对评价维度的修改均未保存。")
                    % {"at": frozen_at.strftime("%Y-%m-%d %H:%M")},
                    messages.ERROR,
                )

    def save_formset(self, request, form, formset, change):
        if formset.model is WindowExtension:
            for inline_form in formset.forms:
                if inline_form.instance.pk is None:
                    inline_form.instance.granted_by = request.user
        super().save_formset(request, form, formset, change)

    @admin.action(description=_("推进到下一阶段…（先确认检查结果）"), permissions=["change"])
    def advance_cycles(self, request, queryset):
        cycles = list(queryset[:2])
        if len(cycles) != 1:
            self.message_user(request, _("请只选择一个年度批次。"), messages.ERROR)
            return None
        return HttpResponseRedirect(reverse("admin:tracks_cycle_advance", args=[cycles[0].pk]))

    def advance_view(self, request, pk):
        """The confirmation page of the cycle's next phase: its gate, then cycle_advance with the reason."""
        if not scope_of(request).is_programme_staff:
            raise PermissionDenied
        cycle = Cycle.objects.filter(pk=pk).first()
        if cycle is None:
            raise Http404
        change_url = reverse("admin:tracks_cycle_change", args=[cycle.pk])
        gate = workflow.cycle_gate(cycle)
        if gate is None:
            self.message_user(request, _("该批次已归档，没有下一阶段。"), messages.INFO)
            return HttpResponseRedirect(change_url)
        target = CycleStatus(gate.target).label
        return gate_page(
            self,
            request,
            gate=gate,
            title=_("%(cycle)s：%(source)s → %(target)s")
            % {"cycle": cycle, "source": cycle.get_status_display(), "target": target},
            intro=workflow.PHASE_HELP[gate.target],
            submit=_("确认进入“%(target)s”") % {"target": target},
            cancel_url=change_url,
            apply=lambda reason, form: cycle_services.cycle_advance(
                cycle=cycle, actor=request.user, to_status=gate.target, reason=reason, request=request
            ),
            done_message=lambda result: (
                _("%(cycle)s 已进入“%(status)s”阶段。")
                % {"cycle": result, "status": result.get_status_display()}
            ),
            history=phase_history(cycle),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["phases"] = [
                {
                    "label": CycleStatus(phase).label,
                    "current": phase == obj.status,
                    "done": index < workflow.PHASES.index(obj.status),
                }
                for index, phase in enumerate(workflow.PHASES)
            ]
            next_phase = workflow.next_phase(obj)
            context["next_phase"] = CycleStatus(next_phase).label if next_phase else None
            context["may_advance"] = scope_of(request).is_programme_staff and next_phase is not None
            context["phase_history"] = phase_history(obj)
        if request.method == "POST":  # a post that did not validate is shown again: say it there
            formsets = [inline.formset for inline in context.get("inline_admin_formsets", ())]
            self._refuse_frozen_criterion_edits(request, formsets)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    @admin.action(description=_("为某省延长推荐窗口…"))
    def grant_extension(self, request, queryset):
        cycles = list(queryset[:2])
        if len(cycles) != 1:
            self.message_user(request, _("请只选择一个年度批次。"), messages.ERROR)
            return None
        return HttpResponseRedirect(f"{reverse('admin:tracks_windowextension_add')}?cycle={cycles[0].pk}")

    # -- 以上一年度为模板新建批次 ---------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "from-previous/",
                self.admin_site.admin_view(self.from_previous_view),
                name="tracks_cycle_from_previous",
            ),
            path(
                "<int:pk>/advance/",
                self.admin_site.admin_view(self.advance_view),
                name="tracks_cycle_advance",
            ),
            *super().get_urls(),
        ]

    def from_previous_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        latest = Cycle.objects.order_by("-year").first()
        initial = {"year": latest.year + 1} if latest is not None else {}
        form = CycleFromPreviousForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                cycle = cycle_services.cycle_create_from_previous(
                    actor=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                field = "year" if getattr(error, "code", None) == "year_exists" else None
                form.add_error(field, error)
            except PermissionDenied as error:
                form.add_error(None, _error_text(error))
            else:
                self.message_user(
                    request,
                    _("已以上一年度为模板新建 %(cycle)s，请核对评价维度与推荐名额。") % {"cycle": cycle},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:tracks_cycle_change", args=[cycle.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("以上一年度为模板新建批次"),
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
            "template_cycle": latest,
        }
        return TemplateResponse(request, "admin/tracks/cycle/from_previous.html", context)


@admin.register(Criterion)
class CriterionAdmin(AuditedModelAdmin):
    """Criteria are added with their cycle; here one can be corrected while the cycle is not frozen."""

    form = CriterionForm
    list_display = ["cycle", "order", "name", "code", "weight", "max_score", "frozen"]
    list_display_links = ["cycle", "name"]
    list_filter = ["cycle", "code"]
    search_fields = ["name", "rubric"]
    list_select_related = ["cycle"]
    ordering = ["-cycle__year", "order"]

    def get_readonly_fields(self, request, obj=None):
        return ["cycle", "code"] if obj is not None else []

    @admin.display(description=_("已冻结"), boolean=True)
    def frozen(self, obj):
        return obj.cycle.criteria_frozen_at is not None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.cycle.criteria_frozen_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.cycle.criteria_frozen_at is not None:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ProvinceQuota)
class ProvinceQuotaAdmin(AuditedModelAdmin):
    list_display = ["cycle", "province", "quota"]
    list_filter = ["cycle"]
    search_fields = ["province__name", "province__code"]
    list_select_related = ["cycle", "province"]
    autocomplete_fields = ["cycle", "province"]


class WindowExtensionForm(forms.ModelForm):
    class Meta:
        model = WindowExtension
        fields = ["cycle", "province", "closes_at", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def clean(self):
        cleaned = super().clean()
        cycle = cleaned.get("cycle") or (self.instance.cycle if self.instance.cycle_id else None)
        closes_at = cleaned.get("closes_at")
        if cycle is not None and closes_at is not None and closes_at <= cycle.nomination_closes_at:
            self.add_error(
                "closes_at",
                _("延期截止时间必须晚于本批次的推荐截止时间（%(closes)s）。")
                % {"closes": timezone.localtime(cycle.nomination_closes_at).strftime("%Y-%m-%d %H:%M")},
            )
        return cleaned


@admin.register(WindowExtension)
class WindowExtensionAdmin(AuditedModelAdmin):
    """推荐窗口延期: staff grant one province a later close; saved by window_extension_grant (audited, notified)."""

    form = WindowExtensionForm
    list_display = ["cycle", "province", "closes_at", "granted_by", "granted_at"]
    list_filter = ["cycle"]
    search_fields = ["province__name", "reason"]
    list_select_related = ["cycle", "province", "granted_by"]
    autocomplete_fields = ["cycle", "province"]
    readonly_fields = ["granted_by", "granted_at"]
    # The service records the event with its reason; the admin's own audit would record it twice.
    audit_ask_reason = False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["cycle", "province", "granted_by", "granted_at"]
        return self.readonly_fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        cycle = (
            Cycle.objects.filter(pk=request.GET.get("cycle") or None).first()
            if request.GET.get("cycle", "").isdigit()
            else None
        )
        if cycle is not None:
            initial["cycle"] = cycle.pk
        return initial

    def _may_grant(self, request) -> bool:
        return scope_of(request).is_programme_staff

    def has_add_permission(self, request):
        return self._may_grant(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._may_grant(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        extension = window_extension_grant(
            actor=request.user,
            cycle=obj.cycle,
            province=obj.province,
            closes_at=obj.closes_at,
            reason=obj.reason,
            request=request,
        )
        obj.pk = extension.pk
        obj.granted_by = extension.granted_by
        obj.granted_at = extension.granted_at
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """Nothing related to save, and the audit event is the service's."""


# ---------------------------------------------------------------------------------------------------------------
# Nominations and the library (written by provinces and services; read here)
