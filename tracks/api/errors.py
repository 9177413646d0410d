"""The API's one error shape, for every 4xx and 5xx under /api/ (issue 17).

Every refusal of the API answers ``application/json``::

    {"code": "window_closed", "detail": "不在推荐窗口期内：…", "errors": {"zone": ["…"]}}

``code`` is a stable machine code (``CODES`` below; clients branch on it, never on ``detail``), ``detail`` a message
for a person, ``errors`` the messages of each field or parameter (``non_field_errors`` for the body as a whole; an
empty object when no field is to blame). For compatibility with v1 clients written before this shape, the body also
keeps the top-level keys it had: the field names of a validation error (``{"zone": ["…"], …}``) are repeated beside
``code``/``detail``/``errors``; v2 drops them.

Three doors lead here: DRF's exception handler (``api_exception_handler``: serializers, filters, authentication,
permissions, the services' ``ValidationError``\\ s with their codes), Django's error views for paths under /api/
that no view answered (``handler404``/``handler500``…: a URL no route matches, an uncaught exception), and the NUL
middleware (config.middleware.api_error).
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from config.middleware import API_PREFIX, api_error

# The machine codes an answer may carry, by HTTP status (README, "API errors"). A new code is announced in the
# README's changelog like any other change of the API.
CODES = {
    400: (
        "invalid",  # a field, a parameter or the body does not validate (see ``errors``)
        "parse_error",  # the body is not well-formed JSON (or form data)
        "window_closed",  # outside the province's nomination window
        "phase",  # the cycle's phase does not allow it
        "invalid_state",  # the nomination's status does not allow it
        "incomplete",  # a required part is missing for a submit
        "reason_required",
        "no_open_cycle",  # no cycle takes nominations (create without cycle/cycle_year)
    ),
    401: ("not_authenticated", "authentication_failed"),
    403: ("permission_denied",),
    404: ("not_found",),
    405: ("method_not_allowed",),
    406: ("not_acceptable",),
    409: ("quota_exceeded", "version_conflict"),
    415: ("unsupported_media_type",),
    429: ("throttled",),
    500: ("server_error",),
}
ALL_CODES = [code for codes in CODES.values() for code in codes]

# The services' codes that answer 409: a conflict with the state of other rows, not a bad request.
CONFLICT_CODES = {"quota_exceeded", "version_conflict"}
# Service codes renamed for the API (the services keep their own names).
SERVICE_CODES = {
    "stale": "version_conflict",  # the version sent is not the current one
    "race": "version_conflict",  # another request changed the nomination between read and write
}
# The codes of DRF's own exceptions, for a status whose exception carries none.
STATUS_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "version_conflict",
    415: "unsupported_media_type",
    429: "throttled",
}
# The body's own keys: a field of that name would not be repeated at the top level.
OWN_KEYS = ("code", "detail", "errors")
INVALID_MESSAGE = gettext_lazy("请求参数或提交的数据有误。")
NOT_FOUND_MESSAGE = gettext_lazy("未找到。")
PARSE_MESSAGE = gettext_lazy("请求体格式有误，无法解析。")


def error_body(code: str, detail, errors: dict | None = None, legacy: dict | None = None) -> dict:
    """The error shape; ``legacy`` are the top-level keys a v1 body had (kept beside the shape)."""
    body = {key: value for key, value in (legacy or {}).items() if key not in OWN_KEYS}
    body.update({"code": code, "detail": str(detail), "errors": errors or {}})
    return body


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [message for item in value.values() for message in _messages(item)]
    if isinstance(value, list | tuple):
        return [message for item in value for message in _messages(item)]
    return [str(value)]


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Field errors as ``{name: [messages]}``; a nested serializer's as ``parent.child``, a list item's
    ``parent.0``."""
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        errors = {}
        for index, item in enumerate(detail):
            errors.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return errors
    if isinstance(detail, dict):
        errors = {}
        for name, item in detail.items():
            name = "non_field_errors" if name == NON_FIELD_ERRORS else str(name)
            errors.update(_flatten(item, f"{prefix}.{name}" if prefix else name))
        return errors
    return {prefix or "non_field_errors": [str(detail)]}


