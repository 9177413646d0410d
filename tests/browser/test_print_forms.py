"""Print forms in a real browser: a province prints a draft to be signed and sealed and a withdrawn one
watermarked; the letter lists the returned nomination apart."""

import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser.test_portal import sign_in
from tests.tracks.portal_support import (
    nomination,
)
from tracks import models as m

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = Path(os.environ.get("NTR_SCREENSHOTS", "/tmp"))


def test_printing_a_draft_to_seal_and_a_withdrawn_form(browser_page, world, tmp_path):
    page = browser_page
    draft = nomination(world, narrative="一、基本情况\n二、发展基础与优势")
    withdrawn = nomination(world, track=world.storage, status=m.NominationStatus.WITHDRAWN)
    sign_in(page, "gd_official")

    page.goto(f"/portal/nominations/{draft.pk}/")
    page.get_by_role("link", name="打印推荐表").click()
    page.wait_for_url(re.compile(rf"/portal/nominations/{draft.pk}/print/$"))
    assert page.locator("[data-doc-stamp]").inner_text() == "待盖章"
    footer = "本表尚未推荐（提交）：签字盖章后扫描上传为附件，再由省级主管部门在系统中推荐。"
    # portal.js hands the footer and the page numbers' words to the page margins.
    style = "getComputedStyle(document.documentElement).getPropertyValue"
    assert page.evaluate(f"{style}('--page-footer')").strip() == f'"{footer}"'
    assert page.evaluate(f"{style}('--page-before')").strip() == '"第 "'
    assert page.evaluate(f"{style}('--page-between')").strip() == '" 页 共 "'
    # The seal guide is a real seal's size; every paragraph is indented.
    seal_mm = (
        page.locator(".sign-block .seal").first.evaluate("el => el.getBoundingClientRect().width") * 25.4 / 96
    )
    assert round(seal_mm) == 42
    indents = page.locator(".doc-text p").evaluate_all("ps => ps.map(p => getComputedStyle(p).textIndent)")
    assert len(indents) == 2 and len(set(indents)) == 1 and indents[0] != "0px"
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    (tmp_path / "draft.pdf").write_bytes(pdf)
    pages = int(re.search(rb"/Count (\d+)", pdf).group(1))
    assert pages >= 1
    # The opinions never stand alone: the attachments list is on the same page as the boxes.
    closing = page.locator(".doc-closing")
    assert closing.locator("h2", has_text="三、附件清单").count() == 1
    assert closing.locator(".sign-block").count() == 2
    page.emulate_media(media="screen")

    page.goto(f"/portal/nominations/{withdrawn.pk}/print/")
    assert page.locator("[data-watermark]").inner_text() == "已撤回"
    assert page.locator("[data-doc-notice]").inner_text() == "已撤回，不作为正式推荐材料。"
    page.screenshot(path=str(SHOTS / "portal-print-withdrawn.png"), full_page=True)


def test_the_letter_lists_the_returned_one_apart(browser_page, world):
    page = browser_page
    now = timezone.now()
    nomination(world, status=m.NominationStatus.SUBMITTED, submitted_at=now)
    nomination(
        world,
        track=world.storage,
        status=m.NominationStatus.RETURNED,
        submitted_at=now,
        resubmit_by=now + timezone.timedelta(days=5),
    )
    sign_in(page, "gd_official")
    page.goto("/portal/letter/")
    page.get_by_label("文号").fill("粤科函〔2031〕12号")
    page.get_by_label("推荐单位全称").fill("广东省科学技术厅")
    page.get_by_role("button", name="更新推荐函").click()
    assert page.locator("[data-doc-no]").inner_text() == "粤科函〔2031〕12号"
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "广东省科学技术厅关于推荐2031年度国家高新区新赛道的函"
    )
    assert page.locator("[data-letter] tbody tr").count() == 1
    assert page.locator("[data-letter-returned] tbody tr").count() == 1
    assert (
        page.locator("[data-quota-line]").inner_text()
        == "本省本年度推荐名额 3 项，已使用 2 项：推荐 1 项，退回修改补正中 1 项。"
    )
    assert "（省级主管部门）" not in page.content()
