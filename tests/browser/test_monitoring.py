"""Monitoring in a real browser: years to file from the one the entry joined, and the notes of a report."""

import re

import pytest
from django.utils import timezone

from tests import factories as f
from tests.browser.test_portal import sign_in
from tracks import models as m

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_monitoring_notes_and_years(browser_page, world):
    page = browser_page
    this_year = timezone.localtime().year
    joined = f.CycleFactory(year=this_year - 1, status=m.CycleStatus.CLOSED)
    entry = f.LibraryEntryFactory(zone=f.zone("440000-03"), track=world.humanoid, entered_cycle=joined)
    sign_in(page, "gd_official")
    page.goto(f"/portal/library/{entry.pk}/")
    years = page.locator(".years a").all_inner_texts()
    assert years == [f"填报{this_year}年", f"填报{this_year - 1}年"]
    page.get_by_role("link", name=f"填报{this_year - 1}年").click()
    page.get_by_label("营业收入（亿元）").fill("88.80")
    page.get_by_label("说明").fill("营业收入含年中并购企业。")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(rf"/portal/library/{entry.pk}/$"))
    notes = page.locator("[data-report-notes]")
    assert notes.inner_text().split("\n") == [f"{this_year - 1}年", "营业收入含年中并购企业。"]
