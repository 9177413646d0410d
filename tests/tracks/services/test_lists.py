"""The list services: build with a cut-off, notice, objections, publish, correct, verify."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from tests import factories as f
from tests import rounds
from tracks.models import (
    LibraryEntry,
    LibraryStatus,
    ListStatus,
    Nomination,
    NominationStatus,
    Objection,
    ObjectionStatus,
    ParkList,
    Score,
)
from tracks.services import lists as services
from tracks.services.hashing import canonical_json, sha256_hex, sm3_hex
from tracks.services.ranking import ranking_compute
from zones.models import Zone

pytestmark = pytest.mark.django_db

KEYS = ["440000-03", "320000-01", "110000-01", "420000-01", "510000-01"]
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


def snapshot_for(zone_keys=KEYS, **kwargs):
    actor = f.staff()
    cycle, track, nominations = rounds.scored_cycle(zone_keys, **kwargs)
    return ranking_compute(cycle=cycle, actor=actor), track, nominations, actor


def ranks(park_list):
    return list(park_list.entries.order_by("rank").values_list("rank", "zone__key"))


# ---------------------------------------------------------------------------------------------------------------
# Build


def test_build_takes_the_top_n_of_the_track_in_ranking_order():
    snapshot, track, nominations, actor = snapshot_for()

    park_list = services.list_build(actor=actor, snapshot=snapshot, field=track.field, track=track, top_n=3)

    assert park_list.status == ListStatus.DRAFT
    assert park_list.title == f"2031年度{track.name}重点新赛道园区榜单"
    assert ranks(park_list) == [(1, "440000-03"), (2, "320000-01"), (3, "110000-01")]
    first = park_list.entries.get(rank=1)
    # Scores of 90 + (1, 0, -1, 0.5) by three reviewers: the means, weighted 30/25/25/20.
    assert (first.score_strategic, first.score_leading, first.score_growth, first.score_driving) == (
        Decimal("91.00"),
        Decimal("90.00"),
        Decimal("89.00"),
        Decimal("90.50"),
    )
    assert first.total == Decimal("90.15")
    assert AuditEvent.objects.filter(action="list.build", object_id=str(park_list.pk)).exists()


def test_build_with_a_minimum_score_and_a_field_scope():
    snapshot, track, nominations, actor = snapshot_for()

    park_list = services.list_build(
        actor=actor, snapshot=snapshot, field=track.field, min_score=Decimal("85")
    )

    assert park_list.scope == "field" and park_list.track is None
    assert [key for _rank, key in ranks(park_list)] == ["440000-03", "320000-01", "110000-01"]


def test_preview_shows_what_build_would_take_without_writing():
    snapshot, track, _nominations, _actor = snapshot_for()

    rows = services.list_preview(snapshot=snapshot, field=track.field, track=track, top_n=2)

    assert [(row.rank, row.nomination.zone.key, row.total) for row in rows] == [
        (1, "440000-03", Decimal("90.15")),
        (2, "320000-01", Decimal("87.65")),
    ]
    assert not ParkList.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({}, "no_cutoff"), ({"min_score": Decimal("99")}, "empty_list")],
)
def test_build_refuses_without_cutoff_or_rows(kwargs, code):
    snapshot, track, _nominations, actor = snapshot_for()
    with pytest.raises(ValidationError) as error:
        services.list_build(actor=actor, snapshot=snapshot, field=track.field, track=track, **kwargs)
    assert error.value.code == code


def test_only_staff_build_lists():
    snapshot, track, _nominations, _actor = snapshot_for()
    with pytest.raises(PermissionDenied):
        services.list_build(actor=f.official(), snapshot=snapshot, field=track.field, track=track, top_n=3)


def test_a_second_build_while_one_is_on_notice_is_refused():
    park_list, actor = rounds.list_on_notice(KEYS[:3], days_ago=1)
    with pytest.raises(ValidationError) as error:
        services.list_build(
            actor=actor, snapshot=park_list.ranking, field=park_list.field, track=park_list.track, top_n=2
        )
    assert error.value.code == "exists"


# ---------------------------------------------------------------------------------------------------------------
# Notice and objections


def test_open_notice_runs_for_the_cycles_notice_days():
    snapshot, track, _nominations, actor = snapshot_for()
    park_list = services.list_build(actor=actor, snapshot=snapshot, field=track.field, track=track, top_n=3)
    start = timezone.now()

    park_list = services.list_open_notice(actor=actor, park_list=park_list, starts_at=start)

    assert park_list.status == ListStatus.NOTICE
    assert park_list.notice_ends_at - park_list.notice_starts_at == datetime.timedelta(days=7)
    assert services.notice_is_open(park_list)
    with pytest.raises(ValidationError):
        services.list_open_notice(actor=actor, park_list=park_list)


def file_objection(park_list, **kwargs):
    data = {
        "park_list": park_list,
        "name": "李明",
        "organisation": "某某大学",
        "contact": "13800000000",
        "statement": "该园区申报的营业收入数据与统计公报不一致，请核实。",
    }
    data.update(kwargs)
    return services.objection_file(**data)


def test_an_objection_gets_a_receipt_and_is_audited_without_an_actor():
    park_list, _actor = rounds.list_on_notice(KEYS[:3], days_ago=1)
    entry = park_list.entries.get(rank=2)

    objection = file_objection(park_list, entry=entry, evidence=SimpleUploadedFile("证明.pdf", PDF))

    assert objection.status == ObjectionStatus.PENDING
    assert objection.receipt_number.startswith("YY")
    assert len(objection.receipt_number) == len("YY20310101-ABCDEFGH")
    assert objection.evidence.name == f"objections/{park_list.pk}/{objection.receipt_number}"
    assert objection.evidence_name == "证明.pdf"
    event = AuditEvent.objects.get(action="objection.file")
    assert event.actor is None and event.object_id == str(objection.pk)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"MZ\x90\x00 an executable named like a pdf", "file_type"),
        (b"", "empty"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "too_large"),
    ],
)
def test_evidence_is_checked_by_its_bytes_and_size(content, code):
    park_list, _actor = rounds.list_on_notice(KEYS[:3], days_ago=1)
    with pytest.raises(ValidationError) as error:
        file_objection(park_list, evidence=SimpleUploadedFile("证明.pdf", content))
    assert error.value.code == code
    assert not Objection.objects.exists()


@pytest.mark.parametrize("days_ago", [8, -1])
def test_objections_only_during_the_notice_period(days_ago):
    park_list, _actor = rounds.list_on_notice(KEYS[:3], days_ago=days_ago)
    with pytest.raises(ValidationError) as error:
        file_objection(park_list)
    assert error.value.code == "notice_closed"


def test_resolving_needs_staff_a_decision_and_reasons():
    park_list, actor = rounds.list_on_notice(KEYS[:3], days_ago=1)
    objection = file_objection(park_list)

    with pytest.raises(PermissionDenied):
        services.objection_resolve(actor=f.official(), objection=objection, decision="upheld", resolution="x")
    with pytest.raises(ValidationError):
        services.objection_resolve(actor=actor, objection=objection, decision="upheld", resolution=" ")
    resolved = services.objection_resolve(
        actor=actor, objection=objection, decision=ObjectionStatus.DISMISSED, resolution="经核实数据无误。"
    )

    assert (resolved.status, resolved.resolved_by) == (ObjectionStatus.DISMISSED, actor)
    with pytest.raises(ValidationError):
        services.objection_resolve(actor=actor, objection=objection, decision="upheld", resolution="再次处理")


# ---------------------------------------------------------------------------------------------------------------
# Publish


def test_publish_refuses_during_notice_and_with_pending_objections():
    park_list, actor = rounds.list_on_notice(KEYS[:3], days_ago=1)
    with pytest.raises(ValidationError) as error:
        services.list_publish(actor=actor, park_list=park_list)
    assert error.value.code == "notice_running"

    objection = file_objection(park_list)
    later = park_list.notice_ends_at + datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:
        services.list_publish(actor=actor, park_list=park_list, now=later)
    assert error.value.code == "objections_pending"

    services.objection_resolve(actor=actor, objection=objection, decision="dismissed", resolution="不成立")
    published = services.list_publish(actor=actor, park_list=park_list, now=later)
    assert published.status == ListStatus.PUBLISHED


def test_publish_stamps_hashes_inputs_and_marks_nominations_and_library():
    park_list, actor = rounds.list_on_notice(KEYS, top_n=3)
    entries = list(park_list.entries.values_list("nomination_id", flat=True))
    # formal review's acceptance entered the pair in the library
    assert LibraryEntry.objects.get(zone__key="440000-03").status == LibraryStatus.CULTIVATING

    published = services.list_publish(actor=actor, park_list=park_list)

    assert published.published_by == actor and published.published_at is not None
    content = canonical_json(services.list_content(published))
    assert published.canonical_json == content
    assert published.sha256 == sha256_hex(content) and published.sm3 == sm3_hex(content)
    assert published.inputs == published.ranking.inputs
    statuses = dict(Nomination.objects.filter(cycle=published.cycle).values_list("id", "status"))
    assert {statuses[pk] for pk in entries} == {NominationStatus.LISTED}
    assert sorted(set(statuses.values())) == [NominationStatus.LISTED, NominationStatus.NOT_LISTED]
    assert LibraryEntry.objects.get(zone__key="440000-03").status == LibraryStatus.KEY
    assert json.loads(published.canonical_json)["entries"][0]["zone"] == "440000-03"


def test_sm3_is_the_gb_t_32905_digest():
    # The standard's example: SM3("abc").
    assert sm3_hex("abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


# ---------------------------------------------------------------------------------------------------------------
# Correction


def after_notice(park_list) -> datetime.datetime:
    """A moment just after the list's notice ended (the services take ``now``; nothing waits a week)."""
    return park_list.notice_ends_at + datetime.timedelta(minutes=1)


