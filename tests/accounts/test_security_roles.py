"""三员分立: the system, security and audit administrators are created on the server with
`manage.py create_admin`, none of them is a superuser or programme staff, and each sees only its own part of the
admin: users and groups / lockouts and second-factor devices / the audit log."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts import roles
from audit.models import AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db
User = get_user_model()
GOOD = "Strong-Passw0rd"


def create_admin(monkeypatch, *args, password=GOOD):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("create_admin", *args, "--password-stdin", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "role, group", [("system", "系统管理员"), ("security", "安全管理员"), ("audit", "审计管理员")]
)
def test_create_admin_makes_an_administrator_who_is_not_a_superuser(monkeypatch, role, group):
    output = create_admin(monkeypatch, "--role", role, "--username", f"{role}_admin")

    user = User.objects.get(username=f"{role}_admin")
    assert "已创建账户" in output
    assert list(user.groups.values_list("name", flat=True)) == [group]
    assert user.is_staff and not user.is_superuser
    assert roles.is_administrator(user)
    assert not roles.is_programme_staff(user)
    assert user.check_password(GOOD)
    assert AuditEvent.objects.get(action="account.create", object_id=str(user.pk)).after["role"] == group


def test_create_admin_refuses_an_unknown_role_and_a_weak_password(monkeypatch):
    with pytest.raises(CommandError):
        create_admin(monkeypatch, "--role", "root", "--username", "x")
    with pytest.raises(CommandError, match="密码"):
        create_admin(monkeypatch, "--role", "audit", "--username", "x", password="auditaudit")
    assert not User.objects.filter(username="x").exists()


def test_programme_staff_is_none_of_the_three():
    staff = f.staff(username="torch")
    assert not roles.is_administrator(staff)
    assert not (set(roles.ADMINISTRATOR_ROLES.values()) & set(staff.groups.values_list("name", flat=True)))


def admin_apps(client) -> dict[str, list[str]]:
    """{app name: [model names]} as the admin index lists them."""
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {
        str(app["name"]): sorted(str(model["name"]) for model in app["models"])
        for app in response.context["app_list"]
    }


def as_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_audit_admin_sees_only_the_audit_log():
    client = as_client(f.audit_admin(username="auditor"))

    assert admin_apps(client) == {"审计日志": ["审计事件"]}
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    for url_name in [
        "admin:auth_user_changelist",
        "admin:auth_group_changelist",
        "admin:tracks_nomination_changelist",
        "admin:tracks_cycle_changelist",
        "admin:axes_accessattempt_changelist",
    ]:
        assert client.get(reverse(url_name)).status_code == 403, url_name


def test_the_system_admin_manages_users_and_groups_only():
    client = as_client(f.system_admin(username="sysadmin"))

    apps = admin_apps(client)

    assert set(apps) == {"认证和授权", "账户与角色"}
    assert client.get(reverse("admin:auth_user_add")).status_code == 200
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200
    for url_name in [
        "admin:audit_auditevent_changelist",
        "admin:tracks_nomination_changelist",
        "admin:axes_accessattempt_changelist",
        "admin:otp_totp_totpdevice_changelist",
    ]:
        assert client.get(reverse(url_name)).status_code == 403, url_name


def test_the_security_admin_sees_lockouts_devices_and_users_read_only():
    client = as_client(f.security_admin(username="sec"))

    apps = admin_apps(client)

    assert "审计日志" not in apps
    assert any("Axes" in name or "axes" in name.lower() for name in apps), apps
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    official = f.official(username="gd")
    assert client.get(reverse("admin:auth_user_change", args=[official.pk])).status_code == 200
    assert client.post(reverse("admin:auth_user_change", args=[official.pk]), {}).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 403


def user_form(user, **overrides):
    data = {
        "username": user.username,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "profile-TOTAL_FORMS": "0",
        "profile-INITIAL_FORMS": "0",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def test_the_system_admin_cannot_make_a_superuser_or_an_administrator():
    client = as_client(f.system_admin(username="sysadmin"))
    official = f.official(username="gd")
    url = reverse("admin:auth_user_change", args=[official.pk])

    response = client.get(url)
    page = response.content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    offered = set(response.context["adminform"].form.fields["groups"].queryset.values_list("name", flat=True))
    assert offered == {roles.OFFICIAL, roles.ZONE_PREPARER, roles.REVIEWER, roles.STAFF}
    audit_group = Group.objects.get(name=roles.AUDIT_ADMIN)

    response = client.post(url, user_form(official, is_superuser="on", groups=[str(audit_group.pk)]))

    assert response.status_code == 200  # the audit group is not a valid choice
    official.refresh_from_db()
    assert not official.is_superuser
    assert not official.groups.filter(name=roles.AUDIT_ADMIN).exists()


def test_the_system_admin_edits_a_programme_account():
    client = as_client(f.system_admin(username="sysadmin"))
    official = f.official(username="gd")
    staff_group = Group.objects.get(name=roles.STAFF)

    response = client.post(
        reverse("admin:auth_user_change", args=[official.pk]),
        user_form(official, is_superuser="on", groups=[str(staff_group.pk)]),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    official.refresh_from_db()
    assert list(official.groups.values_list("name", flat=True)) == [roles.STAFF]
    assert not official.is_superuser  # the field is not on the form, so the posted value is ignored
    assert AuditEvent.objects.filter(action="user.update", object_id=str(official.pk)).exists()


@pytest.mark.parametrize("maker", [f.security_admin, f.audit_admin, f.system_admin])
def test_the_system_admin_cannot_change_an_administrator(maker):
    client = as_client(f.system_admin(username="sysadmin"))
    other = maker(username="other_admin")
    assert (
        client.post(reverse("admin:auth_user_change", args=[other.pk]), user_form(other)).status_code == 403
    )
    password_url = reverse("admin:auth_user_password_change", args=[other.pk])
    assert client.post(password_url, {"password1": GOOD, "password2": GOOD}).status_code == 403


def test_nothing_needs_a_superuser():
    """Every role group works without is_superuser: the demo and the commands make none."""
    assert not User.objects.filter(is_superuser=True).exists()
    for maker in (f.staff, f.system_admin, f.security_admin, f.audit_admin):
        user = maker(username=f"u_{maker.__name__}")
        assert as_client(user).get(reverse("admin:index")).status_code == 200
