"""Reviewers, conflicts, assignments, scores and ranking snapshots; the reviewer's workspace and the review desk.

A reviewer (评审专家) works here: the assignment changelist shows only their own assignments
(``selectors.assignments_for``); an assignment's page is their workspace — accept with the pledge, decline or
declare a conflict, then read the nomination and score it (drafts autosaved by static/js/review.js, submit locks),
then see the others' scores anonymised. Programme staff see every assignment, reopen a submitted score with a reason,
and run the review from the desk (tracks/admin/review_desk.py), whose URLs hang under the assignment admin.
Every change goes through tracks.services.review.
"""

import datetime
from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts import roles
from accounts.scope import scope_of
from audit.admin_mixins import AuditedModelAdmin, history_rows, related_history
from audit.services import audit_record, history_for

from .. import selectors, workflow
from ..downloads import attachment_file_response
from ..models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    Criterion,
    CycleStatus,
    NominationAttachment,
    RankingSnapshot,
    ReviewClosure,
    ReviewerProfile,
    ReviewReopening,
    Score,
)
from ..models.indicators import COUNT_INDICATORS, MONEY_INDICATORS, SIGNED_INDICATORS
from ..services import review as review_services
from ..services.notifications import notifications_mark_read
from . import review_desk
from .common import ReadOnlyAdminMixin, _error_text
from .notifications import unread_notices


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

    @admin.display(description=gettext_lazy("评审领域"))
    def field_names(self, obj):
        return pgettext("list separator", "、").join(field.name for field in obj.fields.all()) or "—"

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


# ---------------------------------------------------------------------------------------------------------------
# The reviewer's workspace
# ---------------------------------------------------------------------------------------------------------------

ACTION_LABELS = {
    "assignment.create": gettext_lazy("分配"),
    "assignment.accept": gettext_lazy("接受并签署承诺"),
    "assignment.decline": gettext_lazy("谢绝"),
    "assignment.conflict": gettext_lazy("申报回避"),
    "assignment.remove": gettext_lazy("撤换"),
    "score.draft": gettext_lazy("保存草稿"),
    "score.submit": gettext_lazy("提交评分"),
    "score.reopen": gettext_lazy("重新开放"),
}
# Keys of the review audit events that are not model fields, as a reader should see them.
EVENT_LABELS = {
    "scores": gettext_lazy("评分"),
    "pledge_version": gettext_lazy("承诺版本"),
    "pledge_text": gettext_lazy("承诺内容"),
    "declaration": gettext_lazy("回避申报编号"),
    "replaced_by": gettext_lazy("替换为（专家编号）"),
    "replaces": gettext_lazy("替换（任务编号）"),
}
EVENT_TIMES = {"pledge_signed_at", "submitted_at", "due_at", "responded_at"}


def _score_text(entry) -> str:
    if not isinstance(entry, dict):
        return "—"
    comment = entry.get("comment") or ""
    value = entry.get("value")
    return _("%(name)s（%(note)s）") % {"name": value, "note": comment} if comment else str(value)


def _readable(values, criterion_names: dict):
    """An audit event's before/after with criterion names, score lists and local times a reader understands."""
    if not isinstance(values, dict):
        return values
    out = {}
    for key, value in values.items():
        if key in criterion_names:
            out[criterion_names[key]] = _score_text(value) if value is not None else None
        elif key == "scores" and isinstance(value, dict):
            out[str(EVENT_LABELS[key])] = _("；").join(
                f"{criterion_names.get(code, code)} {_score_text(entry)}" for code, entry in value.items()
            )
        elif key in EVENT_TIMES and isinstance(value, str):
            try:
                moment = timezone.localtime(datetime.datetime.fromisoformat(value))
                out[key] = date_format(moment, "Y-m-d H:i:s")
            except ValueError:
                out[key] = value
        else:
            out[str(EVENT_LABELS.get(key, key))] = value
    return out


INDICATORS = COUNT_INDICATORS + MONEY_INDICATORS + SIGNED_INDICATORS


