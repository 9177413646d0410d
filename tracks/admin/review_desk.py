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

Every page reads in a fixed number of queries, whatever the number of nominations; writes go through the services.
"""

import io
from collections import defaultdict
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts import guards

from .. import workflow
from ..models import (
    Assignment,
    AssignmentStatus,
    Criterion,
    Cycle,
    CycleStatus,
    Field,
    Nomination,
    NominationStatus,
    RankingSnapshot,
    ReviewerProfile,
    Track,
)
from ..services import ranking as ranking_services
from ..services import review as review_services
from .common import _error_text
from .gates import gate_page

S = AssignmentStatus

FLAG_LABELS = {"few_reviews": gettext_lazy("评审不足3份"), "incomplete": gettext_lazy("评分不完整")}
DECIDED_LABELS = {
    "total": gettext_lazy("总分"),
    "strategic": gettext_lazy("战略性"),
    "driving": gettext_lazy("带动性"),
    "leading": gettext_lazy("领先性"),
    "growth": gettext_lazy("成长性"),
    "final_submitted_at": gettext_lazy("最终提交时间"),
    "id": gettext_lazy("编号"),
}
NORMALISATION_LABELS = {
    "normalised": gettext_lazy("已标准化"),
    "raw_few": gettext_lazy("原始分（评审少于3项）"),
    "raw_sd0": gettext_lazy("原始分（标准差为0）"),
}


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
# Progress
# ---------------------------------------------------------------------------------------------------------------


def _counts(prefix: str, cycle: Cycle, now) -> dict:
    """Count aggregates of assignments by state (relative to ``prefix``, e.g. "assignments__")."""
    status = f"{prefix}status"
    target = f"{prefix}pk" if prefix else "pk"
    return {
        "invited": Count(target, filter=Q(**{status: S.INVITED})),
        "accepted": Count(target, filter=Q(**{status: S.ACCEPTED})),
        "submitted": Count(target, filter=Q(**{status: S.SUBMITTED})),
        "withdrawn": Count(target, filter=Q(**{f"{status}__in": AssignmentStatus.WITHDRAWN})),
        "overdue": Count(target, filter=review_services.overdue_condition(cycle, now, prefix=prefix)),
    }


def panel_progress(cycle: Cycle, now=None) -> dict:
    """Per field panel and per nomination: reviewers assigned (active) against K, accepted, submitted, overdue.

    One query for the nominations with their counts, one for the fields."""
    now = now or timezone.now()
    k = cycle.reviewers_per_nomination
    nominations = list(
        Nomination.objects.filter(cycle=cycle, status__in=NominationStatus.REVIEWED)
        .select_related("zone", "province", "track")
        .annotate(**_counts("assignments__", cycle, now))
        .order_by("track__field_id", "track__name", "zone__key")
    )
    fields = Field.objects.in_bulk({n.track.field_id for n in nominations})
    panels = {}
    for nomination in nominations:
        nomination.active = nomination.invited + nomination.accepted + nomination.submitted
        nomination.missing = max(k - nomination.active, 0)
        panel = panels.setdefault(
            nomination.track.field_id,
            {
                "field": fields[nomination.track.field_id],
                "nominations": [],
                "tracks": [],
                "count": 0,
                "staffed": 0,
                "short": 0,
                "invited": 0,
                "accepted": 0,
                "submitted": 0,
                "withdrawn": 0,
                "overdue": 0,
                "complete": 0,
            },
        )
        panel["nominations"].append(nomination)
        if nomination.track not in panel["tracks"]:
            panel["tracks"].append(nomination.track)
        panel["count"] += 1
        panel["staffed" if nomination.missing == 0 else "short"] += 1
        for name in ("invited", "accepted", "submitted", "withdrawn", "overdue"):
            panel[name] += getattr(nomination, name)
        if nomination.active and nomination.submitted == nomination.active:
            panel["complete"] += 1
    ordered = sorted(panels.values(), key=lambda p: (p["field"].order, p["field"].code))
    totals = {
        name: sum(p[name] for p in ordered)
        for name in (
            "count",
            "staffed",
            "short",
            "invited",
            "accepted",
            "submitted",
            "withdrawn",
            "overdue",
            "complete",
        )
    }
    return {"panels": ordered, "totals": totals, "k": k}


def reviewer_progress(cycle: Cycle, now=None) -> list[dict]:
    """Per reviewer with an assignment in the cycle: invited, accepted, submitted, withdrawn, overdue. One query."""
    now = now or timezone.now()
    rows = list(
        Assignment.objects.filter(nomination__cycle=cycle)
        .values("reviewer_id", "reviewer__name", "reviewer__organisation")
        .annotate(**_counts("", cycle, now))
        .order_by("reviewer__name", "reviewer_id")
    )
    for row in rows:
        row["active"] = row["invited"] + row["accepted"] + row["submitted"]
    return rows


def desk_view(model_admin, request):
    _require_staff(request)
    cycles = list(Cycle.objects.order_by("-year"))
    year = request.GET.get("cycle")
    cycle = next((c for c in cycles if str(c.year) == year), None) if year else _default_cycle()
    if year and cycle is None:
        raise Http404(_("年度批次不存在。"))
    from .review import unread_notices

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
        nomination.assignments.filter(status=S.SUBMITTED).select_related("reviewer").order_by("pk")
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


def nomination_panel(nomination: Nomination) -> dict:
    """The nomination's assignments, and its field panel split into eligible and excluded (with the reasons)."""
    assignments = list(
        Assignment.objects.filter(nomination=nomination)
        .select_related("reviewer", "assigned_by")
        .annotate(score_count=Count("scores"))
        .order_by("assigned_at", "pk")
    )
    now = timezone.now()
    for assignment in assignments:
        # Its own time, or the cycle's review deadline (which it follows wherever staff move it).
        assignment.due = assignment.due_at or nomination.cycle.review_closes_at
        assignment.overdue = (
            assignment.status in AssignmentStatus.PENDING
            and assignment.due is not None
            and assignment.due < now
        )
    taken = {a.reviewer_id: a for a in assignments}
    panel = list(
        ReviewerProfile.objects.filter(fields=nomination.track.field_id)
        .select_related("zone", "user", "province")
        .order_by("name", "pk")
    )
    declarations = review_services.declarations_of([r.pk for r in panel])
    target = review_services.target_of(nomination)
    eligible, excluded = [], []
    for reviewer in panel:
        reasons = [
            str(review_services.CONFLICT_TEXT[code])
            for code in review_services.conflict_reasons(
                review_services.affiliation_of(reviewer), target, declarations
            )
        ]
        previous = taken.get(reviewer.pk)
        if previous is not None:
            if previous.status in AssignmentStatus.WITHDRAWN:
                reasons.insert(0, str(review_services.WITHDRAWN_TEXT[previous.status]))
            else:
                continue  # on it already
        if not (reviewer.is_active and reviewer.user.is_active):
            reasons.append(_("暂停接受任务"))
        (excluded if reasons else eligible).append({"reviewer": reviewer, "reasons": _("；").join(reasons)})
    # Organisations a reviewer declared a conflict with: nominations name none, so staff check them by hand.
    from ..services.conflicts import organisation_warnings

    declared = organisation_warnings([r.pk for r in panel])
    warnings = [
        {
            "reviewer": item["reviewer"],
            "organisations": pgettext("list separator", "、").join(declared[item["reviewer"].pk]),
        }
        for item in eligible
        if item["reviewer"].pk in declared
    ]
    return {
        "assignments": assignments,
        "eligible": eligible,
        "excluded": excluded,
        "organisation_warnings": warnings,
    }


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


