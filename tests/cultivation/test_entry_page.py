"""An entry's page: its measures on a timeline beside its yearly monitoring, so staff see what followed which
measure; a chart of one indicator per year with the measures placed by date; a constant number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories as f
from tests.cultivation.support import login

pytestmark = pytest.mark.django_db


def _report(entry, year, revenue, **kwargs):
    kwargs.setdefault("enterprise_count", 100)
    return f.MonitoringReportFactory(entry=entry, year=year, revenue=Decimal(revenue), **kwargs)


def _measure(world, entry, day, kind="technology", **kwargs):
    return f.SupportMeasureFactory(entry=entry, date=day, kind=kind, recorded_by=world.users["gd"], **kwargs)


def test_measures_and_monitoring_interleave_by_date(client, world):
    entry = world.entries["zs"]
    _report(entry, 2024, "100.00")
    _report(entry, 2025, "130.00", enterprise_count=90)
    first = _measure(world, entry, datetime.date(2024, 6, 1), title="建设人形机器人创新中心")
    second = _measure(
        world, entry, datetime.date(2025, 3, 1), "finance", title="设立产业基金", amount=Decimal("5.00")
    )
    third = _measure(world, entry, datetime.date(2025, 9, 1), "scenario", title="开放养老服务场景")
    login(client, world.users["gd"])

    response = client.get(reverse("cultivation:entry_detail", args=[entry.pk]))

    body = response.content.decode()
    marks = re.findall(r'id="measure-(\d+)" data-measure|data-report-year="(\d+)"', body)
    sequence = [f"m{measure}" if measure else f"r{year}" for measure, year in marks]
    assert sequence == [f"m{first.pk}", "r2024", f"m{second.pk}", f"m{third.pk}", "r2025"]
    timeline = response.context["timeline"]
    assert [year["year"] for year in timeline] == [2024, 2025]
    assert [item["number"] for item in timeline[1]["measures"]] == [2, 3]
    revenue = next(row for row in timeline[1]["indicators"] if row["name"] == "revenue")
    assert revenue["value"] == Decimal("130.00")
    assert revenue["change"] == Decimal("30.0")
    enterprises = next(row for row in timeline[1]["indicators"] if row["name"] == "enterprise_count")
    assert enterprises["change"] == Decimal("-10.0")
    assert "+30.0%" in body
    assert "涉及金额 5.00 亿元" in body


def test_the_chart_places_markers_by_date_and_links_them(client, world):
    entry = world.entries["zs"]
    _report(entry, 2024, "100.00")
    _report(entry, 2025, "130.00")
    early = _measure(world, entry, datetime.date(2024, 1, 1))
    late = _measure(world, entry, datetime.date(2025, 12, 31))
    login(client, world.users["staff"])

    response = client.get(reverse("cultivation:entry_detail", args=[entry.pk]))

    chart = response.context["chart"]
    assert [bar["year"] for bar in chart["bars"]] == [2024, 2025]
    assert [bar["value"] for bar in chart["bars"]] == ["100", "130"]
    markers = {marker["key"]: marker for marker in chart["markers"]}
    # 2024-01-01 sits on the left edge of the 2024 band; 2025-12-31 near the right edge of the 2025 band.
    assert markers[early.pk]["cx"] == chart["left"]
    assert chart["right"] - 2 < markers[late.pk]["cx"] < chart["right"]
    body = response.content.decode()
    assert f'<a href="#measure-{early.pk}" class="marker">' in body
    assert "营业收入与培育举措（亿元）" in body


def test_the_chart_indicator_can_be_chosen_and_an_unknown_one_is_ignored(client, world):
    entry = world.entries["zs"]
    _report(entry, 2025, "130.00", enterprise_count=90)
    login(client, world.users["gd"])

    chosen = client.get(
        reverse("cultivation:entry_detail", args=[entry.pk]), {"indicator": "enterprise_count"}
    )
    unknown = client.get(reverse("cultivation:entry_detail", args=[entry.pk]), {"indicator": "password"})

    assert chosen.context["chart"]["title"] == "企业数与培育举措"
    assert chosen.context["chart"]["bars"][0]["value"] == "90"
    assert unknown.context["indicator"] == "revenue"


def test_an_entry_with_nothing_yet(client, world):
    login(client, world.users["gd"])

    response = client.get(reverse("cultivation:entry_detail", args=[world.entries["zs"].pk]))

    assert response.status_code == 200
    assert response.context["chart"] is None
    assert "尚未记录培育举措，也没有年度监测。" in response.content.decode()


def test_staff_see_a_link_to_write_a_case_and_officials_do_not(client, world):
    entry = world.entries["zs"]
    add = reverse("admin:cultivation_typicalcase_add") + f"?entry={entry.pk}"

    staff_page = login(client, world.users["staff"]).get(reverse("cultivation:entry_detail", args=[entry.pk]))
    client.logout()
    official_page = login(client, world.users["gd"]).get(reverse("cultivation:entry_detail", args=[entry.pk]))

    assert add in staff_page.content.decode()
    assert add not in official_page.content.decode()


def test_the_pages_carry_no_inline_script_or_style(client, world):
    entry = world.entries["zs"]
    _report(entry, 2025, "130.00")
    _measure(world, entry, datetime.date(2025, 3, 1))
    login(client, world.users["gd"])

    for url in (
        reverse("cultivation:entry_list"),
        reverse("cultivation:entry_detail", args=[entry.pk]),
        reverse("cultivation:measure_create", args=[entry.pk]),
    ):
        body = client.get(url).content.decode()
        assert "<script>" not in body and "<style" not in body
        assert " style=" not in body
        assert not re.search(r"\son[a-z]+=", body), url


@pytest.mark.parametrize("size", [3, 30])
def test_entry_page_queries_do_not_grow(client, world, django_assert_max_num_queries, size):
    entry = world.entries["zs"]
    for year in range(2025 - min(size, 8) + 1, 2026):
        _report(entry, year, "100.00")
    for index in range(size):
        measure = _measure(world, entry, datetime.date(2025, 1, 1) + datetime.timedelta(days=index * 5))
        if index % 3 == 0:
            measure.removed_at = measure.recorded_at
            measure.removed_by = world.users["gd"]
            measure.removal_reason = "重复"
            measure.save()
    f.published_case(entry=entry)
    login(client, world.users["gd"])

    with django_assert_max_num_queries(11):
        response = client.get(reverse("cultivation:entry_detail", args=[entry.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_entry_list_queries_do_not_grow(client, world, django_assert_max_num_queries, size):
    zone = f.zone("440000-02")
    for index in range(size):
        item = f.LibraryEntryFactory(
            zone=zone, entered_cycle=world.cycle, track=f.TrackFactory(field=world.ai)
        )
        _measure(world, item, datetime.date(2025, 2, 1) + datetime.timedelta(days=index))
    login(client, world.users["gd"])

    with django_assert_max_num_queries(9):
        response = client.get(reverse("cultivation:entry_list"))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == size + 2
