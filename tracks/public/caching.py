"""Caching of public list pages, downloads and API answers, by list version and language.

A list on notice, published or superseded does not change its entries (the ORM guards and, on PostgreSQL, the
triggers keep published ones so); what it says changes only with its status (notice → published → superseded), so
a rendering is cached under ``(kind, id, version, status, superseded_at, notice open?, language)``. The body is
rendered once, its ETag is a digest of the body, and Last-Modified is the list's latest stamp. Conditional GETs
(If-None-Match / If-Modified-Since) are answered with 304 from the cache without rendering again.

Names of zones and tracks shown on the page may be corrected in the catalogue: a rendering lives
``LIST_CACHE_SECONDS`` at most, so a correction shows within that time (and changes the ETag).

A repeat reader is answered without the database: the list's state (``ListState``: the fields the key and the
headers need) is kept in the cache too, forgotten whenever it changes (tracks/services/public_cache.py), and each
rendering's ETag is also kept under a key that needs no state to find (``_pointer_key``), so a conditional GET costs
one cache read (one request to Redis). A first reader costs two (the state, then body and ETag); only a rendering
never made before reads the database.

Other public pages (``public_page``) are cached the same way for anonymous readers, by path and query, under the
current generation of the public data (tracks/services/public_cache.py), which any change to that data renews.

Nothing personal may go into a cached body: the views render without the user and without a CSRF token.

Published and superseded versions are not answered from here but from their compiled files (publishing/), before
any of this runs; the list views come here for them only when a file is missing (``publishing.serve``).
"""

import datetime
import hashlib
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache as default_cache
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_etags

from accounts.signed_in import COOKIE as SIGNED_IN_COOKIE

from .. import selectors
from ..models import ListStatus
from ..services.lists import notice_is_open
from ..services.public_cache import (
    GENERATION_KEY,
    PUBLIC_PAGE_SECONDS,
    PUBLIC_STATE_KEY,
    public_generation,
    public_state_seconds,
)

LIST_CACHE_SECONDS = 10 * 60
PUBLIC_MAX_AGE = 300  # what browsers and proxies may keep a public page
BROWSER_MAX_AGE = {ListStatus.NOTICE: 60, ListStatus.PUBLISHED: 300, ListStatus.SUPERSEDED: 3600}
# Bump when a template, an export format or the shape of what is stored here changes, so that nothing stored by
# the previous deployment (kept in Redis across deployments) is served or misread after it.
RENDER_VERSION = "6"
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class ListState:
    """What the cache key, Last-Modified and Cache-Control of a public list depend on; small enough to keep in
    the cache for every list."""

    pk: int
    version: int
    status: str
    title: str
    notice_starts_at: datetime.datetime | None
    notice_ends_at: datetime.datetime | None
    published_at: datetime.datetime | None
    superseded_at: datetime.datetime | None
    # When a correction of this version went on public notice (the page says so until it is published).
    correction_notice_at: datetime.datetime | None


STATE_FIELDS = [name for name in ListState.__dataclass_fields__ if name != "pk"]


def public_list_state(pk, queryset=None):
    """(state, list) of a list the public may read (on notice, published, superseded), or 404.

    The state comes from the cache when it is there, and the list is then None (the caller loads it only if it has
    to render); otherwise the list is read (one query, from ``queryset``, a subset of ``selectors.lists_public()``
    with what the caller renders) and returned with its state, so rendering needs no second read of it.
    """
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_ID:
        raise Http404
    key = PUBLIC_STATE_KEY.format(pk=pk)
    state = default_cache.get(key)
    if state is not None:
        return state, None
    park_list = (selectors.lists_public() if queryset is None else queryset).filter(pk=pk).first()
    if park_list is None:
        raise Http404
    state = ListState(pk=pk, **{name: getattr(park_list, name) for name in STATE_FIELDS})
    default_cache.set(key, state, public_state_seconds())
    return state, park_list


