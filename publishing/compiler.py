"""Compiling published lists into files (issue 18).

What is compiled: every published and superseded version of a list (lists on notice change with the clock and stay
dynamic), into the files ``paths.version_paths`` names: per language the page and the CSV, XLSX and JSON downloads,
the API detail (no language) and the canonical JSON (the stored text, byte for byte, never recomputed). Plus the
static index of published lists per language. The renderings are the views' own functions
(``tracks.public.views.list_page_bytes`` / ``list_download_bytes``, ``tracks.api.public.list_detail_json``), so a
file and a dynamic answer have one writer; the XLSX carries fixed timestamps, so the bytes repeat.

What a version's files depend on (``version_state``): its status, its supersession, a correction of it on public
notice (the page then says so) and the versions of the same list (the page lists them), the issuing body as at
publication, and the code that renders them (``RENDER_VERSION``). Templates and translations are code: a release
runs ``compile_lists --all``.

When: every change of a list's public state goes through ``tracks.services.public_cache.forget_public_state`` (the
list services, every save of a list, every audit event about one), which calls ``lists_changed``. At once, inside the
transaction, the files of the list's family (every version of the same cycle and scope) and the index are removed,
so nothing stale is served meanwhile (a reader then gets the app, which compiles from the database as it sees it);
after the commit the family is compiled again. Publication, a correction going on notice, its withdrawal
(``list_notice_cancel``), its publication (the old version superseded) and a change of its notice period are all such
changes. A file still missing (a crash after the commit) is compiled by the next request for it
(``publishing.serve``) and by ``manage.py compile_lists --missing`` from cron, which also recompiles a version whose
manifest no longer matches its state or its files.

Every compilation that changes a version's files or state appends an ``ArtefactManifest`` (paths, sizes, SHA-256);
``verify_list`` checks the files against the latest one.
"""

import contextlib
import hashlib
import json
import logging
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tracks import selectors
from tracks.models import ListStatus, ParkList

from . import files, paths
from .models import ArtefactManifest

logger = logging.getLogger(__name__)

# Bump when what is compiled changes (a new file, another layout); RENDER_VERSION covers the renderings.
COMPILER_VERSION = "1"
FAMILY_FIELDS = (
    "pk",
    "cycle_id",
    "scope",
    "field_id",
    "track_id",
    "version",
    "status",
    "supersedes_id",
    "published_at",
    "superseded_at",
    "notice_starts_at",
    "notice_ends_at",
    "cancelled_at",
)
# The issuing body stamped on a list at publication, where the model has it (issue 14): it comes first.
if "issuer" in {f.name for f in ParkList._meta.concrete_fields}:
    FAMILY_FIELDS = (*FAMILY_FIELDS, "issuer")


def issuer_of(row: dict, first_manifest_issuer: str | None) -> str:
    """发布单位 as at publication: stamped on the list, else the one its first compilation (its publication)
    recorded, else the site's (a version compiled for the first time now)."""
    return row.get("issuer") or first_manifest_issuer or str(settings.SITE_SPONSOR)


def render_version_label() -> str:
    from tracks.public.caching import RENDER_VERSION

    return f"{RENDER_VERSION}.{COMPILER_VERSION}"


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def state_digest(state: dict) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# Families: every version of one list (cycle and track, or cycle and field)


def _family_key(row: dict) -> tuple:
    return (row["cycle_id"], row["scope"], row["field_id"], row["track_id"])


def families(pks=None) -> dict[tuple, dict[int, dict]]:
    """{family key: {pk: row}} of the families the lists ``pks`` belong to (every family when None)."""
    rows = ParkList.objects.order_by()
    if pks is not None:
        seeds = set(
            ParkList.objects.filter(pk__in=list(pks))
            .order_by()
            .values_list("cycle_id", "scope", "field_id", "track_id")
        )
        if not seeds:
            return {}
        condition = Q()
        for cycle_id, scope, field_id, track_id in seeds:
            condition |= Q(cycle_id=cycle_id, scope=scope, field_id=field_id, track_id=track_id)
        rows = rows.filter(condition)
    found: dict[tuple, dict[int, dict]] = {}
    for row in rows.values(*FAMILY_FIELDS):
        found.setdefault(_family_key(row), {})[row["pk"]] = row
    return found


