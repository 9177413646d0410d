"""A wrong captcha on the objection form empties the answer and says the evidence must be chosen again."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import rounds
from tracks.models import Objection

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
    park_list, actor = rounds.list_on_notice(KEYS, days_ago=1)
    park_list.staff = actor
    return park_list


# ---------------------------------------------------------------------------------------------------------------
# A wrong captcha


def test_a_wrong_captcha_empties_the_answer_and_says_the_evidence_is_gone(client, notice):
    client.get(f"/lists/{notice.pk}/objection/")
    data = {
        "name": "王芳",
        "organisation": "某市科技局",
        "contact": "wang.fang@example.cn",
        "statement": "第2名园区申报的专精特新企业数量明显高于该市公开数据，请予核实。",
        "captcha": "98765",
        "pledge": "on",
        "evidence": SimpleUploadedFile("截图.png", PNG, content_type="image/png"),
    }
    response = client.post(f"/lists/{notice.pk}/objection/", data)
    html = response.content.decode()
    assert response.status_code == 200 and "验证码不正确" in html
    assert 'name="captcha" value=' not in html  # the used-up answer is not offered again
    assert 'value="王芳"' in html  # what was typed stays
    assert "已选择的证明材料“截图.png”未保存，请重新选择后再提交。" in html
    assert "请重新选择证明材料（原选择的“截图.png”未保存）。" in html
    assert not Objection.objects.exists()


def test_a_new_captcha_says_the_evidence_must_be_chosen_again(client, notice):
    client.get(f"/lists/{notice.pk}/objection/")
    data = {
        "name": "王芳",
        "captcha_refresh": "1",
        "evidence": SimpleUploadedFile("截图.png", PNG, content_type="image/png"),
    }
    html = client.post(f"/lists/{notice.pk}/objection/", data).content.decode()
    assert "data-evidence-dropped>" in html and "“截图.png”未保存" in html
    # Without a file chosen there is nothing to say.
    html = client.post(
        f"/lists/{notice.pk}/objection/", {"name": "王芳", "captcha_refresh": "1"}
    ).content.decode()
    assert "未保存" not in html
