"""The cycle's phases and their gates, each transition started from the state before it through the services, and
the confirmation pages staff pass them from (domain.md, Workflow → The cycle)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests import factories as f
from tests.rounds import Round
from tracks import workflow
from tracks.models import (
    Assignment,
    AssignmentStatus,
    CycleStatus,
    ListStatus,
    Nomination,
    NominationStatus,
    Notification,
    ParkList,
)
from tracks.services import cycles as cycle_services
from tracks.services import lists as list_services
from tracks.services import nominations as nomination_services
from tracks.services import review as review_services
from tracks.services.cycles import GateRefused
from tracks.services.ranking import ranking_compute

pytestmark = pytest.mark.django_db
P, S, A = CycleStatus, NominationStatus, AssignmentStatus


@pytest.fixture
def round_():
    return Round()


def audit_rows(obj, action):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)


# -- 推荐 → 形式审查 -------------------------------------------------------------------------------------------


def test_formal_review_is_refused_while_a_window_is_open(round_):
    with pytest.raises(GateRefused) as caught:
        round_.advance(reason="不能以理由放行")
    assert caught.value.code == "gate_refused"
    assert "所有省份的推荐窗口（含延期）均已截止" in caught.value.messages[0]
    assert round_.refresh().status == P.NOMINATION


def test_formal_review_turns_never_submitted_drafts_into_not_nominated(round_):
    draft = round_.draft("440000-02")
    submitted = round_.submit(round_.draft("440000-03"))
    round_.close_window()
    round_.advance()
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert (draft.status, submitted.status) == (S.NOT_NOMINATED, S.SUBMITTED)
    rows = audit_rows(draft, "nomination.expire_draft")
    assert rows.count() == 1 and rows.get().before == {"status": "draft"}
    # Not counted in the quota, and a province is told.
    assert nomination_services.quota_used(round_.cycle, draft.province) == 1
    assert Notification.objects.filter(user=round_.officials["440000"], message__contains="未推荐").exists()


def test_window_extensions_only_in_the_nomination_phase(round_):
    round_.close_window()
    round_.advance()
    with pytest.raises(Exception) as caught:
        nomination_services.window_extension_grant(
            actor=round_.staff,
            cycle=round_.cycle,
            province=f.province("440000"),
            closes_at=timezone.now() + datetime.timedelta(days=3),
            reason="延期",
        )
    assert caught.value.code == "phase"


# -- 补正: a returned nomination's deadline ----------------------------------------------------------------------


def test_a_return_gives_a_deadline_that_outlives_the_window(round_):
    returned = round_.decide(round_.submit(round_.draft("440000-02")), "return")
    assert returned.resubmit_by >= timezone.now() + datetime.timedelta(days=round_.cycle.resubmit_days - 1)
    notice = Notification.objects.filter(user=round_.officials["440000"]).latest("pk")
    assert "请于" in notice.message and "前修改后重新推荐" in notice.message
    round_.close_window()
    round_.advance()  # 形式审查: the window is closed, the deadline is not
    again = round_.submit(returned)
    assert again.status == S.SUBMITTED and again.resubmit_by is None


def test_a_returned_nomination_lapses_after_its_deadline(round_):
    returned = round_.decide(round_.submit(round_.draft("440000-02")), "return")
    round_.close_window()
    round_.advance()
    nomination_services.Nomination.objects.filter(pk=returned.pk).update(
        resubmit_by=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(nomination_services.WorkflowError) as caught:
        round_.submit(returned)
    assert caught.value.code == "phase"
    call_command("close_overdue")
    returned.refresh_from_db()
    assert returned.status == S.LAPSED
    assert nomination_services.quota_used(round_.cycle, returned.province) == 0
    assert audit_rows(returned, "nomination.lapse").count() == 1


def test_a_never_submitted_draft_may_be_discarded_and_a_submitted_one_never(round_, client):
    draft = round_.draft("440000-02")
    submitted = round_.submit(round_.draft("440000-03"))
    client.force_login(round_.officials["440000"])
    page = client.get(reverse("portal:nomination_discard", args=[draft.pk]))
    assert page.status_code == 200 and "确认删除草稿" in page.content.decode()
    assert client.post(reverse("portal:nomination_discard", args=[draft.pk])).status_code == 302
    assert not Nomination.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.get(action="nomination.discard").before["status"] == "draft"
    assert client.post(reverse("portal:nomination_discard", args=[submitted.pk])).status_code == 403
    assert Nomination.objects.filter(pk=submitted.pk).exists()


# -- 形式审查 → 评审 ------------------------------------------------------------------------------------------------


def test_review_opening_needs_a_reason_while_formal_review_is_open(round_):
    round_.submit(round_.draft("440000-02"))
    round_.close_window()
    round_.advance()
    with pytest.raises(GateRefused) as caught:
        round_.advance()
    assert caught.value.code == "reason_required"
    assert "形式审查已办结" in caught.value.messages[0]
    cycle = round_.advance(reason="其余推荐评审期间继续形式审查")
    assert cycle.status == P.REVIEW and cycle.criteria_frozen_at is not None
    event = audit_rows(cycle, "cycle.advance").latest("pk")
    assert event.reason == "其余推荐评审期间继续形式审查"
    assert [c["code"] for c in event.after["overridden"]] == ["formal_review_open"]


def test_review_opening_refuses_without_a_future_review_deadline(round_):
    round_.close_window()
    round_.advance()
    cycle_services.cycle_reschedule(
        cycle=round_.cycle, actor=round_.staff, review_closes_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with pytest.raises(GateRefused) as caught:
        round_.advance(reason="理由也不能放行")
    assert caught.value.code == "gate_refused"


# -- deadlines follow the cycle ----------------------------------------------------------------------------------


def test_assignments_follow_the_cycles_deadline_and_overdue_counts_it(owner_db, round_, client):
    # The clock travels weeks ahead: audit rows then carry a time only the owner role may write (PostgreSQL).
    nomination = round_.accepted("440000-02")
    round_.to_review()
    assignments = list(Assignment.objects.filter(nomination=nomination))
    assert assignments and all(a.due_at is None for a in assignments)
    # Staff move the cycle's deadline: every assignment follows. When it has passed, all are overdue on the desk
    # and reminded; a reviewer added by hand then is due in three days, never in the past, and told so.
    later = timezone.now() + datetime.timedelta(days=20)
    cycle_services.cycle_reschedule(cycle=round_.cycle, actor=round_.staff, review_closes_at=later)
    assert all(
        review_services.effective_due(a) == later for a in Assignment.objects.filter(nomination=nomination)
    )
    with time_machine.travel(later + datetime.timedelta(minutes=5), tick=False):
        client.force_login(round_.staff)  # a session idles out over weeks
        assert review_services.reminders_send(actor=round_.staff, cycle=round_.refresh()) == len(assignments)
        desk = client.get(reverse("admin:tracks_review_desk") + f"?cycle={round_.cycle.year}")
        assert desk.context["progress"]["totals"]["overdue"] == len(assignments)
        extra = next(
            r
            for r in round_.reviewers
            if not Assignment.objects.filter(reviewer=r, nomination=nomination).exists()
        )
        added = review_services.assignment_add(actor=round_.staff, nomination=nomination, reviewer=extra)
        assert added.due_at > timezone.now() + datetime.timedelta(days=2)
        invitation = Notification.objects.filter(user=extra.user).latest("pk").message
        assert timezone.localtime(added.due_at).strftime("%Y-%m-%d") in invitation
        page = client.get(reverse("admin:tracks_review_nomination", args=[nomination.pk])).content.decode()
        assert "单独设定" in page and "随批次评审截止时间" in page and "已逾期" in page


# -- 评审 → 评审结束 --------------------------------------------------------------------------------------------


def test_closing_review_closes_pending_assignments_and_settles_nominations(round_):
    full = round_.accepted("440000-02")
    short = round_.accepted("320000-01")
    round_.to_review()
    round_.score_all([full])
    pending = Assignment.objects.filter(nomination=short, status=A.INVITED)
    first = pending.first()
    round_.score(first)
    with pytest.raises(GateRefused) as caught:
        round_.advance()
    assert caught.value.code == "reason_required"
    round_.advance(reason="两位专家未答复，按期结束评审")
    full.refresh_from_db()
    short.refresh_from_db()
    assert (full.status, short.status) == (S.SCORED, S.UNDER_REVIEWED)
    assert "不足 3 份" in short.status_reason
    assert set(Assignment.objects.filter(nomination=short).values_list("status", flat=True)) == {
        A.SUBMITTED,
        A.INCOMPLETE,
    }
    assert audit_rows(short, "nomination.close_under_reviewed").count() == 1
    # Nothing changes a score any more.
    closed = Assignment.objects.filter(nomination=short, status=A.INCOMPLETE).first()
    with pytest.raises(review_services.ReviewError) as caught:
        review_services.assignment_accept(actor=closed.reviewer.user, assignment=closed, pledge=True)
    assert caught.value.code == "review_closed"
    with pytest.raises(review_services.ReviewError) as caught:
        review_services.score_reopen(actor=round_.staff, assignment=first, reason="复核")
    assert caught.value.code == "review_closed"


def test_a_track_closes_ahead_of_the_cycle_and_its_list_verifies_whatever_happens_elsewhere(round_):
    ours = [round_.accepted("440000-02"), round_.accepted("320000-01"), round_.accepted("440000-03")]
    other = round_.accepted("320000-02", track=1)
    round_.to_review()
    round_.score_all(ours)
    track = round_.tracks[0]
    snapshot = ranking_compute(cycle=round_.cycle, actor=round_.staff)
    with pytest.raises(list_services.WorkflowError) as caught:
        list_services.list_build(
            actor=round_.staff, snapshot=snapshot, field=track.field, track=track, top_n=2
        )
    assert caught.value.code == "review_open"
    review_services.review_close_scope(actor=round_.staff, cycle=round_.cycle, field=track.field, track=track)
    with pytest.raises(list_services.WorkflowError) as caught:  # a ranking from before the close is stale
        list_services.list_build(
            actor=round_.staff, snapshot=snapshot, field=track.field, track=track, top_n=2
        )
    assert caught.value.code == "stale_snapshot"
    snapshot = ranking_compute(cycle=round_.cycle, actor=round_.staff)
    park_list = list_services.list_build(
        actor=round_.staff, snapshot=snapshot, field=track.field, track=track, top_n=2
    )
    park_list = list_services.list_open_notice(
        actor=round_.staff, park_list=park_list, starts_at=timezone.now() - datetime.timedelta(days=8)
    )
    published = list_services.list_publish(actor=round_.staff, park_list=park_list)
    # The other track is still reviewed; late scores there never touch the published list.
    round_.score_all([other], value=99)
    assert list_services.list_verify(published).ok
    statuses = dict(Nomination.objects.filter(cycle=round_.cycle).values_list("pk", "status"))
    assert [statuses[n.pk] for n in ours] == [S.LISTED, S.LISTED, S.NOT_LISTED]
    assert statuses[other.pk] == S.IN_REVIEW


def test_scores_normalised_over_the_cycle_close_only_with_the_cycle():
    round_ = Round(normalise=True)
    round_.accepted("440000-02")
    round_.to_review()
    track = round_.tracks[0]
    with pytest.raises(GateRefused) as caught:
        review_services.review_close_scope(
            actor=round_.staff, cycle=round_.cycle, field=track.field, track=track, reason="x"
        )
    assert caught.value.code == "gate_refused" and "评分标准化" in caught.value.messages[0]


# -- 发布 and 归档 ------------------------------------------------------------------------------------------------


def test_publication_needs_open_objections_resolved_and_the_archive_no_list_on_notice(round_):
    nominations = [round_.accepted(key) for key in ("440000-02", "320000-01", "440000-03")]
    round_.to_review()
    round_.score_all(nominations)
    round_.advance()  # 评审结束
    track = round_.tracks[0]
    snapshot = ranking_compute(cycle=round_.cycle, actor=round_.staff)
    park_list = list_services.list_build(
        actor=round_.staff, snapshot=snapshot, field=track.field, track=track, top_n=2
    )
    park_list = list_services.list_open_notice(actor=round_.staff, park_list=park_list)
    objection = list_services.objection_file(
        park_list=park_list, name="张三", organisation="某单位", contact="010-1", statement="请核实。"
    )
    with pytest.raises(GateRefused) as caught:
        round_.advance(reason="理由不能放行")
    assert "异议" in caught.value.messages[0]
    list_services.objection_resolve(
        actor=round_.staff, objection=objection, decision="dismissed", resolution="不成立"
    )
    round_.advance()  # 发布
    with pytest.raises(GateRefused) as caught:
        round_.advance()
    assert "公示中" in caught.value.messages[0]
    ParkList.objects.filter(pk=park_list.pk).update(
        notice_ends_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    list_services.list_publish(actor=round_.staff, park_list=park_list)
    round_.advance()  # 归档
    statuses = sorted(Nomination.objects.filter(cycle=round_.cycle).values_list("status", flat=True))
    assert statuses == [S.LISTED, S.LISTED, S.NOT_LISTED]


# -- the confirmation pages ------------------------------------------------------------------------------------


def test_the_advance_page_shows_checks_refuses_and_takes_a_reason(round_, client):
    client.force_login(round_.staff)
    url = reverse("admin:tracks_cycle_advance", args=[round_.cycle.pk])
    page = client.get(url).content.decode()
    assert "推荐 → 形式审查" in page and "形式审查：推荐窗口关闭" in page and "未通过，不能继续" in page
    assert 'type="submit"' not in page.split("仍待处理")[-1].split("阶段记录")[0]
    response = client.post(url, {"apply": "yes", "reason": ""})
    assert response.status_code == 200 and round_.refresh().status == P.NOMINATION

    round_.submit(round_.draft("440000-02"))
    round_.close_window()
    assert client.post(url, {"apply": "yes"}).status_code == 302
    assert round_.refresh().status == P.FORMAL_REVIEW
    page = client.get(url).content.decode()
    assert "未通过，可填写理由后继续" in page and "形式审查已办结" in page
    response = client.post(url, {"apply": "yes", "reason": ""})
    assert 'class="errorlist' in response.content.decode()
    assert round_.refresh().status == P.FORMAL_REVIEW
    client.post(url, {"apply": "yes", "reason": "评审期间继续形式审查"})
    assert round_.refresh().status == P.REVIEW
    cycle_page = client.get(reverse("admin:tracks_cycle_change", args=[round_.cycle.pk])).content.decode()
    assert "评审期间继续形式审查" in cycle_page and "形式审查已办结" in cycle_page


def test_the_list_pages_confirm_notice_and_publication(round_, client):
    nominations = [round_.accepted(key) for key in ("440000-02", "320000-01")]
    round_.to_review()
    round_.score_all(nominations)
    track = round_.tracks[0]
    review_services.review_close_scope(actor=round_.staff, cycle=round_.cycle, field=track.field, track=track)
    snapshot = ranking_compute(cycle=round_.cycle, actor=round_.staff)
    park_list = list_services.list_build(
        actor=round_.staff, snapshot=snapshot, field=track.field, track=track, top_n=2
    )
    client.force_login(round_.staff)
    notice_url = reverse("admin:tracks_parklist_notice", args=[park_list.pk])
    page = client.get(notice_url).content.decode()
    assert "公示是公开的" in page and "2 个入榜高新区" in page
    client.post(notice_url, {"apply": "yes"})
    park_list.refresh_from_db()
    assert park_list.status == ListStatus.NOTICE
    publish_url = reverse("admin:tracks_parklist_publish", args=[park_list.pk])
    page = client.get(publish_url).content.decode()
    assert "公示期已满" in page and "未通过，不能继续" in page
    client.post(publish_url, {"apply": "yes"})
    park_list.refresh_from_db()
    assert park_list.status == ListStatus.NOTICE
    # Staff shorten the notice with a reason (audited), then publish from the page.
    period_url = reverse("admin:tracks_parklist_notice_period", args=[park_list.pk])
    soon = timezone.localtime(timezone.now() + datetime.timedelta(minutes=1))
    client.post(
        period_url,
        {
            "ends_at_0": soon.strftime("%Y-%m-%d"),
            "ends_at_1": soon.strftime("%H:%M:%S"),
            "reason": "经批准缩短",
        },
    )
    event = AuditEvent.objects.get(action="list.notice_change")
    assert event.reason == "经批准缩短"
    ParkList.objects.filter(pk=park_list.pk).update(
        notice_ends_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    client.post(publish_url, {"apply": "yes"})
    park_list.refresh_from_db()
    assert park_list.status == ListStatus.PUBLISHED


def test_a_correction_that_adds_goes_on_notice_and_the_public_page_says_so(round_, client):
    nominations = [round_.accepted(key) for key in ("440000-02", "320000-01", "440000-03")]
    round_.to_review()
    round_.score_all(nominations)
    round_.advance()
    track = round_.tracks[0]
    snapshot = ranking_compute(cycle=round_.cycle, actor=round_.staff)
    park_list = list_services.list_build(
        actor=round_.staff, snapshot=snapshot, field=track.field, track=track, top_n=2
    )
    list_services.list_open_notice(
        actor=round_.staff, park_list=park_list, starts_at=timezone.now() - datetime.timedelta(days=8)
    )
    published = list_services.list_publish(actor=round_.staff, park_list=park_list)
    assert client.get(reverse("public:list_detail", args=[published.pk])).status_code == 200
    correction = list_services.list_correct(
        actor=round_.staff, park_list=published, note="异议成立", exclude_nominations=[nominations[0].pk]
    )
    assert correction.status == ListStatus.NOTICE
    published.refresh_from_db()
    assert published.status == ListStatus.PUBLISHED
    page = client.get(reverse("public:list_detail", args=[published.pk])).content.decode()
    assert "本版本的更正正在公示" in page
    nominations[0].refresh_from_db()
    assert nominations[0].status == S.LISTED  # still on the current published version
    # Cancelled: the old version stays current and is free for another correction.
    list_services.list_notice_cancel(actor=round_.staff, park_list=correction, reason="撤回更正")
    assert client.get(reverse("public:list_detail", args=[correction.pk])).status_code == 404
    assert (
        "本版本的更正正在公示"
        not in client.get(reverse("public:list_detail", args=[published.pk])).content.decode()
    )
    again = list_services.list_correct(
        actor=round_.staff, park_list=published, note="重新更正", exclude_nominations=[nominations[0].pk]
    )
    assert again.status == ListStatus.NOTICE


def test_the_gates_live_in_the_workflow_and_name_every_phase():
    assert workflow.PHASES == [
        P.PLANNING,
        P.NOMINATION,
        P.FORMAL_REVIEW,
        P.REVIEW,
        P.REVIEW_CLOSED,
        P.PUBLICATION,
        P.CLOSED,
    ]
