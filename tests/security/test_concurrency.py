"""Races on PostgreSQL: real threads, each on its own database connection, released together by a barrier.

* the quota: parallel submits of two provinces at once, at the service and through the token API: exactly the
  quota of each province succeeds, the rest are refused with the quota's message (HTTP 409 in the API);
* stale saves of one score form (two tabs of one reviewer), at the service and through the admin's autosave:
  exactly one is kept, the other is refused with the "updated elsewhere" message, nothing is overwritten; and a
  submit racing a draft save of the same version;
* two publishes of one list at once: exactly one published version and one WorkflowError; the same for two
  corrections of a published list.

SQLite serialises writers on one file and its in-memory test database is not shared between threads, so these
run on PostgreSQL only (``DATABASE_URL=postgres://…``), as in CI.
"""

import json
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from audit.models import AuditEvent
from tests import factories as f
from tests import rounds
from tracks import models as m
from tracks.services import review
from tracks.services.lists import list_correct, list_publish
from tracks.services.nominations import QuotaExceeded, WorkflowError, nomination_transition
from zones.models import Zone

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent connections and row locks (SQLite's test database is one "
        "in-memory connection that threads cannot share)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

GD, JS = "440000", "320000"
FULL = {
    "strategic": {"value": "90", "comment": "契合国家战略"},
    "leading": {"value": "85"},
    "growth": {"value": "80"},
    "driving": {"value": "75"},
}


def together(*calls, timeout=30):
    """Run the callables in threads released at once by a barrier; each closes its connections at the end.
    Returns each call's result or the exception it raised, in the order given."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=timeout)
            outcomes[index] = call()
        except BaseException as error:  # noqa: BLE001 - the test inspects every outcome
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout * 2)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting (deadlock?)"
    return outcomes


def _drafts(cycle, province_code, count):
    zones = list(Zone.objects.filter(province__code=province_code, is_active=True).order_by("key")[:count])
    assert len(zones) == count
    return [f.draft_nomination(cycle=cycle, zone=zone, province=zone.province) for zone in zones]


# ---------------------------------------------------------------------------------------------------------------
# The quota


def test_parallel_submits_of_two_provinces_take_exactly_each_quota():
    cycle = f.CycleFactory(year=2031, default_quota=2)
    m.ProvinceQuota.objects.create(cycle=cycle, province=f.province(GD), quota=3)
    gd = [f.official(GD, username=f"gd_{i}") for i in range(6)]
    js = [f.official(JS, username=f"js_{i}") for i in range(4)]
    gd_drafts, js_drafts = _drafts(cycle, GD, 6), _drafts(cycle, JS, 4)

    calls = [
        (lambda user=user, draft=draft: nomination_transition(actor=user, nomination=draft, action="submit"))
        for user, draft in [*zip(gd, gd_drafts, strict=True), *zip(js, js_drafts, strict=True)]
    ]
    outcomes = together(*calls)

    def tally(results):
        ok = sum(isinstance(r, m.Nomination) for r in results)
        refused = [r for r in results if isinstance(r, QuotaExceeded)]
        return ok, refused, [r for r in results if not isinstance(r, m.Nomination | QuotaExceeded)]

    gd_ok, gd_refused, gd_other = tally(outcomes[:6])
    js_ok, js_refused, js_other = tally(outcomes[6:])
    assert (gd_ok, len(gd_refused), gd_other) == (3, 3, [])
    assert (js_ok, len(js_refused), js_other) == (2, 2, [])
    assert gd_refused[0].messages == ["广东省本批次推荐名额为 3 项，已全部使用，不能再推荐。"]
    assert js_refused[0].messages == ["江苏省本批次推荐名额为 2 项，已全部使用，不能再推荐。"]
    submitted = m.Nomination.objects.filter(cycle=cycle, status=m.NominationStatus.SUBMITTED)
    assert submitted.filter(province__code=GD).count() == 3
    assert submitted.filter(province__code=JS).count() == 2
    assert m.Nomination.objects.filter(cycle=cycle, status=m.NominationStatus.DRAFT).count() == 5
    assert AuditEvent.objects.filter(action="nomination.submit").count() == 5


def test_parallel_api_submits_take_exactly_the_quota_and_answer_409_beyond_it():
    cycle = f.CycleFactory(year=2031, default_quota=2)
    official = f.official(GD, username="gd_api")
    token = Token.objects.create(user=official)
    drafts = _drafts(cycle, GD, 6)

    def submit(draft):
        client = Client(raise_request_exception=False)
        response = client.post(
            f"/api/v1/nominations/{draft.pk}/submit/", HTTP_AUTHORIZATION=f"Token {token.key}"
        )
        return response.status_code, json.loads(response.content)

    outcomes = together(*[(lambda draft=draft: submit(draft)) for draft in drafts])

    statuses = sorted(status for status, _body in outcomes)
    assert statuses == [200, 200, 409, 409, 409, 409], outcomes
    refusals = [body for status, body in outcomes if status == 409]
    assert {body["code"] for body in refusals} == {"quota_exceeded"}
    assert refusals[0]["detail"] == "广东省本批次推荐名额为 2 项，已全部使用，不能再推荐。"
    assert m.Nomination.objects.filter(cycle=cycle, status=m.NominationStatus.SUBMITTED).count() == 2


# ---------------------------------------------------------------------------------------------------------------
# Stale saves of one score form


@pytest.fixture
def scoring():
    """An accepted assignment (pledge signed) on a nomination in review, criteria frozen: the round's own steps."""
    round_ = rounds.Round()
    nomination = round_.accepted("440000-03")
    round_.to_review()
    assignment = m.Assignment.objects.filter(nomination=nomination).select_related("reviewer__user").first()
    reviewer = assignment.reviewer
    assignment = review.assignment_accept(actor=reviewer.user, assignment=assignment, pledge=True)
    return reviewer, assignment


def _strategic(assignment):
    score = m.Score.objects.filter(assignment=assignment, criterion__code="strategic").first()
    return score.value if score is not None else None


def test_two_tabs_saving_one_version_keep_one_and_refuse_the_other(scoring):
    reviewer, assignment = scoring
    version = assignment.version

    def save(value):
        fresh = m.Assignment.objects.get(pk=assignment.pk)
        return review.score_save(
            actor=reviewer.user, assignment=fresh, values={"strategic": {"value": value}}, version=version
        )

    outcomes = together(lambda: save("81"), lambda: save("82"))

    kept = [o for o in outcomes if isinstance(o, review.SaveResult)]
    stale = [o for o in outcomes if isinstance(o, review.StaleVersion)]
    assert (len(kept), len(stale)) == (1, 1), outcomes
    assert stale[0].code == "stale"
    assert stale[0].messages == [
        f"评分已在其他窗口或设备上更新（当前版本 {version + 1}，本页版本 {version}），为避免覆盖，"
        "本次保存未生效。请刷新页面后再继续。"
    ]
    winner = "81" if outcomes[0] is kept[0] else "82"
    assert _strategic(assignment) == Decimal(winner)
    assert m.Assignment.objects.get(pk=assignment.pk).version == version + 1
    assert AuditEvent.objects.filter(action="score.draft").count() == 1


def test_two_tabs_autosaving_one_version_through_the_admin_answer_200_and_409(scoring):
    reviewer, assignment = scoring
    version = assignment.version
    url = reverse("admin:tracks_assignment_autosave", args=[assignment.pk])
    tabs = []
    for _tab in range(2):
        client = Client(raise_request_exception=False)
        client.force_login(reviewer.user)
        tabs.append(client)

    def autosave(client, value):
        response = client.post(url, {"version": str(version), "value-strategic": value})
        return response.status_code, json.loads(response.content), value

    outcomes = together(lambda: autosave(tabs[0], "71"), lambda: autosave(tabs[1], "72"))

    assert sorted(status for status, _body, _value in outcomes) == [200, 409], outcomes
    (_s, saved, value), (_s2, refused, _v2) = sorted(outcomes, key=lambda o: o[0])
    assert saved["ok"] is True and saved["version"] == version + 1
    assert refused["ok"] is False and refused["stale"] is True
    assert "为避免覆盖，本次保存未生效" in refused["message"]
    assert _strategic(assignment) == Decimal(value)


def test_a_submit_racing_a_draft_save_of_the_same_version_never_overwrites(scoring):
    reviewer, assignment = scoring
    version = assignment.version

    def submit():
        fresh = m.Assignment.objects.get(pk=assignment.pk)
        return review.score_submit(actor=reviewer.user, assignment=fresh, values=FULL, version=version)

    def save():
        fresh = m.Assignment.objects.get(pk=assignment.pk)
        return review.score_save(
            actor=reviewer.user, assignment=fresh, values={"strategic": {"value": "10"}}, version=version
        )

    submitted, saved = together(submit, save)

    stored = m.Assignment.objects.get(pk=assignment.pk)
    assert stored.version == version + 1
    if isinstance(submitted, m.Assignment):
        # the submit won: the draft save met a locked, submitted form and was refused
        assert isinstance(saved, review.ReviewError), saved
        assert stored.status == m.AssignmentStatus.SUBMITTED and _strategic(assignment) == Decimal("90")
    else:
        # the save won: the submit carried a stale version and was refused
        assert isinstance(submitted, review.StaleVersion), submitted
        assert isinstance(saved, review.SaveResult), saved
        assert stored.status == m.AssignmentStatus.ACCEPTED and _strategic(assignment) == Decimal("10")


# ---------------------------------------------------------------------------------------------------------------
# Publication


def test_two_publishes_of_one_list_make_exactly_one_version():
    park_list, staff = rounds.list_on_notice(["440000-03", "440000-02", "320000-01"], year=2031, days_ago=8)
    other = f.staff(username="staff_2")

    def publish(actor):
        return list_publish(actor=actor, park_list=m.ParkList.objects.get(pk=park_list.pk))

    outcomes = together(lambda: publish(staff), lambda: publish(other))

    published = [o for o in outcomes if isinstance(o, m.ParkList)]
    refused = [o for o in outcomes if isinstance(o, WorkflowError)]
    assert (len(published), len(refused)) == (1, 1), outcomes
    assert refused[0].code in ("invalid_state", "race")
    stored = m.ParkList.objects.get(pk=park_list.pk)
    assert stored.status == m.ListStatus.PUBLISHED
    assert (stored.sha256, stored.published_at) == (published[0].sha256, published[0].published_at)
    assert m.ParkList.objects.filter(cycle=park_list.cycle, status=m.ListStatus.PUBLISHED).count() == 1
    assert AuditEvent.objects.filter(action="list.publish").count() == 1
    assert m.Nomination.objects.filter(cycle=park_list.cycle, status=m.NominationStatus.LISTED).count() == 3


def test_two_corrections_of_one_published_list_make_exactly_one_new_version():
    park_list, staff = rounds.published_list(["440000-03", "440000-02", "320000-01"], year=2031)
    other = f.staff(username="staff_2")

    def correct(actor, note):
        return list_correct(actor=actor, park_list=m.ParkList.objects.get(pk=park_list.pk), note=note)

    outcomes = together(lambda: correct(staff, "更正一"), lambda: correct(other, "更正二"))

    corrected = [o for o in outcomes if isinstance(o, m.ParkList)]
    refused = [o for o in outcomes if isinstance(o, WorkflowError)]
    assert (len(corrected), len(refused)) == (1, 1), outcomes
    versions = m.ParkList.objects.filter(cycle=park_list.cycle).order_by("version")
    assert [(v.version, v.status) for v in versions] == [
        (park_list.version, m.ListStatus.SUPERSEDED),
        (park_list.version + 1, m.ListStatus.PUBLISHED),
    ]
    assert versions[1].supersedes_id == park_list.pk
