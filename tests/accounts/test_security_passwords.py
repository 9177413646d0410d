"""Password policy (≥ 10 characters, 3 of 4 classes, not like the username), password changes that end the
user's other sessions, the system administrator's reset in the admin, and the e-mail reset only where e-mail is
configured."""

import re

import pytest
from django.contrib.auth import get_user_model, password_validation
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import roles
from accounts.services import account_create
from audit.models import AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db
User = get_user_model()
GOOD = "Strong-Passw0rd"


@pytest.mark.parametrize(
    "password, message",
    [
        ("Ab1!xyz", "密码长度太短"),  # 7 characters
        ("Ab1!xyzuv", "密码长度太短"),  # 9 characters
        ("abcdefghijk", "至少 3 类"),  # one class
        ("abcdefghij12", "至少 3 类"),  # two classes
        ("ABCDEFGH!!!!", "至少 3 类"),  # two classes
        ("Password123", "太常见"),  # common, though it has three classes
    ],
)
def test_weak_passwords_are_refused(password, message):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        password_validation.validate_password(password, user=User(username="someone"))
    assert any(message in text for text in caught.value.messages), caught.value.messages


@pytest.mark.parametrize(
    "password", ["Strong-Passw0rd", "kestrel-harbor-42", "MIGRATE-OTTER-83", "长城-Great-Wall-2026"]
)
def test_passwords_with_ten_characters_and_three_classes_pass(password):
    password_validation.validate_password(password, user=User(username="someone"))


@pytest.mark.parametrize(
    "password",
    [
        "P@ssw0rd1234",  # a common word with look-alike substitutions: three classes, twelve characters
        "abcdefgh1!",  # a run of the alphabet
        "Qwerty!23456",  # a keyboard run
        "Welcome@2025",  # a common word and a year
    ],
)
def test_guessable_passwords_are_refused_whatever_classes_they_mix(password):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        password_validation.validate_password(password, user=User(username="someone"))
    assert any("太容易被猜到" in text for text in caught.value.messages), caught.value.messages


def test_the_account_s_own_names_count_as_guessable():
    user = User(username="zw01", first_name="Wenjing", last_name="Zhao", email="wenjing.zhao@example.gov.cn")
    password_validation.validate_password("wenjing.zhao#1", user=User(username="someone"))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        password_validation.validate_password("wenjing.zhao#1", user=user)
    assert any("太容易被猜到" in text for text in caught.value.messages), caught.value.messages


def test_a_password_like_the_username_is_refused():
    user = User(username="zhangwei2026")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        password_validation.validate_password("Zhangwei2026!", user=user)
    assert any("相似" in text for text in caught.value.messages), caught.value.messages


def test_the_help_text_states_the_policy():
    with translation.override("zh-hans"):
        text = " ".join(password_validation.password_validators_help_texts())
    assert "10" in text
    assert "至少 3 类" in text
    assert "P@ssw0rd" in text


def test_account_create_applies_the_policy():
    with pytest.raises(ValidationError):
        account_create(username="weak", password="weakpassword", role=roles.STAFF)
    with pytest.raises(ValidationError):
        account_create(username="liming", password="Liming-2026", role=roles.STAFF)
    assert not User.objects.filter(username__in=["weak", "liming"]).exists()

    user = account_create(username="liming", password=GOOD, role=roles.STAFF)
    assert user.check_password(GOOD)


@pytest.fixture
def sysadmin_client(client):
    client.force_login(f.system_admin(username="sysadmin"))
    return client


