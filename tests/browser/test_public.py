"""The public site in the system Chromium: a reader's journey (home → list → zone → download), filing an objection,
and accessibility checked with axe-core (from npm: node_modules/axe-core) at desktop and phone widths.

axe is injected with ``page.add_script_tag``, an inline script the site's strict CSP would refuse, so the axe checks
run in a context that bypasses CSP; the journey tests run under the real CSP (a violation is a console error and
fails the test through ``browser_page``).
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from tests import rounds
from tests.browser.conftest import DESKTOP, PHONE
from tracks.models import Objection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
KEYS = ["440000-03", "320000-01", "110000-01", "420000-01", "510000-01", "210000-01"]
SHOTS = Path(os.environ.get("NTR_SCREENSHOTS", "/tmp"))


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def axe_page(chromium_browser, live_server):
    if not AXE.exists():
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail("node_modules/axe-core is missing: run `npm ci`", pytrace=False)
        pytest.skip("axe-core is not installed (npm ci)")
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop-1280", "phone-390"])
def test_no_serious_accessibility_violations(axe_page, size):
    park_list, _actor = rounds.published_list(KEYS, top_n=5)
    notice, _actor = rounds.list_on_notice(KEYS[:3], year=2032, days_ago=1)
    axe_page.set_viewport_size(size)
    found = {}
    for name, url in [
        ("home", "/"),
        ("lists", "/lists/"),
        ("list", f"/lists/{park_list.pk}/"),
        ("notice", f"/lists/{notice.pk}/"),
        ("objection", f"/lists/{notice.pk}/objection/"),
        ("library", "/library/"),
        ("zone", "/zones/440000-03/"),
        ("search", "/search/?q=rxjqr"),
        ("en-list", f"/en/lists/{park_list.pk}/"),
    ]:
        axe_page.goto(url)
        axe_page.wait_for_load_state("networkidle")
        violations = serious_violations(axe_page)
        if violations:
            found[name] = violations
    assert found == {}


def test_public_journey_home_list_zone_download(browser_page):
    page = browser_page
    park_list, _actor = rounds.published_list(KEYS, top_n=5)

    page.goto("/")
    page.get_by_role("link", name="查看完整榜单和区域分布").click()
    page.wait_for_url(re.compile(rf"/lists/{park_list.pk}/$"))

    assert page.get_by_role("heading", level=1).inner_text().startswith(park_list.title)
    table = page.get_by_role("table", name=re.compile(re.escape(park_list.title)))
    assert table.locator("tbody tr").count() == 5
    assert table.locator("tbody tr").first.locator("td.rank").inner_text() == "1"
    assert page.locator('[data-hash="sha256"]').inner_text() == park_list.sha256
    assert page.locator('[data-hash="sm3"]').inner_text() == park_list.sm3
    # The charts are drawn (vendored ECharts, no CSP violation: browser_page fails on console errors).
    page.locator(".chart canvas").first.wait_for()
    assert page.locator(".chart canvas").count() >= 2
    assert "东部地区" in page.locator(".breakdown-summary").inner_text()
    page.screenshot(path=str(SHOTS / "public-list.png"), full_page=True)

    table.get_by_role("link", name="中山火炬高新区").click()
    page.wait_for_url(re.compile(r"/zones/440000-03/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "中山火炬高技术产业开发区"
    assert page.get_by_role("link", name=park_list.title).count() == 1
    page.screenshot(path=str(SHOTS / "public-zone.png"), full_page=True)

    page.go_back()
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV 表格").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf") and "中山火炬高技术产业开发区".encode() in content


def test_list_page_on_a_phone_and_in_print(browser_page):
    page = browser_page
    park_list, _actor = rounds.published_list(KEYS, top_n=5)
    page.set_viewport_size(PHONE)
    page.goto(f"/lists/{park_list.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "public-list-phone.png"), full_page=True)

    page.emulate_media(media="print")
    assert not page.locator(".main-nav").is_visible()
    assert not page.locator(".charts").is_visible()
    assert page.locator(".ranked-table").is_visible()
    assert page.locator('[data-hash="sha256"]').is_visible()


def test_the_list_is_keyboard_usable(browser_page):
    page = browser_page
    park_list, _actor = rounds.published_list(KEYS, top_n=5)
    page.goto(f"/lists/{park_list.pk}/")
    region = page.get_by_role("region", name=re.compile(re.escape(park_list.title)))
    region.focus()
    assert region.evaluate("el => el === document.activeElement")
    # Tab reaches the first zone link inside the table.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/zones/440000-03/"


def assert_captcha_loaded(page):
    image = page.locator("img.captcha-image")
    image.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth", image.element_handle()) == 200
    sound = page.locator("audio.captcha-audio").get_attribute("src")
    response = page.request.get(sound)
    assert response.status == 200 and response.headers["content-type"] == "audio/wav"


def captcha_code(page, park_list) -> str:
    from django.contrib.sessions.backends.db import SessionStore

    from tracks.public.captcha import SESSION_KEY

    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    return SessionStore(session_key=cookie["value"]).load()[SESSION_KEY][f"objection-{park_list.pk}"][
        "answer"
    ]


def test_filing_an_objection(browser_page):
    page = browser_page
    notice, _actor = rounds.list_on_notice(KEYS[:3], days_ago=1)

    page.goto(f"/lists/{notice.pk}/")
    page.get_by_role("link", name="提出异议").click()
    page.wait_for_url(re.compile(rf"/lists/{notice.pk}/objection/$"))

    page.get_by_label("涉及的高新区（可选）").select_option(label="2. 南京高新技术产业开发区")
    page.get_by_label("姓名").fill("陈静")
    page.get_by_label("工作单位").fill("某市高新区企业服务中心")
    page.get_by_label("联系电话或电子邮箱").fill("13700000000")
    page.get_by_label("异议内容").fill("第2名园区填报的应用场景数量与公开资料差异较大，建议核实后再行发布。")
    page.get_by_label("证明材料（可选）").set_input_files(
        files=[{"name": "材料.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 evidence"}]
    )
    # The captcha is a picture drawn by the site (loaded under the CSP), with the same code to listen to.
    assert_captcha_loaded(page)
    # A first try with a wrong code is refused with the reason, and a new code is shown.
    captcha_box = page.get_by_role("textbox", name=re.compile("^验证码"))
    captcha_box.fill("-1")
    page.get_by_label("本人承诺以上内容真实").check()
    page.get_by_role("button", name="提交异议").click()
    assert page.get_by_role("alert").first.inner_text().startswith("提交未成功")
    assert "验证码不正确" in page.content()

    # 换一个验证码 keeps what was typed and shows another picture.
    before = page.locator("img.captcha-image").get_attribute("src")
    with page.expect_navigation():
        page.get_by_role("button", name="换一个验证码").click()
    assert page.locator("img.captcha-image").get_attribute("src") != before
    assert page.get_by_label("姓名").input_value() == "陈静"
    assert_captcha_loaded(page)

    # The test reads the code where the server keeps it (the session), as a person reads the picture.
    captcha_box.fill(captcha_code(page, notice))
    page.get_by_label("证明材料（可选）").set_input_files(
        files=[{"name": "材料.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 evidence"}]
    )
    page.get_by_label("本人承诺以上内容真实").check()
    page.screenshot(path=str(SHOTS / "public-objection.png"), full_page=True)
    page.get_by_role("button", name="提交异议").click()

    page.wait_for_url(re.compile(rf"/lists/{notice.pk}/objection/receipt/$"))
    objection = Objection.objects.get()
    assert page.locator("[data-receipt]").inner_text() == objection.receipt_number
    assert (objection.name, objection.entry.rank, objection.evidence_name) == ("陈静", 2, "材料.pdf")
    page.screenshot(path=str(SHOTS / "public-objection-receipt.png"), full_page=True)
