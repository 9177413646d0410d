"""A list says its totals are computed before rounding, and names the body that issued it, stamped at publication
and kept."""

import pytest
from django.core.cache import cache

from tests import rounds
from tracks.models import ListStatus, ParkList
from tracks.services.hashing import canonical_json, sha256_hex
from tracks.services.lists import list_content, list_publish

pytestmark = pytest.mark.django_db
KEYS = ["440000-03", "320000-01", "110000-01"]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def notice():
    park_list, actor = rounds.list_on_notice(KEYS, days_ago=1)
    park_list.staff = actor
    return park_list


# ---------------------------------------------------------------------------------------------------------------
# Lists: totals before rounding; the issuing body stamped at publication


def test_the_list_says_totals_are_computed_before_rounding(client):
    park_list, _actor = rounds.published_list(KEYS)
    html = client.get(f"/lists/{park_list.pk}/").content.decode()
    assert "总分由未经四舍五入的各维度得分计算后再保留两位小数" in html


def test_the_issuing_body_is_stamped_at_publication_and_kept(client, settings):
    settings.SITE_SPONSOR = "工业和信息化部火炬高技术产业开发中心"
    ended, actor = rounds.list_on_notice(KEYS, days_ago=8)
    content_before = canonical_json(list_content(ended))
    published = list_publish(actor=actor, park_list=ended)
    assert published.issuer == "工业和信息化部火炬高技术产业开发中心"
    # Not in the hashed content: the canonical JSON and its hash are what they were without it.
    assert published.canonical_json == content_before and "issuer" not in content_before
    assert published.sha256 == sha256_hex(content_before)
    assert "火炬高技术产业开发中心" not in published.canonical_json
    # The site's body changes later: the published list keeps the one that issued it.
    settings.SITE_SPONSOR = "另一个发布单位"
    cache.clear()
    html = client.get(f"/lists/{published.pk}/").content.decode()
    assert '<dd><span lang="zh-hans">工业和信息化部火炬高技术产业开发中心</span></dd>' in html
    assert ParkList.objects.get(pk=published.pk).issuing_body == "工业和信息化部火炬高技术产业开发中心"


def test_a_list_on_notice_names_the_body_that_would_publish_it(settings, notice):
    settings.SITE_SPONSOR = "工业和信息化部火炬高技术产业开发中心"
    assert notice.status == ListStatus.NOTICE and notice.issuer == ""
    assert notice.issuing_body == "工业和信息化部火炬高技术产业开发中心"


def test_the_default_issuing_body_is_the_torch_centre_under_miit():
    from config.settings import base

    assert base.SITE_SPONSOR == "工业和信息化部火炬高技术产业开发中心" or base.os.environ.get("SITE_SPONSOR")
