"""A cycle's change form opened before review and posted after: review froze the criteria in between.

The criterion inline is read-only once frozen, and Django's admin ignores what a read-only inline posts; the cycle
page must say so instead of dropping the criterion edits silently. As for any post against frozen criteria, the
cycle's own fields still save and the criteria stay as frozen (the criterion page and the service refuse too).
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests import factories
from tests.tracks.admin.test_admin import cycle_post_data, rows_with
from tracks import models as m
from tracks.services.cycles import cycle_advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = factories.staff(username="ops")
    client.force_login(user)
    return user


@pytest.fixture
def cycle():
    """In 推荐, its window closed yesterday, a review deadline ahead: nothing holds its gates."""
    now = timezone.now()
    cycle = factories.CycleFactory(
        year=2031,
        status=m.CycleStatus.NOMINATION,
        nomination_opens_at=now - datetime.timedelta(days=30),
        nomination_closes_at=now - datetime.timedelta(days=1),
        review_closes_at=now + datetime.timedelta(days=30),
    )
    factories.criteria_for(cycle)
    return cycle


def open_then_start_review(client, staff, cycle):
    """The form as the browser got it before review opened; then formal review and review open (which freezes
    the criteria)."""
    page = client.get(reverse("admin:tracks_cycle_change", args=[cycle.pk])).content.decode()
    assert 'name="criteria-0-weight"' in page
    cycle_advance(cycle=cycle, actor=staff, to_status=m.CycleStatus.FORMAL_REVIEW)
    cycle_advance(cycle=cycle, actor=staff, to_status=m.CycleStatus.REVIEW)


def frozen_message(cycle) -> str:
    at = timezone.localtime(cycle.criteria_frozen_at).strftime("%Y-%m-%d %H:%M")
    return f"评审已于 {at} 开启，评价维度自此冻结：本次提交中对评价维度的修改均未保存。"


def criteria_of(cycle):
    return list(
        m.Criterion.objects.filter(cycle=cycle)
        .order_by("order")
        .values_list("code", "name", "weight", "max_score", "rubric")
    )


def test_a_stale_post_says_the_criterion_edits_were_not_saved(client, staff, cycle):
    open_then_start_review(client, staff, cycle)
    frozen = criteria_of(cycle)
    rows = rows_with(cycle, strategic=Decimal("35"), driving=Decimal("15"))
    data = cycle_post_data(cycle, rows, title="2031年度批次（修订）", audit_reason="调整权重")

    response = client.post(reverse("admin:tracks_cycle_change", args=[cycle.pk]), data, follow=True)

    assert response.status_code == 200
    cycle.refresh_from_db()
    shown = [(message.level_tag, str(message)) for message in response.context["messages"]]
    assert ("error", frozen_message(cycle)) in shown
    assert frozen_message(cycle) in response.content.decode()
    # The criteria are exactly as frozen, and nothing about them was audited; the cycle's own edit saved.
    assert criteria_of(cycle) == frozen
    assert not AuditEvent.objects.filter(action__startswith="criterion.").exists()
    assert cycle.title == "2031年度批次（修订）"


def test_a_stale_post_that_failed_validation_says_it_on_the_form(client, staff, cycle):
    open_then_start_review(client, staff, cycle)
    frozen = criteria_of(cycle)
    data = cycle_post_data(cycle, rows_with(cycle, strategic=Decimal("35"), driving=Decimal("15")), year="")

    response = client.post(reverse("admin:tracks_cycle_change", args=[cycle.pk]), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["year"]
    cycle.refresh_from_db()
    assert frozen_message(cycle) in response.content.decode()
    assert criteria_of(cycle) == frozen


def test_a_stale_post_without_criterion_edits_saves_quietly(client, staff, cycle):
    m.Criterion.objects.filter(cycle=cycle, code="growth").update(rubric="优：增长快\n良：增长稳")
    open_then_start_review(client, staff, cycle)
    data = cycle_post_data(cycle, rows_with(cycle), title="2031年度批次（修订）")
    # A browser posts a textarea's line breaks as CRLF: the same rubric, not an edit.
    data["criteria-2-rubric"] = "优：增长快\r\n良：增长稳"

    response = client.post(reverse("admin:tracks_cycle_change", args=[cycle.pk]), data)

    assert response.status_code == 302
    levels = [message.level_tag for message in get_messages(response.wsgi_request)]
    assert levels == ["success"]
    cycle.refresh_from_db()
    assert cycle.title == "2031年度批次（修订）"


def test_a_stale_deletion_is_an_edit_too(client, staff, cycle):
    open_then_start_review(client, staff, cycle)
    frozen = criteria_of(cycle)
    data = cycle_post_data(cycle, rows_with(cycle))
    data["criteria-3-DELETE"] = "on"

    response = client.post(reverse("admin:tracks_cycle_change", args=[cycle.pk]), data, follow=True)

    cycle.refresh_from_db()
    assert frozen_message(cycle) in [str(message) for message in response.context["messages"]]
    assert criteria_of(cycle) == frozen
