"""A whole annual round in a real browser, with no shell step: staff open a cycle from last year's and move it
through its phases on the confirmation pages (a refused gate, a gate passed with a reason), a province recommends,
staff decide the formal review, reviewers accept and score, staff close the review, rank, build the list, put it on
notice, shorten the notice with a reason, publish and archive; the province sees 已入榜 and 未入榜, the public the
list. Screenshots of every confirmation page land in /tmp/round-*.png."""

import datetime
import re
import time

import pytest
from django.utils import timezone

from tests import factories as f
from tracks.models import Assignment, Cycle, CycleStatus, ListStatus, Nomination, NominationStatus, ParkList
from tracks.services import cycles as cycle_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ZONES = ["440000-02", "440000-03", "440000-04", "440000-05"]
INDICATORS = {
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
    "营业收入同比增长（%）": "-1.25",
}


def sign_in(page, username, *, admin):
    page.context.clear_cookies()
    page.goto("/admin/" if admin else "/portal/")
    page.wait_for_url(re.compile(r"/login/"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(f.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/admin/$" if admin else r"/portal/$"))


def local(moment):
    moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M:%S")


def advance(page, cycle, target, *, reason=None, shot):
    """Open the cycle's confirmation page and confirm (with a reason when the gate asks for one)."""
    page.goto(f"/admin/tracks/cycle/{cycle.pk}/advance/")
    page.screenshot(path=f"/tmp/round-{shot}.png", full_page=True)
    if reason is not None:
        page.get_by_label("继续的理由").fill(reason)
    page.get_by_role("button", name=f"确认进入“{target}”").click()
    page.wait_for_url(re.compile(rf"/admin/tracks/cycle/{cycle.pk}/change/$"))
    assert page.get_by_text(f"已进入“{target}”阶段").is_visible()


def test_a_whole_round_in_the_browser(browser_page, live_server):
    page = browser_page
    staff = f.staff(username="ops", password=f.PASSWORD)
    f.official("440000", username="gd_official")
    field = f.FieldFactory(name="人工智能")
    track = f.TrackFactory(field=field, name="人形机器人")
    reviewers = [
        f.reviewer(code, fields=[field], name=f"专家{code}") for code in ("110000", "310000", "330000")
    ]
    for index, reviewer in enumerate(reviewers):
        reviewer.user.username = f"expert{index}"
        reviewer.user.set_password(f.PASSWORD)
        reviewer.user.save()
    now = timezone.now()
    cycle_services.cycle_create(
        actor=staff,
        year=2030,
        nomination_opens_at=now - datetime.timedelta(days=400),
        nomination_closes_at=now - datetime.timedelta(days=380),
        reviewers_per_nomination=3,
    )

    # Staff: a new cycle from last year's, opened for nominations on its confirmation page.
    sign_in(page, "ops", admin=True)
    page.goto("/admin/tracks/cycle/from-previous/")
    opens, closes = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=10)
    page.locator("#id_year").fill("2031")
    page.locator("#id_nomination_opens_at_0").fill(local(opens)[0])
    page.locator("#id_nomination_opens_at_1").fill(local(opens)[1])
    page.locator("#id_nomination_closes_at_0").fill(local(closes)[0])
    page.locator("#id_nomination_closes_at_1").fill(local(closes)[1])
    page.get_by_role("button", name="新建批次").click()
    page.wait_for_url(re.compile(r"/admin/tracks/cycle/\d+/change/$"))
    cycle = Cycle.objects.get(year=2031)
    assert page.locator(".phase-steps .current").inner_text() == "筹备"
    advance(page, cycle, "推荐", shot="1-open")

    # The province recommends three zones' nominations.
    sign_in(page, "gd_official", admin=False)
    for key in ZONES:
        page.goto("/portal/nominations/new/")
        page.get_by_label("国家高新区").select_option(str(f.zone(key).pk))
        page.get_by_label("搜索新赛道").fill("人形")
        page.get_by_role("button", name=re.compile("人形机器人")).click()
        page.get_by_label("培育路径").select_option(label="新兴产业拓展")
        page.get_by_label("培育模式").select_option(label="应用场景牵引")
        page.get_by_label("公开简介").fill("依托龙头企业和开放场景，形成整机与核心零部件协同的产业链。")
        for label, value in INDICATORS.items():
            page.get_by_label(label, exact=True).fill(value)
        page.get_by_label("申报材料正文", exact=True).fill("一、基本情况\n二、发展基础与优势")
        page.get_by_role("button", name="保存草稿").click()
        page.wait_for_url(re.compile(r"/portal/nominations/\d+/$"))
        page.get_by_role("link", name="推荐", exact=True).click()
        page.get_by_role("button", name="确认推荐").click()
        page.wait_for_url(re.compile(r"/portal/nominations/\d+/$"))
        assert page.locator(".page-head .badge").first.inner_text() == "已推荐"

    # Staff: formal review while the window is open; the gate to 形式审查 refuses until it closes.
    sign_in(page, "ops", admin=True)
    *accepted, returned = Nomination.objects.filter(cycle=cycle).order_by("pk")
    for nomination in accepted:
        page.goto(f"/admin/tracks/nomination/{nomination.pk}/review/accept/")
        page.get_by_role("button", name="确认受理").click()
        page.wait_for_url(re.compile(rf"/admin/tracks/nomination/{nomination.pk}/change/$"))
    page.goto(f"/admin/tracks/nomination/{returned.pk}/review/return/")
    page.locator("#id_reason").fill("请补充近三年营业收入证明")
    page.get_by_role("button", name="确认退回修改").click()
    page.wait_for_url(re.compile(rf"/admin/tracks/nomination/{returned.pk}/change/$"))
    page.goto(f"/admin/tracks/cycle/{cycle.pk}/advance/")
    assert page.get_by_text("未通过，不能继续").is_visible()
    assert page.get_by_role("button", name=re.compile("确认进入")).count() == 0
    page.screenshot(path="/tmp/round-2-refused.png", full_page=True)

    page.goto(f"/admin/tracks/cycle/{cycle.pk}/change/")
    moment = timezone.now()
    page.locator("#id_nomination_closes_at_0").fill(local(moment - datetime.timedelta(minutes=1))[0])
    page.locator("#id_nomination_closes_at_1").fill(local(moment - datetime.timedelta(minutes=1))[1])
    page.locator("#id_review_closes_at_0").fill(local(moment + datetime.timedelta(days=14))[0])
    page.locator("#id_review_closes_at_1").fill(local(moment + datetime.timedelta(days=14))[1])
    page.get_by_role("button", name="保存并继续编辑").click()
    page.wait_for_url(re.compile(rf"/admin/tracks/cycle/{cycle.pk}/change/$"))
    advance(page, cycle, "形式审查", shot="3-formal-review")
    # The returned nomination is still within its 补正 deadline: opening review needs a written reason.
    page.goto(f"/admin/tracks/cycle/{cycle.pk}/advance/")
    assert page.get_by_text("未通过，可填写理由后继续").is_visible()
    page.get_by_role("button", name="确认进入“评审”").click()
    assert page.locator(".errorlist").count() >= 1
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.FORMAL_REVIEW
    advance(page, cycle, "评审", reason="退回的推荐补正期内仍可重新推荐，不影响其他推荐评审", shot="4-review")
    assert Cycle.objects.get(pk=cycle.pk).criteria_frozen_at is not None

    # The review desk: automatic assignment, previewed then confirmed.
    page.goto(f"/admin/tracks/assignment/desk/?cycle={cycle.year}")
    page.get_by_role("button", name="自动分配评审专家（先预览）").click()
    page.get_by_role("button", name="确认分配并通知专家").click()

    # Each reviewer accepts with the pledge and scores; one nomination is scored lower by everyone.
    for index in range(3):
        sign_in(page, f"expert{index}", admin=True)
        for _position in range(3):
            page.goto("/admin/tracks/assignment/")
            # The queue lists what needs action first: the next invitation is at the top.
            page.locator("#result_list tbody tr").filter(has_text="待接受").first.locator("a").first.click()
            page.wait_for_url(re.compile(r"/admin/tracks/assignment/\d+/change/$"))
            assignment = Assignment.objects.get(pk=int(page.url.rstrip("/").split("/")[-2]))
            page.get_by_label("我已阅读上述承诺，承诺遵守并接受本评审任务").check()
            page.get_by_role("button", name="签署承诺并接受任务").click()
            # Everyone scores the nominations in the order they were recommended: the third comes last.
            value = str(90 - 10 * [n.pk for n in accepted].index(assignment.nomination_id))
            for code in ("strategic", "leading", "growth", "driving"):
                page.locator(f"#value-{code}").fill(value)
                page.locator(f"#comment-{code}").fill("材料翔实。")
            page.once("dialog", lambda dialog: dialog.accept())
            page.get_by_role("button", name="提交评分").click()
            page.get_by_text("评分已提交并锁定").wait_for()

    # Staff close the review, rank, build the list and put it on notice.
    sign_in(page, "ops", admin=True)
    advance(page, cycle, "评审结束", reason="退回的推荐未重新推荐，按期结束评审", shot="5-review-closed")
    assert set(Nomination.objects.filter(cycle=cycle).values_list("status", flat=True)) == {
        NominationStatus.SCORED,
        NominationStatus.LAPSED,
    }
    page.goto(f"/admin/tracks/assignment/desk/{cycle.year}/ranking/")
    page.get_by_role("button", name="重新计算排名").click()
    page.goto("/admin/tracks/parklist/build/")
    page.locator("#id_snapshot").select_option(index=1)
    page.locator("#id_field").select_option(str(field.pk))
    page.locator("#id_track").select_option(str(track.pk))
    page.locator("#id_top_n").fill("2")
    page.get_by_role("button", name="预览").click()
    page.get_by_role("button", name="生成榜单草稿").click()
    page.wait_for_url(re.compile(r"/admin/tracks/parklist/\d+/change/$"))
    park_list = ParkList.objects.get(cycle=cycle)
    page.get_by_role("link", name="进入公示…").click()
    assert page.get_by_text("2 个入榜高新区").is_visible()
    page.screenshot(path="/tmp/round-6-notice.png", full_page=True)
    page.get_by_role("button", name="确认进入公示").click()
    page.wait_for_url(re.compile(rf"/admin/tracks/parklist/{park_list.pk}/change/$"))

    # Publishing is refused while the notice runs; staff shorten it (with a reason), then publish.
    page.get_by_role("link", name="正式发布…").click()
    assert page.get_by_text("公示期已满").is_visible() and page.get_by_text("未通过，不能继续").is_visible()
    page.screenshot(path="/tmp/round-7-publish-refused.png", full_page=True)
    page.goto(f"/admin/tracks/parklist/{park_list.pk}/notice-period/")
    soon = timezone.now() + datetime.timedelta(seconds=3)
    page.locator("#id_ends_at_0").fill(local(soon)[0])
    page.locator("#id_ends_at_1").fill(local(soon)[1])
    page.locator("#id_reason").fill("经领导批准，缩短公示期用于演练")
    page.get_by_role("button", name="保存新的公示期").click()
    page.wait_for_url(re.compile(rf"/admin/tracks/parklist/{park_list.pk}/change/$"))
    time.sleep(4)
    page.get_by_role("link", name="正式发布…").click()
    page.screenshot(path="/tmp/round-8-publish.png", full_page=True)
    page.get_by_role("button", name="确认发布").click()
    page.wait_for_url(re.compile(rf"/admin/tracks/parklist/{park_list.pk}/change/$"))
    assert ParkList.objects.get(pk=park_list.pk).status == ListStatus.PUBLISHED

    advance(page, cycle, "发布", shot="9-publication")
    advance(page, cycle, "归档", shot="10-archive")
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.CLOSED
    history = page.locator(".gate-history").inner_text()
    assert "评审结束" in history and "归档" in history and "按期结束评审" in history

    # The public reads the list; the province sees how each nomination ended.
    page.goto(f"/lists/{park_list.pk}/")
    assert page.locator("table.ranked-table tbody tr").count() == 2
    sign_in(page, "gd_official", admin=False)
    page.goto("/portal/nominations/")
    text = page.locator("main").inner_text()
    assert text.count("已入榜") >= 2 and "未入榜" in text and "逾期未补正" in text
    page.screenshot(path="/tmp/round-11-portal.png", full_page=True)
    statuses = sorted(Nomination.objects.filter(cycle=cycle).values_list("status", flat=True))
    assert statuses == [
        NominationStatus.LAPSED,
        NominationStatus.LISTED,
        NominationStatus.LISTED,
        NominationStatus.NOT_LISTED,
    ]