def test_correction_that_adds_an_entry_goes_on_notice_and_supersedes_the_old_when_published():
    old, actor = rounds.published_list(KEYS, top_n=3)
    removed = old.entries.get(rank=2)

    new = services.list_correct(
        actor=actor,
        park_list=old,
        note="异议成立：取消第2名入榜资格。",
        exclude_nominations=[removed.nomination_id],
    )

    # The cut-off pulls in 420000-01, never on notice: the correction goes on notice first; the old version stays
    # the published one meanwhile, and the removed nomination stays listed.
    old.refresh_from_db()
    assert (old.status, new.status) == (ListStatus.PUBLISHED, ListStatus.NOTICE)
    assert old.superseded_at is None and new.published_at is None and new.sha256 == ""
    assert new.notice_ends_at - new.notice_starts_at == datetime.timedelta(days=new.cycle.notice_days)
    assert (new.version, new.supersedes, new.correction_note) == (2, old, "异议成立：取消第2名入榜资格。")
    assert ranks(new) == [(1, "440000-03"), (2, "110000-01"), (3, "420000-01")]
    changes = [(c.kind, c.zone.key, c.old_rank, c.new_rank) for c in services.list_changes(new)]
    assert changes == [
        ("moved", "110000-01", 3, 2),
        ("added", "420000-01", None, 3),
        ("removed", "320000-01", 2, None),
    ]
    assert Nomination.objects.get(pk=removed.nomination_id).status == NominationStatus.LISTED
    assert AuditEvent.objects.get(action="list.correct", object_id=str(new.pk)).after["status"] == "notice"
    assert not AuditEvent.objects.filter(action="list.supersede").exists()
    assert services.list_verify(old).ok

    published = services.list_publish(actor=actor, park_list=new, now=after_notice(new))

    old.refresh_from_db()
    assert (old.status, published.status) == (ListStatus.SUPERSEDED, ListStatus.PUBLISHED)
    assert old.superseded_at == published.published_at
    assert published.inputs[services.EXCLUSIONS_KEY] == [removed.nomination_id]
    assert services.list_verify(published).ok
    assert services.list_verify(old).ok  # the superseded version still verifies
    assert Nomination.objects.get(pk=removed.nomination_id).status == NominationStatus.NOT_LISTED
    assert Nomination.objects.get(cycle=old.cycle, zone__key="420000-01").status == NominationStatus.LISTED
    assert AuditEvent.objects.filter(action="list.supersede", object_id=str(old.pk)).exists()


