"""Staff before the panel meeting (专家评审会): the review desk from the admin home, 催办 of the one reviewer still
late, then the 打分汇总表 printed by Chromium on A4 landscape with the chair's signature line."""

import datetime
import re

import pytest
from django.utils import timezone

from mail.models import OutboxMessage
from tests import rounds
from tests.browser.test_review import sign_in
from tests.tracks.services.review_support import Desk
from tracks.models import CycleStatus, Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_remind_the_late_reviewer_and_print_the_score_summary(browser_page, live_server):
    page = browser_page
    desk = Desk(closes_in=-datetime.timedelta(days=2))
    late = desk.reviewer("110000", name="迟交专家")
    late.user.email = "late@example.org"
    late.user.save(update_fields=["email"])
    desk.invite(desk.nomination("440000-03"), late)
    sign_in(page, live_server, desk.staff)

    page.goto("/admin/")
    page.get_by_role("link", name="评审工作台").first.click()
    page.wait_for_url(re.compile(r"/admin/tracks/assignment/desk/"))
    page.get_by_role("link", name="催办未完成的专家…").click()
    row = page.locator("#remind-table tbody tr", has_text="迟交专家")
    assert row.get_by_text("逾期 2 天").is_visible()
    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="催办勾选的专家").click()
    assert page.get_by_text("已向 1 名专家发送催办（站内通知和邮件）").is_visible()
    assert Notification.objects.filter(user=late.user, message__startswith="催办").count() == 1
    assert OutboxMessage.objects.get(recipient=late.user).event == "review.reminder"

    cycle, track, _nominations = rounds.scored_cycle(["440000-03", "440000-02", "440000-04"], year=2034)
    assert cycle.status == CycleStatus.REVIEW_CLOSED
    page.goto(f"/admin/tracks/assignment/desk/{cycle.year}/pack/?track={track.pk}")
    assert page.get_by_role("heading", name=re.compile("专家评审会打分汇总表")).is_visible()
    assert page.get_by_text("评审组组长（签字）").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".pack-toolbar").is_visible()  # the options are not printed
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.emulate_media(media="screen")
    # A4 landscape: the MediaBox is 842 × 595 points
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", pdf)
    assert box and round(float(box[1])) == 842 and round(float(box[2])) == 595
    with open(f"/tmp/score-summary-{timezone.now():%H%M%S}.pdf", "wb") as out:
        out.write(pdf)
