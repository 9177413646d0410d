"""Pages of the provincial portal.

Every view is wrapped by ``portal_view``: anonymous users go to the login page, users with neither an official's
province nor a zone committee's zone get 403, and every page is never cached (it is personal). Objects come from
the scoped selectors, so anything outside the user's province or zone is a 404 — the same answer as a missing id.
Changes go through the services; a refusal is shown on the page with the service's message.
"""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from accounts import roles
from accounts.scope import scope_of
from accounts.tokens import api_token_revoke, api_token_rotate
from audit.admin_mixins import history_rows, related_history
from zones.models import Zone
from zones.search import ranked, zone_rows

from .. import selectors, workflow
from ..downloads import attachment_file_response
from ..exports import nominations_workbook
from ..imports import import_nominations, template_workbook, workbook_bytes
from ..models import (
    Cycle,
    MonitoringReport,
    Nomination,
    NominationAttachment,
    NominationStatus,
    Track,
)
from ..models.indicators import COUNT_INDICATORS, INDICATOR_FIELDS, MONEY_INDICATORS, SIGNED_INDICATORS
from ..search import search_tracks, track_keys
from ..services import attachments as attachment_services
from ..services import catalog as catalog_services
from ..services import monitoring as monitoring_services
from ..services.nominations import (
    missing_for_submit,
    nomination_create,
    nomination_discard,
    nomination_transition,
    nomination_update,
    province_quota,
    quota_used,
    window_for,
    window_text,
)
from ..services.notifications import notifications_mark_read
from . import charts
from .forms import (
    AttachmentForm,
    ImportForm,
    LetterForm,
    MonitoringReportForm,
    NominationFilterForm,
    NominationForm,
    ReasonForm,
)
from .printing import print_state

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
TRACK_SEARCH_LIMIT = 20
CLOSING_SOON = datetime.timedelta(days=3)
# The transitions a province makes in the portal; staff make theirs in the admin.
PORTAL_ACTIONS = ("submit", "withdraw")
# The heading of the last status change's reason, where the status has one to show the province.
STATUS_REASON_LABELS = {
    NominationStatus.RETURNED: gettext_lazy("退回理由："),
    NominationStatus.REJECTED: gettext_lazy("不予受理理由："),
    NominationStatus.WITHDRAWN: gettext_lazy("撤回理由："),
    NominationStatus.LAPSED: gettext_lazy("逾期未补正："),
    NominationStatus.NOT_NOMINATED: gettext_lazy("未推荐："),
    NominationStatus.UNDER_REVIEWED: gettext_lazy("评审不足："),
    NominationStatus.NOT_LISTED: gettext_lazy("未入榜："),
}
# Statuses listed in the recommendation letter: every one that holds a place in the quota, but those returned for
# revision, which the letter lists apart (they hold their place until their 补正 deadline).
LETTER_STATUSES = sorted(NominationStatus.QUOTA - {NominationStatus.RETURNED})


def _forbidden(request, message=None):
    return render(
        request,
        "portal/forbidden.html",
        {"message": message or _("工作台供省级主管部门和国家高新区管委会使用，您的账户没有相应的角色。")},
        status=403,
    )


def portal_view(view):
    """Login required; an official or a zone preparer only (403 otherwise); never cached."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not scope_of(request).is_portal_user:
            return _forbidden(request)
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            return _forbidden(request, str(error) or None)

    return never_cache(wrapped)


def _render(request, template, context=None, status=200):
    context = dict(context or {})
    context["scope"] = scope_of(request)
    context["unread_count"] = (
        selectors.notifications_for(scope_of(request)).filter(read_at__isnull=True).count()
    )
    return render(request, template, context, status=status)


def _posted(request, files=False):
    """The form data of a POST (even an empty one binds the form), None on GET."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


def _error_messages(error) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error)]