def test_correction_that_only_removes_is_published_at_once_and_supersedes_the_old():
    old, actor = rounds.published_list(KEYS[:3])
    removed = old.entries.get(rank=2)

    new = services.list_correct(
        actor=actor,
        park_list=old,
        note="异议成立：取消第2名入榜资格。",
        exclude_nominations=[removed.nomination_id],
    )

    old.refresh_from_db()
    assert (old.status, new.status) == (ListStatus.SUPERSEDED, ListStatus.PUBLISHED)
    assert old.superseded_at == new.published_at
    assert ranks(new) == [(1, "440000-03"), (2, "110000-01")]
    assert [(c.kind, c.zone.key) for c in services.list_changes(new)] == [
        ("moved", "110000-01"),
        ("removed", "320000-01"),
    ]
    assert services.list_verify(new).ok and services.list_verify(old).ok
    assert Nomination.objects.get(pk=removed.nomination_id).status == NominationStatus.NOT_LISTED
    assert AuditEvent.objects.filter(action="list.supersede", object_id=str(old.pk)).exists()


def rescore(actor, nomination, value):
    """Staff reopen every review of a nomination after publication; its reviewers submit ``value`` everywhere."""
    from tracks.services import review

    assignments = list(nomination.assignments.order_by("pk"))
    review.nomination_review_reopen(
        actor=actor, nomination=nomination, assignments=assignments, reason="复核后重新评审。"
    )
    for assignment in assignments:
        assignment.refresh_from_db()
        review.score_submit(
            actor=assignment.reviewer.user,
            assignment=assignment,
            values={code: {"value": value, "comment": ""} for code in services.CRITERION_COLUMNS},
            version=assignment.version,
        )


