"""A province finds its password change and its results from the portal, in a real browser."""

import re

import pytest

from tests.browser.test_portal import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_password_change_and_results_are_linked(browser_page, world):
    page = browser_page
    sign_in(page, "gd_official")
    page.get_by_role("link", name="账户与接口").click()
    page.get_by_role("link", name="修改密码").click()
    page.wait_for_url(re.compile(r"/accounts/password/$"))
    page.goto("/portal/")
    page.get_by_role("link", name="评审结果").click()
    page.wait_for_url(re.compile(r"/my/results/$"))
    assert "推荐项目评审结果" in page.get_by_role("heading", level=1).inner_text()
