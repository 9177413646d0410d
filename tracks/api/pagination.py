"""Page-number pagination that refuses what it cannot read, as the schema documents it.

DRF's own falls back to the default page size for ``page_size=abc``, ``0`` or ``-1`` (so a client's typo went
unnoticed, and the schema's ``minimum`` was a lie): here such a value is a 400 in the API's error shape. A page
size above the maximum is still cut to the maximum (documented), and a page that does not exist is a 404.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination, serializers

from .filters import MAX_ID

PAGE_MESSAGE = _("请输入大于等于 1 的整数。")


def _positive(name: str, raw: str | None) -> int | None:
    if raw is None or raw == "":  # empty is absent, like every query parameter (``allowEmptyValue``)
        return None
    value = raw.strip()
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise serializers.ValidationError({name: [PAGE_MESSAGE]})
    return int(value)


class StrictPageNumberPagination(pagination.PageNumberPagination):
    page_size = 50

    def get_page_size(self, request):
        if self.page_size_query_param:
            size = _positive(self.page_size_query_param, request.query_params.get(self.page_size_query_param))
            if size is not None:
                return min(size, self.max_page_size) if self.max_page_size else size
        return self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        page = request.query_params.get(self.page_query_param)
        if page not in self.last_page_strings:  # ``page=last`` stays as DRF reads it
            _positive(self.page_query_param, page)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
            if parameter["name"] == self.page_size_query_param and self.max_page_size:
                parameter["description"] = str(
                    _("每页条数（默认 %(default)s，超过 %(max)s 按 %(max)s）。")
                    % {"default": self.page_size, "max": self.max_page_size}
                )
        return parameters
