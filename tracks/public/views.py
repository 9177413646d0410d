"""Pages of the public site. Reads go through tracks.selectors; nothing here writes except filing an objection.

Cacheable pages (everything but the objection form, its receipt and a province's results) render without the
user and without a CSRF token, so the same bytes serve every reader of a language. List pages and downloads are
cached by list version and language and answer conditional requests (tracks/public/caching.py).
"""

import datetime
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.scope import scope_of
from publishing.frozen import as_published
from publishing.serve import compiled_answer
from zones.models import Province, Region, StrategicArea, Zone
from zones.selectors import province_areas

from .. import selectors
from ..api.filters import ListTrackFilter
from ..models import Criterion, LibraryStatus, ListEntry, ListStatus, TrackStatus
from ..services.lists import list_changes, notice_is_open, objection_file
from . import exports
from .breakdown import breakdown_summary, list_breakdown
from .caching import list_not_modified, list_response, public_list_state, public_page
from .captcha import captcha_audio, captcha_check, captcha_image, captcha_new
from .forms import ListFilterForm, ObjectionForm, ObjectionLookupForm
from .ratelimit import rate_limited

PAGE_SIZE = 20
LIBRARY_PAGE_SIZE = 50
OBJECTION_RATE = {"limit": 10, "window_seconds": 60 * 60}  # POSTs per address and hour
# Captcha drawings and readings per address and hour (a reading costs a quarter of a second of CPU).
CAPTCHA_RATE = {
    "png": {"limit": 60, "window_seconds": 60 * 60},
    "wav": {"limit": 20, "window_seconds": 60 * 60},
}


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# ---------------------------------------------------------------------------------------------------------------
# Lists


@require_GET
@public_page
def list_index(request):
    """Lists filtered by year, field, track, province and region; current versions unless asked otherwise."""
    years = sorted(set(selectors.lists_public().values_list("cycle__year", flat=True)), reverse=True)
    form = ListFilterForm(request.GET or None, years=years, tracks=selectors.tracks_public().order_by("name"))
    filters = form.filters() if request.GET else {}
    lists = selectors.lists_public_with_counts()
    status = filters.get("status")
    lists = lists.filter(status=status) if status else lists.filter(status__in=ListStatus.CURRENT)
    if "year" in filters:
        lists = lists.filter(cycle__year=filters["year"])
    if "field" in filters:
        lists = lists.filter(field__code=filters["field"])
    if "track" in filters:
        lists = ListTrackFilter(mode=ListTrackFilter.COVERING).filter(lists, filters["track"])
    if "province" in filters:
        lists = lists.filter(
            pk__in=ListEntry.objects.filter(province__code=filters["province"]).values("park_list_id")
        )
    if "region" in filters:
        lists = lists.filter(
            pk__in=ListEntry.objects.filter(province__region__code=filters["region"]).values("park_list_id")
        )
    lists = lists.order_by("-cycle__year", "field__order", "scope", "track__name", "-version")
    page = _page(request, lists)
    return render(
        request,
        "public/list_index.html",
        {
            "nav": "lists",
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "query": _query_without_page(request),
        },
    )


def _public_list(pk):
    return get_object_or_404(selectors.lists_public(), pk=pk)


def _list_entries(park_list) -> list:
    """The entries the page and downloads show: of a published version, with the names it was published with."""
    return as_published(park_list, list(selectors.list_entries_public(park_list)))


