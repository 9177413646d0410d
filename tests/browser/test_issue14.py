"""The journeys issue 14 fixed, in a real browser: a province meets the cycle's required materials (a refused file
says why where the files are), prints a draft to be signed and sealed and a withdrawn one watermarked, finds its
password change and its results; monitoring shows its notes from the year the entry joined; an objector whose
captcha was wrong is told the evidence must be chosen again, then looks the receipt up; 广东 shows its area."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests import factories as f
from tests.browser.test_portal import sign_in
from tests.tracks.portal_support import (
    exe_bytes,
    nomination,
    pdf_bytes,
    world_fixture,  # noqa: F401 - provides the `world` fixture
)
from tracks import models as m

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = Path(os.environ.get("NTR_SCREENSHOTS", "/tmp"))
SCAN, REPORT = "推荐表盖章扫描件", "园区发展情况说明"


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_the_required_materials_then_the_recommendation(browser_page, world):
    page = browser_page
    m.Cycle.objects.filter(pk=world.cycle.pk).update(required_materials=f"{SCAN}\n{REPORT}")
    draft = nomination(world)
    sign_in(page, "gd_official")
    page.goto(f"/portal/nominations/{draft.pk}/")
    materials = page.locator("[data-materials]")
    assert materials.inner_text().split("\n") == [f"{SCAN}：未上传", f"{REPORT}：未上传"]
    assert f"推荐前还需补充：附件“{SCAN}”、附件“{REPORT}”" in page.locator(".alert-info").first.inner_text()

    # A refused file: the reason is in the attachments panel, on screen where the redirect lands.
    assert page.get_by_label("材料类别").input_value() == SCAN
    page.get_by_label("选择文件").set_input_files(
        files=[{"name": "盖章.pdf", "mimeType": "application/pdf", "buffer": exe_bytes()}]
    )
    page.get_by_role("button", name="上传附件").click()
    page.wait_for_url(re.compile(r"#attachments$"))
    refusal = page.locator("#attachments [data-attachment-message]")
    assert refusal.inner_text().startswith("“盖章.pdf”未能上传：只能上传 PDF")
    assert refusal.get_attribute("role") == "alert"
    assert in_viewport(page, refusal)
    page.screenshot(path=str(SHOTS / "portal-attachment-refused.png"))

    for material, name in ((SCAN, "盖章扫描件.pdf"), (REPORT, "发展情况说明.pdf")):
        page.get_by_label("材料类别").select_option(material)
        page.get_by_label("选择文件").set_input_files(
            files=[{"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}]
        )
        page.get_by_role("button", name="上传附件").click()
        page.wait_for_url(re.compile(r"#attachments$"))
        assert in_viewport(page, page.locator("#attachments [data-attachment-message]"))
    assert materials.inner_text().split("\n") == [f"{SCAN}：已上传", f"{REPORT}：已上传"]

    page.get_by_role("link", name="推荐", exact=True).click()
    assert (
        page.locator("dt", has_text="推荐状态").count() == 1
        and page.locator("dt", has_text="窗口状态").count() == 1
    )
    page.get_by_role("button", name="确认推荐").click()
    page.wait_for_url(re.compile(rf"/portal/nominations/{draft.pk}/$"))
    draft.refresh_from_db()
    assert draft.status == m.NominationStatus.SUBMITTED


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


def _captcha_code(page, park_list) -> str:
    from django.contrib.sessions.backends.db import SessionStore

    from tracks.public.captcha import SESSION_KEY

    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    return SessionStore(session_key=cookie["value"]).load()[SESSION_KEY][f"objection-{park_list.pk}"][
        "answer"
    ]


def test_objection_after_a_wrong_captcha_then_the_receipt_lookup(browser_page):
    page = browser_page
    notice, staff = f.list_on_notice(["440000-03", "320000-01", "110000-01"], days_ago=1)
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


def test_guangdong_shows_its_strategic_area(browser_page):
    page = browser_page
    page.goto("/provinces/")
    page.get_by_role("link", name="广东省").click()
    page.wait_for_url(re.compile(r"/provinces/440000/$"))
    assert page.locator("[data-areas]").inner_text() == "粤港澳大湾区（部分地区，9 个国家高新区）"
