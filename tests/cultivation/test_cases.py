"""Typical cases: staff write them in the admin and publish or unpublish them (services, audited); the public reads
published ones only, filterable by model, field and region, with nothing of the entry beyond what is public."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from cultivation import services
from cultivation.models import CaseStatus, TypicalCase
from tests import factories as f
from tests.cultivation.support import login
from tracks import models as m

pytestmark = pytest.mark.django_db


# -- the services --------------------------------------------------------------------------------------------------


def test_staff_publish_a_case_and_it_is_stamped_and_audited(world):
    case = f.TypicalCaseFactory(entry=world.entries["zs"])

    services.case_publish(actor=world.users["staff"], case=case)

    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED
    assert case.published_by == world.users["staff"]
    assert case.published_at is not None
    event = AuditEvent.objects.get(action="typicalcase.publish")
    assert event.object_id == str(case.pk)
    assert event.after["status"] == "published"


@pytest.mark.parametrize("who", ["gd", "zs", "reviewer"])
def test_only_staff_publish(world, who):
    case = f.TypicalCaseFactory(entry=world.entries["zs"])
    with pytest.raises(PermissionDenied):
        services.case_publish(actor=world.users[who], case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_publishing_twice_and_an_incomplete_case_are_refused(world):
    case = f.TypicalCaseFactory(entry=world.entries["zs"])
    services.case_publish(actor=world.users["staff"], case=case)
    with pytest.raises(ValidationError, match="已发布"):
        services.case_publish(actor=world.users["staff"], case=case)
    empty = f.TypicalCaseFactory(entry=world.entries["zs"], body="  ")
    with pytest.raises(ValidationError, match="发布前请填写：正文"):
        services.case_publish(actor=world.users["staff"], case=empty)


def test_unpublish_takes_a_case_off_the_site(client, world):
    case = f.TypicalCaseFactory(entry=world.entries["zs"], title="中山人形机器人场景")
    services.case_publish(actor=world.users["staff"], case=case)
    assert client.get(reverse("cultivation:case_detail", args=[case.pk])).status_code == 200

    services.case_unpublish(actor=world.users["staff"], case=case, reason="内容待更新")

    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    assert case.published_at is None
    assert AuditEvent.objects.get(action="typicalcase.unpublish").reason == "内容待更新"
    assert client.get(reverse("cultivation:case_detail", args=[case.pk])).status_code == 404
    with pytest.raises(ValidationError, match="尚未发布"):
        services.case_unpublish(actor=world.users["staff"], case=case)


# -- the public pages --------------------------------------------------------------------------------------------


def test_the_public_sees_only_published_cases(client, world):
    published = f.TypicalCaseFactory(entry=world.entries["zs"], title="已发布的案例")
    services.case_publish(actor=world.users["staff"], case=published)
    draft = f.TypicalCaseFactory(entry=world.entries["gz"], title="草稿中的案例")

    listing = client.get(reverse("cultivation:case_list"))
    detail = client.get(reverse("cultivation:case_detail", args=[published.pk]))
    hidden = client.get(reverse("cultivation:case_detail", args=[draft.pk]))

    assert listing.status_code == 200
    body = listing.content.decode()
    assert "已发布的案例" in body
    assert "草稿中的案例" not in body
    assert [case.pk for case in listing.context["page"].object_list] == [published.pk]
    assert detail.status_code == 200
    assert hidden.status_code == 404


def test_a_case_page_shows_public_facts_and_no_indicators(client, world):
    entry = world.entries["zs"]
    f.MonitoringReportFactory(entry=entry, year=2025, revenue=Decimal("987.65"))
    f.NominationFactory(
        cycle=world.cycle,
        zone=entry.zone,
        province=entry.zone.province,
        track=entry.track,
        narrative="不公开的申报材料正文",
        status=m.NominationStatus.ACCEPTED,
        library_entry=entry,
    )
    f.SupportMeasureFactory(entry=entry, title="不公开的培育举措", date=datetime.date(2025, 2, 1))
    case = f.published_case(
        entry=entry,
        title="场景牵引人形机器人",
        summary="以养老场景牵引。",
        body="第一段。\n\n第二段。",
        cultivation_model=m.CultivationModel.SCENARIO,
    )

    response = client.get(reverse("cultivation:case_detail", args=[case.pk]))

    body = response.content.decode()
    for public in (
        "场景牵引人形机器人",
        "以养老场景牵引。",
        "<p>第一段。</p>",
        "中山火炬高技术产业开发区",
        "广东省",
        "人形机器人",
        "人工智能",
        "应用场景牵引",
    ):
        assert public in body, public
    for private in ("987.65", "不公开的申报材料正文", "不公开的培育举措"):
        assert private not in body, private


def test_the_public_pages_are_cacheable_and_impersonal(client, world):
    case = f.published_case(entry=world.entries["zs"])
    login(client, world.users["gd"])

    for url in (reverse("cultivation:case_list"), reverse("cultivation:case_detail", args=[case.pk])):
        response = client.get(url)
        assert "public" in response["Cache-Control"]
        assert "Cookie" not in response.get("Vary", "")
        body = response.content.decode()
        assert "csrfmiddlewaretoken" not in body
        assert "gd_official" not in body


def test_cases_are_filtered_by_model_field_and_region(client, world):
    chengdu = f.zone("510000-01")
    west = f.LibraryEntryFactory(zone=chengdu, track=world.storage, entered_cycle=world.cycle)
    scenario_gd = f.published_case(entry=world.entries["zs"], cultivation_model=m.CultivationModel.SCENARIO)
    corporate_nj = f.published_case(
        entry=world.entries["nj"], cultivation_model=m.CultivationModel.CORPORATE_VENTURE
    )
    scientist_cd = f.published_case(entry=west, cultivation_model=m.CultivationModel.SCIENTIST_ENTREPRENEUR)
    f.TypicalCaseFactory(entry=west, cultivation_model=m.CultivationModel.SCENARIO)  # a draft, never listed

    def listed(**params):
        response = client.get(reverse("cultivation:case_list"), params)
        return {case.pk for case in response.context["page"].object_list}

    assert listed() == {scenario_gd.pk, corporate_nj.pk, scientist_cd.pk}
    assert listed(model="scenario") == {scenario_gd.pk}
    assert listed(field="energy") == {corporate_nj.pk, scientist_cd.pk}
    assert listed(region="west") == {scientist_cd.pk}
    assert listed(region="east", field="energy") == {corporate_nj.pk}
    assert listed(model="unknown") == {
        scenario_gd.pk,
        corporate_nj.pk,
        scientist_cd.pk,
    }  # ignored, not an error
    counts = client.get(reverse("cultivation:case_list"), {"page": 1}).context["model_counts"]
    assert {row["code"]: row["count"] for row in counts} == {
        "scenario": 1,
        "scientist_entrepreneur": 1,
        "corporate_venture": 1,
        "other": 0,
    }


def test_the_header_links_the_cases(client, world):
    response = client.get(reverse("cultivation:case_list"))
    assert (
        f'href="{reverse("cultivation:case_list")}" aria-current="page">典型案例</a>'
        in response.content.decode()
    )


@pytest.mark.parametrize("size", [2, 25])
def test_case_list_queries_do_not_grow(client, world, django_assert_max_num_queries, size):
    for index in range(size):
        entry = f.LibraryEntryFactory(
            zone=f.zone("440000-02"), entered_cycle=world.cycle, track=f.TrackFactory(field=world.ai)
        )
        f.published_case(entry=entry, title=f"案例{index}")

    with django_assert_max_num_queries(5):
        response = client.get(reverse("cultivation:case_list"), {"model": "scenario"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == size


@pytest.mark.parametrize("size", [1, 12])
def test_case_detail_queries_do_not_grow(client, world, django_assert_max_num_queries, size):
    cases = [f.published_case(entry=world.entries["zs"], title=f"案例{i}") for i in range(size)]

    with django_assert_max_num_queries(2):
        response = client.get(reverse("cultivation:case_detail", args=[cases[0].pk]))

    assert response.status_code == 200
    assert len(response.context["others"]) == min(size - 1, 5)


# -- the admin -----------------------------------------------------------------------------------------------------


def test_staff_write_and_publish_a_case_in_the_admin(client, world):
    login(client, world.users["staff"])
    entry = world.entries["zs"]

    add = client.get(reverse("admin:cultivation_typicalcase_add"), {"entry": entry.pk})
    created = client.post(
        reverse("admin:cultivation_typicalcase_add"),
        {
            "entry": entry.pk,
            "title": "大企业内部创业孵化人形机器人",
            "cultivation_model": "corporate_venture",
            "summary": "龙头企业内部孵化。",
            "body": "正文。",
            "audit_reason": "",
        },
    )

    assert add.status_code == 200
    assert created.status_code == 302
    case = TypicalCase.objects.get()
    assert case.created_by == world.users["staff"]
    assert case.status == CaseStatus.DRAFT
    assert AuditEvent.objects.filter(action="typicalcase.create", object_id=str(case.pk)).exists()

    changelist = reverse("admin:cultivation_typicalcase_changelist")
    client.post(changelist, {"action": "publish_cases", "_selected_action": [case.pk]})

    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED
    assert client.get(changelist, {"status": "published", "q": "内部创业"}).status_code == 200


def test_staff_search_and_filter_measures_in_the_admin_read_only(client, world):
    measure = f.SupportMeasureFactory(entry=world.entries["nj"], title="新型储能示范应用")
    login(client, world.users["staff"])
    changelist = reverse("admin:cultivation_supportmeasure_changelist")

    found = client.get(changelist, {"q": "储能示范"})
    filtered = client.get(
        changelist,
        {"kind__exact": "technology", "entry__zone__province__id__exact": measure.entry.zone.province_id},
    )
    change = client.get(reverse("admin:cultivation_supportmeasure_change", args=[measure.pk]))

    assert found.status_code == 200
    assert "新型储能示范应用" in found.content.decode()
    assert filtered.status_code == 200
    assert list(filtered.context["cl"].result_list) == [measure]
    assert change.status_code == 200
    assert client.get(reverse("admin:cultivation_supportmeasure_add")).status_code == 403
    assert (
        client.post(reverse("admin:cultivation_supportmeasure_delete", args=[measure.pk])).status_code == 403
    )


@pytest.mark.parametrize("who", ["gd", "reviewer"])
def test_others_do_not_reach_the_cultivation_admin(client, world, who):
    login(client, world.users[who])
    response = client.get(reverse("admin:cultivation_typicalcase_changelist"))
    assert response.status_code in (302, 403)


def test_the_case_pages_exist_in_english_too(client, world):
    case = f.published_case(entry=world.entries["zs"])

    listing = client.get("/en/cultivation/cases/")
    detail = client.get(f"/en/cultivation/cases/{case.pk}/")

    assert listing.status_code == detail.status_code == 200
    assert 'lang="en"' in listing.content.decode()
    assert '<a href="/en/cultivation/cases/"' in listing.content.decode()
