"""What the portal's pages say: where to change one's password and find the results, the nomination's state and
the window's labelled apart, and a 403 that reads right."""

import pytest
from django.urls import reverse

from tests.tracks.portal_support import (
    login,
    nomination,
)

pytestmark = pytest.mark.django_db


def test_the_profile_links_password_change_and_the_results(client, world):
    html = login(client, world.gd).get(reverse("portal:profile")).content.decode()
    assert f'href="{reverse("accounts:password_change")}">修改密码</a>' in html
    assert f'href="{reverse("public:my_results")}">本省评审结果</a>' in html
    # Every portal page of an official links the results; a zone committee has none to see.
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert f'<li><a href="{reverse("public:my_results")}">评审结果</a></li>' in dashboard
    zone_page = login(client, world.zs).get(reverse("portal:profile")).content.decode()
    assert "修改密码" in zone_page and reverse("public:my_results") not in zone_page


def test_the_confirmation_page_labels_the_nominations_state_and_the_windows_apart(client, world):
    draft = nomination(world)
    html = login(client, world.gd).get(reverse("portal:nomination_action", args=[draft.pk, "submit"])).content
    html = html.decode()
    assert "<dt>推荐状态</dt>" in html and "<dt>窗口状态</dt>" in html and "当前状态" not in html


def test_the_forbidden_submit_reads_right(client, world):
    draft = nomination(world)
    response = login(client, world.zs).get(reverse("portal:nomination_action", args=[draft.pk, "submit"]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "“推荐”只能由省级主管部门操作。" in html and "推荐推荐" not in html
