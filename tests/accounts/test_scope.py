"""The one access scope: the ladder decided once, resolved once per request, from the token's account in the API."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.scope import Scope
from tests import factories
from tracks import selectors
from tracks.models import Nomination

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_provinces():
    """Two nominations in Guangdong (zones 03 and 04) and one in Beijing."""
    cycle = factories.CycleFactory()
    return {
        "gd03": factories.NominationFactory(cycle=cycle, zone=factories.zone("440000-03")),
        "gd04": factories.NominationFactory(cycle=cycle, zone=factories.zone("440000-04")),
        "bj": factories.NominationFactory(cycle=cycle, zone=factories.zone("110000-01")),
    }


def _visible(scope, nominations) -> set[str]:
    names = {n.pk: name for name, n in nominations.items()}
    return {names[pk] for pk in selectors.nominations_for(scope).values_list("pk", flat=True)}


def test_the_ladder_for_each_role(two_provinces):
    superuser = get_user_model().objects.create_superuser("root", "root@example.gov.cn", "x")
    assert _visible(Scope.of(factories.staff()), two_provinces) == {"gd03", "gd04", "bj"}
    assert _visible(Scope.of(superuser), two_provinces) == {"gd03", "gd04", "bj"}
    assert _visible(Scope.of(factories.official("440000")), two_provinces) == {"gd03", "gd04"}
    assert _visible(Scope.of(factories.zone_preparer("440000-03")), two_provinces) == {"gd03"}
    assert _visible(Scope.of(factories.reviewer()), two_provinces) == set()
    assert _visible(Scope.of(None), two_provinces) == set()


def test_covers_agrees_with_narrow(two_provinces):
    scopes = [
        Scope.of(factories.staff()),
        Scope.of(factories.official("440000")),
        Scope.of(factories.zone_preparer("440000-04")),
        Scope.of(factories.reviewer()),
    ]
    for scope in scopes:
        narrowed = set(scope.narrow(Nomination.objects.all()).values_list("pk", flat=True))
        covered = {
            n.pk for n in two_provinces.values() if scope.covers(province_id=n.province_id, zone_id=n.zone_id)
        }
        assert narrowed == covered, scope


def test_a_preparer_acts_for_the_zone_and_its_province():
    scope = Scope.of(factories.zone_preparer("440000-03"))
    assert scope.zone.key == "440000-03"
    assert scope.province.code == "440000"
    assert scope.is_portal_user and not scope.is_official
    official = Scope.of(factories.official("440000"))
    assert official.zone is None and official.province.code == "440000" and official.is_official


def test_the_scope_is_memoised_on_the_account():
    user = factories.official("440000")
    assert Scope.of(user) is Scope.of(user)
    scope = Scope.of(user)
    assert Scope.of(scope) is scope
    assert scope.province.code == "440000"  # resolved on first use ...
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert scope.province.code == "440000"
            assert not scope.is_programme_staff
    assert len(queries) == 0  # ... and never again


def test_the_token_api_scopes_by_the_tokens_account_not_the_session(two_provinces):
    """A browser signed in as Beijing's official that sends Guangdong's token acts as Guangdong."""
    beijing, guangdong = factories.official("110000"), factories.official("440000")
    client = APIClient()
    client.force_login(beijing)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=guangdong).key}")
    response = client.get("/api/v1/nominations/")
    assert response.status_code == 200
    zones = {row["zone"] for row in response.json()["results"]}
    assert zones == {two_provinces["gd03"].zone_id, two_provinces["gd04"].zone_id}


def test_a_portal_page_resolves_the_role_once(client, two_provinces):
    """The portal's list page asks who the user is in several places; the groups and the binding are read once."""
    official = factories.official("440000")
    client.force_login(official)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/portal/nominations/").status_code == 200
    group_reads = [q for q in queries if "auth_user_groups" in q["sql"]]
    profile_reads = [q for q in queries if 'FROM "accounts_profile"' in q["sql"]]
    assert len(group_reads) == 1, [q["sql"] for q in group_reads]
    assert len(profile_reads) == 1, [q["sql"] for q in profile_reads]


def test_a_public_page_never_loads_the_session(client):
    """Public pages are cached and shared: resolving no scope there, they never read the session."""
    client.force_login(factories.official("440000"))
    response = client.get("/lists/")
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")
