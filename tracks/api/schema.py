"""The OpenAPI schema as client generators read it (issue 17).

drf-spectacular describes the views; this module makes the description exact where generators and schemathesis
hold the API to it:

* ``ApiAutoSchema`` (``DEFAULT_SCHEMA_CLASS``): request bodies documented as JSON only (a form or multipart body is
  documented only where a file is uploaded, though the server still reads form bodies, as v1 always did);
  operation ids from the path and the action (``nominations_submit``); and beside each success the error answers
  the operation can give, all in the one ``Error`` shape (tracks/api/errors.py): 400 and 404 everywhere (a bad
  parameter or body; an unknown id, a NUL in the path), 401 and 403 where a token is needed, 409 where a write
  can meet a quota or a version conflict, 429 only where a throttle exists.
* extensions for the fields and filters whose schema drf-spectacular cannot know: bounded ids, decimals a request
  may send as a string or a number, django-filter's id and year filters.
* ``finish_schema`` (a postprocessing hook, after the enums got their names from ``ENUM_NAME_OVERRIDES``): query
  parameters with a choice use the same named enum component as the bodies, and nothing a generator turns into a
  class name is Chinese; the token scheme says what the header looks like.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance, is_serializer
from rest_framework import permissions
from rest_framework.fields import FileField

from .errors import CODES
from .fields import IdRelatedField, JsonDecimalField
from .filters import IdFilter

ERROR_COMPONENT = "Error"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
ERROR_DESCRIPTIONS = {
    "400": _("请求参数或提交的数据有误，或业务规则不允许（见 code）"),
    "401": _("未提供或提供了无效的认证凭据（Authorization: Token <key>）"),
    "403": _("无权执行该操作"),
    "404": _("对象不存在，或不在您的权限范围内"),
    "409": _("与当前状态冲突：推荐名额已用完（quota_exceeded）或版本已变化（version_conflict）"),
    "429": _("请求过于频繁"),
}
METHODS = {"get", "post", "put", "patch", "delete"}
NO_NUL = "^[^\\u0000]*$"


def error_schema() -> dict:
    codes = "; ".join(f"{status}: {', '.join(codes)}" for status, codes in CODES.items())
    return {
        "type": "object",
        "description": (
            "The one error shape of the API (every 4xx and 5xx). Fields other than code, detail and errors are "
            "the v1 copy of a validation error's fields at the top level: deprecated, dropped in v2."
        ),
        "properties": {
            "code": {
                "type": "string",
                "description": f"Stable machine code; branch on it, not on detail. Known codes by status: {codes}.",
            },
            "detail": {"type": "string", "description": "A message for a person, in Chinese."},
            "errors": {
                "type": "object",
                "description": "Messages per field or query parameter; non_field_errors for the body as a whole.",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["code", "detail", "errors"],
        "additionalProperties": True,
    }


def _error_response(status: str) -> dict:
    return {
        "description": str(ERROR_DESCRIPTIONS[status]),
        "content": {"application/json": {"schema": ERROR_REF}},
    }


class ApiAutoSchema(AutoSchema):
    """Operations as generators read them; a view lists the actions that may answer 409 in ``conflict_actions``."""

    def map_parsers(self):
        """JSON only, unless the request serializer takes a file (then multipart)."""
        serializer = force_instance(self.get_request_serializer())
        fields = serializer.fields if is_serializer(serializer) else {}
        takes_file = any(isinstance(field, FileField) for field in fields.values())
        return ["multipart/form-data"] if takes_file else ["application/json"]

    def get_operation_id(self):
        tokens = [token.replace("-", "_") for token in self._tokenize_path()] or ["root"]
        action = getattr(self.view, "action", None)
        extra = {a.__name__ for a in getattr(type(self.view), "get_extra_actions", lambda: [])()}
        if action in extra:
            return "_".join(tokens)  # nominations_submit: the path says it all
        return super().get_operation_id()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.path.startswith("/api/"):
            self.registry.register_on_missing(
                ResolvedComponent(
                    name=ERROR_COMPONENT,
                    type=ResolvedComponent.SCHEMA,
                    object=ERROR_COMPONENT,
                    schema=error_schema(),
                )
            )
            for status in self._error_statuses():
                responses.setdefault(status, _error_response(status))
        return responses

    def _error_statuses(self) -> list[str]:
        statuses = ["400", "404"]
        view = self.view
        if view.get_authenticators() and not all(
            isinstance(p, permissions.AllowAny) for p in view.get_permissions()
        ):
            statuses += ["401", "403"]
        if getattr(view, "action", None) in getattr(view, "conflict_actions", ()):
            statuses.append("409")
        if view.get_throttles():
            statuses.append("429")
        return sorted(statuses)


# ---------------------------------------------------------------------------------------------------------------
# Fields and filters


def _id_schema(minimum: int, maximum: int) -> dict:
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


class IdRelatedFieldExtension(OpenApiSerializerFieldExtension):
    target_class = IdRelatedField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        from .filters import MAX_ID

        schema = _id_schema(1, MAX_ID)
        if getattr(self.target, "schema_deprecated", False):
            schema["deprecated"] = True
        return schema


class JsonDecimalFieldExtension(OpenApiSerializerFieldExtension):
    """A decimal is answered as a string (exact, two decimals); a request may send the string or a JSON number."""

    target_class = JsonDecimalField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        text = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "response":
            return text
        text = {key: value for key, value in text.items() if key in ("type", "format", "pattern")}
        return {"oneOf": [text, {"type": "number"}]}


class BoundedFilterExtension(DjangoFilterExtension):
    """django-filter's parameters, with bounded whole numbers for the id and year filters, and deprecation where
    a filter says so."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        for parameter in parameters:
            schema = parameter.get("schema", {})
            schema.pop("title", None)  # a Chinese label generators would make a class name of
            if isinstance(filter_field, IdFilter):
                parameter["schema"] = _id_schema(
                    filter_field.extra["min_value"], filter_field.extra["max_value"]
                )
            if getattr(filter_field, "schema_deprecated", False):
                parameter["deprecated"] = True
        return parameters