def _list_context(park_list) -> dict:
    """Everything the list page shows; a constant number of queries whatever the list's length."""
    entries = _list_entries(park_list)
    criteria = list(Criterion.objects.filter(cycle_id=park_list.cycle_id).order_by("order", "code"))
    breakdown = list_breakdown(
        entries, Region.objects.order_by("order"), StrategicArea.objects.order_by("order", "code")
    )
    versions = list(selectors.list_versions_public(park_list))
    superseded_by = next((v for v in versions if v.pk == park_list.superseded_by_id), None)
    correction_on_notice = next((v for v in versions if v.pk == park_list.correction_on_notice_id), None)
    supersedes = next((v for v in versions if v.pk == park_list.supersedes_id), None)
    names = exports.criteria_labels(criteria)
    return {
        "park_list": park_list,
        "entries": entries,
        "criteria": criteria,
        "criterion_names": [names.get(code, code) for code in ("strategic", "leading", "growth", "driving")],
        "weights": [(names.get(c.code, c.name), c.weight) for c in criteria],
        "breakdown": breakdown,
        "breakdown_summary": breakdown_summary(breakdown),
        "region_chart": json.dumps(breakdown.chart("regions"), ensure_ascii=False),
        "area_chart": json.dumps(breakdown.chart("areas"), ensure_ascii=False),
        "versions": versions,
        "superseded_by": superseded_by,
        "correction_on_notice": correction_on_notice,
        "supersedes": supersedes,
        "changes": list_changes(park_list) if park_list.supersedes_id else [],
        "notice_open": notice_is_open(park_list),
    }


def list_page_bytes(request, park_list, issuing_body: str = "") -> bytes:
    """The list page of one version (the view's and the compiled file's: publishing.compiler)."""
    context = {"nav": "lists", "issuing_body": issuing_body, **_list_context(park_list)}
    return render_to_string("public/list_detail.html", context, request=request).encode("utf-8")


@require_GET
def list_detail(request, pk):
    # A published or superseded version is answered from its files (PublishedFilesMiddleware); here only when a
    # file is missing (compiled now, then served) and for lists on notice, which are rendered and cached.
    if not_modified := list_not_modified(request, pk, "page"):
        return not_modified
    state, park_list = public_list_state(pk)
    if answer := compiled_answer(request, state, park_list):
        return answer

    def render_page() -> bytes:
        return list_page_bytes(request, park_list or _public_list(pk))

    return list_response(request, state, "page", render=render_page, content_type="text/html; charset=utf-8")


DOWNLOADS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


def list_download_bytes(park_list, fmt: str) -> bytes:
    """A download of one version (the view's and the compiled file's: publishing.compiler)."""
    entries = _list_entries(park_list)
    criteria = list(Criterion.objects.filter(cycle_id=park_list.cycle_id).order_by("order", "code"))
    if fmt == "csv":
        return exports.csv_bytes(criteria, entries)
    if fmt == "xlsx":
        return exports.xlsx_bytes(park_list, criteria, entries)
    versions = list(selectors.list_versions_public(park_list))
    return exports.json_bytes(park_list, criteria, entries, versions)


