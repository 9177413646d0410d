"""The print documents: what a printed 推荐表 is worth by its nomination's status, and a 推荐函 whose
count of used places agrees with what it lists, with its 文号 and the department's full name."""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.tracks.portal_support import (
    GD,
    GZ,
    ZS,
    login,
    nomination,
)
from tracks import models as m
from tracks.portal.printing import FORMAL, PENDING, VOID, print_state
from zones.models import Province

pytestmark = pytest.mark.django_db
S = m.NominationStatus


@pytest.mark.parametrize(
    ("status", "kind", "mark"),
    [
        (S.DRAFT, PENDING, "待盖章"),
        (S.RETURNED, PENDING, "待盖章"),
        (S.SUBMITTED, FORMAL, ""),
        (S.ACCEPTED, FORMAL, ""),
        (S.IN_REVIEW, FORMAL, ""),
        (S.SCORED, FORMAL, ""),
        (S.LISTED, FORMAL, ""),
        (S.NOT_LISTED, FORMAL, ""),
        (S.UNDER_REVIEWED, FORMAL, ""),
        (S.WITHDRAWN, VOID, "已撤回"),
        (S.REJECTED, VOID, "不予受理"),
        (S.NOT_NOMINATED, VOID, "未推荐"),
        (S.LAPSED, VOID, "逾期未补正"),
    ],
)
def test_what_a_printed_form_is_worth_by_status(world, status, kind, mark):
    state = print_state(nomination(world, status=status))
    assert (state.kind, state.mark) == (kind, mark)
    if kind == VOID:
        assert state.note == f"{mark}，不作为正式推荐材料。"


def test_an_incomplete_draft_is_a_watermarked_draft(world):
    draft = nomination(world, origin="", narrative="")
    state = print_state(draft)
    assert (state.kind, state.mark) == (VOID, "草稿")
    assert state.note == "草稿，内容尚不完整（缺培育路径、申报材料正文），不作为正式推荐材料。"


def test_a_complete_draft_prints_for_signature_and_seal(client, world):
    draft = nomination(world, narrative="一、基本情况\n\n二、发展基础与优势\n三、培育路径与模式")
    html = login(client, world.gd).get(reverse("portal:nomination_print", args=[draft.pk])).content.decode()
    assert '<p class="doc-stamp" data-doc-stamp>待盖章</p>' in html
    note = "本表尚未推荐（提交）：签字盖章后扫描上传为附件，再由省级主管部门在系统中推荐。"
    assert f'<p class="doc-notice doc-notice-pending" data-doc-notice>{note}</p>' in html
    # The same words on every printed page's footer, the form's number in every page's header, and the page
    # numbers' wording (portal.js hands them to the stylesheet's page margins).
    assert f'data-page-footer="{note}"' in html
    assert f'data-page-header="2031年度新赛道推荐表 · 编号 {draft.pk:06d}"' in html
    assert 'data-page-format="第 {page} 页 共 {pages} 页"' in html
    assert "data-watermark" not in html
    # Every paragraph is its own, each indented (not only the first); blank lines dropped.
    assert re.findall(r"<p>([^<]+)</p>", html.split('class="doc-text"')[1].split("</div>")[0]) == [
        "一、基本情况",
        "二、发展基础与优势",
        "三、培育路径与模式",
    ]
    # The opinions: room to write, a 42 mm seal guide, the attachments list kept with them.
    assert html.count('<div class="sign-opinion" aria-hidden="true"></div>') == 2
    assert '<div class="doc-closing">' in html


@pytest.mark.parametrize("status", [S.WITHDRAWN, S.LAPSED, S.NOT_NOMINATED])
def test_void_forms_carry_a_watermark(client, world, status):
    gone = nomination(world, status=status)
    html = login(client, world.gd).get(reverse("portal:nomination_print", args=[gone.pk])).content.decode()
    label = S(status).label
    assert f'<div class="watermark" aria-hidden="true" data-watermark>{label}</div>' in html
    assert f'data-page-footer="{label}，不作为正式推荐材料。"' in html
    assert "data-doc-stamp" not in html


def test_a_recommended_form_prints_plain(client, world):
    submitted = nomination(world, status=S.SUBMITTED, submitted_at=timezone.now())
    html = (
        login(client, world.gd).get(reverse("portal:nomination_print", args=[submitted.pk])).content.decode()
    )
    assert "data-watermark" not in html and "data-doc-stamp" not in html and "data-doc-notice" not in html
    assert 'data-page-footer=""' in html


