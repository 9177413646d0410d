"""Monitoring in the portal shows the notes of each year's report and offers no year before the entry joined the
library."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.tracks.portal_support import (
    ZS,
    login,
)
from tracks import models as m
from tracks.services import monitoring

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localtime().year


@pytest.fixture
def entry(world):
    cycle = f.CycleFactory(year=THIS_YEAR - 1, status=m.CycleStatus.CLOSED)
    return f.LibraryEntryFactory(zone=f.zone(ZS), track=world.humanoid, entered_cycle=cycle)


def test_monitoring_offers_years_from_the_one_the_entry_joined(client, world, entry):
    assert monitoring.report_years(entry) == [THIS_YEAR, THIS_YEAR - 1]
    with pytest.raises(ValidationError) as refused:
        monitoring.monitoring_report_file(actor=world.gd, entry=entry, year=THIS_YEAR - 2, data={})
    assert refused.value.message_dict == {
        "year": [f"监测年度应在 {THIS_YEAR - 1} 至 {THIS_YEAR} 年之间（自入库年度起）。"]
    }
    login(client, world.gd)
    assert client.get(reverse("portal:monitoring_edit", args=[entry.pk, THIS_YEAR - 2])).status_code == 404
    html = client.get(reverse("portal:library_detail", args=[entry.pk])).content.decode()
    assert f"填报{THIS_YEAR - 2}年" not in html and f"填报{THIS_YEAR - 1}年" in html
    assert f"自入库年度（{THIS_YEAR - 1}年）起填报。" in html


def test_an_entry_of_a_later_cycle_has_no_year_yet(client, world):
    later = f.CycleFactory(year=THIS_YEAR + 1)
    entry = f.LibraryEntryFactory(zone=f.zone(ZS), track=world.storage, entered_cycle=later)
    assert monitoring.report_years(entry) == []
    with pytest.raises(ValidationError, match=f"该条目{THIS_YEAR + 1}年度入库"):
        monitoring.monitoring_report_file(actor=world.gd, entry=entry, year=THIS_YEAR, data={})
    html = login(client, world.gd).get(reverse("portal:library_detail", args=[entry.pk])).content.decode()
    assert f"该条目{THIS_YEAR + 1}年度入库，入库年度起方可填报年度监测。" in html


def test_the_notes_of_each_years_report_are_shown(client, world, entry):
    monitoring.monitoring_report_file(
        actor=world.gd,
        entry=entry,
        year=THIS_YEAR - 1,
        data={"revenue": "10.00", "note": "营收含新并购企业。\n已剔除关联交易。"},
    )
    monitoring.monitoring_report_file(actor=world.gd, entry=entry, year=THIS_YEAR, data={"revenue": "12.00"})
    html = login(client, world.gd).get(reverse("portal:library_detail", args=[entry.pk])).content.decode()
    notes = html.split("data-report-notes>")[1].split("</dl>")[0]
    assert f'<dt>{THIS_YEAR - 1}年</dt><dd class="prose">营收含新并购企业。<br>已剔除关联交易。</dd>' in notes
    assert f'<dt>{THIS_YEAR}年</dt><dd class="prose">—</dd>' in notes
