"""An objector in a real browser: a wrong captcha says the evidence must be chosen again, then the receipt is
looked up."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests import rounds
from tracks import models as m

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = Path(os.environ.get("NTR_SCREENSHOTS", "/tmp"))


def _captcha_code(page, park_list) -> str:
    from django.contrib.sessions.backends.db import SessionStore

    from tracks.public.captcha import SESSION_KEY

    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    return SessionStore(session_key=cookie["value"]).load()[SESSION_KEY][f"objection-{park_list.pk}"][
        "answer"
    ]


def test_objection_after_a_wrong_captcha_then_the_receipt_lookup(browser_page):
    page = browser_page
    notice, staff = rounds.list_on_notice(["440000-03", "320000-01", "110000-01"], days_ago=1)
    page.goto(f"/lists/{notice.pk}/objection/")
    page.get_by_label("姓名").fill("陈静")
    page.get_by_label("工作单位").fill("某市高新区企业服务中心")
    page.get_by_label("联系电话或电子邮箱").fill("13700000000")
    page.get_by_label("异议内容").fill("第2名园区填报的应用场景数量与公开资料差异较大，建议核实后再行发布。")
    evidence = {"name": "材料.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 evidence"}
    page.get_by_label("证明材料（可选）").set_input_files(files=[evidence])
    captcha = page.get_by_role("textbox", name=re.compile("^验证码"))
    captcha.fill("00000" if _captcha_code(page, notice) != "00000" else "11111")
    page.get_by_label("本人承诺以上内容真实").check()
    page.get_by_role("button", name="提交异议").click()
    alert = page.get_by_role("alert").first
    assert "已选择的证明材料“材料.pdf”未保存，请重新选择后再提交。" in alert.inner_text()
    assert captcha.input_value() == ""  # the used-up answer is gone
    assert page.get_by_label("姓名").input_value() == "陈静"
    assert page.locator("[data-evidence-notice]").is_visible()

    captcha.fill(_captcha_code(page, notice))
    page.get_by_label("证明材料（可选）").set_input_files(files=[evidence])
    page.get_by_label("本人承诺以上内容真实").check()
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_url(re.compile(rf"/lists/{notice.pk}/objection/receipt/$"))
    receipt = page.locator("[data-receipt]").inner_text()
    assert m.Objection.objects.get().evidence_name == "材料.pdf"

    page.get_by_role("link", name="异议处理进展查询").click()
    page.wait_for_url(re.compile(r"/objections/lookup/$"))
    page.get_by_label("回执编号").fill(receipt)
    page.get_by_label("联系电话或电子邮箱").fill("13700000001")
    page.get_by_role("button", name="查询").click()
    assert "未找到与该回执编号和联系方式相符的异议" in page.get_by_role("alert").inner_text()
    page.get_by_label("回执编号").fill(receipt)
    page.get_by_label("联系电话或电子邮箱").fill("137 0000 0000")
    page.get_by_role("button", name="查询").click()
    assert page.locator("[data-objection-status]").inner_text() == "待处理"
    assert "陈静" not in page.locator("[data-objection-result]").inner_text()
    page.screenshot(path=str(SHOTS / "public-objection-lookup.png"), full_page=True)
