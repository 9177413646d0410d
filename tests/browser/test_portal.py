"""The provincial journey in a real browser: a zone's committee prepares a nomination (finding the track by its
pinyin initials through the search box), attaches a PDF; the province's official finds the draft on the dashboard,
checks it and recommends it; the quota and the status follow. No JavaScript error on any page (the fixture checks)."""

import re

import pytest

from tests import factories as f
from tests.browser.conftest import PHONE
from tests.tracks.portal_support import (
    ZS,
    pdf_bytes,
)
from tracks import models as m

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/portal/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(f.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/portal/$"))


def test_zone_prepares_and_official_recommends(browser_page, world, tmp_path):
    page = browser_page

    # The zone's committee prepares the draft.
    sign_in(page, "zs_zone")
    assert page.locator(".portal-unit").inner_text() == "高新区管委会 · 中山火炬高技术产业开发区"
    page.get_by_role("link", name="新建推荐").first.click()
    page.wait_for_url(re.compile(r"/portal/nominations/new/$"))
    assert page.get_by_label("国家高新区").input_value() == str(f.zone(ZS).pk)
    search = page.get_by_label("搜索新赛道")
    search.fill("rxjqr")
    page.get_by_role("button", name=re.compile("人形机器人")).click()
    assert page.get_by_label("新赛道", exact=True).input_value() == str(world.humanoid.pk)
    assert page.locator(".track-chosen").inner_text() == "已选择：人形机器人"
    page.get_by_label("培育路径").select_option(label="新兴产业拓展")
    page.get_by_label("培育模式").select_option(label="应用场景牵引")
    page.get_by_label("公开简介").fill("依托龙头企业和开放场景，形成整机与核心零部件协同的产业链。")
    values = {
        "企业数": "120",
        "高新技术企业数": "60",
        "专精特新企业数": "12",
        "瞪羚企业数": "5",
        "独角兽企业数": "1",
        "授权发明专利": "840",
        "省级及以上研发机构": "15",
        "应用场景": "18",
        "孵化载体": "6",
        "中试平台": "3",
        "营业收入（亿元）": "356.40",
        "R&D经费（亿元）": "21.30",
        "融资额（亿元）": "42.00",
        "营业收入同比增长（%）": "12.50",
    }
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("申报材料正文", exact=True).fill("一、基本情况\n二、发展基础与优势")
    page.screenshot(path="/tmp/portal-form.png", full_page=True)
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r"/portal/nominations/\d+/$"))
    assert page.get_by_role("status").filter(has_text="推荐草稿已保存").is_visible()
    assert page.locator(".page-head .badge").first.inner_text() == "草稿"
    # A zone cannot recommend: no such button.
    assert page.get_by_role("link", name="推荐", exact=True).count() == 0

    pdf = tmp_path / "佐证材料.pdf"
    pdf.write_bytes(pdf_bytes())
    page.get_by_label("选择文件").set_input_files(str(pdf))
    page.get_by_role("button", name="上传附件").click()
    page.wait_for_url(re.compile(r"#attachments$"))
    assert page.get_by_role("link", name="佐证材料.pdf").is_visible()
    nomination = m.Nomination.objects.get()

    # The province's official finds it waiting and recommends it.
    sign_in(page, "gd_official")
    todo = page.locator('[data-todo="drafts"]')
    assert todo.get_by_role("link").inner_text() == "中山火炬高新区 · 人形机器人"
    assert page.locator('[data-quota="remaining"]').inner_text() == "3"
    page.screenshot(path="/tmp/portal-dashboard.png", full_page=True)
    todo.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/portal/nominations/{nomination.pk}/$"))
    page.get_by_role("link", name="推荐", exact=True).click()
    page.wait_for_url(re.compile(rf"/portal/nominations/{nomination.pk}/submit/$"))
    page.get_by_role("button", name="确认推荐").click()
    page.wait_for_url(re.compile(rf"/portal/nominations/{nomination.pk}/$"))
    assert page.locator(".page-head .badge").first.inner_text() == "已推荐"
    assert page.locator(".history li").first.locator("strong").inner_text() == "推荐"
    page.screenshot(path="/tmp/portal-detail.png", full_page=True)

    page.get_by_role("link", name="工作台首页").click()
    assert page.locator('[data-quota="used"]').inner_text() == "1"
    assert page.locator('[data-quota="remaining"]').inner_text() == "2"
    nomination.refresh_from_db()
    assert nomination.status == m.NominationStatus.SUBMITTED

    # The zone is told, and the page fits a phone.
    sign_in(page, "zs_zone")
    assert page.locator("[data-unread-count]").inner_text() == "1"
    page.set_viewport_size(PHONE)
    page.goto(f"/portal/nominations/{nomination.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path="/tmp/portal-phone.png", full_page=True)


def test_print_documents_render_on_a4(browser_page, world):
    page = browser_page
    draft = m.Nomination.objects.create(
        cycle=world.cycle,
        province=f.province("440000"),
        zone=f.zone(ZS),
        track=world.humanoid,
        narrative="正文",
    )
    sign_in(page, "gd_official")
    page.goto(f"/portal/nominations/{draft.pk}/print/")
    assert page.get_by_role("button", name="打印 / 另存为 PDF").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".print-toolbar").is_visible()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")
    page.goto("/portal/letter/")
    assert "广东省关于推荐2031年度国家高新区新赛道的函" in page.locator("h1").inner_text()