def test_system_admin_resets_a_password_in_the_admin_under_the_policy(sysadmin_client):
    official = f.official(username="gd_official")
    url = reverse("admin:auth_user_password_change", args=[official.pk])

    weak = sysadmin_client.post(
        url, {"password1": "short1A", "password2": "short1A", "usable_password": "true"}
    )
    assert weak.status_code == 200
    assert "密码长度太短" in weak.content.decode()
    official.refresh_from_db()
    assert official.check_password(f.PASSWORD)

    response = sysadmin_client.post(url, {"password1": GOOD, "password2": GOOD, "usable_password": "true"})

    assert response.status_code == 302
    official.refresh_from_db()
    assert official.check_password(GOOD)
    event = AuditEvent.objects.get(action="user.password_change", object_id=str(official.pk))
    assert event.actor.username == "sysadmin"
    assert "password" not in str(event.after).lower().replace("has_usable_password", "")


def test_a_reset_by_the_system_admin_ends_the_users_sessions(sysadmin_client):
    official = f.official(username="gd_official")
    theirs = Client()
    theirs.force_login(official)
    assert theirs.get(reverse("accounts:password_change")).status_code == 200

    url = reverse("admin:auth_user_password_change", args=[official.pk])
    sysadmin_client.post(url, {"password1": GOOD, "password2": GOOD, "usable_password": "true"})

    response = theirs.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_changing_ones_password_keeps_this_session_and_ends_the_others():
    user = f.official(username="wang")
    here, elsewhere = Client(), Client()
    assert (
        here.post(reverse("accounts:login"), {"username": "wang", "password": f.PASSWORD}).status_code == 302
    )
    elsewhere.force_login(user)
    page = reverse("accounts:password_change")
    assert elsewhere.get(page).status_code == 200

    response = here.post(
        page, {"old_password": f.PASSWORD, "new_password1": GOOD, "new_password2": GOOD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("accounts:password_change_done")
    assert "密码已修改" in response.content.decode()
    assert here.get(page).status_code == 200  # this session goes on
    assert elsewhere.get(page).status_code == 302  # the other one has ended
    assert User.objects.get(pk=user.pk).check_password(GOOD)
    event = AuditEvent.objects.get(action="user.password_change")
    assert (event.actor, event.after) == (user, {"by": "self"})


def test_a_password_change_applies_the_policy(client):
    user = f.official(username="wang")
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": f.PASSWORD, "new_password1": "wang123456", "new_password2": "wang123456"},
    )
    assert response.status_code == 200
    assert "至少 3 类" in response.content.decode()
    assert User.objects.get(pk=user.pk).check_password(f.PASSWORD)


def test_email_reset_is_off_without_an_email_server(client, settings):
    settings.NTR_PASSWORD_RESET_BY_EMAIL = False
    assert client.get(reverse("accounts:password_reset")).status_code == 404
    assert "通过电子邮箱重置" not in client.get(reverse("accounts:login")).content.decode()


def test_email_reset_where_email_is_configured(client, settings):
    settings.NTR_PASSWORD_RESET_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = f.official(username="li", email="li@example.gov.cn")
    assert "通过电子邮箱重置" in client.get(reverse("accounts:login")).content.decode()

    response = client.post(reverse("accounts:password_reset"), {"email": "li@example.gov.cn"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "新赛道培育库：重置密码"
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    weak = client.post(form_url, {"new_password1": "li12345678", "new_password2": "li12345678"})
    assert weak.status_code == 200
    done = client.post(form_url, {"new_password1": GOOD, "new_password2": GOOD})
    assert done.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(GOOD)
    assert AuditEvent.objects.filter(action="user.password_reset", object_id=str(user.pk)).exists()


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, settings):
    settings.NTR_PASSWORD_RESET_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.gov.cn"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_the_admins_own_password_page_is_audited_and_ends_other_sessions():
    user = f.staff(username="torch")
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)

    response = here.post(
        reverse("admin:password_change"),
        {"old_password": f.PASSWORD, "new_password1": GOOD, "new_password2": GOOD},
    )

    assert response.status_code == 302
    assert here.get(reverse("admin:index")).status_code == 200
    assert elsewhere.get(reverse("admin:index")).status_code == 302
    event = AuditEvent.objects.get(action="user.password_change")
    assert (event.actor, event.after) == (user, {"by": "self"})
