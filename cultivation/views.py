"""Pages of 精准性培育.

Signed-in pages (never cached, personal): the entries a user's scope covers with their measures, an entry's
measures on a timeline beside its yearly monitoring, the form that records a measure, the removal of one, the
attachment download, and the programme's yearly report for staff. Objects come from the scoped selectors, so one
outside the user's province or zone is a 404, exactly like an id that does not exist. Writes go through the
services.

Public pages (cacheable: they never look at the user and carry no CSRF token): published typical cases, filterable
by model, field and region, and a case's page.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.scope import Scope, scope_of
from tracks.downloads import private_file_response
from tracks.models import CultivationModel, MonitoringReport
from tracks.models.indicators import COUNT_INDICATORS, INDICATOR_FIELDS, MONEY_INDICATORS, SIGNED_INDICATORS
from tracks.public.caching import public_page

from . import reports, selectors, services
from .charts import timeline_chart
from .forms import CaseFilterForm, EntryFilterForm, MeasureForm, RemoveForm
from .models import MeasureKind

ENTRY_PAGE_SIZE = 50
CASE_PAGE_SIZE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Indicators the entry page's chart may show (counts and money; the growth rate is drawn in the table only).
CHART_INDICATORS = MONEY_INDICATORS + COUNT_INDICATORS
DEFAULT_CHART_INDICATOR = "revenue"
# The indicators each year of the timeline shows; the table below it has them all.
TIMELINE_INDICATORS = ["revenue", "revenue_growth", "enterprise_count", "invention_patents", "financing"]
MIN_YEAR, MAX_YEAR = 2000, 2100


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _forbidden(request, message=None):
    return render(
        request,
        "cultivation/forbidden.html",
        {
            "message": message
            or _("培育举措台账供业务管理员、省级主管部门和国家高新区管委会使用，您的账户没有相应的角色。")
        },
        status=403,
    )


def member_view(view):
    """Signed in; never cached. Objects come from the scoped selectors, so for an account with no programme,
    province or zone role every object is a 404, like an id that does not exist."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            return _forbidden(request, str(error) or None)

    return never_cache(wrapped)


