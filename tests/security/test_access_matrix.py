"""The access-control matrix: every endpoint × every role × method, against tests/security/expectations.py.

The endpoints come from the URL resolver (tests/security/endpoints.py), so a view added anywhere is in the matrix
the moment its pattern exists: with no row in the expectation table it fails here, naming the pattern, and so
does a row whose pattern has gone. Each case is requested with the real test client, signed in with
``force_login`` as each of the ten roles, against one fixture world (tests/security/world.py) built once for the
module; each role's requests run in a savepoint that is rolled back, so an allowed POST changes nothing for the
next. A refused POST, PATCH or DELETE must leave the database exactly as it found it.

What a response counts as (the codes of the table):

* ``A``   allowed: 2xx, a 400 or 409 (the view ran and refused the empty form or body), or a redirect that is
          neither to a login page nor to the admin index
* ``R``   (a POST with a body, tests/security/endpoints.py POST_DATA) answered like ``A`` but refused inside the
          page: the database is unchanged
* ``L``   a redirect to a login page (the site's or the admin's)
* ``IX``  a redirect to the admin index: what the admin answers for an object outside the user's queryset
          ("… does not exist. Perhaps it was deleted?"), and for a signed-in staff member opening the admin login
* ``401`` ``403`` ``404`` ``405`` ``410``: that status

A new endpoint needs its rows in tests/security/expectations.py (and a filler in tests/security/endpoints.py if
it has parameters). To see what the code answers today, record instead of asserting, then check every cell
against the rules at the top of expectations.py before copying it:

    NTR_MATRIX_RECORD=/tmp/rows.tsv .venv/bin/pytest tests/security/test_access_matrix.py -k "test_access and NAME"
"""

import functools
import os
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from . import endpoints as E
from .expectations import EXPECTATIONS, KNOWN_BUGS, ROLES

CASES, UNFILLED = E.all_cases()
ALL_CASES = {**CASES, **dict.fromkeys(E.ENGLISH_SAMPLES)}
REFUSALS = {"L", "IX", "401", "403", "404", "405", "410"}
RECORD = os.environ.get("NTR_MATRIX_RECORD")  # a file to write the observed table to, instead of asserting


def methods_of(case: str) -> tuple[str, ...]:
    entry = ALL_CASES[case]
    if entry is not None and entry[0].is_api_detail:
        return ("GET", "POST", "PATCH", "DELETE")
    return ("GET", "POST")


# ---------------------------------------------------------------------------------------------------------------
# Requests and what they count as


@functools.cache
def _login_paths() -> frozenset[str]:
    paths = set()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            paths |= {reverse("accounts:login"), reverse("admin:login")}
    return frozenset(paths)


@functools.cache
def _admin_index_paths() -> frozenset[str]:
    paths = set()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            paths.add(reverse("admin:index"))
    return frozenset(paths)


def classify(response) -> str:
    status = response.status_code
    if 300 <= status < 400:
        path = urlsplit(response.get("Location", "")).path
        if path in _login_paths():
            return "L"
        if path in _admin_index_paths():
            return "IX"
        return "A"
    if 200 <= status < 300 or status in (400, 409):
        return "A"
    return str(status)


@functools.cache
def _fingerprint_sql() -> str:
    """One statement that reads, for every table of the project's models, the row count, the latest value of
    every date-time column, the number of true values of every boolean column, the sum of a ``version`` column
    and the greatest password hash, token key and status: any write a refused request made shows in it."""
    parts = []
    quote = connection.ops.quote_name
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.proxy or not model._meta.managed or label in ("sessions.session", "audit.auditevent"):
            continue
        table = quote(model._meta.db_table)
        expressions = ["COUNT(*)"]
        for field in model._meta.concrete_fields:
            column = quote(field.column)
            if isinstance(field, models.DateTimeField):
                expressions.append(f"MAX({column})")
            elif isinstance(field, models.BooleanField):
                expressions.append(f"SUM(CASE WHEN {column} THEN 1 ELSE 0 END)")
            elif field.name == "version":
                expressions.append(f"SUM({column})")
            elif field.name in ("password", "key", "status"):
                expressions.append(f"MAX({column})")
        parts.extend(f"(SELECT {expression} FROM {table})" for expression in expressions)  # noqa: S608
    return "SELECT " + ", ".join(parts)


# On PostgreSQL the transaction's own row counters tell of any insert, update or delete, cheaper and finer than
# reading every table (sessions and the audit log excepted: a refused request may log and touch its session).
PG_WRITES = """
    SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables
    WHERE relname NOT IN ('django_session', 'audit_auditevent') ORDER BY relname
"""


def fingerprint():
    with connection.cursor() as cursor:
        cursor.execute(PG_WRITES if connection.vendor == "postgresql" else _fingerprint_sql())
        return cursor.fetchall()


def url_of(case: str, world) -> str:
    if case in E.ENGLISH_SAMPLES:
        name, fill = E.ENGLISH_SAMPLES[case]
        return E.english_url(name, fill, world)
    endpoint, fill = CASES[case]
    return E.url_for(endpoint, fill, world)


def request_as(world, role: str, method: str, url: str, case: str = ""):
    """(code, response, database changed) of one request by one role, rolled back afterwards."""
    with transaction.atomic():
        client = Client(raise_request_exception=False)
        if world.sessions[role] is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
        before = fingerprint() if method != "GET" else None
        if method == "GET":
            response = client.get(url)
        elif method == "POST":
            response = client.post(url, E.POST_DATA[case](world) if case in E.POST_DATA else {})
        else:
            response = client.generic(method, url, b"", content_type="application/json")
        changed = method != "GET" and fingerprint() != before
        transaction.set_rollback(True)
    return classify(response), response, changed


