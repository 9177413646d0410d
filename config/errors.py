"""The site's own error pages: 400, 403 (a refusal, a failed CSRF check), 404 and 500, in the page's language
(i18n_patterns: Chinese unprefixed, English under /en/), with the site's header and a way on (home, search, and
the login page where signing in may help).

Paths under /api/ are the API's: its handlers answer them in its JSON error shape (tracks/api/errors.py), and these
hand such requests over untouched. Error pages are never cached and carry nothing personal beyond what the header's
account slot fills in by itself (static/js/account.js).
"""

import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.utils import translation
from django.utils.functional import Promise
from django.views.decorators.csrf import requires_csrf_token

from tracks.api import errors as api_errors

from .middleware import API_PREFIX

logger = logging.getLogger(__name__)

#: the last resort when even the 500 page cannot be rendered (no template, no translation: both languages)
BARE_500 = (
    '<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"><title>服务器内部错误 · Server error</title>'
    "</head><body><h1>服务器内部错误 · Server error</h1><p>请稍后重试。 Please try again later.</p>"
    '<p><a href="/">返回首页</a> · <a href="/en/" lang="en">Home</a></p></body></html>'
)


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _message(exception) -> str:
    """The message a view gave its refusal (our views write them for the reader), if any."""
    if exception is None:
        return ""
    message = exception.args[0] if getattr(exception, "args", None) else ""
    return str(message) if isinstance(message, str | Promise) else ""


def _language(request) -> str:
    """The page's language from its path: a refusal made before LocaleMiddleware ran (a NUL in the URL,
    config.middleware) has no language activated yet."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _page(request, status: int, **context) -> HttpResponse:
    with translation.override(_language(request)):
        response = render(request, f"errors/{status}.html", {"status": status, **context}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def bad_request(request, exception=None):
    if is_api(request):
        return api_errors.handler400(request, exception)
    return _page(request, 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    if is_api(request):
        return api_errors.handler403(request, exception)
    return _page(request, 403, reason=_message(exception))


@requires_csrf_token
def page_not_found(request, exception=None):
    if is_api(request):
        return api_errors.handler404(request, exception)
    return _page(request, 404)


@requires_csrf_token
def server_error(request):
    if is_api(request):
        return api_errors.handler500(request)
    try:
        return _page(request, 500)
    except Exception:  # noqa: BLE001 - the error page itself failed: answer something all the same
        logger.exception("The 500 page could not be rendered")
        return HttpResponseServerError(BARE_500, content_type="text/html; charset=utf-8")


def csrf_failure(request, reason=""):
    """A form posted without a valid CSRF token (an old tab, cookies off, a session that ended): Django's view
    would answer an English page; ours says what to do."""
    if is_api(request):
        return api_errors.handler403(request)
    return _page(request, 403, csrf=True)
