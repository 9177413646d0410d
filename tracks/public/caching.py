"""Caching of public list pages, downloads and API answers, by list version and language.

A list on notice, published or superseded does not change its entries (the ORM guards and, on PostgreSQL, the
triggers keep published ones so); what it says changes only with its status (notice → published → superseded), so
a rendering is cached under ``(kind, id, version, status, superseded_at, notice open?, language)``. The body is
rendered once, its ETag is a digest of the body, and Last-Modified is the list's latest stamp. Conditional GETs
(If-None-Match / If-Modified-Since) are answered with 304 from the cache without rendering again.

Names of zones and tracks shown on the page may be corrected in the catalogue: a rendering lives
``LIST_CACHE_SECONDS`` at most, so a correction shows within that time (and changes the ETag).

A repeat reader is answered without the database: the list's state (``ListState``: the fields the key and the
headers need) is kept in the cache too, forgotten by the list services whenever it changes
(``forget_public_state``), and each rendering's ETag is kept apart from its body, so a conditional GET costs two
small cache reads. A first reader costs a third (the body); only a rendering never made before reads the database.

Other public pages (``public_page``) are cached the same way for anonymous readers, by path and query, under the
current generation of the public data (tracks/services/public_cache.py), which any change to that data renews.

Nothing personal may go into a cached body: the views render without the user and without a CSRF token.
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

from .. import selectors
from ..models import ListStatus
from ..services.lists import notice_is_open
from ..services.public_cache import (
    PUBLIC_PAGE_SECONDS,
    PUBLIC_STATE_KEY,
    PUBLIC_STATE_SECONDS,
    public_generation,
)

LIST_CACHE_SECONDS = 10 * 60
PUBLIC_MAX_AGE = 300  # what browsers and proxies may keep a public page
BROWSER_MAX_AGE = {ListStatus.NOTICE: 60, ListStatus.PUBLISHED: 300, ListStatus.SUPERSEDED: 3600}
# Bump when a template or export format changes, so old renderings are not served after a deployment.
RENDER_VERSION = "2"
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


STATE_FIELDS = [name for name in ListState.__dataclass_fields__ if name != "pk"]


def public_list_state(pk, queryset=None, cache_backend=None):
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
    cache = cache_backend or default_cache
    key = PUBLIC_STATE_KEY.format(pk=pk)
    state = cache.get(key)
    if state is not None:
        return state, None
    park_list = (selectors.lists_public() if queryset is None else queryset).filter(pk=pk).first()
    if park_list is None:
        raise Http404
    state = ListState(pk=pk, **{name: getattr(park_list, name) for name in STATE_FIELDS})
    cache.set(key, state, PUBLIC_STATE_SECONDS)
    return state, park_list


def list_last_modified(park_list):
    stamps = [
        moment
        for moment in (park_list.notice_starts_at, park_list.published_at, park_list.superseded_at)
        if moment is not None
    ]
    return max(stamps) if stamps else None


def list_cache_key(kind: str, park_list, *parts) -> str:
    superseded = park_list.superseded_at.timestamp() if park_list.superseded_at else ""
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
            int(notice_is_open(park_list)),
            translation.get_language(),
            *parts,
        )
    )


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def conditional_cached_response(
    request,
    *,
    key: str,
    render,
    content_type: str,
    last_modified=None,
    max_age: int = 60,
    headers: dict | None = None,
    cache_backend=None,
) -> HttpResponse:
    """A GET answer for a body that ``render()`` (→ bytes) produces, cached under ``key``, with ETag,
    Last-Modified and Cache-Control, or a 304 when the client already has it (known from the ETag alone, without
    reading the body)."""
    cache = cache_backend or default_cache
    timestamp = _timestamp(last_modified)

    def answer(body: bytes, etag: str) -> HttpResponse:
        return _list_response(request, body, content_type, etag, timestamp, max_age, headers)

    etag_key = key + ":etag"
    etag = cache.get(etag_key)
    if etag is not None and (not_modified := _not_modified(request, etag, timestamp, max_age)):
        return not_modified
    body = cache.get(key) if etag is not None else None
    if body is None:
        body = render()
        etag = etag_for(body)
        cache.set_many({key: body, etag_key: etag}, LIST_CACHE_SECONDS)
    return answer(body, etag)


def list_not_modified(request, pk, kind: str, *parts) -> HttpResponse | None:
    """The 304 for a repeat reader of a public list's rendering, from the cache alone; None when the list's state
    or the rendering's ETag is not in the cache, or the reader's copy is not the current one."""
    if not request.META.get("HTTP_IF_NONE_MATCH"):
        return None
    try:
        state = default_cache.get(PUBLIC_STATE_KEY.format(pk=int(pk)))
    except (TypeError, ValueError):
        return None
    if state is None:
        return None
    etag = default_cache.get(list_cache_key(kind, state, *parts) + ":etag")
    if etag is None:
        return None
    return _not_modified(request, etag, _timestamp(list_last_modified(state)), BROWSER_MAX_AGE[state.status])


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
    response = HttpResponse(body, content_type=content_type or None)
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    for name, value in (headers or {}).items():
        response[name] = value
    patch_cache_control(response, public=True, max_age=max_age)
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)


# Cookies that do not change what a public page says: such a reader may share the anonymous rendering.
def _shareable_cookies() -> set:
    return {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}


def shared_key(request, kind: str) -> str:
    """The cache key of a rendering every reader of this path, query and language shares, under the current
    generation of the public data."""
    path = hashlib.sha256(request.get_full_path().encode("utf-8")).hexdigest()[:32]
    return f"ntr-public:{RENDER_VERSION}:{kind}:{public_generation()}:{translation.get_language()}:{path}"


def shared_answer(request, key: str, max_age: int) -> HttpResponse | None:
    """The stored rendering under ``key`` as a 200, or a 304 known from its ETag alone; None if there is none."""
    etag = default_cache.get(key + ":etag")
    if etag is None:
        return None
    if not_modified := _not_modified(request, etag, None, max_age):
        return not_modified
    stored = default_cache.get(key)
    if stored is None:
        return None
    body, content_type = stored
    return _shared_response(request, body, content_type, etag, max_age)


def shared_store(key: str, body: bytes, content_type: str, etag: str) -> None:
    default_cache.set_many({key: (body, content_type), key + ":etag": etag}, PUBLIC_PAGE_SECONDS)


def _shared_response(request, body: bytes, content_type: str, etag: str, max_age: int) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type or None)
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=max_age)
    return get_conditional_response(request, etag=etag, response=response)


def public_page(view=None, *, max_age: int = PUBLIC_MAX_AGE):
    """A public page, rendered once per (generation, language, path and query) for every anonymous reader, with
    ETag, Cache-Control public and 304 answers to If-None-Match.

    Only pages that render nothing personal may use it (no user, no CSRF token: ``includes/header.html`` without
    ``personal``). A reader carrying a session or any other cookie gets a fresh rendering, never a cached one; so
    does every answer that is not a plain 200 or that sets a cookie or a CSRF token.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            shared = request.method == "GET" and set(request.COOKIES) <= _shareable_cookies()
            if shared:
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
            )
            if not cacheable:
                return response
            etag = etag_for(response.content)
            shared_store(key, response.content, response["Content-Type"], etag)
            return _shared_response(request, response.content, response["Content-Type"], etag, max_age)

        return wrapped

    return decorate(view) if view is not None else decorate