@require_GET
def list_download(request, pk, fmt):
    if fmt not in DOWNLOADS:
        raise Http404
    if not_modified := list_not_modified(request, pk, "download", fmt):
        return not_modified
    state, loaded = public_list_state(pk)
    if answer := compiled_answer(request, state, loaded):
        return answer

    def render_file() -> bytes:
        return list_download_bytes(loaded or _public_list(pk), fmt)

    filename = _("%(title)s（第%(version)s版）.%(ext)s") % {
        "title": state.title,
        "version": state.version,
        "ext": fmt,
    }
    return list_response(
        request,
        state,
        "download",
        fmt,
        render=render_file,
        content_type=DOWNLOADS[fmt],
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


# ---------------------------------------------------------------------------------------------------------------
# Objections: a signed form behind a captcha and a rate limit. Personal: never cached.

OBJECTION_RECEIPT_KEY = "ntr_objection_receipt"


def _captcha_purpose(park_list) -> str:
    return f"objection-{park_list.pk}"


@never_cache
@require_http_methods(["GET", "POST"])
def objection_form(request, pk):
    park_list = _public_list(pk)
    if not notice_is_open(park_list):
        return render(
            request, "public/objection_closed.html", {"nav": "lists", "park_list": park_list}, status=410
        )
    entries = list(selectors.list_entries_public(park_list))
    purpose = _captcha_purpose(park_list)
    if request.method == "POST" and request.POST.get("captcha_refresh"):
        # 看不清，换一个: the same form again, as filled in (not checked, nothing filed), with a new code.
        form = ObjectionForm(
            initial={name: request.POST.get(name) for name in ObjectionForm.base_fields if name != "captcha"},
            entries=entries,
        )
    elif request.method == "POST":
        if rate_limited(request, "objection", **OBJECTION_RATE):
            return render(
                request, "public/rate_limited.html", {"nav": "lists", "park_list": park_list}, status=429
            )
        form = ObjectionForm(request.POST, request.FILES, entries=entries)
        answered = captcha_check(request, purpose, request.POST.get("captcha"))
        if form.is_valid() and not answered:
            form.add_error("captcha", _("验证码不正确，请输入新的验证码。"))
        # The code was used up either way: the form comes back with the answer box empty for the new one.
        form.data = form.data.copy()
        form.data["captcha"] = ""
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection = objection_file(
                    park_list=park_list,
                    entry=data["entry"],
                    name=data["name"],
                    organisation=data["organisation"],
                    contact=data["contact"],
                    statement=data["statement"],
                    evidence=data["evidence"],
                    email=data.get("email") or "",
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                request.session[OBJECTION_RECEIPT_KEY] = {
                    "list": park_list.pk,
                    "receipt": objection.receipt_number,
                    "submitted_at": objection.submitted_at.isoformat(),
                }
                return redirect("public:objection_receipt", pk=park_list.pk)
    else:
        form = ObjectionForm(entries=entries)
    challenge = captcha_new(request, purpose)
    # A browser never sends a chosen file again: when the form comes back, say that the evidence must be chosen anew.
    evidence = request.FILES.get("evidence") if request.method == "POST" else None
    return render(
        request,
        "public/objection_form.html",
        {
            "nav": "lists",
            "park_list": park_list,
            "form": form,
            "challenge": challenge,
            "evidence_dropped": evidence.name if evidence else "",
            "personal": True,
        },
    )


CAPTCHA_MEDIA = {"png": ("image/png", captcha_image), "wav": ("audio/wav", captcha_audio)}


@never_cache
@require_GET
def objection_captcha(request, pk, fmt):
    """The objection form's captcha as a picture (png) or spoken (wav), for the challenge the form shows (?c=).
    404 without a current challenge (used, expired, replaced, or drawn too often), 429 past the address's limit."""
    if fmt not in CAPTCHA_MEDIA:
        raise Http404
    park_list = _public_list(pk)
    if not notice_is_open(park_list):
        return HttpResponse(status=410)
    if rate_limited(request, f"captcha-{fmt}", **CAPTCHA_RATE[fmt]):
        return HttpResponse(status=429)
    content_type, render_media = CAPTCHA_MEDIA[fmt]
    body = render_media(request, _captcha_purpose(park_list), request.GET.get("c", ""))
    if body is None:
        raise Http404
    return HttpResponse(body, content_type=content_type)


@never_cache
@require_http_methods(["GET", "POST"])
def objection_lookup(request):
    """回执查询: a receipt number and the contact given with it answer the objection's status and resolution, nothing
    else (tracks.selectors.objection_for_receipt); a wrong pair is told nothing more than that. POSTs are limited per
    address like the objection form, so guessing receipt numbers gets nowhere."""
    form = ObjectionLookupForm(request.POST if request.method == "POST" else None)
    objection = None
    if request.method == "POST":
        if rate_limited(request, "objection-lookup", **OBJECTION_RATE):
            return render(request, "public/rate_limited.html", {"nav": "lists"}, status=429)
        if form.is_valid():
            objection = selectors.objection_for_receipt(
                form.cleaned_data["receipt"], form.cleaned_data["contact"]
            )
            if objection is None:
                form.add_error(None, _("未找到与该回执编号和联系方式相符的异议，请核对后重新输入。"))
    return render(
        request,
        "public/objection_lookup.html",
        {"nav": "lists", "form": form, "objection": objection, "personal": True},
    )


@never_cache
@require_GET
def objection_receipt(request, pk):
    park_list = _public_list(pk)
    receipt = request.session.get(OBJECTION_RECEIPT_KEY)
    if not receipt or receipt.get("list") != park_list.pk:
        return redirect("public:list_detail", pk=park_list.pk)
    return render(
        request,
        "public/objection_receipt.html",
        {
            "nav": "lists",
            "park_list": park_list,
            "receipt": receipt["receipt"],
            "submitted_at": datetime.datetime.fromisoformat(receipt["submitted_at"]),
        },
    )


# ---------------------------------------------------------------------------------------------------------------
# Tracks, zones, provinces and the library


@require_GET
@public_page
def track_index(request):
    library_count = Count(
        "library_entries", filter=selectors.library_public_q("library_entries__"), distinct=True
    )
    tracks = selectors.tracks_public().annotate(library_count=library_count).order_by("field__order", "name")
    fields = {}
    for track in tracks:
        fields.setdefault(track.field, []).append(track)
    return render(request, "public/track_index.html", {"nav": "library", "fields": list(fields.items())})


@require_GET
@public_page
def track_detail(request, pk):
    from ..models import Track

    track = get_object_or_404(Track.objects.select_related("field", "merged_into"), pk=pk)
    if track.status == TrackStatus.MERGED and track.merged_into_id:
        return HttpResponsePermanentRedirect(reverse("public:track_detail", args=[track.merged_into_id]))
    if track.status != TrackStatus.ACTIVE:
        raise Http404
    library = list(
        selectors.library_public()
        .filter(track=track)
        .select_related("entered_cycle")
        .order_by("zone__province__code", "zone__key")
    )
    appearances = list(selectors.list_entries_on_public_lists().filter(track=track))
    lists = list(selectors.lists_public().filter(track=track, status__in=ListStatus.CURRENT))
    years = {}
    for entry in appearances:
        years.setdefault(entry.park_list.cycle.year, []).append(entry)
    return render(
        request,
        "public/track_detail.html",
        {
            "nav": "library",
            "track": track,
            "aliases": list(track.aliases.order_by("name")),
            "library": library,
            "years": [
                {"year": year, "id": f"year-{year}", "entries": entries}
                for year, entries in sorted(years.items(), reverse=True)
            ],
            "lists": lists,
        },
    )


@require_GET
@public_page
def zone_detail(request, key):
    zone = get_object_or_404(
        Zone.objects.select_related("province__region", "province__strategic_area", "strategic_area"), key=key
    )
    library = list(
        selectors.library_public().filter(zone=zone).order_by("track__field__order", "track__name")
    )
    summaries = selectors.published_summaries((entry.zone_id, entry.track_id) for entry in library)
    rows = [
        {"entry": entry, "nomination": summaries.get((entry.zone_id, entry.track_id))} for entry in library
    ]
    appearances = list(selectors.list_entries_on_public_lists().filter(zone=zone))
    return render(
        request,
        "public/zone_detail.html",
        {"nav": "library", "zone": zone, "library": rows, "appearances": appearances},
    )


@require_GET
@public_page
def province_index(request):
    provinces = (
        Province.objects.select_related("region", "strategic_area")
        .annotate(
            zone_count=Count("zones", filter=Q(zones__is_active=True), distinct=True),
        )
        .order_by("region__order", "code")
    )
    library_counts = dict(
        selectors.library_public()
        .order_by()
        .values_list("zone__province_id")
        .annotate(n=Count("pk"))
        .values_list("zone__province_id", "n")
    )
    provinces = list(provinces)
    areas = province_areas(provinces)
    regions = {}
    for province in provinces:
        province.library_count = library_counts.get(province.pk, 0)
        province.areas = areas[province.pk]
        regions.setdefault(province.region, []).append(province)
    return render(request, "public/province_index.html", {"nav": "library", "regions": list(regions.items())})


@require_GET
@public_page
def province_detail(request, code):
    province = get_object_or_404(Province.objects.select_related("region", "strategic_area"), code=code)
    zones = list(
        Zone.objects.filter(province=province, is_active=True)
        .select_related("strategic_area")
        .annotate(
            library_count=Count(
                "library_entries", filter=selectors.library_public_q("library_entries__"), distinct=True
            )
        )
        .order_by("key")
    )
    library = list(
        selectors.library_public()
        .filter(zone__province=province)
        .order_by("track__field__order", "track__name")
    )
    appearances = list(selectors.list_entries_on_public_lists().filter(province=province))
    return render(
        request,
        "public/province_detail.html",
        {
            "nav": "library",
            "province": province,
            "areas": province_areas([province])[province.pk],
            "zones": zones,
            "library": library,
            "appearances": appearances,
        },
    )


@require_GET
@public_page
def library_index(request):
    from ..models import Field

    entries = selectors.library_public().select_related("entered_cycle")
    field = request.GET.get("field", "")
    province = request.GET.get("province", "")
    status = request.GET.get("status", "")
    if field:
        entries = entries.filter(track__field__code=field)
    if province:
        entries = entries.filter(zone__province__code=province)
    if status in LibraryStatus.LIVE:
        entries = entries.filter(status=status)
    entries = entries.order_by("track__field__order", "track__name", "zone__province__code", "zone__key")
    counts = dict(
        selectors.library_public()
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return render(
        request,
        "public/library.html",
        {
            "nav": "library",
            "page": _page(request, entries, LIBRARY_PAGE_SIZE),
            "fields": Field.objects.order_by("order", "code"),
            "provinces": Province.objects.order_by("code"),
            "statuses": [
                (value, label) for value, label in LibraryStatus.choices if value != LibraryStatus.EXITED
            ],
            "counts": [
                (label, counts.get(value, 0))
                for value, label in LibraryStatus.choices
                if value != LibraryStatus.EXITED
            ],
            "selected": {"field": field, "province": province, "status": status},
            "query": _query_without_page(request),
        },
    )


# ---------------------------------------------------------------------------------------------------------------
# Announcements, search, privacy


@require_GET
@public_page
def announcement_list(request):
    from ..models import AnnouncementKind

    announcements = selectors.announcements_public()
    kind = request.GET.get("kind", "")
    if kind in AnnouncementKind.values:
        announcements = announcements.filter(kind=kind)
    return render(
        request,
        "public/announcement_list.html",
        {
            "nav": "announcements",
            "page": _page(request, announcements),
            "kinds": AnnouncementKind.choices,
            "kind": kind,
            "query": _query_without_page(request),
        },
    )


@require_GET
@public_page
def announcement_detail(request, pk):
    announcement = get_object_or_404(selectors.announcements_public(), pk=pk)
    return render(
        request, "public/announcement_detail.html", {"nav": "announcements", "announcement": announcement}
    )


SEARCH_LIMIT = 50


@require_GET
@public_page
def search(request):
    query = (request.GET.get("q") or "").strip()[:64]
    zones = tracks = []
    if query:
        # The site's one search rule (zones.search): whole pinyin syllables or initials, Latin words, best first.
        from zones.search import search_zones
        from zones.selectors import zones_public

        from ..search import search_tracks

        tracks = search_tracks(
            selectors.tracks_public().order_by("field__order", "name"), query, SEARCH_LIMIT
        )
        zones = search_zones(zones_public().order_by("key"), query, SEARCH_LIMIT)
    return render(
        request,
        "public/search.html",
        {"nav": "search", "query": query, "zones": zones, "tracks": tracks, "limit": SEARCH_LIMIT},
    )


@require_GET
@public_page
def privacy(request):
    return render(request, "public/privacy.html", {"nav": "privacy"})


# ---------------------------------------------------------------------------------------------------------------
# A province's results (personal: never cached)


@never_cache
@login_required
@require_GET
def my_results(request):
    scope = scope_of(request)
    if scope.official_province is None:
        raise PermissionDenied(_("该页面供省级主管部门查看本省推荐项目的评审结果。"))
    results = selectors.province_results(scope)
    return render(
        request,
        "public/my_results.html",
        {
            "nav": "results",
            "province": scope.official_province,
            "results": results,
            "personal": True,
            "now": timezone.now(),
        },
    )
