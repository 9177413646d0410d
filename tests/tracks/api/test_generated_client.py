"""A Python client generated from /api/schema/ with openapi-python-client, used as a provincial system and as an
anonymous reader would use it, against a live server.

The client is generated once per test session into a temporary directory, with no configuration file and
``--fail-on-warning`` (a schema the generator warns about fails here), and imported as it is: nothing of the
generated code is patched. The only thing a user of the client must know beyond the schema is the token prefix,
which the schema's security scheme states: ``AuthenticatedClient(…, prefix="Token")``.
"""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token

from tests import factories as f
from tests import rounds
from tests.tracks.portal_support import GD, GZ, NJ, ZS
from tracks import models as m

# The live server runs in another thread: the test's rows must be committed, and serialized_rollback restores the
# reference data (zones, role groups) that the flush at the end of a transactional test removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PACKAGE = "ntr_api_client"  # what openapi-python-client makes of the title "NTR API", with no config file


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """The generated client package, imported (once per session)."""
    directory = tmp_path_factory.mktemp("client")
    with translation.override("zh-hans"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    document = json.loads(json.dumps(schema, default=str))
    validate(document)
    path = directory / "schema.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    # the generator formats its output with ruff (a dev dependency in the same environment)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(  # noqa: S603 - our own dev tool, fixed arguments
        [str(bin_dir / "openapi-python-client"), "generate", "--path", str(path), "--meta", "none"]
        + ["--fail-on-warning"],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (directory / PACKAGE / "__init__.py").exists(), result.stdout
    sys.path.insert(0, str(directory))
    try:
        yield SimpleModules(PACKAGE)
    finally:
        sys.path.remove(str(directory))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
            del sys.modules[name]


class SimpleModules:
    """``generated.api("nominations.nominations_create")``, ``generated.models.Nomination``…"""

    def __init__(self, package: str):
        self.package = package
        self.client = importlib.import_module(f"{package}.client")
        self.models = importlib.import_module(f"{package}.models")
        self.types = importlib.import_module(f"{package}.types")

    def api(self, dotted: str):
        return importlib.import_module(f"{self.package}.api.{dotted}")


def _token(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def test_a_provincial_system_runs_the_whole_flow_with_the_generated_client(generated, world, live_server):
    api, models = generated.api, generated.models
    client = generated.client.AuthenticatedClient(
        base_url=live_server.url, token=_token(world.gd), prefix="Token"
    )

    # my zones, and the track to nominate
    zones = api("portal.portal_zones_list").sync(client=client)
    assert {zone.province.code for zone in zones} == {GD}
    zhongshan = next(zone for zone in zones if zone.key == ZS)
    tracks = api("tracks.tracks_list").sync(client=client, search="人形")
    assert [track.name for track in tracks.results] == ["人形机器人"]
    humanoid = tracks.results[0]

    # the cycle open for nominations (public), and the province's quota in it (token API)
    cycles = api("cycles.cycles_list").sync(client=client)
    assert [(c.year, c.status) for c in cycles] == [(2031, models.CycleStatusEnum.NOMINATION)]
    quota = api("portal.portal_quotas_retrieve").sync(cycle_year=2031, client=client)
    assert (quota.quota, quota.used, quota.remaining, quota.window_open) == (3, 0, 3, True)
    assert quota.extension_closes_at is None and quota.province.code == GD

    # create a draft: only what a client knows, by the cycle's year
    body = models.NominationRequest(
        zone=zhongshan.id,
        track=humanoid.id,
        cycle_year=2031,
        origin=models.OriginEnum.EXTENSION,
        cultivation_model=models.CultivationModelEnum.SCENARIO,
        public_summary="依托龙头企业，形成完整链条。",
        narrative="正文",
        enterprise_count=120,
        high_tech_enterprise_count=60,
        specialized_enterprise_count=12,
        gazelle_count=5,
        unicorn_count=1,
        invention_patents=840,
        research_platforms=15,
        application_scenarios=18,
        incubators=6,
        pilot_platforms=3,
        revenue="356.40",
        rd_spending="21.30",
        financing=42,
        revenue_growth="-1.25",
    )
    created = api("nominations.nominations_create").sync_detailed(client=client, body=body)
    assert created.status_code == 201, created.content
    draft = created.parsed
    assert isinstance(draft, models.Nomination)
    assert (draft.status, draft.cycle_year, draft.version) == (models.NominationStatusEnum.DRAFT, 2031, 1)
    assert (draft.revenue, draft.financing, draft.revenue_growth) == ("356.40", "42.00", "-1.25")

    # update with the version read; clear a value with None (sent as JSON null, not the text "None")
    update = api("nominations.nominations_partial_update")
    edited = update.sync(
        id=draft.id, client=client, body=models.PatchedNominationRequest(narrative="省级补充", version=1)
    )
    assert (edited.narrative, edited.version) == ("省级补充", 2)
    cleared = update.sync(
        id=draft.id, client=client, body=models.PatchedNominationRequest(unicorn_count=None)
    )
    assert cleared.unicorn_count is None and cleared.version == 3
    update.sync(id=draft.id, client=client, body=models.PatchedNominationRequest(unicorn_count=1))

    # a stale update is a typed 409
    stale = update.sync_detailed(
        id=draft.id, client=client, body=models.PatchedNominationRequest(narrative="旧页面", version=1)
    )
    assert stale.status_code == 409
    assert isinstance(stale.parsed, models.Error) and stale.parsed.code == "version_conflict"
    assert "他人修改" in stale.parsed.detail

    # submit (recommend) with no body, then withdraw with a reason
    submitted = api("nominations.nominations_submit").sync(id=draft.id, client=client)
    assert submitted.status == models.NominationStatusEnum.SUBMITTED
    quota = api("portal.portal_quotas_retrieve").sync(cycle_year=2031, client=client)
    assert (quota.used, quota.remaining) == (1, 2)
    mine = api("nominations.nominations_list").sync(client=client, cycle_year=2031)
    assert [(n.id, n.status) for n in mine.results] == [(draft.id, models.NominationStatusEnum.SUBMITTED)]
    withdrawn = api("nominations.nominations_withdraw").sync(
        id=draft.id, client=client, body=models.ActionRequest(reason="调整方向")
    )
    assert (withdrawn.status, withdrawn.status_reason) == (models.NominationStatusEnum.WITHDRAWN, "调整方向")

    # errors, read as typed objects
    again = api("nominations.nominations_withdraw").sync_detailed(id=draft.id, client=client)
    assert again.status_code == 400 and again.parsed.code == "invalid_state"
    elsewhere = models.NominationRequest(zone=f.zone(NJ).pk, track=humanoid.id)
    refused = api("nominations.nominations_create").sync_detailed(client=client, body=elsewhere)
    assert refused.status_code == 400 and refused.parsed.code == "invalid"
    assert refused.parsed.errors["zone"] == ["「南京高新技术产业开发区」不属于广东省，您不能为其创建推荐。"]
    other = f.NominationFactory(cycle=world.cycle, zone=f.zone(NJ), track=world.storage)
    hidden = api("nominations.nominations_retrieve").sync_detailed(id=other.pk, client=client)
    assert hidden.status_code == 404 and hidden.parsed.code == "not_found"
    bearer = generated.client.AuthenticatedClient(base_url=live_server.url, token=_token(world.gd))
    unauthorised = api("nominations.nominations_list").sync_detailed(client=bearer)
    assert unauthorised.status_code == 401 and unauthorised.parsed.code == "not_authenticated"
    assert unauthorised.headers["WWW-Authenticate"] == "Token"
    assert set(unauthorised.headers["Cache-Control"].split(", ")) == {"private", "no-store"}


def test_the_quota_is_409_as_a_typed_error(generated, world, live_server):
    api, models = generated.api, generated.models
    f.NominationFactory(
        cycle=world.cycle, zone=f.zone(GZ), track=world.storage, status=m.NominationStatus.SUBMITTED
    )
    world.cycle.default_quota = 1
    world.cycle.save()
    draft = f.NominationFactory(cycle=world.cycle, zone=f.zone(ZS), track=world.humanoid)
    client = generated.client.AuthenticatedClient(
        base_url=live_server.url, token=_token(world.gd), prefix="Token"
    )
    response = api("nominations.nominations_submit").sync_detailed(id=draft.pk, client=client)
    assert response.status_code == 409
    assert isinstance(response.parsed, models.Error)
    assert (response.parsed.code, response.parsed.errors.additional_properties) == ("quota_exceeded", {})


def test_an_anonymous_reader_reads_the_public_api_with_the_generated_client(generated, live_server):
    api, models = generated.api, generated.models
    published, _staff = rounds.published_list(["440000-03", "440000-01"], year=2025)
    client = generated.client.Client(base_url=live_server.url)

    provinces = api("provinces.provinces_list").sync(client=client)
    assert len(provinces) == 32 and provinces[0].region in set(models.RegionEnum)
    guangdong = api("provinces.provinces_retrieve").sync(code=GD, client=client)
    assert guangdong.name == "广东省"
    zones = api("zones.zones_list").sync(client=client, province=GD, page_size=100)
    assert {zone.province.code for zone in zones.results} == {GD} and zones.count == len(zones.results)
    zone = api("zones.zones_retrieve").sync(id=zones.results[0].id, client=client)
    assert zone.key == zones.results[0].key
    northeast = api("zones.zones_list").sync(client=client, region=models.RegionEnum.NORTHEAST)
    assert northeast.count > 0

    fields = api("fields.fields_list").sync(client=client)
    field = api("fields.fields_retrieve").sync(code=fields[0].code, client=client)
    assert field.code == fields[0].code
    tracks = api("tracks.tracks_list").sync(client=client, field=published.track.field.code)
    assert published.track.name in [track.name for track in tracks.results]
    assert (
        api("tracks.tracks_retrieve").sync(id=published.track_id, client=client).name == published.track.name
    )

    cycle = api("cycles.cycles_retrieve").sync(year=2025, client=client)
    assert cycle.status == published.cycle.status and isinstance(cycle.status, models.CycleStatusEnum)
    assert [c.year for c in api("cycles.cycles_list").sync(client=client, status=cycle.status)] == [2025]
    assert api("cycles.cycles_list").sync(client=client, status=models.CycleStatusEnum.PLANNING) == []

    lists = api("lists.lists_list").sync(
        client=client, cycle_year=2025, status=models.ListStatusEnum.PUBLISHED
    )
    assert [(item.id, item.cycle_year, item.scope) for item in lists.results] == [
        (published.pk, 2025, models.ListScopeEnum.TRACK)
    ]
    detail = api("lists.lists_retrieve").sync(id=published.pk, client=client)
    assert [entry.zone.key for entry in detail.entries] == ["440000-03", "440000-01"]
    assert {criterion.code for criterion in detail.criteria} == set(models.CriterionCodeEnum)
    library = api("library.library_list").sync(client=client, status=models.LibraryStatusEnum.CULTIVATING)
    assert library.count >= 0

    missing = api("lists.lists_retrieve").sync_detailed(id=published.pk + 1000, client=client)
    assert missing.status_code == 404 and missing.parsed.code == "not_found"
    bad = api("zones.zones_list").sync_detailed(client=client, page_size=0)
    assert bad.status_code == 400 and list(bad.parsed.errors.additional_properties) == ["page_size"]