def staff_view(view):
    """Signed in as programme staff (403 otherwise); never cached."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not scope_of(request).is_programme_staff:
            return _forbidden(request, _("年度报告仅供业务管理员查看。"))
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _render(request, template, context=None, status=200):
    context = dict(context or {})
    context["is_staff_user"] = scope_of(request).is_programme_staff
    context["scope_label"] = _scope_label(scope_of(request))
    return render(request, template, context, status=status)


def _scope_label(scope: Scope) -> str:
    if scope.is_programme_staff:
        return _("业务管理员 · 全部培育库条目")
    if scope.official_province is not None:
        return _("省级主管部门 · %(name)s") % {"name": scope.official_province.name}
    if scope.preparer_zone is not None:
        return _("高新区管委会 · %(name)s") % {"name": scope.preparer_zone.name}
    return ""


def _attach_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields and name != NON_FIELD_ERRORS else None
            for item in errors:
                form.add_error(target, item.messages if hasattr(item, "messages") else [str(item)])
    else:
        form.add_error(None, list(error.messages))


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# ---------------------------------------------------------------------------------------------------------------
# The entries of a user's scope


@member_view
@require_GET
def entry_list(request):
    if not selectors.has_cultivation_role(scope_of(request)):
        return _forbidden(request)
    is_staff = scope_of(request).is_programme_staff
    form = EntryFilterForm(request.GET or None, show_province=is_staff)
    filters = form.filters() if request.GET else {}
    entries = selectors.entries_with_measure_counts(scope_of(request))
    if "province" in filters:
        entries = entries.filter(zone__province__code=filters["province"])
    if "field" in filters:
        entries = entries.filter(track__field__code=filters["field"])
    if "status" in filters:
        entries = entries.filter(status=filters["status"])
    entries = entries.order_by("zone__province__code", "zone__key", "track__name", "pk")
    page = Paginator(entries, ENTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.may_record = selectors.measures_open(entry)  # in scope already: entries_for
    return _render(
        request,
        "cultivation/entry_list.html",
        {
            "section": "entries",
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "filtered": bool(filters),
        },
    )


def _timeline(measures, reports_by_year, first_numbers):
    """Years, oldest first: each with its measures in date order, then the year's monitoring and the change of
    each shown indicator against the year before, so a reader sees what followed which measure."""
    labels = dict(COUNT_INDICATORS + MONEY_INDICATORS + SIGNED_INDICATORS)
    years = sorted({m.date.year for m in measures} | set(reports_by_year))
    timeline = []
    for year in years:
        report = reports_by_year.get(year)
        previous = reports_by_year.get(year - 1)
        indicators = []
        if report is not None:
            for name in TIMELINE_INDICATORS:
                value = getattr(report, name)
                before = getattr(previous, name) if previous is not None else None
                change = None
                if name != "revenue_growth" and value is not None and before:
                    change = reports.growth(value, before)
                indicators.append({"name": name, "label": labels[name], "value": value, "change": change})
        timeline.append(
            {
                "year": year,
                "measures": [
                    {"measure": m, "number": first_numbers[m.pk]} for m in measures if m.date.year == year
                ],
                "report": report,
                "indicators": indicators,
            }
        )
    return timeline


@member_view
@require_GET
def entry_detail(request, pk):
    entry = get_object_or_404(selectors.entries_for(scope_of(request)), pk=pk)
    measures = list(
        selectors.measures_for(scope_of(request))
        .filter(entry=entry)
        .select_related(None)
        .select_related("recorded_by")
        .order_by("date", "pk")
    )
    removed = list(
        selectors.measures_for(scope_of(request), include_removed=True)
        .filter(entry=entry, removed_at__isnull=False)
        .select_related(None)
        .select_related("recorded_by", "removed_by")
        .order_by("-removed_at")
    )
    report_rows = list(MonitoringReport.objects.filter(entry=entry).order_by("year"))
    by_year = {report.year: report for report in report_rows}
    numbers = {measure.pk: index for index, measure in enumerate(measures, start=1)}

    indicator = request.GET.get("indicator", DEFAULT_CHART_INDICATOR)
    chart_labels = dict(CHART_INDICATORS)
    if indicator not in chart_labels:
        indicator = DEFAULT_CHART_INDICATOR
    unit = _("亿元") if indicator in dict(MONEY_INDICATORS) else pgettext("unit of a count", "个")
    title = str(chart_labels[indicator]).split("（")[0].split(" (")[0]
    labelled = _("%(label)s：%(value)s")
    chart = timeline_chart(
        [(report.year, getattr(report, indicator)) for report in report_rows],
        [
            (numbers[m.pk], m.date, labelled % {"label": m.get_kind_display(), "value": m.title}, m.pk)
            for m in measures
        ],
        title=_("%(indicator)s与培育举措") % {"indicator": title},
        unit=unit,
    )
    labels = dict(COUNT_INDICATORS + MONEY_INDICATORS + SIGNED_INDICATORS)
    table = [
        {"label": labels[name], "values": [getattr(report, name) for report in report_rows]}
        for name in INDICATOR_FIELDS
    ]
    kinds = {}
    for measure in measures:
        kinds.setdefault(measure.kind, {"label": measure.get_kind_display(), "count": 0})["count"] += 1
    cases = list(selectors.cases_for(scope_of(request)).filter(entry=entry).order_by("-published_at", "-pk"))
    return _render(
        request,
        "cultivation/entry_detail.html",
        {
            "section": "entries",
            "entry": entry,
            "measures": measures,
            "removed": removed,
            "reports": report_rows,
            "table": table,
            "timeline": _timeline(measures, by_year, numbers),
            "chart": chart,
            "indicator": indicator,
            "indicator_choices": CHART_INDICATORS,
            "kind_counts": [kinds[value] for value, _label in MeasureKind.choices if value in kinds],
            "can_record": selectors.may_record(scope_of(request), entry),
            "cases": cases,
        },
    )


@member_view
@require_http_methods(["GET", "POST"])
def measure_create(request, pk):
    entry = get_object_or_404(selectors.entries_for(scope_of(request)), pk=pk)
    if not selectors.may_record(scope_of(request), entry):
        messages.error(request, _("该条目已出库，不再记录培育举措。"))
        return redirect("cultivation:entry_detail", pk=entry.pk)
    posted = request.method == "POST"
    form = MeasureForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.measure_record(
                actor=request.user, entry=entry, request=request, **form.values()
            )
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, _("已记录培育举措“%(title)s”。") % {"title": measure.title})
            return redirect(reverse("cultivation:entry_detail", args=[entry.pk]) + f"#measure-{measure.pk}")
    return _render(
        request,
        "cultivation/measure_form.html",
        {"section": "entries", "entry": entry, "form": form},
    )


@member_view
@require_http_methods(["GET", "POST"])
def measure_remove(request, pk):
    measure = get_object_or_404(
        selectors.measures_for(scope_of(request)).select_related("entry__zone", "entry__track"), pk=pk
    )
    form = RemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_remove(
                actor=request.user, measure=measure, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(
                request, _("已移除培育举措“%(title)s”，记录保留备查。") % {"title": measure.title}
            )
            return redirect("cultivation:entry_detail", pk=measure.entry_id)
    return _render(
        request,
        "cultivation/measure_remove.html",
        {"section": "entries", "measure": measure, "entry": measure.entry, "form": form},
    )


@member_view
@require_GET
def measure_attachment(request, pk):
    """The attachment of a measure in the user's scope (removed measures' files stay readable for the record)."""
    measure = get_object_or_404(selectors.measures_for(scope_of(request), include_removed=True), pk=pk)
    if not measure.attachment:
        raise Http404
    return private_file_response(
        measure.attachment,
        filename=measure.attachment_name or "attachment",
        content_type=measure.attachment_type or "application/octet-stream",
        size=measure.attachment_size,
    )


# ---------------------------------------------------------------------------------------------------------------
# Typical cases (public)


@require_GET
@public_page
def case_list(request):
    form = CaseFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    cases = selectors.cases_public()
    if "model" in filters:
        cases = cases.filter(cultivation_model=filters["model"])
    if "field" in filters:
        cases = cases.filter(entry__track__field__code=filters["field"])
    if "region" in filters:
        cases = cases.filter(entry__zone__province__region__code=filters["region"])
    cases = cases.order_by("-published_at", "-pk")
    counts = dict(
        selectors.cases_public().order_by().values_list("cultivation_model").annotate(n=Count("pk"))
    )
    return render(
        request,
        "cultivation/case_list.html",
        {
            "nav": "cases",
            "form": form,
            "page": Paginator(cases, CASE_PAGE_SIZE).get_page(request.GET.get("page")),
            "filtered": bool(filters),
            "query": _query_without_page(request),
            "model_counts": [
                {"code": value, "label": label, "count": counts.get(value, 0)}
                for value, label in CultivationModel.choices
            ],
        },
    )


@require_GET
@public_page
def case_detail(request, pk):
    case = get_object_or_404(selectors.cases_public(), pk=pk)
    others = list(
        selectors.cases_public()
        .filter(cultivation_model=case.cultivation_model)
        .exclude(pk=case.pk)
        .order_by("-published_at", "-pk")[:5]
    )
    return render(request, "cultivation/case_detail.html", {"nav": "cases", "case": case, "others": others})


# ---------------------------------------------------------------------------------------------------------------
# The yearly report (programme staff)


def _report_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    return year


@staff_view
@require_GET
def report_page(request, year):
    year = _report_year(year)
    report = reports.programme_report(year)
    return render(
        request,
        "cultivation/report.html",
        {"report": report, "charts": reports.report_charts(report), "printed_at": timezone.now()},
    )


@staff_view
@require_GET
def report_xlsx(request, year):
    year = _report_year(year)
    body = reports.report_workbook(reports.programme_report(year))
    filename = _("%(year)s年度新赛道培育工作报告.xlsx") % {"year": year}
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view
@require_GET
def report_index(request):
    """The report of the latest cycle's year up to this one (this year's when there is none)."""
    from tracks.models import Cycle

    this_year = timezone.localdate().year
    latest = (
        Cycle.objects.filter(year__lte=this_year).order_by("-year").values_list("year", flat=True).first()
    )
    return redirect("cultivation:report", year=latest or this_year)