def list_last_modified(park_list):
    stamps = [
        moment
        for moment in (
            park_list.notice_starts_at,
            park_list.published_at,
            park_list.superseded_at,
            getattr(park_list, "correction_notice_at", None),
        )
        if moment is not None
    ]
    return max(stamps) if stamps else None


def list_cache_key(kind: str, park_list, *parts) -> str:
    superseded = park_list.superseded_at.timestamp() if park_list.superseded_at else ""
    correction = getattr(park_list, "correction_notice_at", None)
    return ":".join(
        str(part)
        for part in (
            "ntr-public",
            RENDER_VERSION,
            kind,
            park_list.pk,
            park_list.version,
            park_list.status,
            superseded,
            correction.timestamp() if correction else "",
            int(notice_is_open(park_list)),
            translation.get_language(),
            *parts,
        )
    )


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _pointer_key(kind: str, pk: int, *parts) -> str:
    """Where the ETag of a list's current rendering is found without knowing the list's state first, so that a
    repeat reader costs one cache round trip (with Redis, one network request): the key holds (rendering key,
    ETag), valid while the rendering key it names is the one the current state gives."""
    return ":".join(
        str(part)
        for part in ("ntr-public", RENDER_VERSION, "etag", kind, pk, translation.get_language(), *parts)
    )


def list_response(request, state: ListState, kind: str, *parts, render, content_type: str, headers=None):
    """The GET answer for a public list's rendering of ``kind`` (page, download, API), cached under its list
    version and language: a 304 when the reader has it, else the body, which ``render()`` (→ bytes) makes only when
    it is not in the cache. ETag, Last-Modified and Cache-Control follow the list's state."""
    key = list_cache_key(kind, state, *parts)
    timestamp = _timestamp(list_last_modified(state))
    max_age = BROWSER_MAX_AGE[state.status]
    stored = default_cache.get(key)
    if stored is None:
        body = render()
        stored = (body, etag_for(body))
        default_cache.set_many(
            {key: stored, _pointer_key(kind, state.pk, *parts): (key, stored[1])}, LIST_CACHE_SECONDS
        )
    body, etag = stored
    if not_modified := _not_modified(request, etag, timestamp, max_age):
        return not_modified
    return _list_response(request, body, content_type, etag, timestamp, max_age, headers)


def list_not_modified(request, pk, kind: str, *parts) -> HttpResponse | None:
    """The 304 for a repeat reader of a public list's rendering, from one cache read and no database; None when
    the list's state or the rendering's ETag is not in the cache, or the reader's copy is not the current one."""
    if not request.META.get("HTTP_IF_NONE_MATCH"):
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    state_key, pointer_key = PUBLIC_STATE_KEY.format(pk=pk), _pointer_key(kind, pk, *parts)
    found = default_cache.get_many([state_key, pointer_key])
    state, pointer = found.get(state_key), found.get(pointer_key)
    if state is None or pointer is None or pointer[0] != list_cache_key(kind, state, *parts):
        return None
    return _not_modified(
        request, pointer[1], _timestamp(list_last_modified(state)), BROWSER_MAX_AGE[state.status]
    )


def _not_modified(request, etag: str, timestamp: int | None, max_age: int) -> HttpResponse | None:
    """The 304 when the reader's If-None-Match names ``etag`` (the weak comparison of Django's conditional GET),
    built directly: this is the answer repeat readers get most, so it skips building the full response first."""
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return None
    etags = parse_etags(header)
    if etags != ["*"] and etag.strip("W/") not in {tag.strip("W/") for tag in etags}:
        return None
    response = HttpResponseNotModified()
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def _timestamp(last_modified) -> int | None:
    if last_modified is None:
        return None
    # Never claim a modification in the future (a notice that starts later has no later content).
    return min(int(last_modified.timestamp()), int(timezone.now().timestamp()))


def _list_response(request, body, content_type, etag, timestamp, max_age, headers=None) -> HttpResponse:
    """A 200 with the validators and Cache-Control, or the 304 Django's conditional GET makes of it."""
    response = HttpResponse(body, content_type=content_type or None)
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    for name, value in (headers or {}).items():
        response[name] = value
    patch_cache_control(response, public=True, max_age=max_age)
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)


