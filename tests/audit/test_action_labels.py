"""Audit actions read as labels, times as Beijing time: one map from codes to labels (audit/actions.py),
used by the audit log's pages and every change history."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from audit.actions import ACTION_LABELS, action_label
from audit.admin_mixins import history_rows, local_datetime
from audit.services import audit_record
from tests import factories as f
from tracks import workflow
from zones.models import Zone

NAMED_IN_THE_ISSUE = [
    "list.publish",
    "objection.file",
    "cycle.advance",
    "cycle.reschedule",
    "review.close_scope",
    "list.notice_change",
    "list.cancel",
    "nomination.lapse",
    "nomination.expire_draft",
    "nomination.close_review",
    "nomination.close_under_reviewed",
    "nomination.mark_listed",
    "nomination.mark_not_listed",
    "nomination.discard",
    "assignment.close",
    "review.reopen_nomination",
    "review.reopen_done",
]
SOURCES = ["accounts", "audit", "config", "cultivation", "office", "tracks", "zones", "throttle"]
LITERAL = re.compile(r'\baction\s*=\s*"([a-z0-9_]+(?:\.[a-z0-9_]+)+|login|logout)"')


def source_codes() -> set[str]:
    """Every action code written as a literal in the code, and the nomination transitions' (nomination.<action>)."""
    found = set()
    for package in SOURCES:
        for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    found |= {f"nomination.{name}" for name in workflow.TRANSITIONS}
    return found


@pytest.mark.parametrize("code", NAMED_IN_THE_ISSUE)
def test_the_codes_of_the_issue_have_labels(code):
    assert code in ACTION_LABELS
    assert action_label(code) != code and not re.search(r"[a-z]\.[a-z]", action_label(code))


def test_every_code_the_code_writes_has_a_label():
    unlabelled = sorted(code for code in source_codes() if action_label(code) == code)
    assert unlabelled == []


def test_an_audited_admin_pages_code_is_labelled_by_its_model():
    assert action_label("zone.update") == "国家高新区：修改"
    assert action_label("strategicarea.create") == "重点区域：新建"
    with translation.override("en"):
        assert action_label("list.publish") == "List published"
    assert action_label("something.unknown") == "something.unknown"


@pytest.mark.django_db
def test_the_audit_log_shows_labels(client):
    reader = f.audit_admin(username="auditor")
    client.force_login(reader)
    audit_record(actor=None, action="objection.file", after={"entry": 1})
    audit_record(actor=None, action="cycle.advance", after={"status": "review"})

    page = client.get(reverse("admin:audit_auditevent_changelist")).content.decode()

    assert "提出异议" in page and "推进批次阶段" in page
    assert ">objection.file<" not in page and ">cycle.advance<" not in page
    # The filter offers labels too.
    assert re.search(r'href="\?action=objection\.file"[^>]*>提出异议<', page)


@pytest.mark.django_db
def test_an_events_page_shows_its_label_and_its_change_in_beijing_time(client):
    client.force_login(f.audit_admin(username="auditor"))
    event = audit_record(
        actor=None,
        action="list.notice_change",
        obj=Zone.objects.first(),
        before={"notice_ends_at": "2025-08-08T02:00:00+00:00"},
        after={"notice_ends_at": "2025-08-11T16:30:00+00:00"},
    )

    page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).content.decode()

    assert "调整公示期" in page
    assert "2025-08-08 10:00:00 → 2025-08-12 00:30:00" in page


@pytest.mark.django_db
def test_histories_show_recorded_times_in_beijing_time():
    zone = Zone.objects.first()
    event = audit_record(
        actor=None,
        action="zone.update",
        obj=zone,
        before={"approved_year": 1991, "updated_at": "2025-08-11T02:00:05+00:00"},
        after={"approved_year": 1992, "updated_at": "2025-08-11T18:00:05.123456+00:00"},
    )

    row = history_rows(Zone, [event])[0]

    assert row["action_label"] == "修改"
    changes = {change["label"]: (change["before"], change["after"]) for change in row["changes"]}
    assert changes["更新时间"] == ("2025-08-11 10:00:05", "2025-08-12 02:00:05")
    assert changes["获批年份"] == ("1991", "1992")


def test_local_datetime_leaves_other_text_alone():
    assert local_datetime("2025-08-11T02:00:00Z") == "2025-08-11 10:00:00"
    assert local_datetime("2025-08-11") is None
    assert local_datetime("第2025-08-11T02:00:00+00:00号") is None
    assert local_datetime(20250811) is None