def version_state(pk: int, family: dict[int, dict], issuer: str) -> dict:
    """What the files of version ``pk`` are a function of (stored with its manifest; compared by --missing)."""
    me = family[pk]
    public = sorted(
        (r for r in family.values() if r["status"] in ListStatus.PUBLIC), key=lambda r: -r["version"]
    )
    correction = next(
        (r for r in public if r["supersedes_id"] == pk and r["status"] == ListStatus.NOTICE), None
    )
    return {
        "render": render_version_label(),
        "languages": paths.languages(),
        "id": pk,
        "version": me["version"],
        "status": me["status"],
        "published_at": _iso(me["published_at"]),
        "superseded_at": _iso(me["superseded_at"]),
        "correction_on_notice": [correction["pk"], _iso(correction["notice_ends_at"])]
        if correction
        else None,
        "versions": [[r["pk"], r["version"], r["status"], _iso(r["published_at"])] for r in public],
        "issuer": issuer,
    }


def _family_mtime(family: dict[int, dict]) -> float:
    """Last-Modified of a family's renderings: its latest publication, supersession, notice or withdrawal (each
    version's page shows the others), never in the future."""
    stamps = [
        moment
        for row in family.values()
        for moment in (row["published_at"], row["superseded_at"], row["cancelled_at"])
        + ((row["notice_starts_at"],) if row["status"] in ListStatus.PUBLIC else ())
        if moment is not None
    ]
    now = timezone.now()
    return min(max(stamps, default=now), now).timestamp()


# ---------------------------------------------------------------------------------------------------------------
# Rendering


