"""Every endpoint of the site, read from the URL resolver, and how to call it from the fixture world.

``endpoints()`` walks ``get_resolver().url_patterns`` recursively: the plain views, the ``i18n_patterns`` (read in
Chinese, the unprefixed default), the admin site's ``get_urls()`` with each ModelAdmin's changelist, add, change,
delete, history, redirect and custom views, and the DRF routers' routes including their ``@action`` routes and
format-suffix variants. Each pattern gets a stable key: its namespaced name (``+format`` for a router's
format-suffix twin), or its route when it has no name.

``CASES`` turns a pattern into concrete URLs: one case per pattern, or several when the parameter picks objects of
different scope (``portal:nomination_detail[js]`` is 江苏's nomination). A pattern whose parameters cannot be filled
must be listed in ``UNFILLABLE`` with the reason; anything else with parameters and no filler fails the matrix.
"""

import re
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from . import world as W


def NO_PARAMS(w):
    return {}


ADMIN_OBJECT_ROUTE = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/")


@dataclass(frozen=True)
class Endpoint:
    key: str
    route: str
    name: str | None
    params: tuple[str, ...]
    callback: object

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/v1/")

    @property
    def is_api_detail(self) -> bool:
        lookups = ("(?P<pk>", "(?P<code>", "(?P<year>", "(?P<cycle_year>")
        return self.is_api and any(lookup in self.route for lookup in lookups) and self.name is not None


def _join(prefix: str, part: str) -> str:
    return prefix + (part[1:] if part.startswith("^") else part)


def _params(pattern) -> tuple[str, ...]:
    text = str(pattern.pattern)
    return tuple(re.findall(r"<(?:\w+:)?(\w+)>", text)) + tuple(re.findall(r"\(\?P<(\w+)>", text))


