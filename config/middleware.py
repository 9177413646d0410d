"""Requests no view is given: a NUL character in the path or in the query string.

PostgreSQL refuses NUL in text ("A string literal cannot contain NUL (0x00) characters"), so a NUL that reaches a
query is a 500, and no URL or parameter of the site ever needs one. It is refused here, before any view runs, so no
view, filter or future page can forget it: in the path it is a 404 (there is no such page), in the query string a
400 (a bad value). Under ``/api/`` the answer is the API's JSON error body; elsewhere the site's own 404 and 400
pages. Form and JSON bodies are checked by their fields: Django's and DRF's ``CharField`` refuse NUL already.
"""

from django.core.exceptions import BadRequest
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

NUL = "\x00"
API_PREFIX = "/api/"


def _nul_parameters(query) -> list[str]:
    """The names of the query parameters whose name or any value holds a NUL (a NUL in a name is shown as \\0)."""
    return sorted(
        {
            name.replace(NUL, "\\0")
            for name, values in query.lists()
            if NUL in name or any(NUL in v for v in values)
        }
    )


def api_error(status: int, code: str, detail: str, errors: dict | None = None) -> JsonResponse:
    """The API's error body (tracks/api/errors.py): a machine code, a message, and the messages of each parameter
    (an empty object when no parameter is to blame)."""
    body = {"code": code, "detail": detail, "errors": errors or {}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path_info.startswith(API_PREFIX)
        if NUL in request.path_info:
            if is_api:
                return api_error(404, "not_found", _("未找到。"))
            raise Http404("NUL in the path")
        names = _nul_parameters(request.GET)
        if names:
            if is_api:
                message = _("参数值不能包含空字符（NUL）。")
                return api_error(400, "invalid", _("请求参数有误。"), {name: [message] for name in names})
            raise BadRequest("NUL in the query string")
        return self.get_response(request)
