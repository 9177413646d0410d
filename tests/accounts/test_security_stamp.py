"""The security stamp (accounts.sessions): copied into the session at login and compared on every request; a
change of the account's roles, its deactivation or the revocation of its API tokens raises it, which ends the
account's other sessions at their next request. Read once per request (roles.current), never for a request
without a session cookie."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts import roles
from accounts.models import Profile
from accounts.sessions import SECURITY_STAMP, security_stamp_bump
from audit.models import AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db
User = get_user_model()
PAGE = reverse("accounts:password_change")  # any page that needs a login
LOGIN = reverse("accounts:login")


def signed_in(user) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.20")
    response = client.post(LOGIN, {"username": user.username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def is_ended(client, url=PAGE) -> bool:
    response = client.get(url)
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def stamp_of(user) -> int:
    return Profile.objects.get(user=user).security_stamp


def test_login_copies_the_account_s_stamp_into_the_session():
    user = f.official(username="gd")
    Profile.objects.filter(user=user).update(security_stamp=7)

    client = signed_in(user)

    assert client.session[SECURITY_STAMP] == 7
    assert client.get(PAGE).status_code == 200


def test_a_raised_stamp_ends_every_session_of_the_account_and_says_why():
    user = f.official(username="gd")
    first, second = signed_in(user), signed_in(user)
    other = signed_in(f.official("320000", username="js"))

    assert security_stamp_bump(user_id=user.pk, reason="test")

    response = first.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Faccounts%2Fpassword%2F"
    assert "角色或安全设置已变更" in first.get(response["Location"]).content.decode()
    assert is_ended(second)
    assert other.get(PAGE).status_code == 200
    assert first.get(PAGE).status_code == 302  # logged out, not just turned away once
    ended = AuditEvent.objects.filter(action="session.expired", actor=user)
    assert [event.after for event in ended] == [{"reason": "revoked"}] * 2
    assert AuditEvent.objects.get(action="user.sessions_end").after == {"reason": "test"}
    assert signed_in(user).get(PAGE).status_code == 200  # a new login carries the new stamp


def test_a_session_from_before_the_stamp_goes_on_until_the_first_raise():
    user = f.official(username="gd")
    client = signed_in(user)
    session = client.session
    del session[SECURITY_STAMP]
    session.save()

    assert client.get(PAGE).status_code == 200
    security_stamp_bump(user_id=user.pk, reason="test")
    assert is_ended(client)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: user.groups.add(Group.objects.get(name=roles.STAFF)), id="group-added"),
        pytest.param(
            lambda user: user.groups.remove(Group.objects.get(name=roles.OFFICIAL)), id="group-removed"
        ),
        pytest.param(lambda user: user.groups.clear(), id="groups-cleared"),
        pytest.param(
            lambda user: Group.objects.get(name=roles.REVIEWER).user_set.add(user), id="added-from-the-group"
        ),
        pytest.param(
            lambda user: Group.objects.get(name=roles.OFFICIAL).user_set.clear(), id="group-emptied"
        ),
        pytest.param(lambda user: setattr(user, "is_staff", True) or user.save(), id="made-staff"),
        pytest.param(
            lambda user: setattr(user, "is_active", False) or user.save(update_fields=["is_active"]),
            id="deactivated",
        ),
    ],
)
def test_a_change_of_role_ends_the_account_s_sessions(change):
    user = f.official(username="gd")
    client = signed_in(user)

    change(user)

    assert is_ended(client)
    assert AuditEvent.objects.filter(action="user.sessions_end", object_id=str(user.pk)).exists()


def test_a_new_province_binding_ends_the_sessions_but_a_new_phone_number_does_not():
    user = f.official(username="gd")
    client = signed_in(user)
    profile = Profile.objects.get(user=user)

    profile.phone = "020-12345678"
    profile.save()
    assert client.get(PAGE).status_code == 200

    profile.province = f.province("320000")
    profile.save()
    assert is_ended(client)


def test_saving_a_profile_loaded_before_a_raise_does_not_lower_the_stamp():
    user = f.official(username="gd")
    signed_in(user)
    # loaded as the user admin's inline loads it, before the groups are saved
    loaded = Profile.objects.get(user=user)
    user.groups.add(Group.objects.get(name=roles.STAFF))
    raised = stamp_of(user)

    loaded.display_name = "李华"
    loaded.save()

    assert stamp_of(user) == raised > 0


def test_accounts_that_never_logged_in_have_nothing_to_end():
    user = f.staff(username="torch")  # created, given its group and the staff flag

    user.groups.add(Group.objects.get(name=roles.REVIEWER))

    assert not Profile.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action="user.sessions_end").exists()


def test_an_account_without_a_profile_gets_one_at_login():
    user = f.staff(username="torch")
    client = signed_in(user)
    assert stamp_of(user) == client.session[SECURITY_STAMP] == 0

    user.groups.add(Group.objects.get(name=roles.REVIEWER))

    assert stamp_of(user) == 1
    assert is_ended(client)


def test_a_session_from_before_the_profile_is_ended_too():
    user = f.staff(username="torch")
    client = signed_in(user)
    Profile.objects.filter(user=user).delete()  # as before this stamp existed

    user.groups.add(Group.objects.get(name=roles.REVIEWER))

    assert stamp_of(user) == 1
    assert is_ended(client)


def test_a_full_save_of_a_stale_account_still_ends_its_sessions():
    user = f.official(username="gd")  # in memory, last_login is None: saving it writes None back
    client = signed_in(user)

    user.is_staff = True
    user.save()

    assert is_ended(client)


def test_the_session_of_a_deactivated_account_is_logged_out():
    user = f.official(username="gd")
    client = signed_in(user)
    User.objects.filter(pk=user.pk).update(is_active=False)  # as a script would, without the model's signals

    assert is_ended(client)
    assert SECURITY_STAMP not in client.session
    assert "_auth_user_id" not in client.session


def test_revoking_the_token_on_the_profile_page_keeps_this_session_and_ends_the_others():
    user = f.official(username="gd")
    here, elsewhere = signed_in(user), signed_in(user)
    Token.objects.create(user=user)

    response = here.post(reverse("portal:profile"), {"op": "revoke"})

    assert response.status_code == 302
    assert not Token.objects.filter(user=user).exists()
    assert here.get(reverse("portal:profile")).status_code == 200
    assert is_ended(elsewhere, reverse("portal:profile"))
    assert AuditEvent.objects.get(action="apitoken.revoke").after == {"reason": "user"}


def test_rotating_the_token_ends_no_session():
    user = f.official(username="gd")
    here, elsewhere = signed_in(user), signed_in(user)
    Token.objects.create(user=user)

    assert here.post(reverse("portal:profile"), {"op": "rotate"}).status_code == 200

    assert elsewhere.get(reverse("portal:profile")).status_code == 200


def test_the_profile_page_says_when_tokens_are_revoked():
    page = signed_in(f.official(username="gd")).get(reverse("portal:profile")).content.decode()
    assert "修改密码或账户被停用时，接口令牌自动作废" in page


# -- what the check costs ---------------------------------------------------------------------------------------


def _queries(client, url):
    client.get(url)  # the first request may write the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [query["sql"] for query in captured.captured_queries]


def test_a_request_without_a_session_cookie_reads_no_session_and_no_account():
    response, queries = _queries(Client(), "/provinces/")
    assert response.status_code == 200
    assert not [sql for sql in queries if "django_session" in sql or "auth_user" in sql]


def test_a_signed_in_request_reads_the_account_once_and_its_groups_once():
    client = signed_in(f.official(username="gd"))

    response, queries = _queries(client, reverse("portal:profile"))

    assert response.status_code == 200
    # roles.current's, which the view reuses through roles.group_names
    assert len([sql for sql in queries if "auth_user_groups" in sql]) == 1
    assert len([sql for sql in queries if "django_session" in sql]) == 1


def test_a_public_page_read_in_a_signed_in_session_stays_cacheable():
    client = signed_in(f.official(username="gd"))
    response, queries = _queries(client, "/provinces/")
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")
