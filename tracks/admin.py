"""The programme in the admin.

Catalogue (fields, tracks), cycles with their criteria and quotas, announcements and reviewers are edited here and
every change is audited (audit.admin_mixins.AuditedModelAdmin). What provinces submit and what the services
compute (nominations, library entries, monitoring reports, assignments, scores, rankings, objections) is
read-only here: its states change only through tracks/services. A published list never changes.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from accounts import roles
from audit.admin_mixins import AuditedModelAdmin, AuditHistoryMixin, related_history

from . import selectors
from .forms import CriterionForm, CriterionInlineFormSet
from .models import (
    Announcement,
    Assignment,
    ConflictDeclaration,
    Criterion,
    Cycle,
    Field,
    LibraryEntry,
    ListEntry,
    MonitoringReport,
    Nomination,
    NominationAttachment,
    Notification,
    Objection,
    ParkList,
    ProvinceQuota,
    RankingSnapshot,
    ReviewerProfile,
    Score,
    Track,
    TrackAlias,
    WindowExtension,
)
from .models.indicators import INDICATOR_FIELDS
from .services import cycles as cycle_services


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error) or str(_("您没有执行该操作的权限。"))


class ReadOnlyAdminMixin:
    """Viewable only: rows written by services or by the people they belong to."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields or []


# ---------------------------------------------------------------------------------------------------------------
# Catalogue


@admin.register(Field)
class FieldAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "name_en", "order", "track_count"]
    list_display_links = ["name", "code"]
    search_fields = ["name", "code", "name_en"]
    ordering = ["order", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_track_count=Count("tracks"))

    @admin.display(description=_("赛道数"), ordering="_track_count")
    def track_count(self, obj):
        return obj._track_count


class TrackAliasInline(admin.TabularInline):
    model = TrackAlias
    fields = ["name"]
    extra = 1


@admin.register(Track)
class TrackAdmin(AuditedModelAdmin):
    list_display = ["name", "field", "status", "merged_into", "alias_names", "created_at"]
    list_filter = ["status", "field"]
    search_fields = ["name", "name_en", "aliases__name", "pinyin", "pinyin_initials"]
    list_select_related = ["field", "merged_into"]
    autocomplete_fields = ["field"]
    inlines = [TrackAliasInline]
    fields = ["field", "name", "name_en", "description", "status", "merged_into", "proposed_by", "created_at"]
    # Approving a proposed track and merging tracks move nominations and aliases: that is a service's job.
    readonly_fields = ["status", "merged_into", "proposed_by", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description=_("别名"))
    def alias_names(self, obj):
        return "、".join(alias.name for alias in obj.aliases.all()) or "—"

    def audit_history_events(self, obj):
        return related_history(obj, obj.aliases.all())


@admin.register(TrackAlias)
class TrackAliasAdmin(AuditedModelAdmin):
    list_display = ["name", "track", "track_field"]
    search_fields = ["name", "pinyin", "pinyin_initials", "track__name"]
    list_filter = ["track__field"]
    list_select_related = ["track__field"]
    autocomplete_fields = ["track"]

    @admin.display(description=_("领域"), ordering="track__field__order")
    def track_field(self, obj):
        return obj.track.field


# ---------------------------------------------------------------------------------------------------------------
# Cycles and criteria


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
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _frozen(self, obj):
        return obj is not None and obj.criteria_frozen_at is not None

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class ProvinceQuotaInline(admin.TabularInline):
    model = ProvinceQuota
    fields = ["province", "quota"]
    autocomplete_fields = ["province"]
    extra = 0


class WindowExtensionInline(admin.TabularInline):
    model = WindowExtension
    fields = ["province", "closes_at", "reason", "granted_by", "granted_at"]
    readonly_fields = ["granted_by", "granted_at"]
    autocomplete_fields = ["province"]
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "reason":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


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
    fieldsets = [
        (None, {"fields": ["year", "title", "status"]}),
        (_("推荐"), {"fields": ["nomination_opens_at", "nomination_closes_at", "default_quota"]}),
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
                ]
            },
        ),
        (_("公示"), {"fields": ["notice_days"]}),
        (None, {"fields": ["created_at"]}),
    ]
    # The stage moves only through cycle_advance (the action below), which freezes the criteria on review.
    readonly_fields = ["status", "criteria_frozen_at", "created_at"]
    inlines = [CriterionInline, ProvinceQuotaInline, WindowExtensionInline]
    actions = ["advance_cycles"]

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

    def save_formset(self, request, form, formset, change):
        if formset.model is WindowExtension:
            for inline_form in formset.forms:
                if inline_form.instance.pk is None:
                    inline_form.instance.granted_by = request.user
        super().save_formset(request, form, formset, change)

    @admin.action(description=_("推进到下一阶段（进入评审时冻结评价维度）"), permissions=["change"])
    def advance_cycles(self, request, queryset):
        for cycle in queryset:
            try:
                cycle_services.cycle_advance(cycle=cycle, actor=request.user, request=request)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{cycle}：{_error_text(error)}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(cycle)s 已进入「%(status)s」。")
                    % {"cycle": cycle, "status": cycle.get_status_display()},
                    messages.SUCCESS,
                )

    # -- 以上一年度为模板新建批次 ---------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "from-previous/",
                self.admin_site.admin_view(self.from_previous_view),
                name="tracks_cycle_from_previous",
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