def latest_snapshot(cycle: Cycle):
    return RankingSnapshot.objects.filter(cycle=cycle).defer("inputs").order_by("-computed_at", "-pk").first()


def ranking_tables(snapshot: RankingSnapshot) -> dict:
    """The snapshot's results with names, grouped for display and export: per field (its own ranking, then per
    track) and the reviewers' bias per field. A fixed number of queries."""
    from zones.models import Province, Zone

    results = snapshot.results
    rows = results.get("nominations", [])
    codes = [c["code"] for c in results.get("criteria", [])]
    names = dict(Criterion.objects.filter(cycle_id=snapshot.cycle_id).values_list("code", "name"))
    criteria = [{"code": code, "name": names.get(code, code)} for code in codes]
    zones = Zone.objects.in_bulk({r["zone"] for r in rows})
    provinces = Province.objects.in_bulk({r["province"] for r in rows})
    tracks = Track.objects.in_bulk({r["track"] for r in rows})
    fields = Field.objects.in_bulk(
        {r["field"] for r in rows} | {e["field"] for e in results.get("reviewers", [])}
    )
    reviewer_names = dict(
        ReviewerProfile.objects.filter(pk__in={e["id"] for e in results.get("reviewers", [])}).values_list(
            "pk", "name"
        )
    )

    def present(row, rank_key, decided_key):
        return {
            "rank": row[rank_key],
            "zone": zones[row["zone"]].display_name if row["zone"] in zones else row["zone"],
            "province": provinces[row["province"]].name if row["province"] in provinces else row["province"],
            "track": tracks[row["track"]].name if row["track"] in tracks else row["track"],
            "total": row["total"],
            "criteria": [row["criteria"].get(code) for code in codes],
            "review_count": row["review_count"],
            "spread_sd": row["spread_sd"],
            "spread_range": row["spread_range"],
            "flags": pgettext("list separator", "、").join(str(FLAG_LABELS.get(f, f)) for f in row["flags"]),
            "decided_by": str(DECIDED_LABELS.get(row[decided_key], "")) if row[decided_key] else "",
            "id": row["id"],
        }

    def ordered(members, rank_key):
        ranked = sorted((r for r in members if r[rank_key] is not None), key=lambda r: r[rank_key])
        return ranked + sorted((r for r in members if r[rank_key] is None), key=lambda r: r["id"])

    by_field = defaultdict(list)
    for row in rows:
        by_field[row["field"]].append(row)
    reviewers_by_field = defaultdict(list)
    for entry in results.get("reviewers", []):
        reviewers_by_field[entry["field"]].append(
            {
                "name": reviewer_names.get(entry["id"], str(entry["id"])),
                "count": entry["count"],
                "mean_total": entry["mean_total"],
                "bias": entry["bias"],
                "mean_total_raw": entry["mean_total_raw"],
                "bias_raw": entry["bias_raw"],
                "normalisation": pgettext("list separator", "、").join(
                    _("%(label)s：%(value)s")
                    % {"label": names.get(code, code), "value": NORMALISATION_LABELS.get(kind, kind)}
                    for code, kind in (entry.get("normalisation") or {}).items()
                    if kind != "normalised"
                ),
            }
        )
    out = []
    for field_id in sorted(
        set(by_field) | set(reviewers_by_field), key=lambda f: (fields[f].order, fields[f].code)
    ):
        members = by_field.get(field_id, [])
        track_ids = sorted({r["track"] for r in members}, key=lambda t: tracks[t].name)
        out.append(
            {
                "field": fields[field_id],
                "rows": [
                    present(r, "rank_in_field", "decided_by_field") for r in ordered(members, "rank_in_field")
                ],
                "tracks": [
                    {
                        "track": tracks[t],
                        "rows": [
                            present(r, "rank_in_track", "decided_by_track")
                            for r in ordered([m for m in members if m["track"] == t], "rank_in_track")
                        ],
                    }
                    for t in track_ids
                ],
                "reviewers": sorted(reviewers_by_field.get(field_id, []), key=lambda e: e["name"]),
            }
        )
    return {"criteria": criteria, "fields": out, "summary": results.get("summary", {})}


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


