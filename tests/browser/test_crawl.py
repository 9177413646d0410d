"""Every page a reader can reach, in the system Chromium: a bounded crawl that follows every same-origin
link from ``/`` and from ``/en/`` and finds no page with an error status, no console error (a CSP violation is
one), no request leaving the site and no serious or critical axe-core violation; the error pages and the account
slot of a signed-in reader, looked at in screenshots.

The crawl runs under the site's real CSP. axe-core is injected as an inline script, which that CSP refuses, so
axe runs on one page of each kind (the path with its ids and keys taken out) in a second context that bypasses
CSP, as tests/browser/test_public.py does.
"""

import os
import re
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache

from accounts.signed_in import COOKIE
from tests import factories as f
from tests import rounds
from tests.browser.conftest import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(os.environ.get("NTR_SCREENSHOTS", "/tmp"))
KEYS = ["440000-03", "320000-01", "110000-01", "420000-01", "510000-01", "210000-01"]
#: pages in all; of each kind at most a few, so the bound covers every kind of page before the 177 zones
MAX_PAGES = 160
PER_KIND = 3
#: links the crawl does not open as pages: captcha media belong to one drawing of the form (the form loads them)
NOT_PAGES = re.compile(r"/captcha\.(png|wav)$")
DOWNLOAD = re.compile(r"/download\.(csv|xlsx|json)$|\.(xlsx|json|csv)$|/feed/$")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def kind_of(path: str) -> str:
    """The page's kind: its path with numbers and zone keys replaced (``/en/zones/440000-03/`` → ``/en/zones/#/``)."""
    path = re.sub(r"\d{6}-\d{2,3}", "#", path)
    path = re.sub(r"\d+", "#", path)
    return path.split("?")[0] + ("?…" if "?" in path else "")


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


def world():
    """Something on every kind of public page: lists published and on notice, a correction's history, library
    entries, typical cases and announcements (the factories' services write them)."""
    park_list, actor = rounds.published_list(KEYS, top_n=5)
    notice, _actor = rounds.list_on_notice(KEYS[:3], year=2032, days_ago=1, actor=actor)
    case = f.published_case()
    from tracks.models import Announcement, AnnouncementKind

    Announcement.objects.create(
        title="关于开展2031年度国家高新区新赛道推荐工作的通知",
        kind=AnnouncementKind.CALL,
        body="请各省级主管部门按时推荐。",
        is_published=True,
        published_at=park_list.published_at,
    )
    return park_list, notice, case


def test_every_page_reachable_from_home_in_both_languages(chromium_browser, live_server):
    if not AXE.exists():
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail("node_modules/axe-core is missing: run `npm ci`", pytrace=False)
        pytest.skip("axe-core is not installed (npm ci)")
    park_list, notice, _case = world()
    origin = urlsplit(live_server.url)

    crawl = chromium_browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="zh-CN")
    checker = chromium_browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="zh-CN", bypass_csp=True
    )
    left_site, failed, console = [], [], []

    def guard(route):
        target = urlsplit(route.request.url)
        if target.scheme in ("data", "blob") or (target.hostname, target.port) == (
            origin.hostname,
            origin.port,
        ):
            route.continue_()
        else:
            left_site.append(route.request.url)
            route.abort()

    crawl.route("**/*", guard)
    page = crawl.new_page()
    page.set_default_timeout(15_000)
    current = {"url": ""}
    page.on("pageerror", lambda error: console.append((current["url"], str(error))))
    page.on("console", lambda msg: msg.type == "error" and console.append((current["url"], msg.text)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and failed.append((current["url"], response.url, response.status))
        ),
    )
    page.on("requestfailed", lambda request: failed.append((current["url"], request.url, request.failure)))
    axe_page = checker.new_page()
    axe_page.set_default_timeout(15_000)

    seen, per_kind, checked = {"/", "/en/"}, {}, {}
    queue = deque(["/", "/en/"])
    visited = []
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        current["url"] = path
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        visited.append(path)
        if response is None or response.status >= 400:
            failed.append((path, path, response.status if response else None))
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue  # a file the page links (JSON, a feed): its status is what matters
        kind = kind_of(urlsplit(page.url).path)
        if kind not in checked:
            axe_page.goto(path)
            axe_page.wait_for_load_state("networkidle")
            checked[kind] = serious_violations(axe_page)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)"):
            target = urlsplit(href)
            if (target.hostname, target.port) != (origin.hostname, origin.port):
                continue  # a link out (the ICP filing number) is not a request; nothing is fetched from it
            link = target.path + (f"?{target.query}" if target.query else "")
            if link in seen or NOT_PAGES.search(target.path) or target.path.startswith("/api/"):
                continue
            seen.add(link)
            if DOWNLOAD.search(target.path):
                answer = page.request.get(link)
                if answer.status >= 400:
                    failed.append((path, link, answer.status))
                continue
            link_kind = kind_of(link)
            if per_kind.get(link_kind, 0) >= PER_KIND:
                continue
            per_kind[link_kind] = per_kind.get(link_kind, 0) + 1
            queue.append(link)
    crawl.close()
    checker.close()

    assert failed == []
    assert console == []
    assert left_site == []
    assert {kind: found for kind, found in checked.items() if found} == {}
    # The crawl reached both languages and every kind of public page.
    for path in [
        "/lists/",
        "/en/lists/",
        f"/lists/{park_list.pk}/",
        f"/en/lists/{notice.pk}/",
        "/en/library/",
    ]:
        assert path in visited, path
    assert {"/zones/#/", "/en/zones/#/", "/tracks/#/", "/en/provinces/#/", "/cultivation/cases/#/"} <= set(
        checked
    )
    assert len(visited) >= 60