@admin.register(WindowExtension)
class WindowExtensionAdmin(AuditedModelAdmin):
    list_display = ["cycle", "province", "closes_at", "granted_by", "granted_at"]
    list_filter = ["cycle"]
    search_fields = ["province__name", "reason"]
    list_select_related = ["cycle", "province", "granted_by"]
    autocomplete_fields = ["cycle", "province"]
    readonly_fields = ["granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


# ---------------------------------------------------------------------------------------------------------------
# Nominations and the library (written by provinces and services; read here)


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


class ConflictDeclarationInline(admin.TabularInline):
    model = ConflictDeclaration
    fields = ["zone", "province", "nomination", "reason", "declared_at"]
    readonly_fields = ["declared_at"]
    autocomplete_fields = ["zone", "province", "nomination"]
    extra = 0


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(AuditedModelAdmin):
    list_display = ["name", "title", "organisation", "province", "zone", "field_names", "is_active"]
    list_filter = ["is_active", "fields", "province"]
    search_fields = ["name", "organisation", "user__username"]
    list_select_related = ["province", "zone"]
    autocomplete_fields = ["province", "zone"]
    filter_horizontal = ["fields"]
    inlines = [ConflictDeclarationInline]
    audit_m2m_fields = ("fields",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("fields")

    @admin.display(description=_("评审领域"))
    def field_names(self, obj):
        return "、".join(field.name for field in obj.fields.all()) or "—"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = (
                get_user_model().objects.filter(groups__name=roles.REVIEWER).order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def audit_history_events(self, obj):
        return related_history(obj, obj.conflicts.all())


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(AuditedModelAdmin):
    list_display = ["reviewer", "zone", "province", "nomination", "declared_at"]
    search_fields = ["reviewer__name", "zone__name", "province__name", "reason"]
    list_select_related = [
        "reviewer",
        "zone",
        "province",
        "nomination__cycle",
        "nomination__zone",
        "nomination__track",
    ]
    autocomplete_fields = ["reviewer", "zone", "province", "nomination"]
    readonly_fields = ["declared_at"]


def _own_assignments(request, queryset):
    """Staff see every assignment; a reviewer only their own (domain.md: roles)."""
    if request.user.is_superuser or roles.is_programme_staff(request.user):
        return queryset
    return queryset.filter(reviewer__user=request.user)


class ScoreInline(ReadOnlyInline):
    model = Score
    fields = ["criterion", "value", "max_score", "comment", "updated_at"]
    show_change_link = False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdminMixin, AuditHistoryMixin, admin.ModelAdmin):
    """Assignments change state through the review service; here they are listed and read."""

    list_display = [
        "nomination",
        "reviewer",
        "status",
        "assigned_at",
        "due_at",
        "pledge_signed_at",
        "submitted_at",
    ]
    list_filter = ["status", "nomination__cycle", "nomination__track__field"]
    search_fields = ["reviewer__name", "nomination__zone__name", "nomination__track__name"]
    list_select_related = ["reviewer", "nomination__cycle", "nomination__zone", "nomination__track"]
    fields = [
        "nomination",
        "reviewer",
        "status",
        "status_reason",
        "assigned_by",
        "assigned_at",
        "explanation",
        "due_at",
        "responded_at",
        "pledge_signed_at",
        "submitted_at",
    ]
    inlines = [ScoreInline]

    def get_queryset(self, request):
        return _own_assignments(request, super().get_queryset(request))


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "assignment_nomination",
        "assignment_reviewer",
        "criterion_name",
        "value",
        "max_score",
        "updated_at",
    ]
    list_filter = ["criterion__cycle", "criterion__code"]
    search_fields = ["assignment__reviewer__name", "assignment__nomination__zone__name"]
    list_select_related = [
        "assignment__reviewer",
        "assignment__nomination__cycle",
        "assignment__nomination__zone",
        "assignment__nomination__track",
        "criterion__cycle",
    ]
    fields = ["assignment", "criterion", "value", "max_score", "comment", "updated_at"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser or roles.is_programme_staff(request.user):
            return queryset
        return queryset.filter(assignment__reviewer__user=request.user)

    @admin.display(description=_("推荐"), ordering="assignment__nomination")
    def assignment_nomination(self, obj):
        return obj.assignment.nomination

    @admin.display(description=_("评审专家"), ordering="assignment__reviewer__name")
    def assignment_reviewer(self, obj):
        return obj.assignment.reviewer

    @admin.display(description=_("评价维度"), ordering="criterion__order")
    def criterion_name(self, obj):
        return obj.criterion.name


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["cycle", "computed_at", "computed_by", "normalised", "result_count", "inputs_sha256"]
    list_filter = ["cycle", "normalised"]
    list_select_related = ["cycle", "computed_by"]
    # The inputs and results can be large; the ranking pages show them, the admin their size and hash.
    fields = ["cycle", "computed_at", "computed_by", "normalised", "result_count", "inputs_sha256"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("inputs")

    @admin.display(description=_("结果条数"))
    def result_count(self, obj):
        results = obj.results
        if isinstance(results, dict):
            rows = results.get("rows", results.get("nominations"))
            return len(rows) if isinstance(rows, list) else len(results)
        return len(results) if isinstance(results, list) else "—"


# ---------------------------------------------------------------------------------------------------------------
# Lists


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
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)