def test_the_print_stylesheet_has_page_numbers_a_real_seal_and_indents():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/portal.css")).read_text(encoding="utf-8")
    page = css.split("@page {", 1)[1].split("@media print", 1)[0]
    assert (
        "content: var(--page-before) counter(page) var(--page-between) counter(pages) var(--page-after);"
        in page
    )
    seal = css.split("\n.seal {", 1)[1].split("}", 1)[0]
    assert "width: 42mm;" in seal and "height: 42mm;" in seal
    assert ".doc-text p,\n.letter-body p {\n  text-indent: 2em;" in css
    assert "white-space: pre-line" not in css.split("Print documents", 1)[1]


# ---------------------------------------------------------------------------------------------------------------
# The 推荐函


@pytest.fixture
def letter_world(world):
    """广东 in 2031: two recommended, one accepted, one returned (holding its place), a draft and a withdrawn one."""
    now = timezone.now()
    rows = {
        "submitted": nomination(world, status=S.SUBMITTED, submitted_at=now - datetime.timedelta(days=3)),
        "accepted": nomination(
            world, zone_key=GZ, status=S.ACCEPTED, submitted_at=now - datetime.timedelta(days=4)
        ),
        "returned": nomination(
            world,
            track=world.storage,
            status=S.RETURNED,
            submitted_at=now - datetime.timedelta(days=2),
            resubmit_by=now + datetime.timedelta(days=5),
        ),
        "draft": nomination(world, zone_key=GZ, track=world.storage),
        "withdrawn": nomination(world, track=world.synbio, status=S.WITHDRAWN),
    }
    world.rows = rows
    return world


def test_the_letter_lists_returned_nominations_apart_and_says_why_they_count(client, letter_world):
    world = letter_world
    response = login(client, world.gd).get(reverse("portal:letter"))
    html = response.content.decode()
    assert [n.pk for n in response.context["nominations"]] == [
        world.rows["accepted"].pk,
        world.rows["submitted"].pk,
    ]
    assert [n.pk for n in response.context["returned"]] == [world.rows["returned"].pk]
    assert response.context["quota"] == {"quota": 3, "used": 3, "remaining": 0}
    assert "现推荐以下 2 项新赛道进入新赛道培育库" in html
    assert "另有以下 1 项已推荐、经形式审查退回修改，正在补正，仍占用推荐名额" in html
    assert "本省本年度推荐名额 3 项，已使用 3 项：推荐 2 项，退回修改补正中 1 项。" in html
    returned_table = html.split("data-letter-returned>")[1].split("</table>")[0]
    assert "新型储能" in returned_table
    assert timezone.localtime(world.rows["returned"].resubmit_by).strftime("%Y-%m-%d %H:%M") in returned_table
    # A province with nothing returned keeps the short sentence.
    world.rows["returned"].delete()
    html = client.get(reverse("portal:letter")).content.decode()
    assert "本省本年度推荐名额 3 项，已使用 2 项。" in html and "data-letter-returned" not in html


def test_the_letter_takes_a_document_number_and_the_departments_full_name(client, letter_world):
    world = letter_world
    login(client, world.gd)
    html = client.get(reverse("portal:letter")).content.decode()
    # Without either: room to write the number, the province's name and a blank for the full name.
    assert '<span class="fill-in">〔　　〕　　号</span>' in html
    assert "广东省关于推荐2031年度国家高新区新赛道的函" in html
    assert "（省级主管部门）" not in html
    Province.objects.filter(code=GD).update(department="广东省科学技术厅")
    html = client.get(reverse("portal:letter")).content.decode()
    assert "广东省科学技术厅关于推荐2031年度国家高新区新赛道的函" in html
    assert '推荐单位（盖章）：<span lang="zh-hans">广东省科学技术厅</span>' in html
    html = client.get(
        reverse("portal:letter"), {"doc_no": "粤科函〔2031〕12号", "department": "广东省工业和信息化厅"}
    ).content.decode()
    assert '<p class="doc-no" data-doc-no>粤科函〔2031〕12号</p>' in html
    assert "广东省工业和信息化厅关于推荐2031年度国家高新区新赛道的函" in html
    assert 'data-page-header="粤科函〔2031〕12号"' in html
    # The letter is addressed to the Torch Centre under MIIT (the default issuing body).
    assert "工业和信息化部火炬高技术产业开发中心：" in html
    response = client.get(reverse("portal:letter"), {"doc_no": "x" * 41})
    assert response.status_code == 200 and "〔　　〕　　号" in response.content.decode()


def test_the_letter_is_the_officials(client, letter_world):
    zone_user = f.zone_preparer(ZS, username="zs_letter")
    assert login(client, zone_user).get(reverse("portal:letter")).status_code == 403