def offline_request(path: str, language: str) -> HttpRequest:
    """A GET of ``path`` with nothing of a reader in it (no cookie, no user, no query): what a compiled page is
    rendered for. The context processors find an anonymous reader and the URL's language."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "https",
    }
    request.LANGUAGE_CODE = language
    return request


def render_version(park_list, issuer: str) -> dict[str, bytes]:
    """{relative path: bytes} of every file of one version (``park_list`` from lists_public_with_counts)."""
    from tracks.api.public import list_detail_json
    from tracks.public.views import list_download_bytes, list_page_bytes

    pk = park_list.pk
    rendered = {}
    for language in paths.languages():
        with translation.override(language):
            page = paths.page_path(pk, language)
            request = offline_request(paths.url_of(page), language)
            rendered[page] = list_page_bytes(request, park_list, issuing_body=issuer)
            for fmt in paths.DOWNLOAD_TYPES:
                rendered[paths.download_path(pk, language, fmt)] = list_download_bytes(park_list, fmt)
    with translation.override(settings.LANGUAGE_CODE):
        rendered[paths.api_path(pk)] = list_detail_json(park_list)
    rendered[paths.canonical_path(pk)] = park_list.canonical_json.encode("utf-8")
    return rendered


def render_index() -> tuple[dict[str, bytes], float]:
    """The static index of published lists, per language, and its Last-Modified."""
    lists = list(
        selectors.lists_public_with_counts()
        .filter(status__in=ListStatus.FROZEN)
        .order_by("-cycle__year", "field__order", "scope", "track__name", "-version")
    )
    rendered = {}
    for language in paths.languages():
        with translation.override(language):
            relative = paths.index_path(language)
            request = offline_request(paths.url_of(relative), language)
            context = {"nav": "lists", "lists": lists}
            html = render_to_string("public/list_published_index.html", context, request=request)
            rendered[relative] = html.encode("utf-8")
    stamps = [moment for item in lists for moment in (item.published_at, item.superseded_at) if moment]
    now = timezone.now()
    return rendered, min(max(stamps, default=now), now).timestamp()


# ---------------------------------------------------------------------------------------------------------------
# Compiling


@dataclass
class Summary:
    versions: int = 0
    written: int = 0
    unchanged: int = 0
    manifests: int = 0
    removed: int = 0
    index_written: bool = False
    compiled: list = field(default_factory=list)


def first_issuers(pks) -> dict[int, str]:
    """The issuing body each version was first compiled with (its publication), from its first manifest."""
    first = (
        ArtefactManifest.objects.filter(park_list_id__in=list(pks))
        .order_by()
        .values("park_list_id")
        .annotate(first=Min("pk"))
        .values("first")
    )
    return dict(ArtefactManifest.objects.filter(pk__in=first).values_list("park_list_id", "issuer"))


def latest_manifests(pks) -> dict[int, ArtefactManifest]:
    """The latest manifest of each version: what its files must match."""
    last = (
        ArtefactManifest.objects.filter(park_list_id__in=list(pks))
        .order_by()
        .values("park_list_id")
        .annotate(last=Max("pk"))
        .values("last")
    )
    return {manifest.park_list_id: manifest for manifest in ArtefactManifest.objects.filter(pk__in=last)}


def _compile_version(park_list, family, *, issuer, latest, reason, summary) -> None:
    root = paths.root()
    rendered = render_version(park_list, issuer)
    mtime = _family_mtime(family)
    published = park_list.published_at.timestamp()
    listed = []
    for relative in paths.version_paths(park_list.pk):
        data = rendered[relative]
        stamp = published if relative == paths.canonical_path(park_list.pk) else mtime
        if files.write_atomic(root, relative, data, stamp):
            summary.written += 1
        else:
            summary.unchanged += 1
        listed.append({"path": relative, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    state = version_state(park_list.pk, family, issuer)
    digest = state_digest(state)
    if latest is None or latest.state_digest != digest or latest.files != listed:
        ArtefactManifest.objects.create(
            park_list_id=park_list.pk,
            reason=reason,
            state=state,
            state_digest=digest,
            issuer=issuer,
            files=listed,
        )
        summary.manifests += 1
    summary.versions += 1
    summary.compiled.append(park_list.pk)


def _remove_version(pk: int, *, keep_canonical: bool) -> int:
    root = paths.root()
    removed = 0
    for relative in paths.version_paths(pk):
        if keep_canonical and relative == paths.canonical_path(pk):
            continue
        removed += files.remove(root, relative)
    return removed


def compile_index(summary: Summary | None = None) -> None:
    summary = summary or Summary()
    rendered, mtime = render_index()
    for relative, data in rendered.items():
        if files.write_atomic(paths.root(), relative, data, mtime):
            summary.index_written = True


def _index_missing() -> bool:
    root = paths.root()
    return any(not (root / relative).exists() for relative in paths.index_paths())


def compile_lists(pks=None, *, reason: str, only=None, lock: bool = True) -> Summary:
    """Compile the families of ``pks`` (every list when None): their published and superseded versions (all of
    them, or those in ``only``), and remove any file of a version that is not (or no longer) published; then the
    index when anything changed or it is missing. Under the writers' lock unless the caller holds it."""
    summary = Summary()
    with files.locked(paths.root()) if lock else contextlib.nullcontext():
        found = families(pks)
        known = {pk: row for family in found.values() for pk, row in family.items()}
        frozen = {pk for pk, row in known.items() if row["status"] in ListStatus.FROZEN}
        gone = {pk for pk in known if pk not in frozen} | (set(pks or ()) - set(known))
        if only is not None:
            frozen &= set(only)
            gone &= set(only)
        for pk in sorted(gone):
            summary.removed += _remove_version(pk, keep_canonical=False)
        if frozen:
            issuers = first_issuers(frozen)
            latest = latest_manifests(frozen)
            lists = selectors.lists_public_with_counts().filter(pk__in=frozen).in_bulk()
            for family in found.values():
                for pk in sorted(set(family) & frozen):
                    if pk in lists:
                        _compile_version(
                            lists[pk],
                            family,
                            issuer=issuer_of(family[pk], issuers.get(pk)),
                            latest=latest.get(pk),
                            reason=reason,
                            summary=summary,
                        )
        if summary.written or summary.removed or summary.manifests or _index_missing():
            compile_index(summary)
    return summary


