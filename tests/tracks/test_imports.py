"""Excel: the template (Chinese headers, drop-downs whose lists live as named ranges on a hidden sheet), the
all-or-nothing import with every error by row and column, and the export of one's own nominations."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories as f
from tests.tracks.portal_support import (
    GD,
    GZ,
    ZS,
    login,
    nomination,
)
from tracks import imports
from tracks import models as m
from tracks.imports import COLUMNS, list_values, zone_value
from zones.models import Zone

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template(client):
    response = client.get(reverse("portal:excel_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(BytesIO(response.content))


def row_values(world, zone_key=ZS, track="人形机器人", **changes):
    values = {
        "zone": zone_value(f.zone(zone_key)),
        "track": track,
        "origin": "新兴产业拓展",
        "cultivation_model": "应用场景牵引",
        "public_summary": "依托龙头企业，形成完整链条。",
        "narrative": "一、基本情况",
        "enterprise_count": 120,
        "high_tech_enterprise_count": 60,
        "specialized_enterprise_count": 12,
        "gazelle_count": 5,
        "unicorn_count": 1,
        "invention_patents": 840,
        "research_platforms": 15,
        "application_scenarios": 18,
        "incubators": 6,
        "pilot_platforms": 3,
        "revenue": 356.4,
        "rd_spending": 21.3,
        "financing": 42,
        "revenue_growth": -3.5,
    }
    values.update(changes)
    return values


def filled(workbook, rows, start=2) -> SimpleUploadedFile:
    sheet = workbook[imports.SHEET]
    for offset, values in enumerate(rows):
        for index, name in enumerate(COLUMNS, start=1):
            sheet.cell(row=start + offset, column=index, value=values.get(name))
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("推荐.xlsx", buffer.getvalue(), content_type=XLSX)


# -- the template ---------------------------------------------------------------------------------------------------


def test_template_headers_and_drop_downs_hold_every_zone_and_track(client, world):
    proposed = f.TrackFactory(name="柔性电子", status=m.TrackStatus.PROPOSED, proposed_by=world.zs)
    f.TrackFactory(name="别省提议", status=m.TrackStatus.PROPOSED, proposed_by=world.js)
    f.TrackFactory(name="已合并赛道", status=m.TrackStatus.MERGED, merged_into=world.humanoid)
    login(client, world.gd)
    workbook = template(client)

    sheet = workbook[imports.SHEET]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["国家高新区*", "新赛道*", "培育路径", "培育模式"]
    assert "营业收入（亿元）" in headers and "营业收入同比增长（%）" in headers
    assert workbook[imports.LISTS_SHEET].sheet_state == "hidden"
    assert workbook.sheetnames == [imports.SHEET, imports.LISTS_SHEET, imports.HELP_SHEET]

    zones = list_values(workbook, "list_zones")
    expected = [zone_value(z) for z in Zone.objects.filter(province__code=GD, is_active=True).order_by("key")]
    assert zones == expected and len(zones) == 14
    tracks = set(list_values(workbook, "list_tracks"))
    active = set(m.Track.objects.filter(status=m.TrackStatus.ACTIVE).values_list("name", flat=True))
    assert tracks == active | {proposed.name}
    assert list_values(workbook, "list_origins") == ["传统产业升级衍生", "新兴产业拓展", "未来产业前瞻布局"]
    assert list_values(workbook, "list_models") == [
        "应用场景牵引",
        "科学家与企业家联合创业",
        "大企业内部创业",
        "其他",
    ]

    # The drop-downs point at the named ranges (no inline list that could pass 255 characters).
    validations = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    assert validations["=list_zones"] == "A2:A1001"
    assert validations["=list_tracks"] == "B2:B1001"
    assert validations["=list_origins"] == "C2:C1001"
    assert validations["=list_models"] == "D2:D1001"


def test_a_zone_template_lists_only_its_zone(client, world):
    login(client, world.zs)
    assert list_values(template(client), "list_zones") == [zone_value(f.zone(ZS))]


# -- the import -----------------------------------------------------------------------------------------------------


def test_a_good_file_creates_drafts(client, world):
    login(client, world.gd)
    upload = filled(template(client), [row_values(world), row_values(world, zone_key=GZ, track="仿人机器人")])

    response = client.post(reverse("portal:excel_import"), {"file": upload})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:nomination_list") + f"?cycle={world.cycle.pk}&status=draft"
    created = list(m.Nomination.objects.order_by("zone__key"))
    assert [(n.zone.key, n.track.name, n.status, n.created_by) for n in created] == [
        (GZ, "人形机器人", m.NominationStatus.DRAFT, world.gd),  # found through its alias
        (ZS, "人形机器人", m.NominationStatus.DRAFT, world.gd),
    ]
    first = created[1]
    assert (first.origin, first.cultivation_model, first.revenue, first.revenue_growth, first.financing) == (
        m.Origin.EXTENSION,
        m.CultivationModel.SCENARIO,
        Decimal("356.40"),
        Decimal("-3.50"),
        Decimal("42.00"),
    )
    assert first.enterprise_count == 120 and first.pilot_platforms == 3


def test_a_bad_file_saves_nothing_and_lists_every_error(client, world):
    nomination(world, zone_key="440000-05", track=world.synbio)  # already nominated in this cycle
    login(client, world.gd)
    rows = [
        row_values(world),  # row 2: fine on its own
        row_values(world, zone="南京高新技术产业开发区（320000-01）"),  # 3: another province
        row_values(world, zone_key=GZ, track="不存在的赛道"),  # 4
        row_values(world, zone_key="440000-04", enterprise_count=12.5, gazelle_count=-1),  # 5
        row_values(world, zone_key="440000-06", revenue_growth=-120, rd_spending="很多", origin="随便"),  # 6
        row_values(world, zone_key="440000-07", revenue=-5),  # 7
        row_values(world, zone_key="440000-08", financing=1.234, zone=None),  # 8
        row_values(world),  # 9: same zone and track as row 2
        row_values(world, zone_key="440000-05", track="合成生物"),  # 10: exists already
        row_values(world, zone_key="440000-09", public_summary="长" * 501),  # 11
    ]
    response = client.post(reverse("portal:excel_import"), {"file": filled(template(client), rows)})

    assert response.status_code == 200
    assert m.Nomination.objects.count() == 1  # only the one made before
    errors = [(e.row, e.column, e.message) for e in response.context["result"].errors]
    assert errors == [
        (
            3,
            "A",
            "第3行「国家高新区」“南京高新技术产业开发区（320000-01）”不是本省的国家高新区，请从下拉列表选择。",
        ),
        (4, "B", "第4行「新赛道」“不存在的赛道”不在新赛道目录中，请从下拉列表选择。"),
        (5, "G", "第5行「企业数」必须为非负整数。"),
        (5, "J", "第5行「瞪羚企业数」必须为非负整数。"),
        (
            6,
            "C",
            "第6行「培育路径」“随便”不是可选项，应为：传统产业升级衍生、新兴产业拓展、未来产业前瞻布局。",
        ),
        (6, "R", "第6行「R&D经费」必须为非负数。"),
        (6, "T", "第6行「营业收入同比增长」不能低于 -100。"),
        (7, "Q", "第7行「营业收入」必须为非负数。"),
        (8, "A", "第8行「国家高新区」不能为空。"),
        (8, "S", "第8行「融资额」最多保留两位小数。"),
        (9, "", "第9行与第2行的国家高新区和新赛道相同。"),
        (10, "", "第10行：惠州仲恺高新区本批次已推荐过「合成生物」。"),
        (11, "E", "第11行「公开简介」不能超过500字（现为501字）。"),
    ]
    page = response.content.decode()
    assert "文件有 13 处错误，未导入任何数据" in page
    assert "第7行「营业收入」必须为非负数。" in page


def test_a_zone_imports_only_for_itself(client, world):
    login(client, world.zs)
    workbook = template(client)
    response = client.post(
        reverse("portal:excel_import"),
        {"file": filled(workbook, [row_values(world), row_values(world, zone_key=GZ, track="新型储能")])},
    )
    assert [e.message for e in response.context["result"].errors] == ["第3行「国家高新区」只能填写本高新区。"]
    assert not m.Nomination.objects.exists()


def test_not_a_workbook_and_empty_and_wrong_headers(client, world):
    login(client, world.gd)
    junk = SimpleUploadedFile("推荐.xlsx", b"not a zip at all", content_type=XLSX)
    response = client.post(reverse("portal:excel_import"), {"file": junk})
    assert [e.message for e in response.context["result"].errors] == [
        "无法读取该文件，请上传用推荐模板填写的 .xlsx 文件。"
    ]

    response = client.post(reverse("portal:excel_import"), {"file": filled(template(client), [])})
    assert [e.message for e in response.context["result"].errors] == ["文件中没有可导入的数据行。"]

    workbook = template(client)
    workbook[imports.SHEET]["A1"] = "园区"
    response = client.post(reverse("portal:excel_import"), {"file": filled(workbook, [row_values(world)])})
    assert [e.message for e in response.context["result"].errors] == [
        "第1行缺少列：国家高新区。请使用下载的推荐模板。"
    ]


def test_import_outside_the_window_names_it(client, world):
    login(client, world.gd)
    workbook = template(client)
    world.cycle.nomination_closes_at = timezone.now() - datetime.timedelta(days=1)
    world.cycle.save()
    response = client.post(reverse("portal:excel_import"), {"file": filled(workbook, [row_values(world)])})
    (error,) = response.context["result"].errors
    assert error.message.startswith("不在推荐窗口期内：2031年度推荐时间为 ")
    assert not m.Nomination.objects.exists()


# -- the export -----------------------------------------------------------------------------------------------------


def test_export_of_my_nominations(client, world):
    mine = nomination(world, status=m.NominationStatus.RETURNED, status_reason="补充")
    nomination(world, zone_key="320000-01")  # 江苏's
    login(client, world.gd)
    response = client.get(reverse("portal:nominations_export"))
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert header[:5] == ("编号", "年度", "推荐省份", "国家高新区", "新赛道")
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    assert (row["编号"], row["国家高新区"], row["新赛道"], row["状态"], row["状态变更理由"]) == (
        mine.pk,
        zone_value(mine.zone),
        "人形机器人",
        "退回修改",
        "补充",
    )
    assert row["营业收入（亿元）"] == 356.4 and row["培育路径"] == "新兴产业拓展"
