"""The public site's fixes of issue 14: an objector looks their receipt up; a wrong captcha empties the answer and
says the evidence must be chosen again; a province shows every strategic area it lies in; a list says its totals are
computed before rounding and names the body that issued it when it was published."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests import factories as f
from tracks.models import ListStatus, Objection, ObjectionStatus, ParkList
from tracks.public.captcha import SESSION_KEY
from tracks.services.hashing import canonical_json, sha256_hex
from tracks.services.lists import list_content, list_publish, objection_file, objection_resolve
from zones.models import Province, StrategicArea, Zone

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
    park_list, actor = f.list_on_notice(KEYS, days_ago=1)
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


# ---------------------------------------------------------------------------------------------------------------
# Strategic areas of a province


def test_guangdong_shows_the_greater_bay_area_in_part(client):
    gba = StrategicArea.objects.get(name="粤港澳大湾区")
    in_gba = Zone.objects.filter(province__code="440000", is_active=True, strategic_area=gba).count()
    assert in_gba == 9
    html = client.get("/provinces/440000/").content.decode()
    areas = html.split("data-areas>")[1].split("</dd>")[0]
    assert areas == '<span lang="zh-hans">粤港澳大湾区</span>（部分地区，9 个国家高新区）'
    index = client.get("/provinces/").content.decode()
    assert '<span lang="zh-hans">粤港澳大湾区</span>（部分地区，9 个国家高新区）' in index


def test_a_whole_province_area_and_a_province_without_one(client):
    html = client.get("/provinces/320000/").content.decode()
    assert html.split("data-areas>")[1].split("</dd>")[0] == '<span lang="zh-hans">长三角</span>'
    html = client.get("/provinces/510000/").content.decode()
    assert html.split("data-areas>")[1].split("</dd>")[0] == "—"
    assert Province.objects.get(code="510000").strategic_area is None


# ---------------------------------------------------------------------------------------------------------------
# Lists: totals before rounding; the issuing body stamped at publication


def test_the_list_says_totals_are_computed_before_rounding(client):
    park_list, _actor = f.published_list(KEYS)
    html = client.get(f"/lists/{park_list.pk}/").content.decode()
    assert "总分由未经四舍五入的各维度得分计算后再保留两位小数" in html


def test_the_issuing_body_is_stamped_at_publication_and_kept(client, settings):
    settings.SITE_SPONSOR = "工业和信息化部火炬高技术产业开发中心"
    ended, actor = f.list_on_notice(KEYS, days_ago=8)
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
