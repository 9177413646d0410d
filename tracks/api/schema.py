"""OpenAPI post-processing: document the error answers every operation can give, beside its success."""

from django.utils.translation import gettext_lazy as _

ERROR_DESCRIPTIONS = {
    "400": _("请求参数或提交的数据有误"),
    "401": _("未提供或提供了无效的认证凭据"),
    "403": _("无权执行该操作"),
    "404": _("对象不存在，或不在您的权限范围内"),
    "409": _("与当前状态冲突（如推荐名额已用完）"),
}
METHODS = {"get", "post", "put", "patch", "delete"}


def error_statuses(path: str) -> tuple[str, ...]:
    if path.startswith("/api/v1/nominations/"):
        return ("400", "401", "403", "404", "409")
    # a detail answers 404; a list also 400 for a filter value that does not validate (and 404 past the last page)
    return ("404",) if "{" in path else ("400", "404")


def add_error_responses(result, generator, request, public):
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in error_statuses(path):
                responses.setdefault(status, {"description": str(ERROR_DESCRIPTIONS[status])})
    return result
