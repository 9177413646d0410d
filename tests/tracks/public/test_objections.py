"""Filing a signed objection on the public site: captcha, validation, evidence, receipt, rate limit; objections are
never shown publicly."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import rounds
from tracks.models import Objection
from tracks.public.captcha import SESSION_KEY

pytestmark = pytest.mark.django_db

KEYS = ["440000-03", "320000-01", "110000-01"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def notice():
    park_list, _actor = rounds.list_on_notice(KEYS, days_ago=1)
    return park_list


def answer(client, park_list) -> str:
    return str(client.session[SESSION_KEY][f"objection-{park_list.pk}"]["answer"])


def form_data(client, park_list, **overrides):
    data = {
        "entry": str(park_list.entries.get(rank=2).pk),
        "name": "王芳",
        "organisation": "某市科技局",
        "contact": "wang.fang@example.cn",
        "statement": "第2名园区申报的专精特新企业数量明显高于该市公开数据，请予核实。",
        "captcha": answer(client, park_list),
        "pledge": "on",
    }
    data.update(overrides)
    return data


def test_the_form_page_is_personal_and_never_cached(client, notice):
    response = client.get(f"/lists/{notice.pk}/objection/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "csrfmiddlewaretoken" in html
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    challenge = client.session[SESSION_KEY][f"objection-{notice.pk}"]["id"]
    assert f'src="/lists/{notice.pk}/objection/captcha.png?c={challenge}"' in html
    assert f'src="/lists/{notice.pk}/objection/captcha.wav?c={challenge}"' in html
    assert 'aria-describedby="captcha-help"' in html
    assert answer(client, notice) not in html
    for label in ("姓名", "工作单位", "联系电话或电子邮箱", "异议内容", "证明材料（可选）", "验证码"):
        assert label in html


def test_filing_gives_a_receipt_and_stores_the_objection(client, notice):
    client.get(f"/lists/{notice.pk}/objection/")
    data = form_data(client, notice, evidence=SimpleUploadedFile("截图.png", PNG, content_type="image/png"))

    response = client.post(f"/lists/{notice.pk}/objection/", data)

    assert response.status_code == 302 and response["Location"] == f"/lists/{notice.pk}/objection/receipt/"
    objection = Objection.objects.get()
    assert (objection.name, objection.contact, objection.entry.rank) == ("王芳", "wang.fang@example.cn", 2)
    assert objection.evidence_name == "截图.png"
    receipt = client.get(response["Location"]).content.decode()
    assert objection.receipt_number in receipt and "请保存回执编号" in receipt


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"captcha": "-1"}, "验证码不正确"),
        ({"contact": "打电话给我"}, "请填写有效的手机号、固定电话或电子邮箱。"),
        ({"statement": "太短"}, "20"),
        ({"pledge": ""}, "提交异议须作出真实性承诺。"),
        ({"name": ""}, "该字段是必填项。"),
        (
            {"evidence": SimpleUploadedFile("a.pdf", b"<html>not a pdf</html>")},
            "证明材料只接受 PDF、JPG 或 PNG 文件。",
        ),
    ],
)
def test_invalid_filings_are_refused_with_the_reason(client, notice, overrides, message):
    client.get(f"/lists/{notice.pk}/objection/")
    response = client.post(f"/lists/{notice.pk}/objection/", form_data(client, notice, **overrides))
    assert response.status_code == 200  # the form again, with the errors
    assert message in response.content.decode()
    assert not Objection.objects.exists()


def test_the_captcha_is_used_once(client, notice):
    client.get(f"/lists/{notice.pk}/objection/")
    data = form_data(client, notice, contact="不是联系方式")
    old = data["captcha"]
    assert client.post(f"/lists/{notice.pk}/objection/", data).status_code == 200
    new = answer(client, notice)  # the refused page asked a new question
    data["contact"] = "010-12345678"
    if new != old:
        assert client.post(f"/lists/{notice.pk}/objection/", data).status_code == 200
    data["captcha"] = answer(client, notice)
    assert client.post(f"/lists/{notice.pk}/objection/", data).status_code == 302
    assert Objection.objects.count() == 1


def test_rate_limited_per_address(client, notice):
    for _ in range(10):
        client.get(f"/lists/{notice.pk}/objection/")
        client.post(f"/lists/{notice.pk}/objection/", form_data(client, notice, captcha="-1"))
    client.get(f"/lists/{notice.pk}/objection/")
    response = client.post(f"/lists/{notice.pk}/objection/", form_data(client, notice))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    # Another address is not affected.
    other = client.__class__(REMOTE_ADDR="10.0.0.2")
    other.get(f"/lists/{notice.pk}/objection/")
    assert other.post(f"/lists/{notice.pk}/objection/", form_data(other, notice)).status_code == 302


def test_no_objection_outside_the_notice(client):
    ended, _actor = rounds.list_on_notice(KEYS, days_ago=8, year=2032)
    published, _actor = rounds.published_list(KEYS, year=2033)
    for park_list in (ended, published):
        assert client.get(f"/lists/{park_list.pk}/objection/").status_code == 410
        assert client.post(f"/lists/{park_list.pk}/objection/", {}).status_code == 410


def test_objections_are_never_shown_publicly(client, notice):
    client.get(f"/lists/{notice.pk}/objection/")
    client.post(f"/lists/{notice.pk}/objection/", form_data(client, notice))
    objection = Objection.objects.get()
    cache.clear()
    for url in (f"/lists/{notice.pk}/", f"/lists/{notice.pk}/download.json", f"/api/v1/lists/{notice.pk}/"):
        body = client.get(url).content.decode()
        assert "王芳" not in body and objection.receipt_number not in body and "专精特新企业数量" not in body


def test_the_receipt_page_needs_a_filing(client, notice):
    response = client.get(f"/lists/{notice.pk}/objection/receipt/")
    assert response.status_code == 302 and response["Location"] == f"/lists/{notice.pk}/"