def _walk(patterns, prefix="", namespace=None, params=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(
                entry.url_patterns, _join(prefix, str(entry.pattern)), inner, params + _params(entry)
            )
        elif isinstance(entry, URLPattern):
            route = _join(prefix, str(entry.pattern))
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            all_params = params + _params(entry)
            if name is None:
                key = route
            elif "format" in all_params:
                key = f"{name}+format"
            else:
                key = name
            yield Endpoint(key=key, route=route, name=name, params=all_params, callback=entry.callback)


def endpoints() -> dict[str, Endpoint]:
    """Every pattern of the resolver by key (the default language's routes)."""
    with translation.override("zh-hans"):
        found = {}
        for endpoint in _walk(get_resolver().url_patterns):
            assert endpoint.key not in found, f"two patterns share the key {endpoint.key!r}"
            found[endpoint.key] = endpoint
        return found


# ---------------------------------------------------------------------------------------------------------------
# Filling parameters from the world


def _admin_site_models() -> dict[tuple[str, str], object]:
    return {(model._meta.app_label, model._meta.model_name): ma for model, ma in admin.site._registry.items()}


def _admin_object(w, app, model):
    """The world's object of an admin model (the first one there is)."""
    model_admin = _admin_site_models()[(app, model)]
    obj = model_admin.model._default_manager.order_by("pk").first()
    assert obj is not None, f"the fixture world has no {app}.{model}: add one to tests/security/world.py"
    return obj


def _admin_object_route(route: str):
    match = ADMIN_OBJECT_ROUTE.match(route)
    if match is None:
        return None
    return match["app"], match["model"]


# pattern key -> {variant: function(world) -> kwargs for reverse()}; "" is the only variant of most patterns
def _nomination(key):
    return lambda w: {"pk": w.drafts[key].pk}


NOMINATIONS = {"zs": _nomination(W.ZS), "sz": _nomination(W.SZ), "js": _nomination(W.NJ)}


def _nomination_attachment(key, view="attachment_pk"):
    return lambda w: {"pk": w.drafts[key].pk, view: w.attachments[key].pk}


def _entry(key):
    return lambda w: {"pk": w.entries[key].pk}


ENTRIES = {"zs": _entry(W.ZS), "sz": _entry(W.SZ), "js": _entry(W.NJ)}


def _measure(key):
    return lambda w: {"pk": w.measures[key].pk}


def _this_year_report(key):
    return lambda w: {"pk": w.entries[key].pk, "year": w.year}


MEASURES = {"zs": _measure(W.ZS), "sz": _measure(W.SZ), "js": _measure(W.NJ)}
LISTS = {
    "published": lambda w: {"pk": w.published.pk},
    "notice": lambda w: {"pk": w.notice.pk},
    "draft": lambda w: {"pk": w.draft_list.pk},
}
NOTIFICATIONS = {
    "preparer": lambda w: {"pk": w.notifications["preparer"].pk},
    "official_a": lambda w: {"pk": w.notifications["official_a"].pk},
}
ASSIGNMENTS = {
    "rev": lambda w: {"object_id": w.assignment.pk},
    "conf": lambda w: {"object_id": w.conflict_assignment.pk},
}

FILLERS = {
    # the portal: objects of 中山 (the preparer's zone), 深圳 (广东, another zone) and 南京 (江苏)
    "portal:notification_open": NOTIFICATIONS,
    "portal:nomination_detail": NOMINATIONS,
    "portal:nomination_edit": NOMINATIONS,
    "portal:nomination_print": NOMINATIONS,
    "portal:nomination_discard": NOMINATIONS,
    "portal:attachment_upload": NOMINATIONS,
    "portal:attachment_download": {
        "zs": _nomination_attachment(W.ZS),
        "sz": _nomination_attachment(W.SZ),
        "js": _nomination_attachment(W.NJ),
    },
    "portal:attachment_remove": {
        "zs": _nomination_attachment(W.ZS),
        "sz": _nomination_attachment(W.SZ),
        "js": _nomination_attachment(W.NJ),
    },
    "portal:nomination_action": {
        "zs-submit": lambda w: {"pk": w.drafts[W.ZS].pk, "action": "submit"},
        "zs-withdraw": lambda w: {"pk": w.drafts[W.ZS].pk, "action": "withdraw"},
        "js-submit": lambda w: {"pk": w.drafts[W.NJ].pk, "action": "submit"},
        "zs-accept": lambda w: {"pk": w.drafts[W.ZS].pk, "action": "accept"},
    },
    "portal:library_detail": ENTRIES,
    "portal:monitoring_edit": {
        variant: _this_year_report(key) for key, variant in ((W.ZS, "zs"), (W.SZ, "sz"), (W.NJ, "js"))
    },
    # 精准性培育
    "cultivation:entry_detail": ENTRIES,
    "cultivation:measure_create": ENTRIES,
    "cultivation:measure_attachment": MEASURES,
    "cultivation:measure_remove": MEASURES,
    "cultivation:case_detail": {
        "published": lambda w: {"pk": w.case.pk},
        "draft": lambda w: {"pk": w.case_draft.pk},
    },
    "cultivation:report": {"": lambda w: {"year": w.year}},
    "cultivation:report_xlsx": {"": lambda w: {"year": w.year}},
    # the public site
    "public:list_detail": LISTS,
    "public:list_canonical": LISTS,
    "public:list_download": {
        "published-csv": lambda w: {"pk": w.published.pk, "fmt": "csv"},
        "published-xlsx": lambda w: {"pk": w.published.pk, "fmt": "xlsx"},
        "published-json": lambda w: {"pk": w.published.pk, "fmt": "json"},
        "draft-csv": lambda w: {"pk": w.draft_list.pk, "fmt": "csv"},
    },
    "public:objection_form": LISTS,
    "public:objection_receipt": LISTS,
    "public:objection_captcha": {
        "notice-png": lambda w: {"pk": w.notice.pk, "fmt": "png"},
        "notice-wav": lambda w: {"pk": w.notice.pk, "fmt": "wav"},
        "published-png": lambda w: {"pk": w.published.pk, "fmt": "png"},
        "draft-png": lambda w: {"pk": w.draft_list.pk, "fmt": "png"},
    },
    "public:track_detail": {
        "active": lambda w: {"pk": w.humanoid.pk},
        "proposed": lambda w: {"pk": w.proposed.pk},
    },
    "public:zone_detail": {"": lambda w: {"key": W.ZS}},
    "public:province_detail": {"": lambda w: {"code": W.GD}},
    "public:announcement_detail": {
        "published": lambda w: {"pk": w.announcement.pk},
        "draft": lambda w: {"pk": w.announcement_draft.pk},
    },
    # accounts (the reset link is disabled without e-mail: any uid and token reach the same 404)
    "accounts:password_reset_confirm": {"": lambda w: {"uidb64": "MQ", "token": "set-password"}},
    # the token API of the portal
    "api-nomination-detail": NOMINATIONS,
    "api-nomination-submit": NOMINATIONS,
    "api-nomination-withdraw": NOMINATIONS,
    "api-nomination-attachment-list": {
        key: (lambda k: lambda w: {"nomination_id": w.drafts[k].pk})(zone)
        for key, zone in (("zs", W.ZS), ("sz", W.SZ), ("js", W.NJ))
    },
    "api-nomination-attachment-detail": {
        key: (lambda k: lambda w: {"nomination_id": w.drafts[k].pk, "pk": w.attachments[k].pk})(zone)
        for key, zone in (("zs", W.ZS), ("sz", W.SZ), ("js", W.NJ))
    },
    # the open API (the format twins are filled below)
    "api-public:zone-detail": {"": lambda w: {"pk": W.zone_pk(W.ZS)}},
    "api-public:province-detail": {"": lambda w: {"code": W.GD}},
    "api-public:field-detail": {"": lambda w: {"code": w.field.code}},
    "api-public:track-detail": {
        "active": lambda w: {"pk": w.humanoid.pk},
        "proposed": lambda w: {"pk": w.proposed.pk},
    },
    "api-public:library-detail": {"": lambda w: {"pk": w.entries[W.ZS].pk}},
    "api-public:list-detail": LISTS,
    "api-public:cycle-detail": {"": lambda w: {"year": w.open_cycle.year}},
    "api-portal-quota-detail": {"": lambda w: {"cycle_year": w.open_cycle.year}},
    # custom admin views
    "admin:app_list": {
        label: (lambda lbl: lambda w: {"app_label": lbl})(label)
        for label in (
            "auth",
            "authtoken",
            "axes",
            "audit",
            "accounts",
            "otp_totp",
            "otp_static",
            "zones",
            "tracks",
            "cultivation",
        )
    },
    "admin:view_on_site": {
        "": lambda w: {
            "content_type_id": ContentType.objects.get_for_model(w.published).pk,
            "object_id": w.published.pk,
        }
    },
    # the system administrator manages programme accounts; an administrator's account is read-only to them
    "admin:auth_user_password_change": {
        "official": lambda w: {"id": w.users["official_a"].pk},
        "admin": lambda w: {"id": w.users["auditadmin"].pk},
    },
    "admin:auth_user_change": {
        "official": lambda w: {"object_id": w.users["official_a"].pk},
        "admin": lambda w: {"object_id": w.users["auditadmin"].pk},
    },
    "admin:accounts_profile_change": {
        "official": lambda w: {"object_id": w.users["official_a"].profile.pk},
        "admin": lambda w: {"object_id": w.admin_profile.pk},
    },
    # the admin's autocomplete answers only for a registered autocomplete field and a viewer of its model
    "admin:autocomplete": {
        "": NO_PARAMS,
        "track-field": lambda w: (
            reverse("admin:autocomplete") + "?app_label=tracks&model_name=track&field_name=field&term="
        ),
        "profile-user": lambda w: (
            reverse("admin:autocomplete") + "?app_label=accounts&model_name=profile&field_name=user&term=sec"
        ),
    },
    "admin:otp_totp_totpdevice_config": {"": lambda w: {"pk": w.totp.pk}},
    "admin:otp_totp_totpdevice_qrcode": {"": lambda w: {"pk": w.totp.pk}},
    "admin:tracks_track_approve": {"": lambda w: {"object_id": w.proposed.pk}},
    "admin:tracks_track_merge": {"": lambda w: {"object_id": w.proposed.pk}},
    "admin:tracks_nomination_attachment": {
        "": lambda w: {"object_id": w.drafts[W.ZS].pk, "attachment_id": w.attachments[W.ZS].pk}
    },
    "admin:tracks_nomination_review": {
        "accept": lambda w: {"object_id": w.submitted.pk, "action": "accept"},
    },
    "admin:tracks_cycle_advance": {"": lambda w: {"pk": w.review_cycle.pk}},
    # a criterion staff may still edit: the open cycle's (the others froze when their review opened)
    "admin:tracks_criterion_change": {"": lambda w: {"object_id": w.open_criterion.pk}},
    "admin:tracks_parklist_correct": {"": lambda w: {"pk": w.published.pk}},
    # the confirmation pages of a list's public steps, on the list each applies to
    "admin:tracks_parklist_notice": {"draft": LISTS["draft"]},
    "admin:tracks_parklist_publish": {"notice": LISTS["notice"]},
    "admin:tracks_parklist_notice_period": {"notice": LISTS["notice"]},
    "admin:tracks_parklist_cancel": {"notice": LISTS["notice"]},
    "admin:tracks_parklist_verify": {"": lambda w: {"pk": w.published.pk}},
    "admin:tracks_objection_evidence": {"": lambda w: {"pk": w.objection.pk}},
    "admin:tracks_assignment_autosave": ASSIGNMENTS,
    "admin:tracks_assignment_attachment": {
        "rev": lambda w: {"object_id": w.assignment.pk, "attachment_pk": w.review_attachment.pk},
        "conf": lambda w: {"object_id": w.conflict_assignment.pk, "attachment_pk": w.review_attachment.pk},
    },
    "admin:tracks_review_close": {
        "": lambda w: (
            reverse("admin:tracks_review_close", args=[w.review_cycle.year])
            + f"?field={w.field.pk}&track={w.synbio.pk}"
        )
    },
    "admin:tracks_review_reopen": {"": lambda w: {"pk": w.reopened.pk}},
    "admin:tracks_review_assign": {"": lambda w: {"year": w.review_cycle.year}},
    "admin:tracks_review_remind": {"": lambda w: {"year": w.review_cycle.year}},
    "admin:tracks_review_ranking": {"": lambda w: {"year": w.review_cycle.year}},
    "admin:tracks_review_ranking_xlsx": {"": lambda w: {"year": w.review_cycle.year}},
    "admin:tracks_review_nomination": {"": lambda w: {"pk": w.in_review[W.ZS].pk}},
    "admin:tracks_review_pack": {"": lambda w: {"year": w.review_cycle.year}},
    "admin:tracks_review_pack_xlsx": {"": lambda w: {"year": w.review_cycle.year}},
    # the assignment (a reviewer's workspace) and its scores are scoped per reviewer
    "admin:tracks_assignment_change": ASSIGNMENTS,
    "admin:tracks_assignment_history": ASSIGNMENTS,
    "admin:tracks_assignment_delete": ASSIGNMENTS,
    "admin/tracks/assignment/<path:object_id>/": {
        "rev": lambda w: f"/admin/tracks/assignment/{w.assignment.pk}/",
        "conf": lambda w: f"/admin/tracks/assignment/{w.conflict_assignment.pk}/",
    },
    "admin:tracks_score_change": {
        "rev": lambda w: {"object_id": w.score.pk},
        "other": lambda w: {"object_id": w.other_score.pk},
    },
    # the admin's last pattern answers any other path under /admin/
    "admin/(?P<url>.*)$": {"": lambda w: "/admin/no-such-page/"},
}


# POST bodies for cases where an empty body would stop before the permission check it is meant to reach (a
# version number, an action); {case id: function(world) -> form data}. Every other POST is sent empty.
def _score_form(assignment_of, **extra):
    return lambda w: {"version": str(assignment_of(w).version), "value-strategic": "55", **extra}


POST_DATA = {
    "admin:tracks_assignment_autosave[rev]": _score_form(lambda w: w.assignment),
    "admin:tracks_assignment_autosave[conf]": _score_form(lambda w: w.conflict_assignment),
    "admin:tracks_assignment_change[rev]": _score_form(lambda w: w.assignment, action="save"),
    "admin:tracks_assignment_change[conf]": _score_form(lambda w: w.conflict_assignment, action="save"),
    "admin:tracks_nomination_review[accept]": lambda w: {"apply": "yes", "reason": ""},
    # the confirmation pages, confirmed: the step runs (or its gate refuses inside the page)
    "admin:tracks_cycle_advance": lambda w: {"apply": "yes", "reason": ""},
    "admin:tracks_review_close": lambda w: {"apply": "yes", "reason": ""},
    "admin:tracks_parklist_notice[draft]": lambda w: {"apply": "yes"},
    "admin:tracks_parklist_publish[notice]": lambda w: {"apply": "yes"},
    "admin:tracks_parklist_cancel[notice]": lambda w: {"apply": "yes", "reason": ""},
}

# Patterns whose parameters cannot be filled from the world, with the reason (never skipped silently).
UNFILLABLE: dict[str, str] = {}

# A few samples of the English site (/en/…): the same views under the language prefix.
ENGLISH_SAMPLES = {
    "en:home": ("home", {}),
    "en:public:list_detail[published]": ("public:list_detail", LISTS["published"]),
    "en:portal:nomination_detail[js]": ("portal:nomination_detail", NOMINATIONS["js"]),
    "en:admin:index": ("admin:index", {}),
}


def _format_twin(key: str) -> str | None:
    return key[: -len("+format")] if key.endswith("+format") else None


def _as_json(fill):
    return lambda w: {**fill(w), "format": "json"}


def fillers_for(endpoint: Endpoint):
    """{variant: function(world) -> kwargs or path} for one endpoint, or None if it cannot be filled."""
    if endpoint.key in FILLERS:
        return FILLERS[endpoint.key]
    if not endpoint.params:
        return {"": NO_PARAMS}
    twin = _format_twin(endpoint.key)
    if twin is not None:
        base = FILLERS.get(twin, {"": NO_PARAMS}) if set(endpoint.params) - {"format"} else {"": NO_PARAMS}
        return {variant: _as_json(fill) for variant, fill in base.items()}
    target = _admin_object_route(endpoint.route)
    if target is not None and set(endpoint.params) == {"object_id"}:
        app, model = target
        if endpoint.name is None:
            return {"": lambda w: f"/admin/{app}/{model}/{_admin_object(w, app, model).pk}/"}
        return {"": lambda w: {"object_id": _admin_object(w, app, model).pk}}
    return None


def case_id(key: str, variant: str) -> str:
    return f"{key}[{variant}]" if variant else key


def all_cases() -> tuple[dict[str, tuple[Endpoint, object]], list[str]]:
    """({case id: (endpoint, filler)}, [keys of endpoints that cannot be filled and are not in UNFILLABLE])."""
    cases, unfilled = {}, []
    for key, endpoint in endpoints().items():
        if key in UNFILLABLE:
            continue
        fillers = fillers_for(endpoint)
        if fillers is None:
            unfilled.append(key)
            continue
        for variant, fill in fillers.items():
            cases[case_id(key, variant)] = (endpoint, fill)
    return cases, unfilled


def url_for(endpoint: Endpoint, fill, w) -> str:
    value = fill(w)
    if isinstance(value, str):
        return value
    with translation.override("zh-hans"):
        return reverse(endpoint.name, kwargs=value)


def english_url(name: str, fill, w) -> str:
    value = fill(w) if callable(fill) else fill
    with translation.override("en"):
        return reverse(name, kwargs=value)
