"""广东 shows its strategic area, in a real browser."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_guangdong_shows_its_strategic_area(browser_page):
    page = browser_page
    page.goto("/provinces/")
    page.get_by_role("link", name="广东省").click()
    page.wait_for_url(re.compile(r"/provinces/440000/$"))
    assert page.locator("[data-areas]").inner_text() == "粤港澳大湾区（部分地区，9 个国家高新区）"