def posted_values(data, criteria) -> dict:
    """{code: {"value", "comment"}} of the scoring form's fields present in ``data``."""
    values = {}
    for criterion in criteria:
        entry = {}
        if f"value-{criterion.code}" in data:
            entry["value"] = data.get(f"value-{criterion.code}", "")
        if f"comment-{criterion.code}" in data:
            entry["comment"] = data.get(f"comment-{criterion.code}", "")
        if entry:
            values[criterion.code] = entry
    return values


def _posted_version(data):
    try:
        return int(data.get("version", ""))
    except (TypeError, ValueError):
        raise review_services.ReviewError(_("页面缺少版本信息，请刷新后重试。"), code="no_version") from None


def _error_messages(error) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [_error_text(error)]


class AssignmentStatusFilter(admin.SimpleListFilter):
    """Status, with 逾期 (pending past its due time) beside the stored states."""

    title = gettext_lazy("状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*AssignmentStatus.choices, ("overdue", _("已逾期"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "overdue":
            now = timezone.now()
            from django.db.models import Q

            return queryset.filter(status__in=AssignmentStatus.PENDING).filter(
                Q(due_at__lt=now) | Q(due_at__isnull=True, nomination__cycle__review_closes_at__lt=now)
            )
        if value in AssignmentStatus.values:
            return queryset.filter(status=value)
        return queryset


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A reviewer's own assignments (their workspace) and, for staff, every assignment and the review desk."""

    list_display_links = ["nomination_label"]
    list_filter = [AssignmentStatusFilter, "nomination__cycle", "nomination__track__field"]
    search_fields = ["nomination__zone__name", "nomination__zone__short_name", "nomination__track__name"]
    list_select_related = [
        "reviewer",
        "nomination__cycle",
        "nomination__province",
        "nomination__zone",
        "nomination__track__field",
    ]
    change_list_template = "admin/tracks/assignment/change_list.html"
    workspace_template = "admin/tracks/assignment/review.html"

    def get_queryset(self, request):
        queryset = selectors.assignments_for(scope_of(request))
        return queryset.annotate(
            score_count=Count("scores"),
            # What needs action first: an invitation to answer, then scoring not submitted, then the rest;
            # within each, the earliest due (its own time, or the cycle's review deadline).
            action_order=Case(
                When(status=AssignmentStatus.INVITED, then=Value(0)),
                When(status=AssignmentStatus.ACCEPTED, then=Value(1)),
                When(status=AssignmentStatus.SUBMITTED, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
            due_order=Coalesce("due_at", "nomination__cycle__review_closes_at"),
        )

    def get_ordering(self, request):
        return ["action_order", F("due_order").asc(nulls_last=True), "pk"]

    def get_list_display(self, request):
        columns = ["nomination_label", "track_name", "status_badge", "score_progress", "due", "submitted"]
        if self._staff(request):
            columns.insert(1, "reviewer")
        return columns

    def get_search_fields(self, request):
        if self._staff(request):
            return [*self.search_fields, "reviewer__name"]
        return self.search_fields

    def _staff(self, request) -> bool:
        return selectors.sees_all_reviews(scope_of(request))

    @admin.display(description=gettext_lazy("推荐项目"), ordering="nomination__zone__key")
    def nomination_label(self, obj):
        nomination = obj.nomination
        return _("%(name)s（%(note)s）") % {
            "name": f"{nomination.cycle.year} {nomination.zone.display_name}",
            "note": nomination.province.name,
        }

    @admin.display(description=gettext_lazy("赛道"), ordering="nomination__track__name")
    def track_name(self, obj):
        return f"{obj.nomination.track.field.name} · {obj.nomination.track.name}"

    @admin.display(description=gettext_lazy("状态"), ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="review-status review-status-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description=gettext_lazy("截止时间"), ordering="due_at")
    def due(self, obj):
        due = obj.due_at or obj.nomination.cycle.review_closes_at
        if due is None:
            return "—"
        text = date_format(timezone.localtime(due), "Y-m-d H:i")
        if obj.status in AssignmentStatus.PENDING and due < timezone.now():
            return format_html(
                '<span class="nowrap">{}</span><span class="overdue">{}</span>', text, _("已逾期")
            )
        return format_html('<span class="nowrap">{}</span>', text)

    @admin.display(description=gettext_lazy("提交时间"), ordering="submitted_at")
    def submitted(self, obj):
        if obj.submitted_at is None:
            return "—"
        return format_html(
            '<span class="nowrap">{}</span>', date_format(timezone.localtime(obj.submitted_at), "Y-m-d H:i")
        )

    @admin.display(description=gettext_lazy("评分进度"))
    def score_progress(self, obj):
        if obj.status == AssignmentStatus.SUBMITTED:
            return _("已提交")
        if obj.status == AssignmentStatus.ACCEPTED:
            return _("已填 %(n)s 项") % {"n": obj.score_count}
        return "—"

    def changelist_view(self, request, extra_context=None):
        extra = {
            "review_desk_url": reverse("admin:tracks_review_desk") if self._staff(request) else None,
            **unread_notices(request),
        }
        if scope_of(request).is_reviewer and not self._staff(request):
            pending = (
                selectors.assignments_for(scope_of(request)).filter(status=AssignmentStatus.INVITED).count()
            )
            extra["invited_count"] = pending
            extra["title"] = _("我的评审任务")
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    # -- URLs: the workspace's autosave, and the staff's review desk ----------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/autosave/", wrap(self.autosave_view), name="tracks_assignment_autosave"),
            path("notices/read/", wrap(self.notices_read_view), name="tracks_assignment_notices_read"),
            path(
                "<path:object_id>/attachments/<int:attachment_pk>/",
                wrap(self.attachment_view),
                name="tracks_assignment_attachment",
            ),
            *review_desk.urls(self),
            *super().get_urls(),
        ]

    # -- the workspace ---------------------------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST":
            return self._workspace_post(request, obj)
        return self._workspace(request, obj)

    def _workspace_post(self, request, obj):
        action = request.POST.get("action", "")
        url = request.get_full_path()
        criteria = review_services.criteria_of(obj.nomination.cycle)
        try:
            if action == "accept":
                review_services.assignment_accept(
                    actor=request.user,
                    assignment=obj,
                    pledge=request.POST.get("pledge") == "on",
                    request=request,
                )
                self.message_user(request, _("已接受评审任务并签署保密与回避承诺，现在可以查看材料并评分。"))
            elif action == "decline":
                review_services.assignment_decline(
                    actor=request.user, assignment=obj, reason=request.POST.get("reason", ""), request=request
                )
                self.message_user(request, _("已谢绝该评审任务。"))
                return HttpResponseRedirect(reverse("admin:tracks_assignment_changelist"))
            elif action == "conflict":
                review_services.assignment_declare_conflict(
                    actor=request.user, assignment=obj, reason=request.POST.get("reason", ""), request=request
                )
                self.message_user(request, _("已申报回避，该评审任务已撤回。"))
                return HttpResponseRedirect(reverse("admin:tracks_assignment_changelist"))
            elif action == "save":
                values = posted_values(request.POST, criteria)
                result = review_services.score_save(
                    actor=request.user,
                    assignment=obj,
                    values=values,
                    version=_posted_version(request.POST),
                    request=request,
                )
                if result.errors:
                    for message in result.errors.values():
                        self.message_user(request, message, messages.WARNING)
                    return self._workspace(request, result.assignment, posted=values, errors=result.errors)
                self.message_user(request, _("草稿已保存。"))
            elif action == "submit":
                return self._submit(request, obj, criteria)
            elif action == "reopen":
                review_services.score_reopen(
                    actor=request.user, assignment=obj, reason=request.POST.get("reason", ""), request=request
                )
                self.message_user(request, _("评分已重新开放，专家可以修改后再次提交。"))
            else:
                self.message_user(request, _("未知的操作。"), messages.ERROR)
        except review_services.StaleVersion as error:
            self.message_user(request, _error_text(error), messages.ERROR)
            fresh = self.get_object(request, unquote(str(obj.pk)))
            return self._workspace(request, fresh, unsaved=posted_values(request.POST, criteria))
        except (ValidationError, PermissionDenied) as error:
            for message in _error_messages(error):
                self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(url)

    def _submit(self, request, obj, criteria):
        values = posted_values(request.POST, criteria)
        version = _posted_version(request.POST)
        try:
            review_services.score_submit(
                actor=request.user, assignment=obj, values=values, version=version, request=request
            )
        except review_services.StaleVersion:
            raise
        except review_services.ReviewError as error:
            if not hasattr(error, "error_dict"):
                raise
            # Nothing typed is lost: what can be kept is saved as the draft, the rest is shown again with its error.
            saved = review_services.score_save(
                actor=request.user, assignment=obj, values=values, version=version, request=request
            )
            errors = {code: _("；").join(messages_) for code, messages_ in error.message_dict.items()}
            self.message_user(
                request, _("评分未提交：请按提示修改后再提交（已填内容已保存为草稿）。"), messages.ERROR
            )
            return self._workspace(request, saved.assignment, posted=values, errors=errors)
        self.message_user(request, _("评分已提交并锁定。现在可以查看其他专家的匿名评分。"))
        return HttpResponseRedirect(request.get_full_path())

    def _workspace(self, request, obj, *, posted=None, errors=None, unsaved=None):
        user = request.user
        own = obj.reviewer.user_id == user.pk
        staff = self._staff(request)
        nomination = obj.nomination
        cycle = nomination.cycle
        criteria = review_services.criteria_of(cycle)
        stored = {s.criterion_id: s for s in Score.objects.filter(assignment=obj)}
        may_see = selectors.may_see_nomination_content(scope_of(request), obj)
        posted = posted or {}
        errors = errors or {}
        rows = []
        for criterion in criteria:
            score = stored.get(criterion.pk)
            entry = posted.get(criterion.code, {})
            rows.append(
                {
                    "criterion": criterion,
                    "score": score,
                    "value": entry.get("value", "" if score is None else score.value),
                    "comment": entry.get("comment", "" if score is None else score.comment),
                    "error": errors.get(criterion.code),
                    "threshold": review_services.comment_threshold(criterion, cycle).quantize(
                        review_services.TWO_PLACES
                    ),
                    "levels": criterion.rubric_levels(),
                }
            )
        total = None
        if criteria and all(c.pk in stored for c in criteria):
            total = sum((c.weight * stored[c.pk].value / c.max_score for c in criteria), Decimal(0)).quantize(
                review_services.TWO_PLACES
            )
        content = {}
        if may_see:
            content = {
                "indicators": [(label, getattr(nomination, name)) for name, label in INDICATORS],
                "attachments": [
                    {
                        "file": a,
                        "url": reverse("admin:tracks_assignment_attachment", args=[obj.pk, a.pk]),
                    }
                    for a in nomination.attachments.filter(removed_at__isnull=True).order_by("uploaded_at")
                ],
            }
        unsaved_rows = []
        for criterion in criteria:
            entry = (unsaved or {}).get(criterion.code)
            if entry and (entry.get("value") or entry.get("comment")):
                unsaved_rows.append({"criterion": criterion, **entry})
        due = obj.due_at or cycle.review_closes_at
        context = {
            **self.admin_site.each_context(request),
            "title": _("评审任务：%(nomination)s") % {"nomination": nomination},
            "due": due,
            "overdue": obj.status in AssignmentStatus.PENDING and due is not None and due < timezone.now(),
            "subtitle": None,
            "opts": self.opts,
            "original": obj,
            "assignment": obj,
            "nomination": nomination,
            "cycle": cycle,
            "own": own,
            "staff": staff,
            "may_see": may_see,
            "may_score": own and obj.status == AssignmentStatus.ACCEPTED,
            "may_answer": own and obj.status == AssignmentStatus.INVITED,
            "may_declare_conflict": own and obj.status in AssignmentStatus.PENDING,
            "may_reopen": roles.is_programme_staff(user) and obj.status == AssignmentStatus.SUBMITTED,
            "review_closed": cycle.status in CycleStatus.AFTER_REVIEW
            or workflow.review_closed_for(cycle, track=nomination.track),
            "rows": rows,
            "total": total,
            "unsaved": unsaved_rows,
            "pledge_text": review_services.PLEDGE_TEXT,
            "peers": [
                {
                    "label": peer["label"],
                    "total": peer["total"],
                    "cells": [
                        {
                            "criterion": c,
                            "value": peer["scores"][c.code].value if c.code in peer["scores"] else None,
                            "comment": peer["scores"][c.code].comment if c.code in peer["scores"] else "",
                        }
                        for c in criteria
                    ],
                }
                for peer in selectors.peer_reviews_for(scope_of(request), obj)
            ],
            "autosave_url": reverse("admin:tracks_assignment_autosave", args=[obj.pk]),
            "desk_nomination_url": reverse("admin:tracks_review_nomination", args=[nomination.pk])
            if staff
            else None,
            "history": self._history(obj) if staff else None,
            **content,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.workspace_template, context)

    def _history(self, obj):
        names = dict(Criterion.objects.filter(cycle_id=obj.nomination.cycle_id).values_list("code", "name"))
        events = list(history_for(obj)[:50])
        for event in events:  # shown, never saved: the log itself is append-only
            event.before = _readable(event.before, names)
            event.after = _readable(event.after, names)
        rows = history_rows(Assignment, events)
        for row in rows:
            row["action"] = str(ACTION_LABELS.get(row["action"], row["action_label"]))
        return rows

    def notices_read_view(self, request):
        """Mark the user's own in-app notices read (all, or the ids posted) and go back."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        ids = [int(pk) for pk in request.POST.getlist("notice") if pk.isdigit()] or None
        notifications_mark_read(user=request.user, ids=ids)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = reverse("admin:tracks_assignment_changelist")
        return HttpResponseRedirect(target)

    def attachment_view(self, request, object_id, attachment_pk):
        """A nomination's attachment for the reviewer of this assignment once the pledge is signed (and for staff);
        private, never cached, and the read of confidential material is audited."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not selectors.may_see_nomination_content(scope_of(request), obj):
            raise Http404
        attachment = get_object_or_404(
            NominationAttachment, pk=attachment_pk, nomination_id=obj.nomination_id, removed_at__isnull=True
        )
        response = attachment_file_response(attachment)  # Http404 if the file is gone: nothing audited
        audit_record(
            actor=request.user,
            action="attachment.download",
            obj=attachment,
            after={"assignment": obj.pk, "nomination": obj.nomination_id},
            request=request,
        )
        return response

    def autosave_view(self, request, object_id):
        """POST the scoring form's fields; JSON back: the new version, or why nothing was saved."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        criteria = review_services.criteria_of(obj.nomination.cycle)
        try:
            result = review_services.score_save(
                actor=request.user,
                assignment=obj,
                values=posted_values(request.POST, criteria),
                version=_posted_version(request.POST),
                request=request,
            )
        except review_services.StaleVersion as error:
            return JsonResponse({"ok": False, "stale": True, "message": _error_text(error)}, status=409)
        except PermissionDenied as error:
            return JsonResponse({"ok": False, "message": _error_text(error)}, status=403)
        except ValidationError as error:
            return JsonResponse({"ok": False, "message": _("；").join(error.messages)}, status=400)
        now = timezone.now()
        if result.errors:
            message = _("部分内容未保存：%(errors)s") % {"errors": _("；").join(result.errors.values())}
        else:
            message = _("已自动保存（%(time)s）") % {"time": date_format(timezone.localtime(now), "H:i:s")}
        return JsonResponse(
            {
                "ok": True,
                "version": result.assignment.version,
                "saved": result.saved,
                "errors": result.errors,
                "message": message,
            }
        )


class ScoreStateFilter(admin.SimpleListFilter):
    """提交 or 草稿: a score is a draft while its assignment is accepted and not submitted."""

    title = gettext_lazy("评分状态")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("submitted", _("已提交")), ("draft", _("草稿"))]

    def queryset(self, request, queryset):
        if self.value() == "submitted":
            return queryset.filter(assignment__status=AssignmentStatus.SUBMITTED)
        if self.value() == "draft":
            return queryset.filter(assignment__status=AssignmentStatus.ACCEPTED)
        return queryset


class ScoreReviewerFilter(admin.SimpleListFilter):
    """By reviewer: staff only (a reviewer sees their own scores and no other reviewer's name)."""

    title = gettext_lazy("评审专家")
    parameter_name = "reviewer"

    def lookups(self, request, model_admin):
        if not scope_of(request).is_programme_staff:
            return []
        return [
            (str(pk), name)
            for pk, name in ReviewerProfile.objects.order_by("name", "pk").values_list("pk", "name")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(assignment__reviewer_id=value) if value and value.isdigit() else queryset


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The score list: filter by cycle, panel (field), reviewer, submitted or draft; export what is filtered."""

    list_display = [
        "assignment_nomination",
        "assignment_reviewer",
        "criterion_name",
        "value",
        "max_score",
        "assignment_state",
        "updated_at",
    ]
    list_filter = [
        ("criterion__cycle", admin.RelatedOnlyFieldListFilter),
        ("assignment__nomination__track__field", admin.RelatedOnlyFieldListFilter),
        ScoreReviewerFilter,
        ScoreStateFilter,
        "criterion__code",
    ]
    change_list_template = "admin/tracks/score/change_list.html"
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
        return selectors.scores_for(scope_of(request))

    @admin.display(description=gettext_lazy("推荐"), ordering="assignment__nomination")
    def assignment_nomination(self, obj):
        return obj.assignment.nomination

    @admin.display(description=gettext_lazy("评审专家"), ordering="assignment__reviewer__name")
    def assignment_reviewer(self, obj):
        return obj.assignment.reviewer

    @admin.display(description=gettext_lazy("评价维度"), ordering="criterion__order")
    def criterion_name(self, obj):
        return obj.criterion.name

    @admin.display(description=gettext_lazy("评分状态"), ordering="assignment__status")
    def assignment_state(self, obj):
        return _("已提交") if obj.assignment.status == AssignmentStatus.SUBMITTED else _("草稿")

    def get_urls(self):
        return [
            path("export.xlsx", self.admin_site.admin_view(self.export_view), name="tracks_score_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        query = request.GET.urlencode()
        extra = {"export_url": reverse("admin:tracks_score_export") + (f"?{query}" if query else "")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def export_view(self, request):
        """The scores the list shows with its filters, as .xlsx (every cell through office.cells)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        from .review_scores import scores_workbook

        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request).select_related(
            "assignment__nomination__track__field", "assignment__nomination__province"
        )
        response = HttpResponse(scores_workbook(queryset), content_type=review_desk.XLSX)
        response["Content-Disposition"] = content_disposition_header(True, _("评分列表.xlsx"))
        response["Cache-Control"] = "private, no-store"
        return response


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

    @admin.display(description=gettext_lazy("结果条数"))
    def result_count(self, obj):
        results = obj.results
        if isinstance(results, dict):
            rows = results.get("rows", results.get("nominations"))
            return len(rows) if isinstance(rows, list) else len(results)
        return len(results) if isinstance(results, list) else "—"


@admin.register(ReviewClosure)
class ReviewClosureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Scopes whose review staff closed ahead of the cycle (written by review_close_scope, from the desk)."""

    list_display = ["cycle", "field", "track", "closed_at", "closed_by", "reason"]
    list_filter = ["cycle", "field"]
    list_select_related = ["cycle", "field", "track", "closed_by"]
    fields = ["cycle", "field", "track", "closed_at", "closed_by", "reason", "overridden"]
    readonly_fields = fields


@admin.register(ReviewReopening)
class ReviewReopeningAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Post-publication reopenings of one nomination's review (written by nomination_review_reopen)."""

    list_display = ["nomination", "opened_at", "opened_by", "closed_at", "reason"]
    list_filter = ["nomination__cycle"]
    list_select_related = ["nomination__zone", "nomination__track", "nomination__cycle", "opened_by"]
    fields = ["nomination", "reason", "opened_at", "opened_by", "assignments", "closed_at"]
    readonly_fields = fields
