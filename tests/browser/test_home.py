"""The public journey: a reader opens the home page in Chinese, sees the programme's figures and the latest list,
uses the 适老化 switches, and follows the language link to the English page."""

import re

import pytest

from tests.browser.conftest import PHONE
from tests.tracks.public.test_home import make_published_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_home_in_chinese_then_english(browser_page):
    page = browser_page
    park_list = make_published_list()

    page.goto("/")

    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.title() == "首页 - 新赛道培育库"
    assert page.locator(".brand-name").inner_text() == "新赛道培育库"
    stats = page.get_by_role("region", name="数据概览")
    assert stats.get_by_role("heading", level=2).inner_text() == "数据概览"
    assert stats.locator('[data-stat="zones"]').inner_text() == "177"
    table = page.get_by_role("table")
    assert table.locator("tbody tr").count() == 3
    assert table.locator("tbody tr").first.locator("td").first.inner_text() == "1"
    assert page.get_by_text(park_list.sha256).is_visible()
    page.screenshot(path="/tmp/home.png", full_page=True)

    page.get_by_role("link", name="English").click()

    page.wait_for_url(re.compile(r"/en/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('[data-stat="zones"]').inner_text() == "177"
    # English formats whatever the catalogue already covers, e.g. the publication date ("Nov. 28, 2026, ...").
    published = page.locator(".list-meta time").inner_text()
    assert re.match(r"[A-Z][a-z]+\.? \d{1,2}, \d{4}", published), published
    page.screenshot(path="/tmp/home-en.png", full_page=True)
    page.get_by_role("link", name="简体中文").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_skip_link_is_first_and_moves_focus_to_main(browser_page):
    page = browser_page
    page.goto("/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"


def test_large_text_and_high_contrast_switches_persist(browser_page):
    page = browser_page
    page.goto("/")
    size_before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    large = page.get_by_role("button", name="大字号")
    contrast = page.get_by_role("button", name="高对比度")
    assert large.get_attribute("aria-pressed") == "false"

    large.click()
    contrast.click()

    assert large.get_attribute("aria-pressed") == "true"
    assert contrast.get_attribute("aria-pressed") == "true"
    assert (
        page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == size_before * 1.25
    )
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    page.screenshot(path="/tmp/home-a11y.png", full_page=True)

    page.reload()

    assert page.evaluate("document.documentElement.className") == "text-large high-contrast"
    assert page.get_by_role("button", name="大字号").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="大字号").click()
    page.reload()
    assert page.evaluate("document.documentElement.className") == "high-contrast"


def test_home_fits_a_phone(browser_page):
    page = browser_page
    make_published_list()
    page.set_viewport_size(PHONE)
    page.goto("/")

    # Nothing wider than the screen: the table scrolls inside its own region, not the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator('[data-stat="zones"]').is_visible()
    page.screenshot(path="/tmp/home-phone.png", full_page=True)