def _describe(response) -> str:
    location = response.get("Location", "")
    return f"{response.status_code}{' → ' + location if location else ''}"


# ---------------------------------------------------------------------------------------------------------------
# The table is complete and current


def missing_expectations(case_ids) -> list[str]:
    expected_cases = {case for case, _method in EXPECTATIONS}
    return sorted(case for case in case_ids if case not in expected_cases)


def stale_expectations(case_ids) -> list[str]:
    return sorted({case for case, _method in EXPECTATIONS if case not in case_ids})


def test_every_endpoint_has_an_expectation():
    missing = missing_expectations(ALL_CASES)
    assert not missing, "new endpoint without an access expectation: " + ", ".join(missing)


def test_every_expectation_names_an_existing_endpoint():
    gone = stale_expectations(ALL_CASES)
    assert not gone, "access expectation for an endpoint that no longer exists: " + ", ".join(gone)


def test_the_completeness_checks_catch_a_new_endpoint_and_a_removed_one(settings):
    """Against a URLconf with two views more and ``healthz`` gone: both new views are named (the one with a
    parameter as unfillable), and so is healthz's orphaned row."""
    settings.ROOT_URLCONF = "tests.security.urls_changed"
    cases, unfilled = E.all_cases()
    case_ids = {**cases, **dict.fromkeys(E.ENGLISH_SAMPLES)}
    assert missing_expectations(case_ids) == ["secret_report"]
    assert unfilled == ["secret_item"]
    assert stale_expectations(case_ids) == ["healthz"]


def test_every_parameter_is_filled_or_explained():
    assert not UNFILLED, (
        "endpoint whose parameters the matrix cannot fill (add a filler in tests/security/endpoints.py, or list "
        "it in UNFILLABLE with the reason): " + ", ".join(UNFILLED)
    )
    stale = sorted(set(E.UNFILLABLE) - set(E.endpoints()))
    assert not stale, "UNFILLABLE names patterns that no longer exist: " + ", ".join(stale)


def test_every_method_has_an_expectation():
    missing = sorted(
        f"{case} {method}"
        for case in ALL_CASES
        for method in methods_of(case)
        if any(c == case for c, _m in EXPECTATIONS) and (case, method) not in EXPECTATIONS
    )
    assert not missing, "endpoint method without an access expectation: " + ", ".join(missing)


def test_the_fingerprint_sees_a_write(world, db):
    """What tells a refused request's writes: an update of one column is seen, and a read is not."""
    from django.utils import timezone

    from tracks.models import Notification

    before = fingerprint()
    assert fingerprint() == before
    with transaction.atomic():
        Notification.objects.filter(pk=world.notifications["reviewer"].pk).update(read_at=timezone.now())
        assert fingerprint() != before
        transaction.set_rollback(True)


def test_known_bugs_name_expected_cells():
    for case, method, role in KNOWN_BUGS:
        assert (case, method) in EXPECTATIONS and role in ROLES, (case, method, role)


# ---------------------------------------------------------------------------------------------------------------
# The matrix


PARAMS = [(case, method) for case in sorted(ALL_CASES) for method in methods_of(case)]


@pytest.mark.parametrize(("case", "method"), PARAMS, ids=[f"{c} {m}" for c, m in PARAMS])
def test_access(world, db, case, method):
    row = EXPECTATIONS.get((case, method))
    if row is None and not RECORD:
        pytest.fail(f"new endpoint without an access expectation: {case} {method}")
    expected = dict(zip(ROLES, row.split(), strict=True)) if row else {}
    url = url_of(case, world)
    observed, problems = {}, []
    for role in ROLES:
        code, response, changed = request_as(world, role, method, url, case)
        if code == "A" and method == "POST" and case in E.POST_DATA and not changed:
            code = "R"
        observed[role] = code
        if (case, method, role) in KNOWN_BUGS or not expected:
            continue
        if code != expected[role] and not (expected[role] == "A" and code == "R"):
            problems.append(f"  {role}: expected {expected[role]}, got {code} ({_describe(response)})")
        if changed and code in REFUSALS:
            problems.append(f"  {role}: refused with {code} but the database changed")
    if RECORD:
        with open(RECORD, "a", encoding="utf-8") as out:
            out.write(f"{case}\t{method}\t{' '.join(observed[r] for r in ROLES)}\t{url}\n")
        return
    assert not problems, f"{method} {url} ({case}):\n" + "\n".join(problems)


if KNOWN_BUGS:  # defined only while there are known bugs, so an empty table shows no empty skipped test

    @pytest.mark.parametrize(
        ("case", "method", "role"),
        [
            pytest.param(case, method, role, marks=pytest.mark.xfail(strict=True, reason=reason))
            for (case, method, role), reason in KNOWN_BUGS.items()
        ],
    )
    def test_known_access_bug(world, db, case, method, role):
        """The cells of KNOWN_BUGS: the expectation is right and the code is not (yet)."""
        expected = dict(zip(ROLES, EXPECTATIONS[(case, method)].split(), strict=True))[role]
        code, response, changed = request_as(world, role, method, url_of(case, world), case)
        if code == "A" and method == "POST" and case in E.POST_DATA and not changed:
            code = "R"
        assert code == expected and not (changed and code in REFUSALS), _describe(response)