def test_correction_from_a_recomputed_ranking_after_a_score_change():
    old, actor = rounds.published_list(KEYS, top_n=3)
    fifth = Nomination.objects.get(cycle=old.cycle, zone__key="510000-01")
    rescore(actor, fifth, "99")
    snapshot = ranking_compute(cycle=old.cycle, actor=actor)

    new = services.list_correct(actor=actor, park_list=old, note="复核后更正评分。", snapshot=snapshot)

    assert new.status == ListStatus.NOTICE  # it adds 510000-01: on notice first
    assert ranks(new)[0] == (1, "510000-01")
    new = services.list_publish(actor=actor, park_list=new, now=after_notice(new))
    assert new.ranking == snapshot and new.inputs == snapshot.inputs
    assert services.list_verify(new).ok
    # Its inputs no longer match the live scores of the nomination reviewed again after it was published, which
    # its correction shows: only a warning.
    old.refresh_from_db()
    history = services.list_verify(old)
    assert history.ok
    assert history.warnings == [
        f"推荐项目 #{fifth.pk} 在榜单发布后经重新评审，评分已变化，以之后发布的更正版本为准。"
    ]


@pytest.mark.parametrize("note", ["", "   "])
def test_correction_needs_a_note_and_a_current_published_list(note):
    old, actor = rounds.published_list(KEYS[:3])
    with pytest.raises(ValidationError):
        services.list_correct(actor=actor, park_list=old, note=note)
    services.list_correct(actor=actor, park_list=old, note="更正")
    with pytest.raises(ValidationError) as error:
        services.list_correct(actor=actor, park_list=old, note="再次更正旧版本")
    assert error.value.code == "invalid_state"


# ---------------------------------------------------------------------------------------------------------------
# Verification


def test_verify_passes_then_lists_each_changed_score():
    park_list, _actor = rounds.published_list(KEYS[:3])
    assert services.list_verify(park_list).ok

    nomination = park_list.entries.get(rank=1).nomination
    Score.objects.filter(assignment__nomination=nomination, criterion__code="growth").update(
        value=Decimal("10")
    )

    result = services.list_verify(park_list)
    assert result.hashes == [] and result.reproduction == []
    assert len(result.live) == 3  # three reviewers' 成长性 score
    assert all("榜单输入为 89.00，当前为 10.00" in problem for problem in result.live)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the trigger refuses the change itself")