@pytest.mark.parametrize(
    ("url", "heading"), [("/no-such-page/", "页面不存在"), ("/en/no-such-page/", "Page not found")]
)
def test_error_pages_look_like_the_site(chromium_browser, live_server, url, heading):
    context = chromium_browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    # The document's own 404 is the point; anything else failing (styles, scripts, the icon) is a problem.
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith(url) and problems.append(r.url))

    response = page.goto(url)
    page.wait_for_load_state("networkidle")

    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.locator(".site-header .brand").is_visible() and page.locator(".main-nav").is_visible()
    assert page.locator("form.error-search input[type=search]").is_visible()
    name = "en" if url.startswith("/en/") else "zh"
    page.screenshot(path=str(SHOTS / f"error-404-{name}.png"), full_page=True)
    page.locator("form.error-search input[type=search]").fill("jqr")
    page.locator("form.error-search input[type=search]").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=jqr$"))
    context.close()
    assert problems == []


def _slot(page):
    return page.locator("[data-account-slot]")


def test_a_signed_in_reader_sees_their_name_on_cached_pages(browser_page):
    page = browser_page
    f.official("440000", username="gd_official")

    page.goto("/")
    assert _slot(page).inner_text() == "账户"  # neutral: no 登录, no name
    page.screenshot(path=str(SHOTS / "account-slot-anonymous.png"))
    _slot(page).get_by_role("link").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.get_by_label("用户名").fill("gd_official")
    page.get_by_label("密码").fill(f.PASSWORD)
    page.get_by_role("button", name="登录").click()

    # The workspace, not the home page.
    page.wait_for_url(re.compile(r"/portal/$"))
    assert any(c["name"] == COOKIE and not c["httpOnly"] for c in page.context.cookies())

    page.goto("/lists/")
    page.locator("[data-account-filled]").wait_for()
    assert "当前用户：gd_official" in _slot(page).inner_text()
    assert "登录" not in page.locator(".main-nav").inner_text()
    page.screenshot(path=str(SHOTS / "account-slot-signed-in.png"))

    # The same in English, from the English endpoint.
    page.goto("/en/lists/")
    page.locator("[data-account-filled]").wait_for()
    assert "gd_official" in _slot(page).inner_text() and "Log out" in _slot(page).inner_text()

    # 退出 from the slot: signed out, the hint gone, the slot neutral again.
    page.goto("/")
    page.locator("[data-account-filled]").wait_for()
    _slot(page).get_by_role("button", name="退出").click()
    page.wait_for_load_state("networkidle")
    assert not any(c["name"] == COOKIE for c in page.context.cookies())
    page.goto("/lists/")
    page.wait_for_load_state("networkidle")
    assert _slot(page).inner_text() == "账户"


def test_a_stale_hint_leaves_the_slot_neutral(browser_page, live_server):
    page = browser_page
    page.context.add_cookies([{"name": COOKIE, "value": "1", "url": live_server.url}])

    page.goto("/lists/")
    page.wait_for_load_state("networkidle")

    assert _slot(page).inner_text() == "账户"
    assert not any(c["name"] == COOKIE for c in page.context.cookies())
