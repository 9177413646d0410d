"""Logged in, the cached pages' header must not say 登录: the "signed in" hint cookie, the personal
endpoint behind the header's account slot, and where a login leads."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.signals import LAST_SEEN
from accounts.signed_in import COOKIE
from tests import factories as f

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def log_in(user, client=None, **data):
    client = client or Client()
    response = client.post(LOGIN, {"username": user.username, "password": f.PASSWORD, **data})
    return client, response


def hint(response):
    return response.cookies.get(COOKIE)


# ---------------------------------------------------------------------------------------------------------------
# The hint cookie


def test_login_sets_a_hint_scripts_can_read_and_that_names_no_one():
    client, response = log_in(f.official(username="gd.official"))

    cookie = hint(response)
    assert response.status_code == 302
    assert cookie is not None and cookie.value == "1"
    assert not cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert cookie["max-age"] == ""  # a browser-session cookie, like the session's
    assert client.cookies[COOKIE].value == "1"


def test_logout_clears_the_hint():
    client, _response = log_in(f.official())

    response = client.post(reverse("accounts:logout"))

    assert hint(response).value == "" and hint(response)["max-age"] == 0


def test_an_idle_session_that_ends_clears_the_hint():
    client, _response = log_in(f.official())
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()

    response = client.get("/portal/")

    assert response.status_code == 302  # to the login page
    assert hint(response).value == "" and hint(response)["max-age"] == 0


def test_a_hint_without_a_session_cookie_is_cleared():
    client = Client()
    client.cookies[COOKIE] = "1"

    response = client.get("/lists/")

    assert response.status_code == 200
    assert hint(response)["max-age"] == 0


def test_an_anonymous_reader_never_gets_the_hint(client):
    assert hint(client.get("/")) is None
    assert hint(client.get("/accounts/login/")) is None


# ---------------------------------------------------------------------------------------------------------------
# The personal endpoint and the neutral slot


def test_me_names_the_signed_in_user_in_the_pages_language():
    client, _response = log_in(f.staff(username="ops.li"))

    zh = client.get("/accounts/me/")
    en = client.get("/en/accounts/me/")

    assert zh.status_code == 200 and zh["Content-Type"] == "application/json"
    assert "no-cache" in zh["Cache-Control"] and "private" in zh["Cache-Control"]
    body = zh.json()
    assert body["authenticated"] is True and body["name"] == "ops.li"
    assert body["label"] == "当前用户：ops.li"
    assert body["links"] == [{"url": "/admin/", "label": "管理后台"}]
    assert body["logout"]["url"] == "/accounts/logout/" and body["logout"]["label"] == "退出"
    assert body["logout"]["csrf"]
    assert en.json()["logout"]["url"] == "/en/accounts/logout/"
    assert en.json()["label"] == "Signed in as ops.li"


def test_me_has_no_admin_link_for_a_province():
    client, _response = log_in(f.official(username="gd.official"))
    assert client.get("/accounts/me/").json()["links"] == []


def test_me_when_no_one_is_signed_in_says_so_and_clears_the_hint():
    client = Client()
    client.cookies[COOKIE] = "1"
    client.cookies["sessionid"] = "expired-or-unknown"

    response = client.get("/accounts/me/")

    assert response.json() == {"authenticated": False}
    assert hint(response)["max-age"] == 0


@pytest.mark.parametrize("url", ["/", "/lists/", "/library/", "/search/?q=rxjqr", "/no-such-page/"])
def test_pages_a_signed_in_user_reads_show_the_neutral_slot(url):
    client, _response = log_in(f.staff(username="ops.li"))

    html = client.get(url).content.decode()

    assert "ops.li" not in html and ">登录<" not in html
    assert 'data-account-slot data-account-url="/accounts/me/"><a href="/accounts/">账户</a>' in html
    assert '<script src="/static/js/account.js" defer></script>' in html


@pytest.mark.parametrize(
    ("user", "target"),
    [
        (lambda: None, "/accounts/login/"),
        (lambda: f.official(), "/portal/"),
        (lambda: f.staff(), "/admin/"),
    ],
)
def test_the_neutral_link_leads_to_the_workspace_or_the_login_page(user, target):
    client = Client()
    account = user()
    if account is not None:
        client.force_login(account)
    response = client.get("/accounts/")
    assert response.status_code == 302 and response["Location"] == target


# ---------------------------------------------------------------------------------------------------------------
# After login: the workspace


@pytest.mark.parametrize(
    ("make", "workspace"),
    [
        (lambda: f.official(username="u1"), "/portal/"),
        (lambda: f.zone_preparer(username="u2"), "/portal/"),
        (lambda: f.staff(username="u3"), "/admin/"),
        (lambda: f.reviewer().user, "/admin/"),
        (lambda: f.system_admin(username="u5"), "/admin/"),
        (lambda: f.security_admin(username="u6"), "/admin/"),
        (lambda: f.audit_admin(username="u7"), "/admin/"),
        (lambda: f.UserFactory(username="u8"), "/"),
    ],
)
def test_login_leads_to_the_workspace(make, workspace):
    _client, response = log_in(make())
    assert response.status_code == 302 and response["Location"] == workspace


def test_login_in_english_leads_to_the_english_workspace():
    client = Client()
    response = client.post(
        "/en/accounts/login/", {"username": f.official(username="gd").username, "password": f.PASSWORD}
    )
    assert response["Location"] == "/en/portal/"


@pytest.mark.parametrize(
    ("next_url", "target"), [("/portal/nominations/", "/portal/nominations/"), ("/", "/portal/")]
)
def test_login_honours_next_except_the_home_page(next_url, target):
    _client, response = log_in(f.official(), next=next_url)
    assert response["Location"] == target


def test_workspace_rule():
    assert roles.workspace(f.official()) == roles.PORTAL_WORKSPACE
    assert roles.workspace(f.staff()) == roles.ADMIN_WORKSPACE
    assert roles.workspace(f.UserFactory()) is None