def test_verify_catches_an_entry_changed_below_the_orm():
    park_list, _actor = rounds.published_list(KEYS[:3])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tracks_listentry SET total = 99.99 WHERE park_list_id = %s AND rank = 1", [park_list.pk]
        )

    result = services.list_verify(park_list)

    assert result.hashes == ["榜单条目与发布时的规范化数据不一致。"]
    assert result.reproduction == ["第1名 总分：重新计算为 90.15，榜单为 99.99。"]


def test_a_renamed_zone_is_a_warning_not_a_failure():
    park_list, _actor = rounds.published_list(KEYS[:3])
    Zone.objects.filter(key="440000-03").update(name="中山火炬高技术产业开发区（更名）")

    result = services.list_verify(park_list)

    assert result.ok
    assert result.warnings == ["高新区或赛道名称在发布后有修订；榜单条目本身未变。"]


def test_a_draft_does_not_verify():
    snapshot, track, _nominations, actor = snapshot_for()
    draft = services.list_build(actor=actor, snapshot=snapshot, field=track.field, track=track, top_n=3)
    assert not services.list_verify(draft).ok


def test_select_rows_is_pure_and_orders_by_rank():
    results = {
        "nominations": [
            {
                "id": 1,
                "field": 7,
                "track": 3,
                "flagged": False,
                "rank_in_track": 2,
                "rank_in_field": 2,
                "total": "80.00",
            },
            {
                "id": 2,
                "field": 7,
                "track": 3,
                "flagged": False,
                "rank_in_track": 1,
                "rank_in_field": 1,
                "total": "90.00",
            },
            {
                "id": 3,
                "field": 7,
                "track": 3,
                "flagged": True,
                "rank_in_track": None,
                "rank_in_field": None,
                "total": None,
            },
            {
                "id": 4,
                "field": 7,
                "track": 4,
                "flagged": False,
                "rank_in_track": 1,
                "rank_in_field": 3,
                "total": "70.00",
            },
        ]
    }
    assert [r["id"] for r in services.list_rows_select(results, scope="track", field_id=7, track_id=3)] == [
        2,
        1,
    ]
    assert [
        r["id"] for r in services.list_rows_select(results, scope="field", field_id=7, track_id=None)
    ] == [
        2,
        1,
        4,
    ]
    assert [
        r["id"]
        for r in services.list_rows_select(
            results, scope="field", field_id=7, track_id=None, exclude=[2], top_n=1
        )
    ] == [1]
    assert [
        r["id"]
        for r in services.list_rows_select(
            results, scope="field", field_id=7, track_id=None, min_score=Decimal("75")
        )
    ] == [2, 1]


# ---------------------------------------------------------------------------------------------------------------
# A draft's cut-off changed in the admin: its entries follow


def test_changing_a_drafts_cutoff_in_the_admin_rebuilds_its_entries(client):
    snapshot, track, _nominations, actor = snapshot_for()
    draft = services.list_build(actor=actor, snapshot=snapshot, field=track.field, track=track, top_n=2)
    client.force_login(actor)
    from django.urls import reverse

    response = client.post(
        reverse("admin:tracks_parklist_change", args=[draft.pk]),
        {
            "title": draft.title,
            "cutoff_top_n": "4",
            "cutoff_min_score": "",
            "entries-TOTAL_FORMS": "0",
            "entries-INITIAL_FORMS": "2",
            "entries-MIN_NUM_FORMS": "0",
            "entries-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302
    assert [key for _rank, key in ranks(draft)] == KEYS[:4]
    assert AuditEvent.objects.filter(action="list.recut", object_id=str(draft.pk)).exists()


def test_publish_refuses_entries_that_do_not_follow_the_lists_rule():
    park_list, actor = rounds.list_on_notice(KEYS, top_n=3)
    ParkList.objects.filter(pk=park_list.pk).update(cutoff_top_n=2)  # the rule changed, the entries did not
    park_list.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.list_publish(actor=actor, park_list=park_list)
    assert error.value.code == "entries_off_rule"