def _attach_errors(form, error: ValidationError):
    """A service's ValidationError onto the form: field errors where the form has the field, the rest on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields and name != NON_FIELD_ERRORS else None
            for item in errors:
                form.add_error(target, item.messages if hasattr(item, "messages") else [str(item)])
    else:
        form.add_error(None, list(error.messages))


def _nominations(request):
    return selectors.nominations_for(scope_of(request))


def _get_nomination(request, pk):
    return get_object_or_404(_nominations(request).select_related("created_by", "library_entry"), pk=pk)


def _window(cycle, province, now=None):
    """What the pages show about a cycle's window for a province."""
    if cycle is None:
        return None
    now = now or timezone.now()
    opens, closes, extension = window_for(cycle, province)
    if now < opens:
        state = "upcoming"
    elif now <= closes:
        state = "open"
    else:
        state = "closed"
    left = closes - now
    return {
        "opens": opens,
        "closes": closes,
        "extension": extension
        if extension is not None and extension.closes_at > cycle.nomination_closes_at
        else None,
        "state": state,
        "is_open": state == "open",
        "closing_soon": state == "open" and left <= CLOSING_SOON,
        "hours_left": max(int(left.total_seconds() // 3600), 0),
        "text": window_text(cycle, province, window=(opens, closes)),
    }


def _quota(cycle, province):
    if cycle is None:
        return None
    quota = province_quota(cycle, province)
    used = quota_used(cycle, province)
    return {"quota": quota, "used": used, "remaining": max(quota - used, 0)}


def _status_counts(queryset):
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    main = [
        NominationStatus.DRAFT,
        NominationStatus.SUBMITTED,
        NominationStatus.RETURNED,
        NominationStatus.ACCEPTED,
        NominationStatus.REJECTED,
        NominationStatus.WITHDRAWN,
    ]
    rows = []
    for status in NominationStatus:
        if status in main or counts.get(status.value):
            rows.append({"status": status.value, "label": status.label, "count": counts.get(status.value, 0)})
    return rows


# ---------------------------------------------------------------------------------------------------------------
# Dashboard and notifications


@portal_view
@require_GET
def dashboard(request):
    scope = scope_of(request)
    cycle = selectors.open_cycle()
    nominations = _nominations(request)
    current = nominations.filter(cycle=cycle) if cycle is not None else nominations
    returned = list(current.filter(status=NominationStatus.RETURNED).order_by("-status_changed_at")[:20])
    drafts = current.filter(status=NominationStatus.DRAFT)
    if scope.is_official:
        # Drafts a zone's committee prepared, waiting for the province to check and recommend.
        drafts = drafts.filter(created_by__profile__zone__isnull=False)
    zone_drafts = list(drafts.order_by("-updated_at")[:20])
    library = selectors.library_entries_for(scope_of(request))
    status_counts = _status_counts(current)
    context = {
        "cycle": cycle,
        "window": _window(cycle, scope.province),
        "quota": _quota(cycle, scope.province),
        "status_counts": status_counts,
        "draft_count": next(row["count"] for row in status_counts if row["status"] == NominationStatus.DRAFT),
        "returned": returned,
        "zone_drafts": zone_drafts,
        "library_entries": list(library.order_by("zone__key", "track__name")[:10]),
        "library_count": library.count(),
        "notifications": list(
            selectors.notifications_for(scope_of(request)).filter(read_at__isnull=True)[:5]
        ),
    }
    return _render(request, "portal/dashboard.html", context)


@portal_view
@require_GET
def notification_list(request):
    items = selectors.notifications_for(scope_of(request)).order_by("-created_at", "-id")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "portal/notifications.html", {"page": page})


@portal_view
@require_GET
def notification_open(request, pk):
    """Follow a notice's link; opening it marks it read."""
    note = get_object_or_404(selectors.notifications_for(scope_of(request)), pk=pk)
    notifications_mark_read(user=request.user, ids=[note.pk])
    if note.link and url_has_allowed_host_and_scheme(note.link, {request.get_host()}, request.is_secure()):
        return redirect(note.link)
    return redirect("portal:notifications")


@portal_view
@require_POST
def notifications_read(request):
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
    count = notifications_mark_read(user=request.user, ids=ids or None)
    if count:
        messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("portal:notifications")


# ---------------------------------------------------------------------------------------------------------------
# Nominations


@portal_view
@require_GET
def nomination_list(request):
    nominations = _nominations(request)
    cycles = list(Cycle.objects.filter(pk__in=nominations.values("cycle")).order_by("-year"))
    open_cycle = selectors.open_cycle()
    if open_cycle is not None and open_cycle not in cycles:
        cycles.insert(0, open_cycle)
    data = request.GET.copy()
    if "cycle" not in data and open_cycle is not None:
        data["cycle"] = str(open_cycle.pk)
    form = NominationFilterForm(data, cycles=cycles, statuses=NominationStatus.choices)
    if form.is_valid():
        if form.cleaned_data["cycle"]:
            nominations = nominations.filter(cycle_id=form.cleaned_data["cycle"])
        if form.cleaned_data["status"]:
            nominations = nominations.filter(status=form.cleaned_data["status"])
        term = form.cleaned_data["q"].strip()
        if term:
            # The site's one search rule (zones.search) for the zone and the track a nomination names.
            zones = Zone.objects.filter(pk__in=nominations.values("zone_id"))
            tracks = Track.objects.filter(pk__in=nominations.values("track_id"))
            nominations = nominations.filter(
                Q(zone__in=ranked(term, zone_rows(zones))) | Q(track__in=track_keys(tracks, term))
            )
    nominations = nominations.order_by("-cycle__year", "zone__key", "track__name", "pk")
    page = Paginator(nominations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    return _render(
        request,
        "portal/nomination_list.html",
        {"page": page, "form": form, "query": query.urlencode(), "open_cycle": open_cycle},
    )


def _chosen_track(request, form):
    """The form's track, or the track the user proposes (created ``proposed`` inside the caller's transaction)."""
    name = (form.cleaned_data.get("new_track_name") or "").strip()
    if name:
        return catalog_services.track_propose(
            actor=request.user, name=name, field=form.cleaned_data["new_track_field"], request=request
        )
    return form.cleaned_data["track"]


def _map_track_error(error: ValidationError) -> ValidationError:
    # track_propose names its field "name"; on this form it is new_track_name.
    if hasattr(error, "error_dict") and "name" in error.error_dict:
        return ValidationError({"new_track_name": error.error_dict["name"]})
    return error


@portal_view
@require_http_methods(["GET", "POST"])
def nomination_create_view(request):
    cycle = selectors.open_cycle()
    if cycle is None:
        messages.error(request, _("当前没有开放推荐的年度批次，不能新建推荐。"))
        return redirect("portal:dashboard")
    window = _window(cycle, scope_of(request).province)
    form = NominationForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                track = _chosen_track(request, form)
                nomination = nomination_create(
                    actor=request.user,
                    cycle=cycle,
                    zone=form.cleaned_data["zone"],
                    track=track,
                    data=form.content(),
                    request=request,
                )
        except ValidationError as error:
            _attach_errors(form, _map_track_error(error))
        else:
            messages.success(request, _("推荐草稿已保存。"))
            return redirect("portal:nomination_detail", pk=nomination.pk)
    return _render(
        request,
        "portal/nomination_form.html",
        {"form": form, "cycle": cycle, "window": window, "nomination": None},
    )


@portal_view
@require_http_methods(["GET", "POST"])
def nomination_edit(request, pk):
    nomination = _get_nomination(request, pk)
    if not workflow.may_edit(scope_of(request), nomination):
        messages.error(
            request,
            _("推荐当前状态为“%(status)s”，您不能修改。") % {"status": nomination.get_status_display()},
        )
        return redirect("portal:nomination_detail", pk=nomination.pk)
    form = NominationForm(_posted(request), user=request.user, nomination=nomination)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                data = form.content()
                data["track"] = _chosen_track(request, form)
                nomination_update(
                    actor=request.user,
                    nomination=nomination,
                    data=data,
                    version=form.cleaned_data.get("version"),
                    request=request,
                )
        except ValidationError as error:
            _attach_errors(form, _map_track_error(error))
        else:
            messages.success(request, _("修改已保存。"))
            return redirect("portal:nomination_detail", pk=nomination.pk)
    return _render(
        request,
        "portal/nomination_form.html",
        {
            "form": form,
            "cycle": nomination.cycle,
            "window": _window(nomination.cycle, nomination.province),
            "nomination": nomination,
        },
    )


HISTORY_LABELS = {
    "nomination.create": gettext_lazy("新建草稿"),
    "nomination.update": gettext_lazy("修改"),
    "nomination.track_merge": gettext_lazy("赛道合并"),
    "nominationattachment.create": gettext_lazy("上传附件"),
    "nominationattachment.remove": gettext_lazy("移除附件"),
}


def _history(nomination):
    events = related_history(nomination, NominationAttachment.objects.filter(nomination=nomination))[:100]
    rows = history_rows(Nomination, events)
    for row in rows:
        verb = row["action"].rsplit(".", 1)[-1]
        if row["action"] in HISTORY_LABELS:
            row["action_label"] = str(HISTORY_LABELS[row["action"]])
        elif row["action"].startswith("nomination.") and verb in workflow.TRANSITIONS:
            row["action_label"] = str(workflow.TRANSITIONS[verb].label)
    return rows


def _indicator_rows(obj):
    labels = dict(COUNT_INDICATORS + MONEY_INDICATORS + SIGNED_INDICATORS)
    return [{"name": name, "label": labels[name], "value": getattr(obj, name)} for name in INDICATOR_FIELDS]


def _materials(nomination, attachments) -> list[dict]:
    """The cycle's required materials, each with the attachments that carry it (the checklist beside the files)."""
    return [
        {"name": name, "files": [a for a in attachments if a.material == name]}
        for name in nomination.cycle.material_names
    ]


@portal_view
@require_GET
def nomination_detail(request, pk):
    nomination = _get_nomination(request, pk)
    attachments = list(nomination.attachments.filter(removed_at__isnull=True).select_related("uploaded_by"))
    editable = workflow.may_edit(scope_of(request), nomination)
    actions = [
        t for t in workflow.available_actions(scope_of(request), nomination) if t.action in PORTAL_ACTIONS
    ]
    materials = _materials(nomination, attachments)
    context = {
        "nomination": nomination,
        "attachments": attachments,
        "can_edit": editable,
        "can_attach": workflow.may_manage_attachments(scope_of(request), nomination),
        "can_discard": workflow.may_discard(scope_of(request), nomination),
        "status_reason_label": STATUS_REASON_LABELS.get(nomination.status),
        "actions": actions,
        "missing": missing_for_submit(nomination) if nomination.status in NominationStatus.EDITABLE else [],
        "materials": materials,
        "window": _window(nomination.cycle, nomination.province),
        "indicators": _indicator_rows(nomination),
        "history": _history(nomination),
        # The first required material still without a file is what the next upload most likely is.
        "attachment_form": AttachmentForm(
            materials=nomination.cycle.material_names,
            initial={"material": next((m["name"] for m in materials if not m["files"]), "")},
        ),
        "attachment_messages_in_panel": True,
    }
    return _render(request, "portal/nomination_detail.html", context)


@portal_view
@require_http_methods(["GET", "POST"])
def nomination_action(request, pk, action):
    if action not in PORTAL_ACTIONS:
        raise Http404
    nomination = _get_nomination(request, pk)
    transition = workflow.TRANSITIONS[action]
    if not workflow.may_act(scope_of(request), transition, nomination):
        raise PermissionDenied(_("“%(label)s”只能由省级主管部门操作。") % {"label": transition.label})
    form = ReasonForm(_posted(request), required=transition.needs_reason)
    if request.method == "POST" and form.is_valid():
        try:
            nomination_transition(
                actor=request.user,
                nomination=nomination,
                action=action,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, _error_messages(error))
        else:
            if action == "submit":
                messages.success(request, _("已推荐。"))
            else:
                messages.success(request, _("已撤回。"))
            return redirect("portal:nomination_detail", pk=nomination.pk)
    return _render(
        request,
        "portal/nomination_action.html",
        {
            "nomination": nomination,
            "transition": transition,
            "form": form,
            "window": _window(nomination.cycle, nomination.province),
            "quota": _quota(nomination.cycle, nomination.province) if action == "submit" else None,
            "missing": missing_for_submit(nomination) if action == "submit" else [],
        },
    )


@portal_view
@require_http_methods(["GET", "POST"])
def nomination_discard_view(request, pk):
    """Its author (or the province) deletes a draft that was never submitted, after a confirmation."""
    nomination = _get_nomination(request, pk)
    if not workflow.may_discard(scope_of(request), nomination):
        raise PermissionDenied(_("只能删除从未推荐过的草稿，且须在推荐截止前。"))
    if request.method == "POST":
        nomination_discard(actor=request.user, nomination=nomination, request=request)
        messages.success(request, _("草稿已删除。"))
        return redirect("portal:nomination_list")
    return _render(request, "portal/nomination_discard.html", {"nomination": nomination})


# ---------------------------------------------------------------------------------------------------------------
# Attachments


# Messages of the attachment views carry this tag: the detail page shows them in its attachments panel, where the
# redirect to #attachments lands, instead of at the top of the page (out of sight).
ATTACHMENT_MESSAGES = "attachments"


@portal_view
@require_POST
def attachment_upload(request, pk):
    nomination = _get_nomination(request, pk)
    form = AttachmentForm(request.POST, request.FILES, materials=nomination.cycle.material_names)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error, extra_tags=ATTACHMENT_MESSAGES)
    else:
        try:
            attachment = attachment_services.attachment_add(
                actor=request.user,
                nomination=nomination,
                uploaded=form.cleaned_data["file"],
                material=form.cleaned_data.get("material", ""),
                request=request,
            )
        except ValidationError as error:
            name = getattr(form.cleaned_data.get("file"), "name", "")
            for message in _error_messages(error):
                messages.error(
                    request,
                    _("“%(name)s”未能上传：%(reason)s") % {"name": name, "reason": message},
                    extra_tags=ATTACHMENT_MESSAGES,
                )
        else:
            messages.success(
                request,
                _("已上传附件“%(name)s”。") % {"name": attachment.original_name},
                extra_tags=ATTACHMENT_MESSAGES,
            )
    return redirect(reverse("portal:nomination_detail", args=[nomination.pk]) + "#attachments")


def _get_attachment(request, pk, attachment_pk):
    nomination = _get_nomination(request, pk)
    attachment = get_object_or_404(
        NominationAttachment.objects.filter(nomination=nomination, removed_at__isnull=True), pk=attachment_pk
    )
    attachment.nomination = nomination
    return attachment


@portal_view
@require_GET
def attachment_download(request, pk, attachment_pk):
    return attachment_file_response(_get_attachment(request, pk, attachment_pk))


@portal_view
@require_POST
def attachment_remove(request, pk, attachment_pk):
    attachment = _get_attachment(request, pk, attachment_pk)
    try:
        attachment_services.attachment_remove(actor=request.user, attachment=attachment, request=request)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message, extra_tags=ATTACHMENT_MESSAGES)
    else:
        messages.success(
            request,
            _("已移除附件“%(name)s”。") % {"name": attachment.original_name},
            extra_tags=ATTACHMENT_MESSAGES,
        )
    return redirect(reverse("portal:nomination_detail", args=[pk]) + "#attachments")