# ---------------------------------------------------------------------------------------------------------------
# The postprocessing hook


def _enum_components(schemas: dict) -> dict[frozenset, str]:
    return {
        frozenset(v for v in schema["enum"] if v not in ("", None)): name
        for name, schema in schemas.items()
        if "enum" in schema and schema.get("type") == "string"
    }


def _titles_to_descriptions(schema) -> None:
    """A property's ``title`` (the model field's Chinese label) goes into its description: generators name classes
    after titles, and a class name must be ASCII."""
    if isinstance(schema, dict):
        title = schema.pop("title", None)
        if isinstance(title, str) and "$ref" not in schema:
            description = schema.get("description")
            schema["description"] = f"{title}：{description}" if description else title
        for value in schema.values():
            _titles_to_descriptions(value)
    elif isinstance(schema, list):
        for value in schema:
            _titles_to_descriptions(value)


def finish_schema(result, generator, request, public):
    from .filters import MAX_ID

    schemas = result.get("components", {}).get("schemas", {})
    for schema in schemas.values():
        for prop in schema.get("properties", {}).values():
            _titles_to_descriptions(prop)
    enums = _enum_components(schemas)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                schema.pop("title", None)
                if parameter.get("in") == "query" and not parameter.get("required"):
                    # ``?status=`` is no filter at all (django-filter and the pagination skip empty values)
                    parameter["allowEmptyValue"] = True
                if (
                    parameter.get("in") == "query"
                    and schema.get("type") == "string"
                    and "pattern" not in schema
                ):
                    # a NUL in a query value is a 400 (config.middleware.RejectNulMiddleware): say so
                    schema["pattern"] = NO_NUL
                if parameter.get("in") == "query" and "enum" in schema:
                    name = enums.get(frozenset(v for v in schema["enum"] if v not in ("", None)))
                    if name is not None:
                        parameter["schema"] = {"$ref": f"#/components/schemas/{name}"}
                if (
                    parameter.get("in") == "path"
                    and parameter["name"] == "id"
                    and schema.get("type") == "integer"
                ):
                    schema.update(_id_schema(1, MAX_ID))
    token = result.get("components", {}).get("securitySchemes", {}).get("tokenAuth")
    if token is not None:
        token["description"] = (
            "Send the API token of a provincial official or zone committee as `Authorization: Token <key>` "
            "(the word Token, a space, the key; not Bearer). The key is made on /portal/profile/ or by "
            "`manage.py drf_create_token USERNAME`. With openapi-python-client: "
            '`AuthenticatedClient(base_url=…, token=key, prefix="Token")`.'
        )
    return result