def compile_version_if_missing(pk: int, target_relative: str) -> bool:
    """For a reader whose file is missing (publishing.serve): compile that version unless another process did
    while this one waited for the lock. True when the file exists afterwards."""
    root = paths.root()
    with files.locked(root):
        if not (root / target_relative).exists():
            compile_lists([pk], reason="request", only=[pk], lock=False)
    return (root / target_relative).exists()


def compile_index_if_missing() -> bool:
    root = paths.root()
    with files.locked(root):
        if _index_missing():
            compile_index()
    return not _index_missing()


# ---------------------------------------------------------------------------------------------------------------
# Out of date or missing (compile_lists --missing, verify_list)


def missing_versions() -> list[int]:
    """Published and superseded versions whose files are missing, out of date or altered."""
    found = families()
    frozen = {
        pk: family
        for family in found.values()
        for pk, row in family.items()
        if row["status"] in ListStatus.FROZEN
    }
    latest = latest_manifests(frozen)
    issuers = first_issuers(frozen)
    from .verify import check_version

    return [
        pk
        for pk, family in sorted(frozen.items())
        if check_version(pk, family, latest.get(pk), issuer_of(family[pk], issuers.get(pk))).stale
    ]


def prune_orphans() -> int:
    """Remove the files of list ids that are no published or superseded version (e.g. after a database was
    replaced); only the file names this module writes, and their then empty directories."""
    frozen = set(ParkList.objects.filter(status__in=ListStatus.FROZEN).values_list("pk", flat=True))
    root = paths.root()
    bases = {root / "api" / "v1" / "lists"} | {
        root / paths.page_path(1, language).rsplit("/", 2)[0] for language in paths.languages()
    }
    removed = 0
    for base in bases:
        if not base.is_dir():
            continue
        for child in base.iterdir():
            if not child.name.isdigit() or int(child.name) in frozen:
                continue
            removed += _remove_version(int(child.name), keep_canonical=False)
            with contextlib.suppress(OSError):
                child.rmdir()  # only when nothing else is left in it
    return removed


# ---------------------------------------------------------------------------------------------------------------
# The hook: a list's public state changed (tracks.services.public_cache.forget_public_state)

_pending = threading.local()


def _pending_pks() -> set:
    if not hasattr(_pending, "pks"):
        _pending.pks = set()
    return _pending.pks


def invalidate(pks) -> int:
    """Remove, at once, the renderings of the families of ``pks`` that have a published version, and the index:
    until they are compiled again, readers get the app (which compiles what it reads)."""
    removed = 0
    found = families(pks)
    for family in found.values():
        if not any(row["status"] in ListStatus.FROZEN for row in family.values()):
            continue
        for pk in family:
            removed += _remove_version(pk, keep_canonical=True)
        for relative in paths.index_paths():
            removed += files.remove(paths.root(), relative)
    return removed


def lists_changed(pks) -> None:
    """The public state of lists ``pks`` changed (in the current transaction, if any): their families' files go
    at once and are compiled again after the commit. A failure is logged, never raised: the change stands, and the
    next reader or ``compile_lists --missing`` compiles what is missing."""
    pks = {int(pk) for pk in pks if pk}
    if not pks:
        return
    try:
        invalidate(pks)
    except Exception:  # noqa: BLE001 - the change must not fail because of its files
        logger.warning("published files of lists %s not removed", sorted(pks), exc_info=True)
    _pending_pks().update(pks)
    transaction.on_commit(_compile_pending)


def _compile_pending() -> None:
    pending = _pending_pks()
    if not pending:
        return
    pks = set(pending)
    pending.clear()
    try:
        compile_lists(pks, reason="change")
    except Exception:  # noqa: BLE001 - committed already; the next reader or cron compiles it
        logger.warning("published files of lists %s not compiled", sorted(pks), exc_info=True)
