"""The audit administrator reads the audit log in the admin (read-only, with filters) and exports what the
filters select as CSV: UTF-8 with a BOM, formulas neutralised, the export itself recorded."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record
from office.cells import csv_field
from tests import factories as f

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:audit_auditevent_changelist")
EXPORT = reverse("admin:audit_auditevent_export")


@pytest.fixture
def auditor():
    client = Client()
    client.force_login(f.audit_admin(username="auditor"))
    return client


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+86 10 1234", "'+86 10 1234"),
        ("-1", "-1"),  # a number stays a number
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("＝1+1", "'＝1+1"),
        ("普通文本", "普通文本"),
        (None, ""),
        ({"a": 1}, '{"a": 1}'),
    ],
)
def test_cells_are_neutralised(value, expected):
    assert csv_field(value) == expected


def test_the_audit_admin_exports_the_filtered_log(auditor):
    user = f.official(username="gd")
    audit_record(actor=user, action="nomination.submit", after={"title": "人形机器人"}, reason="=1+1")
    audit_record(actor=None, action="login.failed", after={"username": "@evil"})

    response = auditor.get(EXPORT, {"action": "nomination.submit"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = read_csv(response)
    assert rows[0] == [
        "编号",
        "时间",
        "操作人",
        "操作",
        "对象类型",
        "对象编号",
        "对象",
        "变更前",
        "变更后",
        "理由",
        "IP 地址",
    ]
    assert len(rows) == 2
    assert rows[1][2:4] == ["gd", "nomination.submit"]
    assert rows[1][8] == '{"title": "人形机器人"}'
    assert rows[1][9] == "'=1+1"
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor.username == "auditor"
    assert export.after == {"filters": {"action": "nomination.submit"}, "count": 1}


def test_the_export_covers_every_page(auditor):
    for i in range(130):
        audit_record(actor=None, action="test.event", after={"i": i})
    rows = read_csv(auditor.get(EXPORT, {"action": "test.event"}))
    assert len(rows) == 1 + 130


def test_the_changelist_filters_and_links_the_export(auditor):
    audit_record(actor=None, action="login.failed", after={"username": "x"})
    audit_record(actor=None, action="zone.update")
    page = auditor.get(CHANGELIST, {"kind": "signin"})
    assert page.status_code == 200
    # the auditor's own login is a sign-in event too
    assert sorted(e.action for e in page.context["cl"].result_list) == ["login", "login.failed"]
    assert f'href="{EXPORT}?kind=signin"' in page.content.decode()
    data = auditor.get(CHANGELIST, {"kind": "data"}).context["cl"].result_list
    assert [e.action for e in data] == ["zone.update"]


def test_the_log_is_read_only_in_the_admin(auditor):
    event = audit_record(actor=None, action="test.event")
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert auditor.get(change).status_code == 200
    assert auditor.post(change, {"action": "forged"}).status_code == 403
    assert (
        auditor.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert auditor.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


@pytest.mark.parametrize("maker", [f.staff, f.system_admin, f.security_admin])
def test_nobody_else_reads_or_exports_the_log(maker):
    client = Client()
    client.force_login(maker(username="someone"))
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_an_official_is_sent_to_the_admin_login():
    client = Client()
    client.force_login(f.official(username="gd"))
    assert client.get(EXPORT).status_code == 302
