"""The review desk (评审工作台): programme staff run a cycle's review from here, inside the admin.

Pages (URLs under the assignment admin, names ``admin:tracks_review_*``):

* desk — progress per panel (field) and per reviewer: assigned, accepted, submitted, withdrawn, overdue; each
  nomination's reviewers against the cycle's K; buttons to open review, assign automatically, remind the overdue,
  compute the ranking.
* assign — the automatic assignment: a preview with every choice, exclusion and shortfall explained, then the run.
* nomination — one nomination's reviewers: add or replace one by hand (the same conflict rule), with the panel's
  excluded reviewers and why.
* ranking — the latest ranking snapshot per field and per track: total, trimmed mean per criterion, review count,
  spread (sd, max − min), flags, the rule that decided each place, and each reviewer's bias; ``.xlsx`` export.

Every page reads in a fixed number of queries, whatever the number of nominations, through
tracks.selectors.review_desk; writes go through the services.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import guards

from .. import workflow
from ..exports import _cell as _cell  # the spreadsheet test imports it from here, where it was
from ..exports import ranking_workbook
from ..models import (
    Assignment,
    AssignmentStatus,
    Cycle,
    CycleStatus,
    Field,
    Nomination,
    RankingSnapshot,
    ReviewerProfile,
    Track,
)
from ..selectors.review_desk import (
    latest_snapshot,
    nomination_panel,
    panel_progress,
    ranking_tables,
    reviewer_progress,
)
from ..services import ranking as ranking_services
from ..services import review as review_services
from .common import _error_text
from .gates import gate_page
from .notifications import unread_notices


def urls(model_admin) -> list:
    from . import review_pack, review_remind

    wrap = model_admin.admin_site.admin_view

    def view(function):
        return wrap(lambda request, *args, **kwargs: function(model_admin, request, *args, **kwargs))

    return [
        path("desk/", view(desk_view), name="tracks_review_desk"),
        path("desk/<int:year>/close/", view(close_scope_view), name="tracks_review_close"),
        path("desk/<int:year>/assign/", view(assign_view), name="tracks_review_assign"),
        path("desk/<int:year>/remind/", view(review_remind.remind_view), name="tracks_review_remind"),
        path("desk/<int:year>/pack/", view(review_pack.pack_view), name="tracks_review_pack"),
        path("desk/<int:year>/pack.xlsx", view(review_pack.pack_xlsx_view), name="tracks_review_pack_xlsx"),
        path("desk/<int:year>/ranking/", view(ranking_view), name="tracks_review_ranking"),
        path("desk/<int:year>/ranking.xlsx", view(ranking_xlsx_view), name="tracks_review_ranking_xlsx"),
        path("desk/nomination/<int:pk>/", view(nomination_view), name="tracks_review_nomination"),
        path("desk/nomination/<int:pk>/reopen/", view(reopen_view), name="tracks_review_reopen"),
    ]


def _require_staff(request):
    guards.require_programme_staff(request.user, _("只有业务管理员可以使用评审工作台。"))


def _context(model_admin, request, title, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "opts": model_admin.opts,
        **extra,
    }


def _cycle(year) -> Cycle:
    cycle = Cycle.objects.filter(year=year).first()
    if cycle is None:
        raise Http404(_("年度批次不存在。"))
    return cycle


def _default_cycle():
    return (
        Cycle.objects.filter(status__in=[CycleStatus.REVIEW, CycleStatus.REVIEW_CLOSED])
        .order_by("-year")
        .first()
        or Cycle.objects.filter(criteria_frozen_at__isnull=False).order_by("-year").first()
        or Cycle.objects.order_by("-year").first()
    )


def _redirect_desk(cycle):
    return HttpResponseRedirect(f"{reverse('admin:tracks_review_desk')}?cycle={cycle.year}")


def _report(model_admin, request, error):
    messages_ = error.messages if isinstance(error, ValidationError) else [_error_text(error)]
    for message in messages_:
        model_admin.message_user(request, message, messages.ERROR)


# ---------------------------------------------------------------------------------------------------------------
# The desk: progress, closing a scope, reopening after publication
# ---------------------------------------------------------------------------------------------------------------


def desk_view(model_admin, request):
    _require_staff(request)
    cycles = list(Cycle.objects.order_by("-year"))
    year = request.GET.get("cycle")
    cycle = next((c for c in cycles if str(c.year) == year), None) if year else _default_cycle()
    if year and cycle is None:
        raise Http404(_("年度批次不存在。"))
    context = _context(
        model_admin, request, _("评审工作台"), cycles=cycles, cycle=cycle, **unread_notices(request)
    )
    if cycle is not None:
        now = timezone.now()
        closed_fields, closed_tracks = workflow.closed_scopes(cycle)
        context.update(
            progress=panel_progress(cycle, now),
            reviewers=reviewer_progress(cycle, now),
            review_open=cycle.status == CycleStatus.REVIEW and cycle.criteria_frozen_at is not None,
            next_phase=CycleStatus(workflow.next_phase(cycle)).label if workflow.next_phase(cycle) else None,
            may_close_scopes=cycle.status == CycleStatus.REVIEW and not cycle.normalise_scores,
            closed_fields=closed_fields,
            closed_tracks=closed_tracks,
            snapshot=RankingSnapshot.objects.filter(cycle=cycle)
            .defer("inputs", "results")
            .order_by("-computed_at", "-pk")
            .first(),
            fields=Field.objects.filter(tracks__nominations__cycle=cycle)
            .distinct()
            .order_by("order", "code"),
        )
    return TemplateResponse(request, "admin/tracks/review/desk.html", context)


def close_scope_view(model_admin, request, year):
    """The confirmation page of closing one track's or one field's review ahead of the cycle."""
    _require_staff(request)
    cycle = _cycle(year)
    field = get_object_or_404(Field, pk=request.GET.get("field") or 0)
    track = None
    if request.GET.get("track"):
        track = get_object_or_404(Track, pk=request.GET.get("track"), field=field)
    gate = workflow.scope_close_gate(cycle, field=field, track=track)
    desk = f"{reverse('admin:tracks_review_desk')}?cycle={cycle.year}"
    scope = track.name if track is not None else field.name
    return gate_page(
        model_admin,
        request,
        gate=gate,
        title=_("%(cycle)s：结束“%(scope)s”的评审") % {"cycle": cycle, "scope": scope},
        intro=_(
            "结束后，该范围的评审任务和评分不能再变更，可以按排名生成榜单、公示和发布；其他赛道的评审照常进行。"
            "启用评分标准化的批次只能整体结束评审（推进到“评审结束”）。"
        ),
        submit=_("确认结束“%(scope)s”的评审") % {"scope": scope},
        cancel_url=desk,
        apply=lambda reason, form: review_services.review_close_scope(
            actor=request.user, cycle=cycle, field=field, track=track, reason=reason, request=request
        ),
        done_message=lambda closure: _("“%(scope)s”的评审已结束。") % {"scope": scope},
    )


def reopen_view(model_admin, request, pk):
    """After publication: reopen chosen scores of one nomination with a reason (the start of a correction)."""
    _require_staff(request)
    nomination = get_object_or_404(
        Nomination.objects.select_related("cycle", "zone", "province", "track__field"), pk=pk
    )
    submitted = list(
        nomination.assignments.filter(status=AssignmentStatus.SUBMITTED)
        .select_related("reviewer")
        .order_by("pk")
    )
    form = ReopenForm(request.POST or None, assignments=submitted)
    back = reverse("admin:tracks_review_nomination", args=[nomination.pk])
    if request.method == "POST" and form.is_valid():
        try:
            review_services.nomination_review_reopen(
                actor=request.user,
                nomination=nomination,
                assignments=[a for a in submitted if str(a.pk) in form.cleaned_data["assignments"]],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            model_admin.message_user(request, _("已重新开放所选评分，并已通知评审专家。"), messages.SUCCESS)
            return HttpResponseRedirect(back)
    context = _context(
        model_admin,
        request,
        _("重新评审：%(nomination)s") % {"nomination": workflow.nomination_label(nomination)},
        nomination=nomination,
        form=form,
        back=back,
    )
    return TemplateResponse(request, "admin/tracks/review/reopen.html", context)


class ReopenForm(forms.Form):
    assignments = forms.MultipleChoiceField(
        label=gettext_lazy("重新开放的评分"), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=gettext_lazy("理由"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=gettext_lazy("例如：异议经核实成立，需专家重新评分。理由记入审计日志并告知专家。"),
    )

    def __init__(self, *args, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignments"].choices = [
            (
                str(a.pk),
                _("%(reviewer)s（提交于 %(at)s）")
                % {"reviewer": a.reviewer.name, "at": workflow.when(a.submitted_at)},
            )
            for a in assignments
        ]


# ---------------------------------------------------------------------------------------------------------------
# Automatic assignment
# ---------------------------------------------------------------------------------------------------------------


def assign_view(model_admin, request, year):
    _require_staff(request)
    cycle = _cycle(year)
    field = None
    field_id = request.POST.get("field") or request.GET.get("field")
    if field_id:
        field = get_object_or_404(Field, pk=field_id)
    run = request.method == "POST"
    try:
        result = review_services.assignment_auto(
            cycle=cycle, actor=request.user, field=field, dry_run=not run, request=request
        )
    except (ValidationError, PermissionDenied) as error:
        _report(model_admin, request, error)
        return _redirect_desk(cycle)
    if run:
        model_admin.message_user(
            request,
            _("已自动分配 %(n)s 项评审任务，已通知相关专家。") % {"n": len(result.created)}
            if result.created
            else _("没有需要补充分配的推荐项目。"),
            messages.SUCCESS,
        )
        if result.plan.shortfalls:
            model_admin.message_user(
                request,
                _("%(n)s 个推荐项目的无回避专家不足，已尽量分配，请人工补充。")
                % {"n": len(result.plan.shortfalls)},
                messages.WARNING,
            )
    rows = result.rows()
    context = _context(
        model_admin,
        request,
        _("自动分配评审专家") if run else _("自动分配评审专家（预览）"),
        cycle=cycle,
        field=field,
        result=result,
        rows=rows,
        run=run,
        planned=len(result.plan.choices),
        shortfalls=len(result.plan.shortfalls),
        fields=Field.objects.filter(tracks__nominations__cycle=cycle).distinct().order_by("order", "code"),
    )
    return TemplateResponse(request, "admin/tracks/review/assign.html", context)


# ---------------------------------------------------------------------------------------------------------------
# One nomination: add or replace a reviewer by hand
# ---------------------------------------------------------------------------------------------------------------


def nomination_view(model_admin, request, pk):
    _require_staff(request)
    nomination = get_object_or_404(
        Nomination.objects.select_related("cycle", "zone", "province", "track__field"), pk=pk
    )
    if request.method == "POST":
        action = request.POST.get("action")
        reviewer = ReviewerProfile.objects.filter(pk=request.POST.get("reviewer") or 0).first()
        try:
            if reviewer is None:
                raise ValidationError(_("请选择评审专家。"))
            if action == "add":
                review_services.assignment_add(
                    actor=request.user,
                    nomination=nomination,
                    reviewer=reviewer,
                    reason=request.POST.get("reason", ""),
                    request=request,
                )
                model_admin.message_user(
                    request, _("已指派%(name)s，并已通知本人。") % {"name": reviewer.name}, messages.SUCCESS
                )
            elif action == "replace":
                old = get_object_or_404(
                    Assignment, pk=request.POST.get("assignment") or 0, nomination=nomination
                )
                review_services.assignment_replace(
                    actor=request.user,
                    assignment=old,
                    reviewer=reviewer,
                    reason=request.POST.get("reason", ""),
                    request=request,
                )
                model_admin.message_user(
                    request,
                    _("已将%(old)s替换为%(new)s。") % {"old": old.reviewer.name, "new": reviewer.name},
                    messages.SUCCESS,
                )
            else:
                raise ValidationError(_("未知的操作。"))
        except (ValidationError, PermissionDenied) as error:
            _report(model_admin, request, error)
        return HttpResponseRedirect(request.get_full_path())
    context = _context(
        model_admin,
        request,
        _("评审专家：%(nomination)s") % {"nomination": nomination},
        nomination=nomination,
        cycle=nomination.cycle,
        k=nomination.cycle.reviewers_per_nomination,
        **nomination_panel(nomination),
    )
    return TemplateResponse(request, "admin/tracks/review/nomination.html", context)


# ---------------------------------------------------------------------------------------------------------------
# Ranking
# ---------------------------------------------------------------------------------------------------------------


def ranking_view(model_admin, request, year):
    _require_staff(request)
    cycle = _cycle(year)
    if request.method == "POST":
        try:
            snapshot = ranking_services.ranking_compute(cycle=cycle, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            _report(model_admin, request, error)
        else:
            model_admin.message_user(
                request,
                _("已重新计算排名（快照 #%(id)s）。") % {"id": snapshot.pk},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:tracks_review_ranking", args=[cycle.year]))
    snapshot = latest_snapshot(cycle)
    context = _context(
        model_admin, request, _("%(cycle)s 排名") % {"cycle": cycle}, cycle=cycle, snapshot=snapshot
    )
    if snapshot is not None:
        context.update(ranking_tables(snapshot))
    return TemplateResponse(request, "admin/tracks/review/ranking.html", context)


# ---------------------------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ranking_xlsx_view(model_admin, request, year):
    _require_staff(request)
    cycle = _cycle(year)
    snapshot = latest_snapshot(cycle)
    if snapshot is None:
        model_admin.message_user(request, _("本批次尚未计算排名。"), messages.WARNING)
        return HttpResponseRedirect(reverse("admin:tracks_review_ranking", args=[cycle.year]))
    response = HttpResponse(ranking_workbook(cycle, snapshot), content_type=XLSX)
    filename = _("%(year)s年度排名_快照%(id)s.xlsx") % {"year": cycle.year, "id": snapshot.pk}
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
