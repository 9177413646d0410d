"""TOTP second factor (django-otp) for the admin roles: with NTR_REQUIRE_2FA a reviewer who has only given a
password is sent to enrolment (QR code drawn here, secret shown), confirms with a code from the authenticator
(computed here with django_otp.oath.totp), gets backup codes and reaches the admin; later logins ask for a code
or a backup code. Officials and zone preparers are not asked."""

import base64
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
ADMIN = reverse("admin:index")


@pytest.fixture
def required(settings):
    settings.NTR_REQUIRE_2FA = True


def token_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0 - offset_steps * device.step, device.digits):06d}"


def signed_in(user) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def verified_client(user) -> Client:
    """A session that has given both factors (the way the verification page leaves it)."""
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client = signed_in(user)
    assert client.post(VERIFY, {"token": token_for(device), "next": ADMIN}).status_code == 302
    return client


def reviewer():
    return f.ReviewerProfileFactory(user=f._with_group(f.UserFactory(username="expert"), "评审专家")).user


def test_a_reviewer_without_a_device_is_sent_to_enrolment_then_reaches_the_admin(required, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong code below would otherwise hold the right one back 1 s
    client = signed_in(reviewer())

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2F"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "启用双因素认证" in html
    qr = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    assert base64.b64decode(qr).startswith(b"<?xml") or b"<svg" in base64.b64decode(qr)[:200]
    device = TOTPDevice.objects.get(user__username="expert", confirmed=False)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    assert client.get(ADMIN).status_code == 302  # not yet

    wrong = client.post(
        SETUP, {"token": "000000" if token_for(device) != "000000" else "111111", "next": ADMIN}
    )
    assert "验证码不正确" in wrong.content.decode()
    done = client.post(SETUP, {"token": token_for(device), "next": ADMIN})

    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=device.user).count() == 10
    assert client.get(ADMIN).status_code == 200
    assert AuditEvent.objects.filter(action="2fa.enrol", actor=device.user).exists()
    assert AuditEvent.objects.filter(action="2fa.failed", actor=device.user).count() == 1


def test_a_later_login_asks_for_a_code(required, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = reviewer()
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client = signed_in(user)

    response = client.get(ADMIN)
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.post(VERIFY, {"token": "12345", "next": ADMIN}).status_code == 200
    ok = client.post(VERIFY, {"token": token_for(device), "next": ADMIN})

    assert ok.status_code == 302
    assert ok["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert AuditEvent.objects.get(action="2fa.verify").after == {"method": "totp"}


def test_a_backup_code_works_once(required):
    user = reviewer()
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    backup = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    backup.token_set.create(token="abcd2345")
    backup.token_set.create(token="efgh6723")

    first = signed_in(user)
    assert first.post(VERIFY, {"token": "abcd-2345", "next": ADMIN}).status_code == 302
    assert first.get(ADMIN).status_code == 200
    assert AuditEvent.objects.get(action="2fa.verify").after == {"method": "backup_code"}

    second = signed_in(user)
    assert second.post(VERIFY, {"token": "abcd2345", "next": ADMIN}).status_code == 200
    assert second.get(ADMIN).status_code == 302
    assert list(backup.token_set.values_list("token", flat=True)) == ["efgh6723"]


def test_failures_are_throttled(required):
    user = reviewer()
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client = signed_in(user)
    wrong = "000000" if token_for(device) != "000000" else "111111"
    assert "验证码不正确" in client.post(VERIFY, {"token": wrong}).content.decode()

    right_too_soon = client.post(VERIFY, {"token": token_for(device)})

    assert "验证失败次数过多" in right_too_soon.content.decode()
    assert client.get(ADMIN).status_code == 302
    assert AuditEvent.objects.filter(action="2fa.failed", actor=user).count() == 2


def test_an_unsafe_next_is_ignored(required):
    user = reviewer()
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client = signed_in(user)
    response = client.post(VERIFY, {"token": token_for(device), "next": "https://evil.example/"})
    assert response["Location"] == ADMIN


def test_a_password_only_session_cannot_replace_the_device(required):
    user = reviewer()
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client = signed_in(user)
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert client.post(SETUP, {"restart": "1"})["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_backup_codes_can_be_renewed_by_a_verified_user(required):
    user = reviewer()
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client = signed_in(user)
    client.post(VERIFY, {"token": token_for(device), "next": ADMIN})
    page = reverse("accounts:two_factor_backup_codes")
    assert "0 个未使用的备用码" in client.get(page).content.decode()

    response = client.post(page)

    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10
    assert sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == sorted(
        codes
    )


@pytest.mark.parametrize("maker", [f.staff, f.system_admin, f.security_admin, f.audit_admin])
def test_staff_and_the_three_administrators_are_asked(required, maker):
    client = signed_in(maker(username="someone"))
    assert client.get(ADMIN)["Location"].startswith(SETUP)


def test_officials_are_not_asked(required):
    client = signed_in(f.official(username="gd"))
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_a_pending_session_may_log_out(required):
    client = signed_in(f.staff(username="torch"))
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_without_the_setting_the_demo_accounts_reach_the_admin_with_a_password(settings):
    settings.NTR_REQUIRE_2FA = False
    client = signed_in(f.staff(username="torch"))
    assert client.get(ADMIN).status_code == 200


def test_the_security_admin_resets_a_lost_device(required):
    user = reviewer()
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    security = verified_client(f.security_admin(username="sec"))

    response = security.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="2fa.reset")
    assert (event.actor.username, event.object_id) == ("sec", str(user.pk))
    assert signed_in(user).get(ADMIN)["Location"].startswith(SETUP)


def test_the_device_secret_is_not_shown_in_the_admin(required):
    user = reviewer()
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    security = verified_client(f.security_admin(username="sec"))
    page = security.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()


def test_next_is_carried_through_enrolment(required):
    client = signed_in(f.staff(username="torch"))
    target = reverse("admin:index") + "?x=1"
    location = client.get(target)["Location"]
    assert parse_qs(urlparse(location).query)["next"] == [target]


def test_the_api_answers_403_instead_of_redirecting(required):
    client = signed_in(f.staff(username="torch"))
    response = client.get("/api/schema/")
    assert response.status_code == 403
    assert response.json() == {"detail": "请先完成双因素认证。"}