def _cell(value):
    """Numbers as numbers (the tables carry some as text, e.g. "86.75"); the rest as it is, for office.cells to
    write as text."""
    if value is None or value == "" or isinstance(value, int | Decimal):
        return value
    text = str(value)
    if text.replace(".", "", 1).lstrip("-").isdigit():
        return Decimal(text)
    return text


def ranking_workbook(cycle: Cycle, snapshot: RankingSnapshot) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from office.cells import append_row

    tables = ranking_tables(snapshot)
    criteria = [c["name"] for c in tables["criteria"]]
    headers = [
        _("排名"),
        _("国家高新区"),
        _("省份"),
        _("赛道"),
        _("总分"),
        *[_("%(name)s（截尾均值）") % {"name": name} for name in criteria],
        _("评审数"),
        _("离散度（标准差）"),
        _("极差（最高−最低）"),
        _("标记"),
        _("名次决定因素"),
    ]
    workbook = Workbook()

    def sheet(title, header_row, body):
        ws = workbook.create_sheet(title)
        for cell in append_row(ws, header_row):
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for values in body:
            for cell in append_row(ws, [_cell(v) for v in values]):
                if isinstance(cell.value, Decimal):
                    cell.number_format = "0.00"
        for index, _header in enumerate(header_row, start=1):
            ws.column_dimensions[get_column_letter(index)].width = 14 if index > 1 else 8
        ws.freeze_panes = "A2"
        return ws

    def body_rows(rows, field=None):
        return [
            [
                r["rank"] if r["rank"] is not None else "—",
                r["zone"],
                r["province"],
                r["track"],
                r["total"],
                *r["criteria"],
                r["review_count"],
                r["spread_sd"],
                r["spread_range"],
                r["flags"],
                r["decided_by"],
            ]
            for r in rows
        ]

    track_rows, field_rows, bias_rows = [], [], []
    for group in tables["fields"]:
        for track in group["tracks"]:
            for row in body_rows(track["rows"]):
                track_rows.append([group["field"].name, *row])
        for row in body_rows(group["rows"]):
            field_rows.append([group["field"].name, *row])
        for entry in group["reviewers"]:
            bias_rows.append(
                [
                    group["field"].name,
                    entry["name"],
                    entry["count"],
                    entry["mean_total"],
                    entry["bias"],
                    entry["mean_total_raw"],
                    entry["bias_raw"],
                    entry["normalisation"],
                ]
            )
    sheet(_("按赛道排名"), [_("领域"), *headers], track_rows)
    sheet(_("按领域排名"), [_("领域"), *headers], field_rows)
    sheet(
        _("评审专家偏差"),
        [
            _("领域"),
            _("评审专家"),
            _("评审数"),
            _("平均总分"),
            _("偏差"),
            _("原始平均总分"),
            _("原始偏差"),
            _("标准化说明"),
        ],
        bias_rows,
    )
    about = workbook.create_sheet(_("说明"))
    summary = tables["summary"]
    for label, value in [
        (_("年度批次"), str(cycle)),
        (_("排名快照"), f"#{snapshot.pk}"),
        (_("计算时间"), timezone.localtime(snapshot.computed_at).strftime("%Y-%m-%d %H:%M:%S")),
        (_("评分标准化"), _("是") if snapshot.normalised else _("否")),
        (_("输入数据 SHA-256"), snapshot.inputs_sha256),
        (_("计算方法"), snapshot.results.get("method", "")),
        (_("推荐项目数"), summary.get("nominations")),
        (_("参与排名"), summary.get("ranked")),
        (_("标记未排名（评审不足3份或评分不完整）"), summary.get("flagged")),
        (
            _("计算规则"),
            _(
                "各维度取截尾均值（5份及以上去掉一个最高分和一个最低分，不足5份取平均）；总分 = Σ 权重 × 截尾均值 ÷ 满分；"
                "同分依次比较战略性、带动性、领先性、成长性的截尾均值，再比较最终提交时间；离散度为各专家总分的总体标准差。"
            ),
        ),
    ]:
        append_row(about, [label, value])
    about.column_dimensions["A"].width = 36
    about.column_dimensions["B"].width = 90
    del workbook[workbook.sheetnames[0]]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
