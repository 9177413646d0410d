"""The reviewer's journey in the admin: a new assignment waits in the changelist; the nomination stays closed until
the reviewer signs the confidentiality and conflict pledge; the scores autosave as a draft (a reload loses nothing);
a low score without a comment is refused; the submit locks the scores."""

import re

import pytest
from django.conf import settings
from django.test import Client

from tests.tracks.services.review_support import Desk
from tracks.models import Assignment, AssignmentStatus, NominationStatus, Score
from tracks.services import review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, live_server, user):
    """The session of a signed-in user, handed to the browser (the login form is the accounts app's to test)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_reviewer_accepts_pledges_autosaves_and_submits(browser_page, live_server):
    page = browser_page
    desk = Desk()
    nomination = desk.nomination("440000-03", status=NominationStatus.IN_REVIEW)
    nomination.narrative = "一、产业基础：集聚人形机器人整机企业十二家。"
    nomination.save()
    reviewer = desk.reviewer("110000", name="张三")
    assignment = review.assignment_add(actor=desk.staff, nomination=nomination, reviewer=reviewer)
    sign_in(page, live_server, reviewer.user)

    page.goto("/admin/tracks/assignment/")
    assert page.get_by_text("您有 1 项评审任务待接受").is_visible()
    page.get_by_role("link", name=re.compile(nomination.zone.display_name)).click()

    page.wait_for_url(re.compile(rf"/admin/tracks/assignment/{assignment.pk}/change/$"))
    assert page.get_by_role("heading", name="保密与回避承诺").is_visible()
    assert page.get_by_text("集聚人形机器人整机企业十二家").count() == 0
    assert page.locator('input[name="value-strategic"]').count() == 0
    page.screenshot(path="/tmp/review-pledge.png", full_page=True)

    page.get_by_label("我已阅读上述承诺，承诺遵守并接受本评审任务").check()
    page.get_by_role("button", name="签署承诺并接受任务").click()

    assert page.get_by_text("已接受评审任务并签署保密与回避承诺").is_visible()
    assert page.get_by_text("集聚人形机器人整机企业十二家").is_visible()
    stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.status == AssignmentStatus.ACCEPTED and stored.pledge_signed_at is not None

    # Typing is saved without pressing anything.
    page.get_by_label("分值（0–100）").first.fill("88.5")
    page.locator("#comment-strategic").fill("契合国家战略，填补关键空白")
    status = page.locator("#autosave-status")
    status.filter(has_text="已自动保存").wait_for()
    assert (
        Score.objects.get(assignment=assignment, criterion__code="strategic").comment
        == "契合国家战略，填补关键空白"
    )
    version = page.locator('input[name="version"]').input_value()
    assert int(version) == Assignment.objects.get(pk=assignment.pk).version

    page.reload()
    assert page.locator("#value-strategic").input_value() == "88.50"
    assert page.locator("#comment-strategic").input_value() == "契合国家战略，填补关键空白"

    page.locator("#value-leading").fill("90")
    page.locator("#value-growth").fill("50")  # below 60 % of 100: a comment is required
    page.locator("#value-driving").fill("80")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交评分").click()

    page.get_by_text("评分未提交：请按提示修改后再提交").wait_for()
    assert page.get_by_text("「成长性」得分低于 60 分（满分的 60%），须填写评语。").is_visible()
    assert page.locator("#value-growth").input_value() == "50"
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.ACCEPTED
    page.screenshot(path="/tmp/review-errors.png", full_page=True)

    page.locator("#comment-growth").fill("营收增速放缓，成长性一般")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交评分").click()

    page.get_by_text("评分已提交并锁定").wait_for()
    assert page.locator('[data-status="submitted"]').inner_text() == "已提交"
    assert page.locator('input[name="value-strategic"]').count() == 0
    assert page.get_by_role("heading", name=re.compile("其他专家的评分")).is_visible()
    page.screenshot(path="/tmp/review-submitted.png", full_page=True)

    stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.status == AssignmentStatus.SUBMITTED
    assert dict(Score.objects.filter(assignment=stored).values_list("criterion__code", "value")) == {
        "strategic": 88.5,
        "leading": 90,
        "growth": 50,
        "driving": 80,
    }
