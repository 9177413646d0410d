"""Caching of public list pages, downloads and API answers, by list version and language.

A list on notice, published or superseded does not change its entries (the ORM guards and, on PostgreSQL, the
triggers keep published ones so); what it says changes only with its status (notice → published → superseded), so
a rendering is cached under ``(kind, id, version, status, superseded_at, notice open?, language)``. The body is
rendered once, its ETag is a digest of the body, and Last-Modified is the list's latest stamp. Conditional GETs
(If-None-Match / If-Modified-Since) are answered with 304 from the cache without rendering again.

Names of zones and tracks shown on the page may be corrected in the catalogue: a rendering lives
``LIST_CACHE_SECONDS`` at most, so a correction shows within that time (and changes the ETag).

Nothing personal may go into a cached body: the views render without the user and without a CSRF token.
"""

import hashlib

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from ..models import ListStatus
from ..services.lists import notice_is_open

LIST_CACHE_SECONDS = 10 * 60
BROWSER_MAX_AGE = {ListStatus.NOTICE: 60, ListStatus.PUBLISHED: 300, ListStatus.SUPERSEDED: 3600}
# Bump when a template or export format changes, so old renderings are not served after a deployment.
RENDER_VERSION = "1"


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
    Last-Modified and Cache-Control, or a 304 when the client already has it."""
    from django.core.cache import cache as default_cache

    cache = cache_backend or default_cache
    stored = cache.get(key)
    if stored is None:
        body = render()
        stored = (body, etag_for(body))
        cache.set(key, stored, LIST_CACHE_SECONDS)
    body, etag = stored
    response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    timestamp = None
    if last_modified is not None:
        timestamp = int(last_modified.timestamp())
        # Never claim a modification in the future (a notice that starts later has no later content).
        timestamp = min(timestamp, int(timezone.now().timestamp()))
        response["Last-Modified"] = http_date(timestamp)
    for name, value in (headers or {}).items():
        response[name] = value
    patch_cache_control(response, public=True, max_age=max_age)
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)