# ---------------------------------------------------------------------------------------------------------------
# Track search (the JSON behind the search box of the nomination form)


@portal_view
@require_GET
def track_search(request):
    term = (request.GET.get("q") or "").strip()[:64]
    tracks = selectors.tracks_selectable(scope_of(request)).prefetch_related("aliases")
    tracks = tracks.order_by("field__order", "name")
    # The site's one search rule (zones.search), best matches first.
    tracks = search_tracks(tracks, term, TRACK_SEARCH_LIMIT) if term else tracks[:TRACK_SEARCH_LIMIT]
    return JsonResponse(
        {
            "query": term,
            "results": [
                {
                    "id": track.pk,
                    "name": track.name,
                    "field": track.field.name,
                    "aliases": [alias.name for alias in track.aliases.all()],
                    "status": track.status,
                    "status_label": track.get_status_display(),
                }
                for track in tracks
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


# ---------------------------------------------------------------------------------------------------------------
# Print: the recommendation form (推荐表) and letter (推荐函)


def _paragraphs(text: str) -> list[str]:
    """A text as its paragraphs (one per line, blank lines dropped), each printed with its own first-line indent."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@portal_view
@require_GET
def nomination_print(request, pk):
    nomination = _get_nomination(request, pk)
    attachments = list(nomination.attachments.filter(removed_at__isnull=True))
    rows = _indicator_rows(nomination)
    return _render(
        request,
        "portal/print_form.html",
        {
            "nomination": nomination,
            "state": print_state(nomination),
            "indicator_pairs": [rows[i : i + 2] for i in range(0, len(rows), 2)],
            "narrative": _paragraphs(nomination.narrative),
            "attachments": attachments,
            "printed_at": timezone.now(),
        },
    )


@portal_view
@require_GET
def recommendation_letter(request):
    if not scope_of(request).is_official:
        raise PermissionDenied(_("推荐函由省级主管部门出具。"))
    cycle = None
    if request.GET.get("cycle", "").isdigit():
        cycle = Cycle.objects.filter(pk=int(request.GET["cycle"])).first()
    cycle = cycle or selectors.open_cycle() or Cycle.objects.order_by("-year").first()
    if cycle is None:
        raise Http404
    province = scope_of(request).province
    mine = _nominations(request).filter(cycle=cycle).select_related("zone", "track__field")
    nominations = list(mine.filter(status__in=LETTER_STATUSES).order_by("submitted_at", "pk"))
    returned = list(mine.filter(status=NominationStatus.RETURNED).order_by("resubmit_by", "pk"))
    form = LetterForm(request.GET or None, initial={"department": province.department})
    heading = form.cleaned_data if form.is_valid() else {"doc_no": "", "department": province.department}
    profile = getattr(request.user, "profile", None)
    return _render(
        request,
        "portal/print_letter.html",
        {
            "cycle": cycle,
            "nominations": nominations,
            "returned": returned,
            "quota": _quota(cycle, province),
            "form": form,
            "doc_no": heading["doc_no"],
            "department": heading["department"] or province.department,
            "contact": {
                "name": getattr(profile, "display_name", ""),
                "phone": getattr(profile, "phone", ""),
            },
            "printed_at": timezone.now(),
        },
    )


# ---------------------------------------------------------------------------------------------------------------
# Library and monitoring


@portal_view
@require_GET
def library_list(request):
    entries = (
        selectors.library_entries_for(scope_of(request))
        .annotate(last_report=Max("reports__year"), report_count=Count("reports"))
        .order_by("zone__key", "track__name")
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request, "portal/library_list.html", {"page": page, "this_year": timezone.localtime().year}
    )


TREND_CHARTS = [
    ("revenue", gettext_lazy("营业收入"), gettext_lazy("亿元")),
    ("enterprise_count", gettext_lazy("企业数"), gettext_lazy("家")),
    ("rd_spending", gettext_lazy("R&D经费"), gettext_lazy("亿元")),
]


@portal_view
@require_GET
def library_detail(request, pk):
    entry = get_object_or_404(selectors.library_entries_for(scope_of(request)), pk=pk)
    reports = list(entry.reports.select_related("filed_by").order_by("year"))
    labels = dict(COUNT_INDICATORS + MONEY_INDICATORS + SIGNED_INDICATORS)
    table = [
        {"label": labels[name], "name": name, "values": [getattr(report, name) for report in reports]}
        for name in INDICATOR_FIELDS
    ]
    chart_list = []
    for name, title, unit in TREND_CHARTS:
        chart = charts.bar_chart(
            [(report.year, getattr(report, name)) for report in reports], title=str(title), unit=str(unit)
        )
        if chart is not None:
            chart_list.append(chart)
    years = monitoring_services.report_years(entry)
    filed = {report.year for report in reports}
    nominations = list(
        _nominations(request).filter(zone=entry.zone, track=entry.track).order_by("-cycle__year", "pk")
    )
    return _render(
        request,
        "portal/library_detail.html",
        {
            "entry": entry,
            "reports": reports,
            "table": table,
            "charts": chart_list,
            "years": [{"year": year, "filed": year in filed} for year in years],
            "can_file": monitoring_services.may_file(scope_of(request), entry) and entry.status != "exited",
            "nominations": nominations,
        },
    )


@portal_view
@require_http_methods(["GET", "POST"])
def monitoring_edit(request, pk, year):
    entry = get_object_or_404(selectors.library_entries_for(scope_of(request)), pk=pk)
    if year not in monitoring_services.report_years(entry):
        raise Http404
    report = MonitoringReport.objects.filter(entry=entry, year=year).first()
    form = MonitoringReportForm(_posted(request), instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            if report is None:
                monitoring_services.monitoring_report_file(
                    actor=request.user, entry=entry, year=year, data=form.values(), request=request
                )
            else:
                monitoring_services.monitoring_report_update(
                    actor=request.user, report=report, data=form.values(), request=request
                )
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, _("%(year)s年度监测数据已保存。") % {"year": year})
            return redirect("portal:library_detail", pk=entry.pk)
    return _render(
        request, "portal/monitoring_form.html", {"entry": entry, "year": year, "report": report, "form": form}
    )


# ---------------------------------------------------------------------------------------------------------------
# Excel


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@portal_view
@require_GET
def excel_template(request):
    content = workbook_bytes(template_workbook(scope_of(request)))
    cycle = selectors.open_cycle()
    year = cycle.year if cycle is not None else timezone.localtime().year
    return _xlsx_response(content, _("%(year)s年度新赛道推荐模板.xlsx") % {"year": year})


@portal_view
@require_http_methods(["GET", "POST"])
def excel_import(request):
    cycle = selectors.open_cycle()
    form = ImportForm(*_posted(request, files=True))
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_nominations(
            actor=request.user, cycle=cycle, file=form.cleaned_data["file"], request=request
        )
        if result.ok:
            messages.success(request, _("已导入 %(n)s 项推荐草稿。") % {"n": len(result.created)})
            return redirect(reverse("portal:nomination_list") + f"?cycle={cycle.pk}&status=draft")
    return _render(
        request,
        "portal/excel_import.html",
        {
            "form": form,
            "result": result,
            "cycle": cycle,
            "window": _window(cycle, scope_of(request).province),
        },
    )


@portal_view
@require_GET
def nominations_export(request):
    nominations = (
        _nominations(request).select_related("track__field").order_by("-cycle__year", "zone__key", "pk")
    )
    if request.GET.get("cycle", "").isdigit():
        nominations = nominations.filter(cycle_id=int(request.GET["cycle"]))
    content = workbook_bytes(nominations_workbook(nominations))
    stamp = timezone.localtime().strftime("%Y%m%d")
    return _xlsx_response(
        content, _("%(unit)s推荐导出-%(date)s.xlsx") % {"unit": scope_of(request).unit_name, "date": stamp}
    )


# ---------------------------------------------------------------------------------------------------------------
# Profile and API token


@portal_view
@require_http_methods(["GET", "POST"])
def profile(request):
    new_key = None
    if request.method == "POST":
        if request.POST.get("op") == "revoke":
            if api_token_revoke(user=request.user, request=request):
                messages.success(request, _("接口令牌已作废。"))
            return redirect("portal:profile")
        token = api_token_rotate(user=request.user, request=request)
        new_key = token.key
    token = Token.objects.filter(user=request.user).first()
    return _render(
        request,
        "portal/profile.html",
        {
            "token": token,
            "new_key": new_key,
            "roles": roles.role_labels(request.user),
            "api_root": request.build_absolute_uri("/api/v1/nominations/"),
        },
    )
