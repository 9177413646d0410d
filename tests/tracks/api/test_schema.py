"""The OpenAPI schema as client generators and validators read it: valid OpenAPI, ASCII names, separate
request and response components, JSON request bodies, named enums, the one error shape on every operation."""

import json
import re

import pytest
from openapi_spec_validator import validate

from tracks.api.errors import CODES

pytestmark = pytest.mark.django_db

ASCII_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def operations(schema):
    for path, items in schema["paths"].items():
        for method, operation in items.items():
            if method in METHODS:
                yield path, method, operation


def test_the_schema_is_valid_openapi(schema):
    validate(schema)


def test_title_and_names_are_ascii_and_the_chinese_name_is_in_the_description(schema):
    assert schema["info"]["title"] == "NTR API"
    assert "新赛道培育库" in schema["info"]["description"]
    assert all(ASCII_NAME.match(name) for name in schema["components"]["schemas"]), schema["components"][
        "schemas"
    ]
    ids = [operation["operationId"] for _path, _method, operation in operations(schema)]
    assert all(ASCII_NAME.match(operation_id) for operation_id in ids), ids
    assert len(ids) == len(set(ids))
    assert "nominations_submit" in ids and "cycles_list" in ids and "portal_quotas_retrieve" in ids
    # nothing a generator turns into a class name carries a title (the Chinese labels are in descriptions)
    assert not list(titles(schema["paths"])) and not list(titles(schema["components"]))


def titles(node):
    if isinstance(node, dict):
        if isinstance(node.get("title"), str):
            yield node["title"]
        for key, value in node.items():
            if key != "properties":
                yield from titles(value)
            else:
                for prop in value.values():
                    yield from titles(prop)
    elif isinstance(node, list):
        for value in node:
            yield from titles(value)


def test_requests_and_responses_are_separate_components_and_bodies_are_json(schema):
    components = schema["components"]["schemas"]
    assert {"Nomination", "NominationRequest", "PatchedNominationRequest", "ActionRequest"} <= set(components)
    # what the server sets is not asked of a client
    assert not {"id", "status", "province", "created_at"} & set(components["NominationRequest"]["properties"])
    assert components["NominationRequest"]["required"] == ["track", "zone"]
    assert set(components["ActionRequest"]["properties"]) == {"reason"}
    for path, method, operation in operations(schema):
        if "requestBody" in operation:
            # JSON, but where a file is uploaded (a nomination's attachments)
            uploads = path == "/api/v1/nominations/{nomination_id}/attachments/" and method == "post"
            expected = ["multipart/form-data"] if uploads else ["application/json"]
            assert list(operation["requestBody"]["content"]) == expected, (method, path)
    submit = schema["paths"]["/api/v1/nominations/{id}/submit/"]["post"]
    assert submit["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ActionRequest"
    }
    assert not submit["requestBody"].get("required")  # {reason?}: no body at all is fine
    assert submit["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Nomination"
    }


def test_cycle_year_is_read_and_written_and_the_cycle_id_is_deprecated(schema):
    components = schema["components"]["schemas"]
    for name in ("Nomination", "NominationRequest", "PatchedNominationRequest"):
        assert components[name]["properties"]["cycle"]["deprecated"] is True
        assert components[name]["properties"]["cycle_year"]["type"] == "integer"
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/nominations/"]["get"]["parameters"]}
    assert parameters["cycle"].get("deprecated") is True
    assert parameters["cycle_year"]["schema"] == {"type": "integer", "minimum": 2020, "maximum": 2100}
    assert parameters["zone"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}


def test_every_status_and_choice_is_a_named_enum(schema):
    components = schema["components"]["schemas"]
    expected = {
        "NominationStatusEnum": "draft",
        "CycleStatusEnum": "formal_review",
        "OriginEnum": "upgrade",
        "CultivationModelEnum": "scenario",
        "LibraryStatusEnum": "cultivating",
        "ListStatusEnum": "superseded",
        "ListScopeEnum": "field",
        "RegionEnum": "northeast",
        "CriterionCodeEnum": "driving",
    }
    for name, value in expected.items():
        assert value in components[name]["enum"], name
    assert "exited" not in components["LibraryStatusEnum"]["enum"]
    assert not {"draft", "cancelled"} & set(components["ListStatusEnum"]["enum"])

    def ref_of(prop):
        return prop.get("$ref") or next(iter(prop.get("allOf", [{}]))).get("$ref")

    assert ref_of(components["Nomination"]["properties"]["status"]).endswith("/NominationStatusEnum")
    assert ref_of(components["Cycle"]["properties"]["status"]).endswith("/CycleStatusEnum")
    assert ref_of(components["LibraryEntry"]["properties"]["status"]).endswith("/LibraryStatusEnum")
    assert ref_of(components["ParkList"]["properties"]["status"]).endswith("/ListStatusEnum")
    assert ref_of(components["Zone"]["properties"]["region"]).endswith("/RegionEnum")
    # query parameters name the same components (no inline enum a generator would name after a label)
    for path, _method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            assert "enum" not in parameter["schema"], (path, parameter["name"])
    statuses = {p["name"]: p for p in schema["paths"]["/api/v1/lists/"]["get"]["parameters"]}["status"]
    assert statuses["schema"] == {"$ref": "#/components/schemas/ListStatusEnum"}


def test_every_operation_answers_errors_in_the_one_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail", "errors"]
    for codes in CODES.values():
        assert all(code in error["properties"]["code"]["description"] for code in codes)
    for path, method, operation in operations(schema):
        token = path.startswith(("/api/v1/nominations/", "/api/v1/portal/"))
        expected = {"400", "404"} | ({"401", "403"} if token else set())
        if token and (method == "patch" or path.endswith(("/submit/", "/withdraw/"))):
            expected.add("409")
        errors = {status for status in operation["responses"] if status.startswith("4")}
        assert errors == expected, (method, path, errors)  # no 429: the API has no throttle
        for status in errors:
            assert operation["responses"][status]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }


def test_the_token_scheme_says_how_to_send_the_token(schema):
    token = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (token["type"], token["in"], token["name"]) == ("apiKey", "header", "Authorization")
    assert "Authorization: Token <key>" in token["description"]
    nominations = schema["paths"]["/api/v1/nominations/"]["get"]
    assert {"tokenAuth": []} in nominations["security"]
    assert "security" not in schema["paths"]["/api/v1/zones/"]["get"] or schema["paths"]["/api/v1/zones/"][
        "get"
    ]["security"] in ([], [{}])
