"""The file path: published lists answered from their compiled files, before sessions, users or the database.

``PublishedFilesMiddleware`` sits right after the security and CSP middleware (so its answers carry the site's
security headers) and before the session middleware: a GET or HEAD of a published list's page, download, canonical
JSON or API detail, or of the static index of published lists, is answered from ``PUBLISHED_ROOT`` when the file is
there, whoever asks (the file holds nothing personal) and whether or not the database answers. Anything else goes on
to the app; a list on notice has no file and is rendered there.

The API detail is answered from its file unless the query asks for something the file is not: a ``format`` or a
filter (``?cycle=…`` must 404 on a list of another year), which the API view answers. The page and downloads ignore
the query string, as nginx's ``try_files`` does.

It also answers the site's own 503 page (JSON under /api/) when the database cannot be reached: a view that raises a
connection error (``process_exception``), or a middleware that does (reading a session: noted by
``note_database_error`` on Django's ``got_request_exception`` signal, and the 500 answer replaced here).
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import files, paths

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
DATABASE_DOWN = "ntr.database_unavailable"
RETRY_AFTER_SECONDS = 60
_API_QUERY_NAMES: set | None = None


def _api_query_names() -> set:
    """Query parameters that change the API detail's answer: the list filters and the renderer's format."""
    global _API_QUERY_NAMES
    if _API_QUERY_NAMES is None:
        from tracks.api.filters import ParkListFilter

        _API_QUERY_NAMES = {*ParkListFilter.base_filters, "format"}
    return _API_QUERY_NAMES


def _from_file(request, target) -> bool:
    if target.kind != "api" or not request.META.get("QUERY_STRING"):
        return True
    return not (set(request.GET) & _api_query_names())


class PublishedFilesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            target = paths.target_for(request.path_info)
            if target is not None and _from_file(request, target):
                answer = files.file_answer(request, paths.root(), target)
                if answer is not None:
                    return answer
        response = self.get_response(request)
        if response.status_code == 500 and request.META.get(DATABASE_DOWN):
            return unavailable(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("database unavailable: %s %s", request.method, request.path, exc_info=exception)
            return unavailable(request)
        return None


def note_database_error(sender, request=None, **kwargs):
    """got_request_exception: remember that the exception being handled is the database's."""
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        request.META[DATABASE_DOWN] = True


def unavailable(request) -> HttpResponse:
    """The site's 503 answer: JSON in the API's error shape under /api/, else the site's error page
    (templates/errors/503.html) in the URL's language, which points to what still works (the published lists).
    Never cached."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {
                "code": "unavailable",
                "detail": _("服务暂时不可用，请稍后重试；已发布的榜单仍可查阅。"),
                "errors": {},
            },
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        with translation.override(language):
            try:
                context = {"status": 503, "index_url": reverse("public:list_published_index")}
                body = render_to_string("errors/503.html", context, request=request)
            except Exception:  # noqa: BLE001 - the page must answer even if its template cannot
                logger.warning("503 page not rendered", exc_info=True)
                body = _("服务暂时不可用，请稍后重试。")
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
