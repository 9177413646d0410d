"""An objector looks their receipt up (/objections/lookup/): a receipt and its contact answer the status and the
resolution only, a wrong pair tells nothing, lookups are rate-limited, and the receipt and the list lead there."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests import rounds
from tracks.models import ObjectionStatus
from tracks.public.captcha import SESSION_KEY
from tracks.services.lists import objection_file, objection_resolve

pytestmark = pytest.mark.django_db
KEYS = ["440000-03", "320000-01", "110000-01"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LOOKUP = "/objections/lookup/"


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


def _file(park_list, contact="010-66668888"):
    return objection_file(
        park_list=park_list,
        entry=park_list.entries.get(rank=2),
        name="张伟",
        organisation="某产业联盟",
        contact=contact,
        statement="该园区申报的企业数量口径与赛道不符，请予核实。",
    )


# ---------------------------------------------------------------------------------------------------------------
# Receipt lookup


def test_a_receipt_and_its_contact_answer_status_and_resolution_only(client, notice):
    objection = _file(notice)
    page = client.get(LOOKUP)
    assert (
        page.status_code == 200
        and "no-store" in page["Cache-Control"]
        or "max-age=0" in page["Cache-Control"]
    )
    assert "csrfmiddlewaretoken" in page.content.decode()

    html = client.post(
        LOOKUP, {"receipt": objection.receipt_number, "contact": "010-66668888"}
    ).content.decode()
    result = html.split("data-objection-result>")[1].split("</section>")[0]
    assert 'data-objection-status="pending">待处理<' in result
    assert "尚在核实处理中" in result
    for private in ("张伟", "某产业联盟", "企业数量口径", notice.title):
        assert private not in result

    objection_resolve(
        actor=notice.staff,
        objection=objection,
        decision=ObjectionStatus.DISMISSED,
        resolution="经核实，口径符合要求。",
    )
    # Spaces, lower case, full-width digits and a landline without its hyphen are the same receipt and number.
    html = client.post(
        LOOKUP, {"receipt": f" {objection.receipt_number.lower()} ", "contact": "０１０６６６６８８８８"}
    ).content.decode()
    assert 'data-objection-status="dismissed">异议不成立<' in html and "经核实，口径符合要求。" in html


@pytest.mark.parametrize(
    ("receipt", "contact"),
    [("YY20250801-AAAAAAAA", "010-66668888"), (None, "010-66668889"), (None, "zhang@example.cn")],
)
def test_a_wrong_pair_tells_nothing(client, notice, receipt, contact):
    objection = _file(notice)
    response = client.post(LOOKUP, {"receipt": receipt or objection.receipt_number, "contact": contact})
    html = response.content.decode()
    assert response.status_code == 200
    assert "未找到与该回执编号和联系方式相符的异议" in html and "data-objection-result" not in html


def test_an_email_contact_matches_whatever_its_case(client, notice):
    objection = _file(notice, contact="Zhang.Wei@Example.cn")
    html = client.post(
        LOOKUP, {"receipt": objection.receipt_number, "contact": "zhang.wei@example.CN"}
    ).content
    assert b"data-objection-result" in html


def test_lookups_are_rate_limited_per_address(notice):
    objection = _file(notice)
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(10):
        client.post(LOOKUP, {"receipt": "YY20250801-AAAAAAAA", "contact": "010-1"})
    response = client.post(LOOKUP, {"receipt": objection.receipt_number, "contact": "010-66668888"})
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.8")
    assert (
        b"data-objection-result"
        in other.post(LOOKUP, {"receipt": objection.receipt_number, "contact": "010-66668888"}).content
    )


def test_the_receipt_and_the_list_lead_to_the_lookup(client, notice):
    client.get(f"/lists/{notice.pk}/objection/")
    data = {
        "name": "王芳",
        "organisation": "某市科技局",
        "contact": "wang.fang@example.cn",
        "statement": "第2名园区申报的专精特新企业数量明显高于该市公开数据，请予核实。",
        "captcha": str(client.session[SESSION_KEY][f"objection-{notice.pk}"]["answer"]),
        "pledge": "on",
    }
    receipt = client.get(client.post(f"/lists/{notice.pk}/objection/", data)["Location"]).content.decode()
    assert f'<a href="{LOOKUP}">异议处理进展查询</a>' in receipt
    assert f'href="{LOOKUP}"' in client.get(f"/lists/{notice.pk}/").content.decode()
