"""Reviewers, conflicts, assignments, scores and ranking snapshots."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts import roles
from audit.admin_mixins import AuditedModelAdmin, AuditHistoryMixin, related_history

from ..models import (
    Assignment,
    ConflictDeclaration,
    RankingSnapshot,
    ReviewerProfile,
    Score,
)
from .common import ReadOnlyAdminMixin, ReadOnlyInline


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
