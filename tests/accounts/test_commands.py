import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts import roles
from tests import factories as f
from tracks.models import ReviewerProfile

pytestmark = pytest.mark.django_db
GOOD = "Strong-Passw0rd"


def run(monkeypatch, *args, password=GOOD):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command(*args, "--password-stdin", stdout=out)
    return out.getvalue()


def test_create_official_binds_the_province(monkeypatch):
    output = run(monkeypatch, "create_official", "--province", "440000", "--username", "gd")
    user = get_user_model().objects.get(username="gd")
    assert "已创建账户 gd" in output
    assert user.check_password(GOOD)
    assert roles.official_province(user).code == "440000"
    assert not user.is_staff


def test_create_zone_user_binds_the_zone(monkeypatch):
    run(monkeypatch, "create_zone_user", "--zone", "440000-03", "--username", "zs")
    user = get_user_model().objects.get(username="zs")
    assert roles.preparer_zone(user).key == "440000-03"
    assert roles.official_province(user) is None


def test_create_reviewer_records_the_affiliation(monkeypatch):
    field = f.FieldFactory(code="ai", name="人工智能")
    run(
        monkeypatch,
        "create_reviewer",
        "--username",
        "expert",
        "--province",
        "320000",
        "--zone",
        "320000-01",
        "--organisation",
        "南京大学",
        "--fields",
        "ai",
    )
    profile = ReviewerProfile.objects.get(user__username="expert")
    assert (profile.province.code, profile.zone.key, profile.organisation) == (
        "320000",
        "320000-01",
        "南京大学",
    )
    assert list(profile.fields.all()) == [field]
    assert roles.is_reviewer(profile.user) and profile.user.is_staff


def test_create_staff(monkeypatch):
    run(monkeypatch, "create_staff", "--username", "torch")
    user = get_user_model().objects.get(username="torch")
    assert roles.is_programme_staff(user) and user.is_staff and not user.is_superuser


@pytest.mark.parametrize(
    "args, message",
    [
        (("create_official", "--province", "999999", "--username", "x"), "未找到代码为 999999 的省份"),
        (("create_zone_user", "--zone", "440000-99", "--username", "x"), "未找到编号为 440000-99 的高新区"),
        (
            ("create_reviewer", "--province", "320000", "--username", "x", "--fields", "nope"),
            "领域代码不存在",
        ),
    ],
)
def test_unknown_units_are_refused(monkeypatch, args, message):
    with pytest.raises(CommandError, match=message):
        run(monkeypatch, *args)
    assert not get_user_model().objects.filter(username="x").exists()


def test_a_weak_password_is_refused_and_nothing_is_created(monkeypatch):
    with pytest.raises(CommandError, match="密码"):
        run(monkeypatch, "create_staff", "--username", "weak", password="password")
    assert not get_user_model().objects.filter(username="weak").exists()


def test_an_existing_username_is_refused(monkeypatch):
    run(monkeypatch, "create_staff", "--username", "dup")
    with pytest.raises(CommandError, match="已存在"):
        run(monkeypatch, "create_staff", "--username", "dup")


def test_the_password_is_never_taken_from_the_command_line():
    with pytest.raises((CommandError, SystemExit)):
        call_command("create_staff", "--username", "x", "--password", GOOD)