# Cookies that do not change what a public page says: such a reader may share the anonymous rendering. A public
# page renders no user (its header's account slot is filled in the browser: accounts/signed_in.py), so a signed-in
# reader (session cookie, "signed in" hint) shares it too; a rendering is stored only if its view never read the
# session (``_reads_session``).
def _shareable_cookies() -> set:
    return {
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
        settings.SESSION_COOKIE_NAME,
        SIGNED_IN_COOKIE,
    }


def _reads_session(request) -> bool:
    """Whether rendering looked at the session (and so perhaps at the user): such a rendering is never shared."""
    session = getattr(request, "session", None)
    return bool(session is not None and session.accessed)


def shared_key(request, kind: str) -> str:
    """The cache key of a rendering every reader of this path, query and language shares, under the current
    generation of the public data."""
    return _shared_key(request, kind, public_generation())


def _shared_key(request, kind: str, generation) -> str:
    return f"ntr-public:{RENDER_VERSION}:{kind}:{generation}:{_path_key(request)}"


def _path_key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode("utf-8")).hexdigest()[:32]
    return f"{translation.get_language()}:{path}"


def _shared_pointer_key(request, kind: str) -> str:
    return f"ntr-public:{RENDER_VERSION}:{kind}-etag:{_path_key(request)}"


def shared_not_modified(request, kind: str, max_age: int) -> HttpResponse | None:
    """The 304 for a repeat reader of a shared rendering, from one cache read: the (rendering key, ETag) kept for
    this path and language, valid while that key is the one of the current generation."""
    if not request.META.get("HTTP_IF_NONE_MATCH"):
        return None
    pointer_key = _shared_pointer_key(request, kind)
    found = default_cache.get_many([GENERATION_KEY, pointer_key])
    generation, pointer = found.get(GENERATION_KEY), found.get(pointer_key)
    if generation is None or pointer is None or pointer[0] != _shared_key(request, kind, generation):
        return None
    return _not_modified(request, pointer[1], None, max_age)


def shared_answer(request, key: str, max_age: int) -> HttpResponse | None:
    """The stored rendering under ``key`` as a 200 (or a 304); None if there is none."""
    stored = default_cache.get(key)
    if stored is None:
        return None
    body, content_type, etag = stored
    return _list_response(request, body, content_type, etag, None, max_age)


def shared_store(request, kind: str, key: str, body: bytes, content_type: str, etag: str) -> None:
    default_cache.set_many(
        {key: (body, content_type, etag), _shared_pointer_key(request, kind): (key, etag)},
        PUBLIC_PAGE_SECONDS,
    )


def public_page(view=None, *, max_age: int = PUBLIC_MAX_AGE):
    """A public page, rendered once per (generation, language, path and query) for every anonymous reader, with
    ETag, Cache-Control public and 304 answers to If-None-Match.

    Only pages that render nothing personal may use it (no user, no CSRF token: ``includes/header.html`` without
    ``personal``). Signed-in readers share the anonymous rendering (``_shareable_cookies``); a reader carrying any
    other cookie gets a fresh rendering, never a cached one. An answer that is not a plain 200, sets a cookie or a
    CSRF token, or whose view read the session is never stored.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            shared = request.method == "GET" and set(request.COOKIES) <= _shareable_cookies()
            if shared:
                if not_modified := shared_not_modified(request, "page", max_age):
                    return not_modified
                key = shared_key(request, "page")
                answer = shared_answer(request, key, max_age)
                if answer is not None:
                    return answer
            response = view(request, *args, **kwargs)
            patch_cache_control(response, public=True, max_age=max_age)
            cacheable = (
                shared
                and response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                and not _reads_session(request)
            )
            if not cacheable:
                return response
            etag = etag_for(response.content)
            shared_store(request, "page", key, response.content, response["Content-Type"], etag)
            return _list_response(request, response.content, response["Content-Type"], etag, None, max_age)

        return wrapped

    return decorate(view) if view is not None else decorate
