"""Under the enforced Content Security Policy (no inline script or style) with DEBUG off, the login page, the
admin (index, a change list with filters, a change form with its audit trail, the audit log) and the
second-factor pages work in Chromium without a single console error: any CSP violation would be one."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(f.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def policy_of(page, path) -> str:
    response = page.goto(path)
    return response.headers.get("content-security-policy", "")


def test_login_and_the_admin_under_the_policy(browser_page, settings):
    page = browser_page
    assert settings.DEBUG is False
    f.staff(username="torch")
    f.zone("440000-03")

    policy = policy_of(page, "/accounts/login/")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    log_in(page, "torch")
    page.goto("/admin/")
    assert page.locator("#site-name").inner_text() == "新赛道培育库 管理后台"
    page.goto("/admin/zones/zone/?province__id__exact=1")
    page.goto("/admin/zones/zone/")
    page.locator("#result_list tbody tr a").first.click()
    page.wait_for_load_state()
    assert page.locator("#audit-history, form").count() >= 1
    page.screenshot(path="/tmp/admin-csp.png", full_page=True)


def test_the_audit_log_under_the_policy(browser_page):
    page = browser_page
    f.audit_admin(username="auditor")
    log_in(page, "auditor")
    page.goto("/admin/audit/auditevent/")
    assert page.get_by_role("link", name="导出 CSV").is_visible()
    page.get_by_role("link", name="登录与会话").first.click()
    page.wait_for_load_state()
    assert page.locator("#result_list tbody tr").count() >= 1
    page.screenshot(path="/tmp/audit-log.png", full_page=True)


def test_enrolment_under_the_policy(browser_page, settings):
    settings.NTR_REQUIRE_2FA = True
    page = browser_page
    f.staff(username="torch")
    log_in(page, "torch")

    page.goto("/admin/")

    page.wait_for_url(re.compile(r"/accounts/2fa/setup/"))
    qr = page.get_by_role("img", name="绑定验证器的二维码")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the data: image is allowed
    page.screenshot(path="/tmp/2fa-setup.png", full_page=True)
    device = TOTPDevice.objects.get(user__username="torch", confirmed=False)
    page.get_by_label("验证码").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="验证并启用").click()
    page.wait_for_load_state()
    assert page.locator("#backup-codes li").count() == 10
    page.screenshot(path="/tmp/2fa-codes.png", full_page=True)
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    assert page.locator("#site-name").is_visible()


def test_swagger_ui_under_the_policy(browser_page):
    """drf-spectacular's split view loads Swagger UI from files only, so the strict policy leaves it working."""
    page = browser_page
    policy = policy_of(page, "/api/docs/")
    assert "unsafe-inline" not in policy
    page.wait_for_selector(".swagger-ui .information-container", timeout=15_000)
    assert page.locator(".swagger-ui .opblock").count() > 0
    page.screenshot(path="/tmp/swagger-csp.png")
    errors, page.js_errors[:] = list(page.js_errors), []
    assert errors == []
