"""年度监测: the province (or the zone) files a library entry's indicators once per year, corrects them with an
audited change, and sees the entry's trend across years as a table and a small server-drawn chart."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests import factories as f
from tests.tracks.portal_support import (
    GZ,
    NJ,
    ZS,
    login,
)
from tracks import models as m
from tracks.portal.charts import bar_chart
from tracks.services import monitoring

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localtime().year


@pytest.fixture
def entry(world):
    cycle = f.CycleFactory(year=THIS_YEAR - 1, status=m.CycleStatus.CLOSED)
    return f.LibraryEntryFactory(zone=f.zone(ZS), track=world.humanoid, entered_cycle=cycle)


def report_data(**changes):
    data = {"enterprise_count": "130", "revenue": "151.30", "revenue_growth": "-2.50", "rd_spending": "15.00"}
    data.update(changes)
    return data


def test_province_files_a_years_report_then_corrects_it(client, world, entry):
    login(client, world.gd)
    url = reverse("portal:monitoring_edit", args=[entry.pk, THIS_YEAR])
    assert client.post(url, report_data()).status_code == 302
    report = m.MonitoringReport.objects.get()
    assert (report.year, report.enterprise_count, report.revenue, report.revenue_growth, report.filed_by) == (
        THIS_YEAR,
        130,
        Decimal("151.30"),
        Decimal("-2.50"),
        world.gd,
    )
    # Filing the same year again edits the one report (one per entry and year).
    assert client.get(url).context["report"] == report
    client.post(url, report_data(enterprise_count="135"))
    assert m.MonitoringReport.objects.count() == 1
    report.refresh_from_db()
    assert report.enterprise_count == 135
    update = AuditEvent.objects.get(action="monitoringreport.update")
    assert (update.before, update.after) == ({"enterprise_count": 130}, {"enterprise_count": 135})


def test_the_zone_files_for_its_own_entries_only(client, world, entry):
    other = f.LibraryEntryFactory(zone=f.zone(GZ), track=world.storage, entered_cycle=entry.entered_cycle)
    login(client, world.zs)
    assert (
        client.post(reverse("portal:monitoring_edit", args=[entry.pk, THIS_YEAR]), report_data()).status_code
        == 302
    )
    assert client.get(reverse("portal:monitoring_edit", args=[other.pk, THIS_YEAR])).status_code == 404
    assert client.get(reverse("portal:library_detail", args=[other.pk])).status_code == 404
    login(client, world.js)
    assert client.get(reverse("portal:library_detail", args=[entry.pk])).status_code == 404
    assert [e.pk for e in client.get(reverse("portal:library_list")).context["page"].object_list] == []


def test_refusals(world, entry):
    with pytest.raises(PermissionDenied):
        monitoring.monitoring_report_file(actor=world.js, entry=entry, year=THIS_YEAR, data={})
    with pytest.raises(ValidationError) as refused:
        monitoring.monitoring_report_file(actor=world.gd, entry=entry, year=THIS_YEAR + 1, data={})
    assert "year" in refused.value.error_dict
    with pytest.raises(ValidationError):
        monitoring.monitoring_report_file(
            actor=world.gd, entry=entry, year=THIS_YEAR, data={"revenue": Decimal("-1")}
        )
    monitoring.monitoring_report_file(actor=world.gd, entry=entry, year=THIS_YEAR, data={})
    with pytest.raises(ValidationError) as duplicate:
        monitoring.monitoring_report_file(actor=world.gd, entry=entry, year=THIS_YEAR, data={})
    assert duplicate.value.messages == ["该条目本年度的监测已填报。"]
    m.LibraryEntry.objects.filter(pk=entry.pk).update(status=m.LibraryStatus.EXITED, exit_reason="不再培育")
    entry.refresh_from_db()
    with pytest.raises(ValidationError, match="已出库"):
        monitoring.monitoring_report_file(actor=world.gd, entry=entry, year=THIS_YEAR - 1, data={})


def test_the_trend_table_and_chart(client, world, entry):
    f.MonitoringReportFactory(entry=entry, year=THIS_YEAR - 2, revenue=Decimal("98.20"), enterprise_count=80)
    f.MonitoringReportFactory(entry=entry, year=THIS_YEAR - 1, revenue=Decimal("120.50"), enterprise_count=95)
    login(client, world.gd)
    response = client.get(reverse("portal:library_detail", args=[entry.pk]))
    assert [r.year for r in response.context["reports"]] == [THIS_YEAR - 2, THIS_YEAR - 1]
    revenue_row = next(row for row in response.context["table"] if row["name"] == "revenue")
    assert revenue_row["values"] == [Decimal("98.20"), Decimal("120.50")]
    chart = response.context["charts"][0]
    assert chart["title"] == "营业收入" and [bar["value"] for bar in chart["bars"]] == ["98.2", "120.5"]
    page = response.content.decode()
    assert '<svg viewBox="0 0 560 220" role="img"' in page
    assert f'<desc id="chart-1-desc">{THIS_YEAR - 2}：98.2；{THIS_YEAR - 1}：120.5</desc>' in page
    assert "<script" not in page.split("</head>")[1]
    # Years to file start with the year the entry joined (its cycle's): none before it.
    years = [item["year"] for item in response.context["years"]]
    assert years == [THIS_YEAR, THIS_YEAR - 1]
    assert [item["filed"] for item in response.context["years"]] == [False, True]
    assert NJ  # keep the import list honest


def test_bar_chart_geometry_handles_negative_values():
    chart = bar_chart([(2024, Decimal("-5")), (2025, Decimal("12.5")), (2026, None)], title="增长", unit="%")
    assert [bar["label"] for bar in chart["bars"]] == ["2024", "2025"]
    negative, positive = chart["bars"]
    assert negative["negative"] and not positive["negative"]
    # Bars start at the zero line: the positive one above it, the negative one below.
    assert positive["y"] + positive["height"] == pytest.approx(chart["zero"], abs=0.2)
    assert negative["y"] == pytest.approx(chart["zero"], abs=0.2)
    assert [tick["label"] for tick in chart["ticks"]] == ["-5", "0", "5", "10", "15"]
    assert bar_chart([(2024, None)], title="空") is None
