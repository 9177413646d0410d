"""Login failures: five wrong passwords for one username from one address lock that pair for 30 minutes
(django-axes), every failure and the lockout are in the audit log, and the security administrator lifts it."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


@pytest.fixture(autouse=True)
def _axes_on(settings):
    settings.AXES_ENABLED = True


def attempt(username, password, ip="203.0.113.7"):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password})


def fail(username, times, ip="203.0.113.7"):
    return [attempt(username, "Wrong-Passw0rd", ip).status_code for _i in range(times)]


def test_four_failures_do_not_lock():
    f.official(username="gd")
    assert fail("gd", 4) == [200, 200, 200, 200]
    assert attempt("gd", f.PASSWORD).status_code == 302


def test_the_fifth_failure_locks_the_username_from_that_address_for_30_minutes():
    f.official(username="gd")

    statuses = fail("gd", 5)

    assert statuses == [200, 200, 200, 200, 429]
    locked = attempt("gd", f.PASSWORD)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "账户已锁定" in html
    assert "锁定 30 分钟" in html
    # by username AND address: the same account from another address, another account from this one
    assert attempt("gd", f.PASSWORD, ip="198.51.100.9").status_code == 302
    f.official(username="js", province_code="320000")
    assert attempt("js", f.PASSWORD).status_code == 302


def test_failures_and_the_lockout_are_audited():
    f.official(username="gd")
    fail("gd", 5)
    attempt("gd", f.PASSWORD)

    failed = AuditEvent.objects.filter(action="login.failed").order_by("id")
    assert failed.count() == 6  # five wrong passwords, then the right one refused while locked
    assert {(e.after["username"], e.ip_address, e.actor) for e in failed} == {("gd", "203.0.113.7", None)}
    assert "Wrong-Passw0rd" not in str(list(AuditEvent.objects.values_list("after", flat=True)))
    locked = AuditEvent.objects.filter(action="login.locked")
    assert locked.count() >= 1
    assert locked.first().after == {"username": "gd", "ip_address": "203.0.113.7"}
    assert not AuditEvent.objects.filter(action="login").exists()


def test_the_lockout_ends_after_30_minutes():
    f.official(username="gd")
    fail("gd", 5)
    AccessAttempt.objects.filter(username="gd").update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=29)
    )
    assert attempt("gd", f.PASSWORD).status_code == 429

    AccessAttempt.objects.filter(username="gd").update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=31)
    )
    assert attempt("gd", f.PASSWORD).status_code == 302


def test_a_success_resets_the_count():
    f.official(username="gd")
    fail("gd", 4)
    assert attempt("gd", f.PASSWORD).status_code == 302
    assert fail("gd", 4) == [200, 200, 200, 200]


def test_the_admin_login_is_protected_too():
    f.staff(username="torch")
    client = Client(REMOTE_ADDR="203.0.113.8")
    url = reverse("admin:login")
    statuses = [
        client.post(url, {"username": "torch", "password": "Wrong-Passw0rd", "next": "/admin/"}).status_code
        for _i in range(5)
    ]
    assert statuses[-1] == 429
    assert client.post(url, {"username": "torch", "password": f.PASSWORD}).status_code == 429


def test_the_security_admin_lifts_a_lockout():
    f.official(username="gd")
    fail("gd", 5)
    assert attempt("gd", f.PASSWORD).status_code == 429
    security = Client()
    security.force_login(f.security_admin(username="sec"))
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = security.get(changelist)
    assert page.status_code == 200
    assert "gd" in page.content.decode()
    record = AccessAttempt.objects.get(username="gd")

    response = security.post(
        changelist, {"action": "unlock", "_selected_action": [record.pk], "index": 0}, follow=True
    )

    assert response.status_code == 200
    assert "已解除 1 条登录锁定" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    event = AuditEvent.objects.get(action="login.unlock")
    assert event.actor.username == "sec"
    assert event.before["username"] == "gd"
    assert event.before["failures_since_start"] == 5
    assert attempt("gd", f.PASSWORD).status_code == 302


@pytest.mark.parametrize("maker", [f.staff, f.system_admin, f.audit_admin])
def test_only_the_security_admin_sees_lockouts(maker):
    client = Client()
    client.force_login(maker(username="someone"))
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_a_locked_user_is_refused_even_with_the_right_password_and_no_session_is_made():
    user = f.official(username="gd")
    fail("gd", 5)
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.post(LOGIN, {"username": "gd", "password": f.PASSWORD})
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.get(pk=user.pk).last_login is None
