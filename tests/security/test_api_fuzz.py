"""schemathesis against the API's own OpenAPI schema (/api/schema/), through WSGI, on the fixture world.

Every operation of /api/v1/ is fuzzed twice, anonymously and with the API token of 广东's official, with every
check schemathesis has (no 5xx; every status, content type, header and body as documented; invalid data refused
and valid data accepted; 405 with Allow for an undocumented method; no answer without the token where one is
needed) and the rules of ``schemathesis.toml`` at the project root, the same file a plain ``schemathesis run`` of
the live schema reads: the business refusals of the token API's writes (documented 400/409 codes, in the Error
shape) count as answers to valid data. Examples are bounded and derandomised (``MAX_EXAMPLES`` per operation and
mode), so it runs in CI; the examples, coverage and fuzzing modes run (the stateful phase is the CLI's).

The schema is used as published: it documents the error answers itself (tracks.api.schema), so nothing is added
to the loaded copy. Path parameters are drawn half from hypothesis and half from the ids that exist in the fixture
world (tests/security/world.py), so the detail operations answer 200 with real bodies, not only 404s.
"""

import json
from pathlib import Path

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from . import world as W

SCHEMA_PATH = "/api/schema/"
CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"
MAX_EXAMPLES = 12


def _raw_schema() -> dict:
    response = Client(HTTP_HOST="localhost").get(SCHEMA_PATH, HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200, response
    return json.loads(response.content)


def _wsgi():
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


RAW_SCHEMA = _raw_schema()
schema = schemathesis.openapi.from_dict(RAW_SCHEMA, config=SchemathesisConfig.from_path(CONFIG))
schema.app = _wsgi()
schema.location = SCHEMA_PATH

# ids that exist in the world, per (path, parameter); filled by the ``known_ids`` fixture before any example runs
KNOWN: dict[tuple[str, str], list] = {}
NOMINATION_PATHS = (
    "/api/v1/nominations/{id}/",
    "/api/v1/nominations/{id}/submit/",
    "/api/v1/nominations/{id}/withdraw/",
)
KNOWN_KEYS = [
    ("/api/v1/zones/{id}/", "id"),
    ("/api/v1/provinces/{code}/", "code"),
    ("/api/v1/fields/{code}/", "code"),
    ("/api/v1/tracks/{id}/", "id"),
    ("/api/v1/library/{id}/", "id"),
    ("/api/v1/lists/{id}/", "id"),
    ("/api/v1/cycles/{year}/", "year"),
    ("/api/v1/portal/quotas/{cycle_year}/", "cycle_year"),
    *((path, "id") for path in NOMINATION_PATHS),
]


def _known_ids(w) -> dict[tuple[str, str], list]:
    years = [w.open_cycle.year, w.published.cycle.year, w.notice.cycle.year]
    return {
        ("/api/v1/zones/{id}/", "id"): [W.zone_pk(key) for key in (W.ZS, W.SZ, W.NJ)],
        ("/api/v1/provinces/{code}/", "code"): [W.GD, W.JS],
        ("/api/v1/fields/{code}/", "code"): [w.field.code],
        ("/api/v1/tracks/{id}/", "id"): [w.humanoid.pk, w.storage.pk, w.proposed.pk],
        ("/api/v1/library/{id}/", "id"): [entry.pk for entry in w.entries.values()],
        ("/api/v1/lists/{id}/", "id"): [w.published.pk, w.notice.pk, w.draft_list.pk],
        ("/api/v1/cycles/{year}/", "year"): years,
        ("/api/v1/portal/quotas/{cycle_year}/", "cycle_year"): years,
        **{(path, "id"): [*(n.pk for n in w.drafts.values()), w.submitted.pk] for path in NOMINATION_PATHS},
    }


@schema.hook
def before_generate_path_parameters(context, strategy):
    path = context.operation.path
    names = [name for (known_path, name) in KNOWN_KEYS if known_path == path]
    if not names:
        return strategy

    def known():
        # the examples and coverage modes draw at collection time, before the world exists: generated values then
        if not KNOWN:
            return strategy
        return st.fixed_dictionaries({name: st.sampled_from(KNOWN[(path, name)]) for name in names})

    return st.one_of(st.deferred(known), strategy)


@pytest.fixture(autouse=True)
def _connection_kept_across_requests():
    """The WSGI handler closes "old" connections at each request's start and end, as a server must; inside a
    test's transaction that would close it (PostgreSQL, CONN_MAX_AGE > 0). Django's test client turns this off for
    its requests; schemathesis calls the real handler, so it is turned off here for the test's duration."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def known_ids(world):
    KNOWN.update(_known_ids(world))
    return KNOWN


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


# 5xx the fuzzing finds are fixed, not skipped: the one it found (a `track` id beyond 64 bits reaching SQLite as an
# integer it cannot hold) is refused with a 400 by tracks.api.filters.IdFilter and pinned by the test below.


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_anonymous(case, known_ids, db):
    case.call_and_validate()


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_provincial_official(case, world, known_ids, db):
    token = world.tokens["official_a"].key
    case.call_and_validate(headers={"Authorization": f"Token {token}"})


@pytest.mark.parametrize("path", ["/api/v1/lists/", "/api/v1/library/"])
@pytest.mark.parametrize("value", ["99999999999999999999", "-1.4910868300880259e+71", "0", "1.5"])
def test_an_out_of_range_track_filter_is_a_clear_400(db, path, value):
    """What the fuzzing found (a 500 on SQLite), pinned without hypothesis: a track id no integer column holds."""
    response = Client(raise_request_exception=False).get(path, {"track": value})
    assert response.status_code == 400, response.status_code
    assert list(response.json()["errors"]) == ["track"]


def test_every_api_route_is_in_the_schema():
    """The fuzzing covers what the schema lists: every /api/v1/ route of the resolver must be in it."""
    from .endpoints import endpoints

    documented = set(RAW_SCHEMA["paths"])
    routes = set()
    for endpoint in endpoints().values():
        if (
            not endpoint.route.startswith("api/v1/")
            or "format" in endpoint.params
            or endpoint.route == "api/v1/"
        ):
            continue
        route = endpoint.route
        for name in ("pk", "code", "year", "cycle_year", "nomination_id"):
            label = "{" + ("id" if name == "pk" else name) + "}"
            route = route.replace(f"(?P<{name}>[^/.]+)", label).replace(f"(?P<{name}>[0-9]{{4}})", label)
        routes.add("/" + route.rstrip("$"))
    assert routes == documented


def test_the_loaded_configuration_is_the_project_roots():
    """A plain `schemathesis run` from the project root reads the same file this module loads."""
    assert schema.config.config_path == str(CONFIG)
    assert SchemathesisConfig.from_path(CONFIG).config_path == str(CONFIG)
