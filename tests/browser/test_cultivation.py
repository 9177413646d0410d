"""精准性培育 in a real browser: the official of 广东 records a support measure (with a PDF) for one of the
province's library entries and sees it on the timeline beside the yearly monitoring; another province's entry is a
404. The public reads a published typical case; programme staff open the yearly report, print-ready.
No JavaScript error or CSP violation on any page (the fixture checks)."""

import datetime
import re
from decimal import Decimal

import pytest

from cultivation.models import SupportMeasure
from tests import factories as f
from tests.browser.conftest import PHONE
from tests.cultivation.support import (
    cultivation_world,
    pdf_bytes,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def world(db):
    """The cultivation world of tests/cultivation/support.py, not the portal's of tests/browser/conftest.py."""
    return cultivation_world()


def sign_in(page, username, start):
    page.context.clear_cookies()
    page.goto(start)
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(f.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(re.escape(start) + "$"))


def test_a_province_records_a_measure(browser_page, world, tmp_path):
    page = browser_page
    entry = world.entries["zs"]
    f.MonitoringReportFactory(entry=entry, year=2024, revenue=Decimal("210.00"), enterprise_count=96)
    f.MonitoringReportFactory(entry=entry, year=2025, revenue=Decimal("268.40"), enterprise_count=118)
    f.SupportMeasureFactory(
        entry=entry,
        kind="technology",
        title="人形机器人创新中心揭牌",
        date=datetime.date(2024, 9, 12),
        issuer="中山市科学技术局",
        recorded_by=world.users["zs"],
    )

    sign_in(page, "gd_official", "/cultivation/")
    assert page.locator(".portal-unit").inner_text() == "省级主管部门 · 广东省"
    rows = page.locator("table[data-entries] tbody tr")
    assert rows.count() == 2  # 广州 and 中山; 江苏's 南京 is not listed
    assert "南京" not in page.locator("table[data-entries]").inner_text()
    page.screenshot(path="/tmp/cultivation-entries.png", full_page=True)

    page.get_by_role("link", name="中山火炬高新区").click()
    page.wait_for_url(re.compile(rf"/cultivation/entries/{entry.pk}/$"))
    page.get_by_role("link", name="记录培育举措").click()
    page.wait_for_url(re.compile(r"/measures/new/$"))

    # A first try without a title is refused on the page, with the field marked.
    page.get_by_label("举措类别").select_option(label="金融精准支持")
    page.get_by_label("实施日期").fill("2025-04-15")
    page.get_by_role("button", name="保存举措").click()
    assert page.locator(".field-errors").first.inner_text() == "该字段是必填项。"
    page.screenshot(path="/tmp/cultivation-form-errors.png", full_page=True)

    page.get_by_label("举措名称").fill("设立人形机器人产业专项基金")
    page.get_by_label("出台（实施）单位").fill("广东省科学技术厅")
    page.get_by_label("涉及金额（亿元）").fill("12.50")
    page.get_by_label("举措内容").fill("首期规模12.5亿元，重点投向整机与核心零部件企业。")
    pdf = tmp_path / "基金管理办法.pdf"
    pdf.write_bytes(pdf_bytes())
    page.get_by_label("附件").set_input_files(str(pdf))
    page.get_by_role("button", name="保存举措").click()

    page.wait_for_url(re.compile(rf"/cultivation/entries/{entry.pk}/#measure-\d+$"))
    assert page.get_by_role("status").first.inner_text() == "已记录培育举措“设立人形机器人产业专项基金”。"
    measure = SupportMeasure.objects.get(title="设立人形机器人产业专项基金")
    assert measure.recorded_by == world.users["gd"]
    assert measure.amount == Decimal("12.50")
    # The timeline: 2024's measure, 2024's monitoring, then the new measure before 2025's monitoring.
    order = page.locator("[data-measure], [data-report-year]").evaluate_all(
        "els => els.map(el => el.dataset.reportYear ? 'r' + el.dataset.reportYear : el.id)"
    )
    first = SupportMeasure.objects.get(title="人形机器人创新中心揭牌")
    assert order == [f"measure-{first.pk}", "r2024", f"measure-{measure.pk}", "r2025"]
    item = page.locator(f"#measure-{measure.pk}")
    assert "金融精准支持" in item.inner_text()
    assert "涉及金额 12.50 亿元" in item.inner_text()
    assert page.locator(".tchart a.marker").count() == 2
    assert page.locator('[data-kpi="measures"]').inner_text() == "2"
    page.screenshot(path="/tmp/cultivation-entry.png", full_page=True)

    with page.expect_download() as download:
        item.get_by_role("link", name=re.compile("附件：")).click()
    assert download.value.suggested_filename == "基金管理办法.pdf"

    # The chart's indicator: the select submits itself (cultivation.js).
    page.get_by_label("图中指标").select_option(label="企业数")
    page.wait_for_url(re.compile(r"\?indicator=enterprise_count#timeline$"))
    assert page.locator("#tchart-title").inner_text() == "企业数与培育举措（个）"

    # Another province's entry is a 404, like an id that does not exist.
    response = page.goto(f"/cultivation/entries/{world.entries['nj'].pk}/")
    assert response.status == 404
    # The browser logs the deliberate 404 as a failed load; it is the only message expected here.
    errors, page.js_errors[:] = list(page.js_errors), []
    assert len(errors) == 1 and "404" in errors[0]

    page.set_viewport_size(PHONE)
    page.goto(f"/cultivation/entries/{entry.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path="/tmp/cultivation-entry-phone.png", full_page=True)


def test_the_public_reads_cases_and_staff_print_the_report(browser_page, world):
    page = browser_page
    f.published_case(
        entry=world.entries["zs"],
        title="应用场景牵引人形机器人产业成长",
        summary="中山以养老、制造场景开放牵引人形机器人整机企业落地。",
        body="一、背景。\n\n二、做法：发布场景清单，组织供需对接。\n\n三、成效。",
    )
    f.published_case(
        entry=world.entries["nj"],
        title="龙头企业内部创业孵化新型储能",
        summary="南京依托龙头企业内部创业机制孵化储能新企业。",
        cultivation_model="corporate_venture",
    )
    f.SupportMeasureFactory(entry=world.entries["zs"], kind="finance", amount=Decimal("12.50"))
    f.SupportMeasureFactory(entry=world.entries["nj"], kind="scenario", amount=Decimal("3.00"))

    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="典型案例").click()
    page.wait_for_url(re.compile(r"/cultivation/cases/$"))
    assert page.locator(".case-list .card").count() == 2
    page.get_by_label("培育模式").select_option(label="大企业内部创业")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"model=corporate_venture"))
    assert page.locator(".case-list .card").count() == 1
    page.get_by_label("培育模式").select_option(label="全部模式")
    page.get_by_role("button", name="筛选").click()
    page.screenshot(path="/tmp/cultivation-cases.png", full_page=True)
    page.get_by_role("link", name="应用场景牵引人形机器人产业成长").click()
    assert page.locator("h1").inner_text() == "应用场景牵引人形机器人产业成长"
    assert "二、做法：发布场景清单，组织供需对接。" in page.locator(".case-body").inner_text()
    page.screenshot(path="/tmp/cultivation-case.png", full_page=True)

    sign_in(page, "torch_staff", "/cultivation/report/2025/")
    assert page.locator("h1").inner_text() == "2025年度国家高新区新赛道培育工作报告"
    assert page.get_by_role("button", name="打印 / 另存为 PDF").is_visible()  # shown by cultivation.js
    assert page.locator('[data-kind="finance"] td').first.inner_text() == "1"
    assert (
        page.locator("figure.hchart").count() == 3
    )  # movements, measure counts and amounts: the rest is empty
    page.screenshot(path="/tmp/cultivation-report.png", full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".print-toolbar").is_visible()
    page.screenshot(path="/tmp/cultivation-report-print.png", full_page=True)
    page.pdf(path="/tmp/cultivation-report.pdf", format="A4")
