"""Expert review in the admin: the reviewer's workspace (isolation, pledge before access, drafts and autosave, lock
after submit, anonymised peers), staff reopening, frozen criteria, and the review desk (progress, assignment,
reminders, ranking, export), with query counts that do not grow with the data."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests import factories
from tests.tracks.services.review_support import CODES, FULL, Desk, list_in_state
from tracks.models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    Criterion,
    CycleStatus,
    ListStatus,
    NominationAttachment,
    NominationStatus,
    Notification,
    RankingSnapshot,
    Score,
)
from tracks.services import cycles as cycle_services
from tracks.services import review
from tracks.services.ranking import ranking_compute

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    return Desk()


def change_url(assignment):
    return reverse("admin:tracks_assignment_change", args=[assignment.pk])


def autosave_url(assignment):
    return reverse("admin:tracks_assignment_autosave", args=[assignment.pk])


def form(values=None, version=1, action=None):
    data = {"version": str(version)}
    for code, entry in (values or {}).items():
        data[f"value-{code}"] = entry.get("value", "")
        data[f"comment-{code}"] = entry.get("comment", "")
    if action:
        data["action"] = action
    return data


def page(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# Isolation
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED]
)
@pytest.mark.parametrize(
    ("method", "url_of", "expected"),
    [
        ("get", change_url, 302),  # the admin's answer for an object outside the queryset: back to the index
        ("post", change_url, 302),
        ("get", lambda a: reverse("admin:tracks_assignment_history", args=[a.pk]), 302),
        ("post", autosave_url, 404),
    ],
)
def test_another_reviewers_assignment_is_not_shown(client, desk, status, method, url_of, expected):
    nomination = desk.nomination()
    owner = desk.reviewer("110000", name="甲专家")
    if status == AssignmentStatus.INVITED:
        theirs = desk.invite(nomination, owner)
    elif status == AssignmentStatus.ACCEPTED:
        theirs = desk.accepted(nomination, owner)
    else:
        theirs = desk.submitted(nomination, owner)
    intruder = desk.reviewer("320000", name="乙专家")
    desk.invite(desk.nomination("330000-01"), intruder)
    client.force_login(intruder.user)

    data = form(FULL, version=theirs.version, action="save") if method == "post" else None
    response = getattr(client, method)(url_of(theirs), data)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == reverse("admin:index")
    assert "甲专家" not in page(client.get(reverse("admin:index")))
    changelist = client.get(reverse("admin:tracks_assignment_changelist"))
    assert [a.reviewer for a in changelist.context["cl"].result_list] == [intruder]
    scores = client.get(reverse("admin:tracks_score_changelist")).context["cl"].result_list
    assert not [s for s in scores if s.assignment.reviewer_id == owner.pk]
    stored = Assignment.objects.get(pk=theirs.pk)
    assert (stored.status, stored.version) == (theirs.status, theirs.version)


@pytest.mark.parametrize("make_user", [factories.official, factories.zone_preparer])
def test_portal_users_are_kept_out_of_the_workspace(client, desk, make_user):
    assignment = desk.invite(desk.nomination(), desk.reviewer())
    client.force_login(make_user())
    assert client.get(change_url(assignment)).status_code == 302
    assert client.post(autosave_url(assignment), form(FULL)).status_code == 302


def test_reviewer_changelist_shows_only_mine_with_the_pending_notice(client, desk):
    me = desk.reviewer("110000")
    mine = [desk.invite(desk.nomination(key), me) for key in ("440000-03", "320000-01")]
    desk.invite(desk.nomination("330000-01"), desk.reviewer("310000"))
    client.force_login(me.user)

    response = client.get(reverse("admin:tracks_assignment_changelist"))

    assert sorted(a.pk for a in response.context["cl"].result_list) == sorted(a.pk for a in mine)
    text = page(response)
    assert "您有 2 项评审任务待接受" in text
    assert "评审工作台" not in text  # the desk is for staff
    assert client.get(reverse("admin:tracks_review_desk")).status_code == 403


# ---------------------------------------------------------------------------------------------------------------
# Pledge before access, then scoring
# ---------------------------------------------------------------------------------------------------------------


def test_the_nomination_is_visible_only_after_the_pledge(client, desk):
    nomination = desk.nomination()
    nomination.narrative = "一、产业基础：集聚人形机器人整机企业十二家。"
    nomination.save()
    NominationAttachment.objects.create(
        nomination=nomination,
        file="attachments/x/1",
        original_name="产业发展报告.pdf",
        content_type="application/pdf",
        size=2048,
        sha256="0" * 64,
    )
    Criterion.objects.filter(cycle=desk.cycle, code="strategic").update(rubric="优（90–100）：契合国家战略")
    reviewer = desk.reviewer()
    assignment = desk.invite(nomination, reviewer)
    client.force_login(reviewer.user)

    before = page(client.get(change_url(assignment)))
    assert "保密与回避承诺" in before and str(review.PLEDGE_TEXT) in before
    for secret in ("集聚人形机器人整机企业十二家", "产业发展报告.pdf", "356.40", 'name="value-strategic"'):
        assert secret not in before
    assert nomination.zone.name in before  # the public facts, so a conflict can be recognised

    refused = client.post(change_url(assignment), {"action": "accept"}, follow=True)
    assert "接受评审任务前须阅读并签署保密与回避承诺。" in page(refused)
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.INVITED

    client.post(change_url(assignment), {"action": "accept", "pledge": "on"})

    after = page(client.get(change_url(assignment)))
    stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.status == AssignmentStatus.ACCEPTED and stored.pledge_signed_at is not None
    for content in (
        "集聚人形机器人整机企业十二家",
        "产业发展报告.pdf",
        "356.40",
        "优（90–100）：契合国家战略",
    ):
        assert content in after
    assert 'name="value-strategic"' in after and 'data-autosave-url="' in after
    assert "js/review.js" in after
    assert "<script>" not in after and "onclick" not in after and "style=" not in after


def test_decline_and_conflict_from_the_workspace(client, desk):
    nomination = desk.nomination(status=NominationStatus.IN_REVIEW)
    reviewer = desk.reviewer("110000")
    spare = desk.reviewer("320000")
    declined = desk.invite(nomination, reviewer)
    client.force_login(reviewer.user)

    response = client.post(change_url(declined), {"action": "decline", "reason": "出差"})

    assert response["Location"] == reverse("admin:tracks_assignment_changelist")
    assert Assignment.objects.get(pk=declined.pk).status == AssignmentStatus.DECLINED
    assert Assignment.objects.filter(
        nomination=nomination, reviewer=spare, status=AssignmentStatus.INVITED
    ).exists()

    other = desk.accepted(desk.nomination("320000-01", status=NominationStatus.IN_REVIEW), reviewer)
    refused = client.post(change_url(other), {"action": "conflict", "reason": ""}, follow=True)
    assert "申报回避必须说明理由。" in page(refused)
    client.post(change_url(other), {"action": "conflict", "reason": "曾任该园区顾问"})
    assert Assignment.objects.get(pk=other.pk).status == AssignmentStatus.CONFLICT
    assert ConflictDeclaration.objects.filter(reviewer=reviewer, nomination=other.nomination).exists()


def test_autosave_returns_the_new_version_and_refuses_a_stale_one(client, desk):
    reviewer = desk.reviewer()
    assignment = desk.accepted(desk.nomination(), reviewer)
    client.force_login(reviewer.user)

    response = client.post(autosave_url(assignment), form({"strategic": {"value": "85", "comment": "好"}}, 2))

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["version"] == 3 and body["saved"] == ["strategic"]
    assert body["message"].startswith("已自动保存（")
    assert Score.objects.get(assignment=assignment).value == Decimal("85.00")

    partial = client.post(autosave_url(assignment), form({"leading": {"value": "101"}}, 3)).json()
    assert partial["ok"] is True and partial["errors"] == {
        "leading": "「领先性」的分值必须在 0 到 100 之间。"
    }
    assert partial["message"].startswith("部分内容未保存")

    stale = client.post(autosave_url(assignment), form({"strategic": {"value": "10"}}, 2))
    assert stale.status_code == 409
    assert stale.json()["stale"] is True and "为避免覆盖，本次保存未生效" in stale.json()["message"]
    assert Score.objects.get(assignment=assignment).value == Decimal("85.00")

    assert client.get(autosave_url(assignment)).status_code == 405
    missing = client.post(autosave_url(assignment), {"value-strategic": "1"})
    assert missing.status_code == 400 and "版本" in missing.json()["message"]


def test_a_stale_form_post_keeps_what_was_typed_on_screen(client, desk):
    reviewer = desk.reviewer()
    assignment = desk.accepted(desk.nomination(), reviewer)
    review.score_save(
        actor=reviewer.user, assignment=assignment, values={"strategic": {"value": "70"}}, version=2
    )
    client.force_login(reviewer.user)

    response = client.post(
        change_url(assignment), form({"strategic": {"value": "91", "comment": "新的意见"}}, 2, "save")
    )

    text = page(response)
    assert response.status_code == 200
    assert "为避免覆盖，本次保存未生效" in text
    assert "本次未保存的内容" in text and "新的意见" in text
    assert 'name="version" value="3"' in text
    assert Score.objects.get(assignment=assignment).value == Decimal("70.00")


def test_submit_in_the_admin_reports_errors_keeps_the_draft_then_locks(client, desk):
    reviewer = desk.reviewer()
    assignment = desk.accepted(desk.nomination(), reviewer)
    client.force_login(reviewer.user)
    incomplete = {"strategic": {"value": "50", "comment": ""}, "leading": {"value": "90", "comment": "领先"}}

    response = client.post(change_url(assignment), form(incomplete, 2, "submit"))

    text = page(response)
    assert response.status_code == 200
    assert "评分未提交" in text
    assert "「战略性」得分低于 60 分（满分的 60%），须填写评语。" in text
    assert "请为「成长性」评分。" in text
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.ACCEPTED
    assert dict(Score.objects.filter(assignment=assignment).values_list("criterion__code", "value")) == {
        "strategic": Decimal("50.00"),
        "leading": Decimal("90.00"),
    }
    version = Assignment.objects.get(pk=assignment.pk).version

    values = {**FULL, "strategic": {"value": "50", "comment": "战略关联较弱"}}
    response = client.post(change_url(assignment), form(values, version, "submit"), follow=True)

    text = page(response)
    assert "评分已提交并锁定" in text and "已提交，已锁定" in text
    assert 'name="value-strategic"' not in text
    stored = Assignment.objects.get(pk=assignment.pk)
    assert stored.status == AssignmentStatus.SUBMITTED
    again = client.post(change_url(assignment), form(FULL, stored.version, "save"), follow=True)
    assert "当前状态为「已提交」，不能修改评分" in page(again)
    assert client.post(autosave_url(assignment), form(FULL, stored.version)).status_code == 400


def test_after_my_submission_i_see_the_others_anonymised(client, desk):
    nomination = desk.nomination(status=NominationStatus.IN_REVIEW)
    me = desk.reviewer("110000", name="张三")
    names = ("李四", "王五")
    for code, name, value in (("320000", names[0], "91"), ("330000", names[1], "62")):
        values = {c: {"value": value, "comment": f"{name}的意见"} for c in CODES}
        desk.submitted(nomination, desk.reviewer(code, name=name), values)
    mine = desk.accepted(nomination, me)
    client.force_login(me.user)

    before = page(client.get(change_url(mine)))
    assert "91.00" not in before and "其他专家的评分" not in before

    review.score_submit(actor=me.user, assignment=mine, values=FULL, version=mine.version)
    after = page(client.get(change_url(mine)))

    assert "其他专家的评分（匿名）" in after
    assert "专家A" in after and "专家B" in after
    assert "91.00" in after and "62.00" in after
    assert "李四的意见" in after  # comments are shown, names are not
    for name in names:
        assert after.count(name) == after.count(f"{name}的意见")


# ---------------------------------------------------------------------------------------------------------------
# Staff: the assignment page, reopening
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, desk):
    client.force_login(desk.staff)
    return client


def test_staff_reopen_from_the_assignment_page(staff_client, desk):
    reviewer = desk.reviewer(name="张三")
    done = desk.submitted(desk.nomination(status=NominationStatus.IN_REVIEW), reviewer)

    text = page(staff_client.get(change_url(done)))
    assert "张三" in text and "重新开放评分" in text and "提交评分" in text  # the history names the submit

    refused = staff_client.post(change_url(done), {"action": "reopen", "reason": ""}, follow=True)
    assert "重新开放评分必须填写理由。" in page(refused)
    response = staff_client.post(
        change_url(done), {"action": "reopen", "reason": "评语与分值不符"}, follow=True
    )

    assert "评分已重新开放" in page(response)
    assert Assignment.objects.get(pk=done.pk).status == AssignmentStatus.ACCEPTED
    assert AuditEvent.objects.get(action="score.reopen").reason == "评语与分值不符"


def test_staff_cannot_reopen_after_publication_but_reopen_the_nomination_from_the_desk(staff_client, desk):
    first, second = desk.nomination("440000-03"), desk.nomination("440000-02")
    panel = [desk.reviewer(code) for code in ("110000", "320000", "330000")]
    done = [desk.submitted(first, reviewer) for reviewer in panel]
    for reviewer in panel:
        desk.submitted(second, reviewer)
    list_in_state(desk, [first, second], ListStatus.PUBLISHED)

    text = page(staff_client.get(change_url(done[0])))
    assert "该范围的评审已结束，评分不能再重新开放" in text
    assert reverse("admin:tracks_review_reopen", args=[first.pk]) in text
    assert 'value="reopen"' not in text
    response = staff_client.post(change_url(done[0]), {"action": "reopen", "reason": "复核"}, follow=True)
    assert "评审已结束，评分不能再重新开放" in page(response)
    assert Assignment.objects.get(pk=done[0].pk).status == AssignmentStatus.SUBMITTED
    assert not AuditEvent.objects.filter(action="score.reopen").exists()

    # The one way back: reopen chosen scores of this nomination from the desk, with a reason.
    nomination_url = reverse("admin:tracks_review_nomination", args=[first.pk])
    reopen_url = reverse("admin:tracks_review_reopen", args=[first.pk])
    assert reopen_url in page(staff_client.get(nomination_url))
    form_page = staff_client.get(reopen_url)
    assert form_page.status_code == 200
    refused = staff_client.post(reopen_url, {"assignments": [str(done[0].pk)], "reason": ""})
    assert refused.status_code == 200
    assert Assignment.objects.get(pk=done[0].pk).status == AssignmentStatus.SUBMITTED

    response = staff_client.post(reopen_url, {"assignments": [str(done[0].pk)], "reason": "异议经核实成立"})

    assert response.status_code == 302 and response["Location"] == nomination_url
    assert Assignment.objects.get(pk=done[0].pk).status == AssignmentStatus.ACCEPTED
    assert [a.status for a in Assignment.objects.filter(pk__in=[d.pk for d in done[1:]])] == [
        AssignmentStatus.SUBMITTED
    ] * 2
    event = AuditEvent.objects.get(action="score.reopen")
    assert (event.object_id, event.reason) == (str(done[0].pk), "异议经核实成立")


def test_reviewers_cannot_reopen(client, desk):
    reviewer = desk.reviewer()
    done = desk.submitted(desk.nomination(), reviewer)
    client.force_login(reviewer.user)
    response = client.post(change_url(done), {"action": "reopen", "reason": "想改"}, follow=True)
    assert "只有业务管理员可以管理评审任务。" in page(response)
    assert Assignment.objects.get(pk=done.pk).status == AssignmentStatus.SUBMITTED


# ---------------------------------------------------------------------------------------------------------------
# Frozen criteria
# ---------------------------------------------------------------------------------------------------------------


def in_formal_review(spec=factories.DEFAULT_CRITERIA):
    """A cycle whose window closed yesterday, moved by the service into 形式审查 (the phase before 评审)."""
    staff = factories.staff()
    now = timezone.now()
    cycle = factories.CycleFactory(
        status=CycleStatus.NOMINATION,
        nomination_opens_at=now - datetime.timedelta(days=30),
        nomination_closes_at=now - datetime.timedelta(days=1),
        review_closes_at=now + datetime.timedelta(days=30),
    )
    factories.criteria_for(cycle, spec)
    cycle_services.cycle_advance(cycle=cycle, actor=staff, to_status=CycleStatus.FORMAL_REVIEW)
    return cycle, staff


def test_opening_review_from_the_desk_freezes_the_criteria(client):
    cycle, staff = in_formal_review()
    client.force_login(staff)
    advance_url = reverse("admin:tracks_cycle_advance", args=[cycle.pk])

    desk_page = page(client.get(reverse("admin:tracks_review_desk"), {"cycle": cycle.year}))
    assert advance_url in desk_page and "推进到“评审”…" in desk_page
    confirm = client.get(advance_url)
    assert confirm.context["gate"].target == CycleStatus.REVIEW
    assert "评价维度将冻结" in page(confirm)

    response = client.post(advance_url, {"apply": "yes", "reason": ""}, follow=True)

    assert f"{cycle} 已进入“评审”阶段。" in page(response)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.REVIEW and cycle.criteria_frozen_at is not None
    criterion = Criterion.objects.get(cycle=cycle, code="strategic")
    edit = client.post(
        reverse("admin:tracks_criterion_change", args=[criterion.pk]),
        {"name": "战略", "weight": "30", "max_score": "100", "order": "0"},
    )
    assert edit.status_code == 403
    with pytest.raises(Exception, match="评审已开始，本批次的评价维度已冻结，不能修改。"):
        cycle_services.criteria_update(cycle=cycle, actor=staff, values={"strategic": {"weight": "40"}})
    assert Criterion.objects.get(pk=criterion.pk).weight == Decimal("30.00")


def test_opening_review_refuses_an_incomplete_criteria_set(client):
    cycle, staff = in_formal_review(factories.DEFAULT_CRITERIA[:3])
    client.force_login(staff)
    advance_url = reverse("admin:tracks_cycle_advance", args=[cycle.pk])

    response = client.post(advance_url, {"apply": "yes", "reason": "照常开启"})

    assert response.status_code == 200
    assert "缺少：带动性" in page(response)
    assert response.context["form"].non_field_errors()
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.FORMAL_REVIEW and cycle.criteria_frozen_at is None


def test_scores_need_frozen_criteria(desk):
    reviewer = desk.reviewer()
    assignment = desk.accepted(desk.nomination(), reviewer)
    type(desk.cycle).objects.filter(pk=desk.cycle.pk).update(criteria_frozen_at=None)
    with pytest.raises(Exception, match="评价维度尚未冻结"):
        review.score_save(actor=reviewer.user, assignment=assignment, values=FULL, version=assignment.version)


# ---------------------------------------------------------------------------------------------------------------
# The desk
# ---------------------------------------------------------------------------------------------------------------


def test_desk_assigns_with_a_preview_first(staff_client, desk):
    nomination = desk.nomination("440000-03")
    chosen = [desk.reviewer(code, name=f"专家{code}") for code in ("110000", "320000", "330000")]
    desk.reviewer("440000", name="同省专家")
    url = reverse("admin:tracks_review_assign", args=[desk.cycle.year])

    preview = staff_client.get(url)

    text = page(preview)
    assert preview.status_code == 200
    assert "自动分配评审专家（预览）" in text and "预计分配 3 项评审任务" in text
    assert "同省专家：与推荐项目同属一个省份" in text
    assert not Assignment.objects.exists()

    response = staff_client.post(url, follow=True)

    assert "已自动分配 3 项评审任务" in page(response)
    assert {a.reviewer for a in Assignment.objects.filter(nomination=nomination)} == set(chosen)


def test_desk_reports_a_shortfall(staff_client, desk):
    desk.nomination("440000-03")
    desk.reviewer("110000")
    response = staff_client.post(reverse("admin:tracks_review_assign", args=[desk.cycle.year]), follow=True)
    text = page(response)
    assert "1 个推荐项目的无回避专家不足" in text and "缺 2 名" in text


def test_desk_nomination_page_adds_and_replaces_by_hand(staff_client, desk):
    nomination = desk.nomination("440000-03", status=NominationStatus.IN_REVIEW)
    first = desk.reviewer("110000", name="原专家")
    assignment = desk.invite(nomination, first)
    fresh = desk.reviewer("320000", name="新专家")
    same_province = desk.reviewer("440000", name="同省专家")
    url = reverse("admin:tracks_review_nomination", args=[nomination.pk])

    text = page(staff_client.get(url))
    assert "同省专家：与推荐项目同属一个省份" in text
    assert f'<option value="{same_province.pk}"' not in text

    refused = staff_client.post(url, {"action": "add", "reviewer": same_province.pk}, follow=True)
    assert "不能指派同省专家：与推荐项目同属一个省份。" in page(refused)

    staff_client.post(
        url, {"action": "replace", "assignment": assignment.pk, "reviewer": fresh.pk, "reason": "回避调整"}
    )
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.REMOVED
    assert Assignment.objects.get(nomination=nomination, reviewer=fresh).status == AssignmentStatus.INVITED

    third = desk.reviewer("330000", name="第三位")
    response = staff_client.post(url, {"action": "add", "reviewer": third.pk, "reason": ""}, follow=True)
    assert "已指派第三位" in page(response)


def test_desk_reminds_the_overdue(staff_client, db):
    desk = Desk(closes_in=datetime.timedelta(days=-2))
    late = desk.reviewer()
    desk.invite(desk.nomination(), late)
    staff_client.force_login(desk.staff)

    response = staff_client.post(reverse("admin:tracks_review_remind", args=[desk.cycle.year]), follow=True)

    assert "已向 1 名逾期专家发送站内催办提醒" in page(response)
    assert Notification.objects.filter(user=late.user, message__startswith="催办").count() == 1


def test_desk_progress_per_panel_and_reviewer(staff_client, db):
    desk = Desk(closes_in=datetime.timedelta(days=-1))
    a, b, c = (
        desk.reviewer(code, name=name)
        for code, name in (("110000", "甲"), ("320000", "乙"), ("330000", "丙"))
    )
    first = desk.nomination("440000-03", status=NominationStatus.IN_REVIEW)
    second = desk.nomination("440000-02", status=NominationStatus.IN_REVIEW)
    desk.submitted(first, a)
    desk.accepted(first, b)
    desk.invite(first, c)
    desk.invite(second, a)
    review.assignment_decline(actor=a.user, assignment=Assignment.objects.get(nomination=second, reviewer=a))

    response = staff_client.get(reverse("admin:tracks_review_desk"), {"cycle": desk.cycle.year})

    progress = response.context["progress"]
    panel = progress["panels"][0]
    assert (panel["count"], panel["staffed"], panel["short"]) == (2, 1, 1)
    assert (
        panel["invited"],
        panel["accepted"],
        panel["submitted"],
        panel["withdrawn"],
        panel["overdue"],
    ) == (
        3,  # c on first, b and c re-invited on second by the refill
        1,
        1,
        1,
        2,  # b and c on first; the refill came after the deadline, so it is due in 3 days, not overdue
    )
    reviewers = {row["reviewer__name"]: row for row in response.context["reviewers"]}
    assert (reviewers["甲"]["submitted"], reviewers["甲"]["withdrawn"], reviewers["甲"]["overdue"]) == (
        1,
        1,
        0,
    )
    assert (reviewers["乙"]["accepted"], reviewers["乙"]["overdue"]) == (1, 1)
    refills = Assignment.objects.filter(nomination=second, status=AssignmentStatus.INVITED)
    assert refills.count() == 2
    assert all(
        a.due_at > timezone.now() + datetime.timedelta(days=review.LATE_ASSIGNMENT_DAYS - 1) for a in refills
    )
    text = page(response)
    assert "按评审组（领域）的进度" in text and "按评审专家的进度" in text


def test_desk_is_for_programme_staff_only(client, desk):
    client.force_login(desk.reviewer().user)
    for name, args in (
        ("admin:tracks_review_desk", []),
        ("admin:tracks_review_assign", [desk.cycle.year]),
        ("admin:tracks_review_ranking", [desk.cycle.year]),
        ("admin:tracks_review_ranking_xlsx", [desk.cycle.year]),
        ("admin:tracks_review_nomination", [desk.nomination().pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(reverse("admin:tracks_review_assign", args=[desk.cycle.year])).status_code == 403
    assert not Assignment.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# Ranking and export
# ---------------------------------------------------------------------------------------------------------------


def scored(desk, zone_key, reviewers, value):
    nomination = desk.nomination(zone_key, status=NominationStatus.IN_REVIEW)
    for reviewer in reviewers:
        desk.submitted(nomination, reviewer, {c: {"value": value, "comment": "意见"} for c in CODES})
    return nomination


def test_ranking_page_and_xlsx_export(staff_client, desk):
    from openpyxl import load_workbook

    panel = [desk.reviewer(code, name=f"专家{code[:2]}") for code in ("110000", "310000", "320000")]
    top = scored(desk, "440000-03", panel, "90")
    second = scored(desk, "330000-01", panel, "80")
    lonely = scored(desk, "420000-01", panel[:1], "99")
    url = reverse("admin:tracks_review_ranking", args=[desk.cycle.year])

    assert "本批次尚未计算排名" in page(staff_client.get(url))
    response = staff_client.post(url, follow=True)

    text = page(response)
    snapshot = RankingSnapshot.objects.get(cycle=desk.cycle)
    assert f"已重新计算排名（快照 #{snapshot.pk}）" in text
    assert snapshot.inputs_sha256 in text
    assert f"【领域】{desk.field.name}" in text and f"【赛道】{desk.track.name}" in text
    assert "评审不足3份" in text and "评审专家偏差" in text
    field_rows = response.context["fields"][0]["rows"]
    assert [(r["rank"], r["zone"], r["total"]) for r in field_rows] == [
        (1, top.zone.display_name, "90.00"),
        (2, second.zone.display_name, "80.00"),
        (None, lonely.zone.display_name, "99.00"),
    ]

    export = staff_client.get(reverse("admin:tracks_review_ranking_xlsx", args=[desk.cycle.year]))

    assert export.status_code == 200
    assert export["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=utf-8''" in export["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(export.content))
    assert workbook.sheetnames == ["按赛道排名", "按领域排名", "评审专家偏差", "说明"]
    sheet = workbook["按领域排名"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:6] == ["领域", "排名", "国家高新区", "省份", "赛道", "总分"]
    assert (
        "战略性（截尾均值）" in headers and "离散度（标准差）" in headers and "极差（最高−最低）" in headers
    )
    first = [cell.value for cell in sheet[2]]
    assert first[1] == 1 and first[2] == top.zone.display_name and first[5] == Decimal("90.00")
    last = [cell.value for cell in sheet[4]]
    assert last[1] == "—" and "评审不足3份" in last
    bias = workbook["评审专家偏差"]
    assert [c.value for c in bias[1]][:5] == ["领域", "评审专家", "评审数", "平均总分", "偏差"]
    about = {row[0].value: row[1].value for row in workbook["说明"].iter_rows()}
    assert about["输入数据 SHA-256"] == snapshot.inputs_sha256


def test_xlsx_without_a_snapshot_redirects(staff_client, desk):
    response = staff_client.get(
        reverse("admin:tracks_review_ranking_xlsx", args=[desk.cycle.year]), follow=True
    )
    assert "本批次尚未计算排名" in page(response)


def test_xlsx_cells_numbers_from_text_and_text_as_it_is():
    # text reaches the sheet through office.cells, as a text cell (tests/security/test_formula_injection.py)
    from tracks.admin.review_desk import _cell

    assert _cell("=HYPERLINK(1)") == "=HYPERLINK(1)"
    assert _cell("-3.50") == Decimal("-3.50")
    assert _cell("中关村") == "中关村"
    assert _cell(None) is None


# ---------------------------------------------------------------------------------------------------------------
# Queries do not grow with the data
# ---------------------------------------------------------------------------------------------------------------


def build(desk, count):
    """count nominations, each with three reviewers in every state the pages show, plus a ranking snapshot."""
    zones = list(
        factories.Zone.objects.exclude(province__code__in=["110000", "320000", "330000"]).order_by("key")[
            :count
        ]
    )
    panel = [desk.reviewer(code) for code in ("110000", "320000", "330000")]
    for index, zone in enumerate(zones):
        nomination = desk.nomination(zone.key, status=NominationStatus.IN_REVIEW)
        desk.submitted(
            nomination, panel[0], {c: {"value": str(60 + index % 30), "comment": "意见"} for c in CODES}
        )
        desk.accepted(nomination, panel[1])
        desk.invite(nomination, panel[2], due_at=timezone.now() - datetime.timedelta(days=1))
    ranking_compute(cycle=desk.cycle, actor=desk.staff)
    return panel


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(captured)


PAGES = [
    ("desk", lambda d: (reverse("admin:tracks_review_desk"), {"cycle": d.cycle.year})),
    ("assign", lambda d: (reverse("admin:tracks_review_assign", args=[d.cycle.year]), {})),
    ("ranking", lambda d: (reverse("admin:tracks_review_ranking", args=[d.cycle.year]), {})),
    ("xlsx", lambda d: (reverse("admin:tracks_review_ranking_xlsx", args=[d.cycle.year]), {})),
    ("assignments", lambda d: (reverse("admin:tracks_assignment_changelist"), {})),
    ("scores", lambda d: (reverse("admin:tracks_score_changelist"), {})),
]


@pytest.mark.parametrize(("name", "target"), PAGES, ids=[p[0] for p in PAGES])
def test_staff_pages_take_the_same_queries_at_one_and_ten_times(client, name, target):
    counts = []
    for size in (2, 20):
        desk = Desk()
        build(desk, size)
        client.force_login(desk.staff)
        url, params = target(desk)
        counts.append(count_queries(client, url, **params))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    "changelist", ["admin:tracks_assignment_changelist", "admin:tracks_score_changelist"]
)
def test_reviewer_changelists_take_the_same_queries_at_one_and_ten_times(client, changelist):
    counts = []
    for size in (2, 20):
        desk = Desk()
        panel = build(desk, size)
        client.force_login(panel[0].user)
        counts.append(count_queries(client, reverse(changelist)))
    assert counts[0] == counts[1], counts


def test_workspace_queries_do_not_grow_with_the_peers(client):
    counts = []
    for peers in (1, 10):
        desk = Desk(k=peers + 1)
        nomination = desk.nomination("440000-03", status=NominationStatus.IN_REVIEW)
        codes = [
            "110000",
            "310000",
            "320000",
            "330000",
            "340000",
            "350000",
            "360000",
            "370000",
            "410000",
            "420000",
        ]
        for code in codes[:peers]:
            desk.submitted(nomination, desk.reviewer(code))
        me = desk.reviewer("430000")
        mine = desk.submitted(nomination, me)
        client.force_login(me.user)
        counts.append(count_queries(client, change_url(mine)))
    assert counts[0] == counts[1], counts


def test_autosave_json_is_plain(client, desk):
    reviewer = desk.reviewer()
    assignment = desk.accepted(desk.nomination(), reviewer)
    client.force_login(reviewer.user)
    response = client.post(autosave_url(assignment), form({"strategic": {"value": "1"}}, 2))
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["ok"] is True


def test_reviewers_never_reach_the_nomination_admin(client, desk):
    nomination = desk.nomination()
    reviewer = desk.reviewer()
    desk.accepted(nomination, reviewer)
    client.force_login(reviewer.user)
    for url in (
        reverse("admin:tracks_nomination_change", args=[nomination.pk]),
        reverse("admin:tracks_nomination_changelist"),
        reverse("admin:tracks_nominationattachment_changelist"),
    ):
        assert client.get(url).status_code == 403


def test_overdue_filter_on_the_changelist(staff_client, db):
    desk = Desk(closes_in=datetime.timedelta(days=-1))
    staff_client.force_login(desk.staff)
    late = desk.invite(desk.nomination("440000-03"), desk.reviewer("110000"))
    desk.submitted(desk.nomination("440000-02"), desk.reviewer("320000"))
    early = desk.invite(
        desk.nomination("330000-01"),
        desk.reviewer("310000"),
        due_at=timezone.now() + datetime.timedelta(days=3),
    )

    response = staff_client.get(reverse("admin:tracks_assignment_changelist"), {"status": "overdue"})

    assert [a.pk for a in response.context["cl"].result_list] == [late.pk]
    assert early.pk not in [a.pk for a in response.context["cl"].result_list]
    text = page(response)
    assert "已逾期" in text and "评审工作台" in text


def test_an_unchanged_draft_keeps_its_version(client, desk):
    reviewer = desk.reviewer()
    assignment = desk.accepted(desk.nomination(), reviewer)
    client.force_login(reviewer.user)
    first = client.post(autosave_url(assignment), form({"strategic": {"value": "70"}}, 2)).json()
    same = client.post(autosave_url(assignment), form({"strategic": {"value": "70.00"}}, 3)).json()
    assert (first["version"], same["version"], same["saved"]) == (3, 3, [])
    assert AuditEvent.objects.filter(action="score.draft").count() == 1


def test_attachments_download_only_after_the_pledge(client, desk):
    from django.core.files.base import ContentFile

    nomination = desk.nomination()
    attachment = NominationAttachment(
        nomination=nomination,
        original_name="产业发展报告.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
    )
    attachment.file.save("report", ContentFile(b"%PDF-1.7\n"), save=False)
    attachment.save()
    reviewer = desk.reviewer("110000")
    assignment = desk.invite(nomination, reviewer)
    other = desk.reviewer("320000")
    desk.accepted(desk.nomination("330000-01"), other)
    url = reverse("admin:tracks_assignment_attachment", args=[assignment.pk, attachment.pk])

    client.force_login(reviewer.user)
    assert client.get(url).status_code == 404  # not before the pledge
    review.assignment_accept(actor=reviewer.user, assignment=assignment, pledge=True)
    assert url in page(client.get(change_url(assignment)))

    response = client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="attachment.download")
    assert event.actor == reviewer.user and event.after == {
        "assignment": assignment.pk,
        "nomination": nomination.pk,
    }

    client.force_login(other.user)
    assert client.get(url).status_code == 404


def test_unread_notices_show_in_the_admin_and_can_be_marked_read(client, desk):
    nomination = desk.nomination()
    reviewer = desk.reviewer()
    assignment = review.assignment_add(actor=desk.staff, nomination=nomination, reviewer=reviewer)
    client.force_login(reviewer.user)

    text = page(client.get(reverse("admin:tracks_assignment_changelist")))

    assert "未读站内通知" in text and "1 项新的评审任务" in text
    assert f'href="{change_url(assignment)}"' in text
    response = client.post(reverse("admin:tracks_assignment_notices_read"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("admin:tracks_assignment_changelist")
    assert not Notification.objects.filter(user=reviewer.user, read_at__isnull=True).exists()
    assert "未读站内通知" not in page(client.get(reverse("admin:tracks_assignment_changelist")))
    # one's own notices only
    other = Notification.objects.create(user=desk.staff, message="x")
    client.post(reverse("admin:tracks_assignment_notices_read"), {"notice": [str(other.pk)]})
    assert Notification.objects.get(pk=other.pk).read_at is None
