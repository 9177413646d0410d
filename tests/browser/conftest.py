"""Browser tests: the system Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API.

Never `playwright install`: the tests use the distribution's browser. Where it or the Python package is missing the
tests are skipped on a developer machine and fail in CI (CI=true), so a broken CI image cannot pass silently.

Mark each test `@pytest.mark.browser` and `@pytest.mark.django_db(transaction=True, serialized_rollback=True)`:
the live server runs in another thread, so the test's data must be committed, and serialized_rollback restores the
reference data (zones, role groups) that the data migrations loaded and a transactional flush removes.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django would otherwise refuse ORM calls from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _unavailable(reason: str):
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def _playwright(django_db_setup):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package `playwright` is not installed (pip install -e '.[dev]')")
    if not shutil.which(str(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)")

    from django.db import connections

    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections
    }
    with sync_playwright() as playwright:
        # The sync API leaves an event loop running in this thread, and Django then keeps database connections per
        # context instead of per thread: from here on tests get new connection objects, which lack the snapshot
        # serialized_rollback restores the reference data from. Hand it over, or the rollback silently does nothing.
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        yield playwright


@pytest.fixture(scope="session")
def chromium_browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _console_error(page, msg):
    # The browser's own favicon request is not the page's doing (no favicon is shipped yet).
    if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
        page.js_errors.append(f"{msg.text} ({msg.location.get('url', '')})")


@pytest.fixture
def browser_page(chromium_browser, live_server):
    """A fresh page (own cookies and localStorage) whose relative URLs go to the live server.

    Uncaught JavaScript errors and console errors (a failed asset, later a CSP violation) fail the test: the page
    collects them in `page.js_errors`.
    """
    context = chromium_browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.on("console", lambda msg: _console_error(page, msg))
    yield page
    errors = list(page.js_errors)
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.fixture
def world(db):
    """The provincial portal's world of tests/tracks/portal_support.py."""
    from tests.tracks.portal_support import portal_world

    return portal_world()