def _one_code(codes) -> str | None:
    """The one code all of a validation error's messages share, if they share one."""
    found = set()

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif value:
            found.add(SERVICE_CODES.get(str(value), str(value)))

    walk(codes)
    return found.pop() if len(found) == 1 else None


def _validation_detail(errors: dict[str, list[str]]) -> str:
    """A person's message: the messages themselves when the body as a whole is refused, else the general one."""
    if set(errors) == {"non_field_errors"}:
        return _("；").join(errors["non_field_errors"])
    return str(INVALID_MESSAGE)


def service_refusal(error: DjangoValidationError) -> tuple[int, dict]:
    """(status, body) of a service's refusal: its message, its code (renamed for the API where SERVICE_CODES says),
    and the field errors where there are any; 409 for a conflict with other rows, else 400."""
    code = getattr(error, "code", None)
    errors = {}
    if hasattr(error, "error_dict"):
        errors = {
            ("non_field_errors" if name == NON_FIELD_ERRORS else name): [m for e in items for m in e.messages]
            for name, items in error.error_dict.items()
        }
        if code is None:
            code = _one_code({name: [e.code for e in items] for name, items in error.error_dict.items()})
    elif code is None and hasattr(error, "error_list"):
        code = _one_code([e.code for e in error.error_list])
    code = SERVICE_CODES.get(code, code) or "invalid"
    if code not in ALL_CODES:
        code = "invalid"
    http_status = status.HTTP_409_CONFLICT if code in CONFLICT_CODES else status.HTTP_400_BAD_REQUEST
    # v1 answered a service's refusal with ``detail`` and ``code`` (and ``errors`` when fields were named).
    return http_status, error_body(code, _("；").join(error.messages), errors)


def api_exception_handler(exc, context):
    """REST framework's exception handler, answering the API's error shape."""
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        http_status, body = service_refusal(exc)
        return Response(body, status=http_status)
    if isinstance(exc, Http404):
        # Django's message names the model ("No Zone matches the given query."): the API says only 未找到.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if not isinstance(exc, exceptions.APIException):
        return None  # a 500: Django's handler500 answers it (JSON under /api/)

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()

    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        code = _one_code(exc.get_codes()) if not isinstance(exc.detail, dict) else None
        code = code if code in CODES[400] else "invalid"
        legacy = exc.detail if isinstance(exc.detail, dict) else None
        body = error_body(code, _validation_detail(errors), errors, legacy)
        return Response(body, status=exc.status_code, headers=headers)

    if isinstance(exc, exceptions.ParseError):
        # the parser's own words (English, with the position) for the developer; a sentence for a person
        body = error_body("parse_error", PARSE_MESSAGE, {"non_field_errors": [str(exc.detail)]})
        return Response(body, status=exc.status_code, headers=headers)

    code = exc.get_codes() if isinstance(exc.detail, str) else None
    if not isinstance(code, str) or code not in ALL_CODES:
        code = STATUS_CODES.get(exc.status_code, "invalid")
    if isinstance(exc.detail, dict | list):
        errors = _flatten(exc.detail)
        detail = "；".join(_messages(exc.detail))
    else:
        errors, detail = {}, exc.detail
    return Response(error_body(code, detail, errors), status=exc.status_code, headers=headers)


# ---------------------------------------------------------------------------------------------------------------
# Django's error views (config/urls.py): JSON under /api/, the site's own pages elsewhere


def _is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def handler400(request, exception=None):
    if _is_api(request):
        return api_error(400, "invalid", str(INVALID_MESSAGE))
    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if _is_api(request):
        return api_error(403, "permission_denied", _("无权执行该操作。"))
    return defaults.permission_denied(request, exception)


def handler404(request, exception=None):
    if _is_api(request):
        return api_error(404, "not_found", str(NOT_FOUND_MESSAGE))
    return defaults.page_not_found(request, exception)


def handler500(request):
    if _is_api(request):
        return api_error(500, "server_error", _("服务器内部错误，请稍后重试。"))
    return defaults.server_error(request)
