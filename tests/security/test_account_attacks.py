"""Attacks on accounts from the outside probe, kept here so they stay fixed:

* a session opened as a provincial official kept working in the admin, without a second factor, after the account
  was made 业务管理员 (the requirement was stamped at login);
* a session outlived a change of the account's roles, its deactivation and the revocation of its tokens;
* the system administrator edited the three administrators' profiles, though their user records are read-only;
* ``P@ssw0rd1234`` passed the password policy; an API token outlived a password change;
* the development server answered ``/static/..%2f…`` with a 500.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts import roles
from accounts.models import Profile
from audit.models import AuditEvent
from tests import factories as f

User = get_user_model()
LOGIN = reverse("accounts:login")
ADMIN = reverse("admin:index")
SETUP = reverse("accounts:two_factor_setup")
API = "/api/v1/nominations/"
BASE_DIR = Path(__file__).resolve().parents[2]


def signed_in(user, password=f.PASSWORD) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": user.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def user_form(user, **overrides):
    """The system administrator's user change form, as the admin posts it (no profile rows changed)."""
    data = {
        "username": user.username,
        "is_active": "on" if user.is_active else "",
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


def sysadmin_client() -> Client:
    client = Client()
    client.force_login(f.system_admin(username="sysadmin"))
    return client


def give_second_factor(client, user) -> None:
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    response = client.post(reverse("accounts:two_factor_verify"), {"token": code, "next": ADMIN})
    assert response.status_code == 302


# -- item 2: the second factor after a role grant, and sessions that outlive a change ---------------------------


@pytest.mark.django_db
def test_a_session_opened_as_an_official_needs_the_second_factor_once_the_account_works_in_the_admin(
    settings,
):
    settings.NTR_REQUIRE_2FA = True
    official = f.official(username="gd")
    client = signed_in(official)
    assert client.get(reverse("portal:dashboard")).status_code == 200  # officials give no second factor
    # Made programme staff behind the application's back (SQL, a bulk load): no signal ends the session, so the
    # requirement must come from what the account is now, not from what it was at login.
    User.objects.filter(pk=official.pk).update(is_staff=True)
    User.groups.through.objects.create(user_id=official.pk, group_id=Group.objects.get(name=roles.STAFF).pk)

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2F"
    api = client.get(API)
    assert api.status_code == 403
    assert api.json() == {"detail": "请先完成双因素认证。"}


@pytest.mark.django_db
def test_granting_a_role_in_the_admin_ends_the_account_s_sessions_and_the_next_login_asks_a_second_factor(
    settings,
):
    settings.NTR_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    official = f.official(username="gd")
    laptop, phone = signed_in(official), signed_in(official)
    staff_group = Group.objects.get(name=roles.STAFF)

    sysadmin = f.system_admin(username="sysadmin")
    admin_client = signed_in(sysadmin)
    give_second_factor(admin_client, sysadmin)

    granted = admin_client.post(
        reverse("admin:auth_user_change", args=[official.pk]),
        user_form(official, is_staff="on", groups=[str(staff_group.pk)]),
    )

    assert granted.status_code == 302, granted.context["adminform"].form.errors
    for client in (laptop, phone):
        response = client.get(ADMIN)
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2F"
        assert client.get(reverse("portal:dashboard"))["Location"].startswith(LOGIN)
    ended = AuditEvent.objects.filter(action="user.sessions_end", object_id=str(official.pk))
    assert [event.after for event in ended.order_by("pk")] == [
        {"reason": "role", "is_staff": True},
        {"reason": "groups", "removed": [roles.OFFICIAL]},
        {"reason": "groups", "added": [roles.STAFF]},
    ]
    again = signed_in(official)
    assert again.get(ADMIN)["Location"] == f"{SETUP}?next=%2Fadmin%2F"
    give_second_factor(again, official)
    assert again.get(ADMIN).status_code == 200


@pytest.mark.django_db
def test_a_stale_session_in_the_api_is_refused_with_401_json():
    official = f.official(username="gd")
    client = signed_in(official)
    assert client.get(API).status_code == 200

    official.groups.add(Group.objects.get(name=roles.ZONE_PREPARER))

    response = client.get(API)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "请重新登录" in response.json()["detail"]
    assert client.get(API).status_code in (401, 403)  # logged out: the API's own answer to the anonymous


@pytest.mark.django_db
def test_deactivating_an_account_in_the_admin_ends_its_sessions_and_revokes_its_tokens():
    official = f.official(username="gd")
    client = signed_in(official)
    token = Token.objects.create(user=official)

    response = sysadmin_client().post(
        reverse("admin:auth_user_change", args=[official.pk]), user_form(official, is_active="")
    )

    assert response.status_code == 302
    assert client.get(reverse("portal:dashboard"))["Location"].startswith(LOGIN)
    assert not Token.objects.filter(user=official).exists()
    assert Client().get(API, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 401
    revoked = AuditEvent.objects.get(action="apitoken.revoke")
    assert revoked.after == {"reason": "deactivated"}
    # Reactivated, the account starts afresh: the old session stays ended.
    User.objects.filter(pk=official.pk).update(is_active=True)
    assert client.get(reverse("portal:dashboard"))["Location"].startswith(LOGIN)


# -- item 6: the three administrators' profiles -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("maker", [f.system_admin, f.security_admin, f.audit_admin])
def test_the_system_admin_cannot_edit_an_administrator_s_profile(maker):
    client = sysadmin_client()
    administrator = maker(username="other_admin")
    profile = Profile.objects.create(user=administrator, display_name="王五", phone="010-1")
    url = reverse("admin:accounts_profile_change", args=[profile.pk])

    page = client.get(url)
    refused = client.post(
        url, {"display_name": "改名", "phone": "010-2", "province": f.province("440000").pk}
    )

    assert page.status_code == 200
    assert 'name="display_name"' not in page.content.decode()  # shown read-only
    assert refused.status_code == 403
    profile.refresh_from_db()
    assert (profile.display_name, profile.phone, profile.province) == ("王五", "010-1", None)


@pytest.mark.django_db
def test_the_system_admin_cannot_give_an_administrator_a_profile():
    client = sysadmin_client()
    administrator = f.audit_admin(username="auditor")

    response = client.post(
        reverse("admin:accounts_profile_add"), {"user": administrator.pk, "province": f.province("440000").pk}
    )

    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not Profile.objects.filter(user=administrator).exists()


@pytest.mark.django_db
def test_the_system_admin_still_edits_a_programme_account_s_profile_but_not_whose_it_is():
    client = sysadmin_client()
    official = f.official(username="gd")
    other = f.zone_preparer(username="zs")
    profile = Profile.objects.get(user=official)

    response = client.post(
        reverse("admin:accounts_profile_change", args=[profile.pk]),
        {"user": other.pk, "display_name": "李华", "phone": "", "province": f.province("440000").pk},
    )

    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.user, profile.display_name) == (official, "李华")


# -- item 9: guessable passwords, tokens after a password change, the dev server's static files -----------------


@pytest.mark.django_db
def test_a_common_word_with_substitutions_is_refused_as_a_new_password():
    official = f.official(username="gd")
    client = signed_in(official)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": f.PASSWORD, "new_password1": "P@ssw0rd1234", "new_password2": "P@ssw0rd1234"},
    )

    assert response.status_code == 200
    assert "密码太容易被猜到" in response.content.decode()
    official.refresh_from_db()
    assert official.check_password(f.PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("by", ["self", "system_admin"])
def test_a_password_change_revokes_the_account_s_api_token(by):
    official = f.official(username="gd")
    token = Token.objects.create(user=official)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert Client().get(API, **headers).status_code == 200
    new = "Kestrel-Harbor-42"

    if by == "self":
        client = signed_in(official)
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": f.PASSWORD, "new_password1": new, "new_password2": new},
        )
        assert client.get(reverse("portal:profile")).status_code == 200  # this session stays
    else:
        response = sysadmin_client().post(
            reverse("admin:auth_user_password_change", args=[official.pk]),
            {"password1": new, "password2": new, "usable_password": "true"},
        )

    assert response.status_code == 302
    assert not Token.objects.filter(user=official).exists()
    assert Client().get(API, **headers).status_code == 401
    assert AuditEvent.objects.get(action="apitoken.revoke").after == {"reason": "password_change"}


DEV_SERVER_REQUEST = """
import io, json, sys
import django
django.setup()
from django.core.management import get_commands, load_command_class

command = load_command_class(get_commands()["runserver"], "runserver")
options = vars(command.create_parser("manage.py", "runserver").parse_args([]))
handler = command.get_handler(**options)  # what `manage.py runserver` serves
answers = {}
for path in sys.argv[1:]:
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "localhost", "SERVER_PORT": "8000",
        "HTTP_HOST": "localhost", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
    }
    status = []
    try:
        handler(environ, lambda line, headers, *rest: status.append(line))
        answers[path] = int(status[0].split()[0])
    except Exception:  # what the development server turns into a 500
        answers[path] = 500
print(json.dumps(answers))
"""


def test_the_development_server_answers_a_path_out_of_the_static_directories_with_404():
    # The WSGI server decodes %2f before Django sees the path: /static/..%2fmanage.py arrives as below.
    paths = ["/static/../manage.py", "/static/css/../../config/settings/base.py", "/static/css/public.css"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DJANGO_DEBUG": "1"}
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", DEV_SERVER_REQUEST, *paths],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers == {paths[0]: 404, paths[1]: 404, paths[2]: 200}
