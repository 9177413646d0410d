"""The programme's yearly report on a hand-built data set: every figure asserted exactly, on the staff page, in
the command's output and in the .xlsx (with its native charts); a fixed number of queries whatever the size."""

import datetime
import io
import zipfile
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from audit.services import audit_record
from cultivation import reports
from tests import factories as f
from tests.cultivation.support import GZ, NJ, ZS, login
from tracks import models as m
from tracks.services.library import library_set_status

pytestmark = pytest.mark.django_db
CST = ZoneInfo("Asia/Shanghai")
S = m.NominationStatus
HB, SC, SZ, SU = "420000-01", "510000-01", "440000-02", "320000-02"


@contextmanager
def at(*args):
    """Run the block as if it were the given China time (auto_now_add stamps and the services read it)."""
    moment = datetime.datetime(*args, tzinfo=CST)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _nomination(cycle, key, track, status, **kwargs):
    zone = f.zone(key)
    return f.NominationFactory(
        cycle=cycle, zone=zone, province=zone.province, track=track, status=status, **kwargs
    )


def _list(cycle, track, nominations, *, status, version=1):
    park_list = m.ParkList.objects.create(
        cycle=cycle,
        scope="track",
        field=track.field,
        track=track,
        version=version,
        title=f"{track.name}榜单v{version}",
    )
    for rank, nomination in enumerate(nominations, start=1):
        m.ListEntry.objects.create(
            park_list=park_list,
            rank=rank,
            nomination=nomination,
            zone=nomination.zone,
            province=nomination.province,
            track=nomination.track,
            total=Decimal("90") - rank,
            score_strategic=Decimal("90"),
            score_leading=Decimal("90"),
            score_growth=Decimal("90"),
            score_driving=Decimal("90"),
        )
    if status != "draft":
        park_list.status = status
        park_list.published_at = datetime.datetime(2025, 11, 20, 10, 0, tzinfo=CST)
        park_list.sha256 = "a" * 64
        park_list.sm3 = "b" * 64
        if status == "superseded":
            park_list.superseded_at = datetime.datetime(2025, 12, 1, tzinfo=CST)
        park_list.save()
    return park_list


@pytest.fixture
def data(owner_db, world):
    """The hand-built year 2025 (see each block for what it must count). Its audit history is back-dated, which on
    PostgreSQL only the owner role may write (audit migration 0003): a test using it runs as the owner."""
    cycle, humanoid, storage = world.cycle, world.humanoid, world.storage
    other = f.TrackFactory(name="合成生物", field=world.energy)
    staff = world.users["staff"]

    # Nominations: 广东 3 submitted (2 accepted, 1 rejected; a draft and a withdrawn one do not count); 江苏 3
    # (1 accepted, 1 returned, 1 pending); 湖北 2 accepted; 四川 1 rejected; none from the 东北; one of 2024.
    gd_zs = _nomination(cycle, ZS, humanoid, S.ACCEPTED)
    gd_gz = _nomination(cycle, GZ, humanoid, S.LISTED)
    _nomination(cycle, SZ, humanoid, S.REJECTED)
    _nomination(cycle, ZS, storage, S.DRAFT)
    _nomination(cycle, GZ, storage, S.WITHDRAWN)
    _nomination(cycle, NJ, humanoid, S.RETURNED)
    _nomination(cycle, SU, humanoid, S.SUBMITTED)
    js_nj2 = _nomination(cycle, NJ, storage, S.SCORED)
    hb = _nomination(cycle, HB, humanoid, S.NOT_LISTED)
    hb2 = _nomination(cycle, HB, storage, S.ACCEPTED)
    sc = _nomination(cycle, SC, humanoid, S.REJECTED)
    cycle_2024 = f.CycleFactory(year=2024)
    _nomination(cycle_2024, ZS, humanoid, S.ACCEPTED)
    # The rounds: 2024's from its window's opening on 1 January 2024 to 2025's on 1 January 2025 (open since).
    m.Cycle.objects.filter(pk=cycle_2024.pk).update(
        nomination_opens_at=datetime.datetime(2024, 1, 1, tzinfo=CST)
    )
    m.Cycle.objects.filter(pk=cycle.pk).update(nomination_opens_at=datetime.datetime(2025, 1, 1, tzinfo=CST))

    # Lists of 2025: two published (5 entries: 东部 3, 中部 2; 粤港澳 2, 长三角 1; 4 distinct zones); a draft and
    # a superseded version do not count.
    _list(cycle, humanoid, [gd_zs, gd_gz, hb], status="published")
    _list(cycle, storage, [js_nj2, hb2], status="published")
    _list(cycle, other, [sc], status="draft")
    _list(cycle, humanoid, [sc], status="superseded", version=2)

    # Library: 3 entries the 2025 cycle brought in (中山, 广州, 武汉), 南京 the 2024 cycle's.
    entries = world.entries
    m.LibraryEntry.objects.filter(pk=entries["nj"].pk).update(entered_cycle=cycle_2024)
    hubei = f.LibraryEntryFactory(zone=f.zone(HB), track=humanoid, entered_cycle=cycle)
    for entry, moment in (
        (entries["zs"], datetime.datetime(2025, 2, 1, tzinfo=CST)),
        (entries["gz"], datetime.datetime(2025, 2, 1, tzinfo=CST)),
        (entries["nj"], datetime.datetime(2024, 5, 1, tzinfo=CST)),
        (hubei, datetime.datetime(2025, 3, 1, tzinfo=CST)),
    ):
        m.LibraryEntry.objects.filter(pk=entry.pk).update(entered_at=moment)
    # Status changes: 中山 to 观察 just before the year (not counted), back to 培育中 just after midnight (counted),
    # then 重点; 南京 to 观察 twice in the year (counted once) and back once; 广州 出库. 武汉's enter/re-enter events
    # count as a re-entry, not as a return to 培育中.
    with at(2024, 12, 31, 23, 30):
        library_set_status(actor=staff, entry=entries["zs"], status="watch")
    with at(2025, 1, 1, 0, 10):
        library_set_status(actor=staff, entry=entries["zs"], status="cultivating")
    with at(2025, 3, 1, 9, 0):
        audit_record(actor=staff, action="library.enter", obj=hubei, after={"status": "cultivating"})
    with at(2025, 4, 1, 9, 0):
        audit_record(actor=staff, action="library.reenter", obj=hubei, after={"status": "cultivating"})
    with at(2025, 6, 1, 9, 0):
        library_set_status(actor=staff, entry=entries["nj"], status="watch")
    with at(2025, 7, 1, 9, 0):
        library_set_status(actor=staff, entry=entries["nj"], status="cultivating")
    with at(2025, 9, 1, 9, 0):
        library_set_status(actor=staff, entry=entries["nj"], status="watch")
    with at(2025, 10, 1, 9, 0):
        library_set_status(actor=staff, entry=entries["gz"], status="exited", reason="不再符合培育条件")
    with at(2025, 11, 21, 9, 0):
        library_set_status(actor=staff, entry=entries["zs"], status="key")

    # Measures dated 2025 and active: 技术策源 1 (no amount), 金融精准支持 2 (12.50 + 7.25), 标杆应用场景 1 (3.00) on
    # 3 entries; a removed one and one of 2024 do not count.
    def measure(entry, kind, day, amount=None, **kwargs):
        return f.SupportMeasureFactory(
            entry=entry, kind=kind, date=day, amount=amount, recorded_by=staff, **kwargs
        )

    measure(entries["zs"], "technology", datetime.date(2025, 1, 1))
    measure(entries["zs"], "finance", datetime.date(2025, 4, 15), Decimal("12.50"))
    measure(entries["gz"], "finance", datetime.date(2025, 12, 31), Decimal("7.25"))
    measure(entries["nj"], "scenario", datetime.date(2025, 6, 1), Decimal("3.00"))
    measure(
        entries["nj"],
        "finance",
        datetime.date(2025, 5, 1),
        Decimal("100.00"),
        removed_at=datetime.datetime(2025, 5, 2, tzinfo=CST),
        removal_reason="重复录入",
    )
    measure(entries["zs"], "brand", datetime.date(2024, 12, 31), Decimal("9.00"))

    # Monitoring: 中山 and 南京 reported 2024 and 2025, 广州 only 2025, 南京 also 2023 (not counted).
    def report(entry, year, **values):
        base = dict.fromkeys(("revenue", "revenue_growth", "rd_spending", "enterprise_count"))
        f.MonitoringReportFactory(entry=entry, year=year, **{**base, **values})

    report(
        entries["zs"],
        2024,
        enterprise_count=100,
        revenue=Decimal("200.00"),
        financing=Decimal("10.00"),
        rd_spending=Decimal("5.00"),
    )
    report(
        entries["zs"],
        2025,
        enterprise_count=120,
        revenue=Decimal("260.00"),
        financing=Decimal("15.00"),
        rd_spending=Decimal("6.00"),
    )
    report(entries["gz"], 2025, enterprise_count=50, revenue=Decimal("40.00"))
    report(entries["nj"], 2024, enterprise_count=80, revenue=Decimal("100.00"))
    report(entries["nj"], 2025, enterprise_count=70, revenue=Decimal("90.00"))
    report(entries["nj"], 2023, enterprise_count=999, revenue=Decimal("999.00"))
    return world


def _by(rows, key="code"):
    return {row[key]: row for row in rows}


def test_nominations_and_acceptance(data):
    report = reports.programme_report(2025)

    provinces = _by(report["nominations"]["provinces"])
    assert list(provinces) == ["320000", "420000", "440000", "510000"]
    assert {
        code: (r["submitted"], r["accepted"], r["returned"], r["rejected"], r["pending"], r["rate"])
        for code, r in provinces.items()
    } == {
        "320000": (3, 1, 1, 0, 1, Decimal("33.3")),
        "420000": (2, 2, 0, 0, 0, Decimal("100.0")),
        "440000": (3, 2, 0, 1, 0, Decimal("66.7")),
        "510000": (1, 0, 0, 1, 0, Decimal("0.0")),
    }
    regions = _by(report["nominations"]["regions"])
    assert {
        code: (r["provinces"], r["submitted"], r["accepted"], r["rate"]) for code, r in regions.items()
    } == {
        "east": (2, 6, 3, Decimal("50.0")),
        "central": (1, 2, 2, Decimal("100.0")),
        "west": (1, 1, 0, Decimal("0.0")),
        "northeast": (0, 0, 0, None),
    }
    assert report["nominations"]["total"] == {
        "submitted": 9,
        "accepted": 5,
        "returned": 1,
        "rejected": 2,
        "pending": 1,
        "provinces": 4,
        "rate": Decimal("55.6"),
    }


def test_lists_and_their_breakdown(data):
    lists = reports.programme_report(2025)["lists"]

    assert [(row["title"], row["entries"]) for row in lists["lists"]] == [
        ("人形机器人榜单v1", 3),
        ("新型储能榜单v1", 2),
    ]
    assert lists["total_entries"] == 5
    assert lists["zones"] == 4
    assert {r["code"]: (r["count"], r["share"]) for r in lists["regions"]} == {
        "east": (3, Decimal("60.0")),
        "central": (2, Decimal("40.0")),
        "west": (0, Decimal("0.0")),
        "northeast": (0, Decimal("0.0")),
    }
    assert {r["code"]: (r["count"], r["share"]) for r in lists["areas"]} == {
        "jing-jin-ji": (0, Decimal("0.0")),
        "yangtze-river-delta": (1, Decimal("20.0")),
        "greater-bay-area": (2, Decimal("40.0")),
    }
    assert lists["areas_combined"] == {"count": 3, "share": Decimal("60.0")}


def test_library_movements(data):
    """By cycle: entries the cycle brought in, entries on its published lists (中山, 广州 and 武汉 on
    人形机器人, 南京 on 新型储能), and the audit log's changes during its round."""
    library = reports.programme_report(2025)["library"]

    assert library["basis"] == "cycle"
    assert library["by_code"] == {
        "entered": 3,
        "reentered": 1,
        "key": 4,
        "watch": 1,
        "exited": 1,
        "cultivating": 2,
    }
    assert {row["code"]: row["count"] for row in library["stock"]} == {
        "cultivating": 1,
        "key": 1,
        "watch": 1,
        "exited": 1,
    }
    assert library["stock_total"] == 4
    # The year before sees 南京's entry and 中山's move to 观察 on New Year's Eve.
    before = reports.programme_report(2024)["library"]["by_code"]
    assert (before["entered"], before["watch"], before["cultivating"]) == (1, 1, 0)


def test_measures_by_kind(data):
    measures = reports.programme_report(2025)["measures"]

    assert [(r["code"], r["count"], r["amount"]) for r in measures["kinds"]] == [
        ("technology", 1, Decimal("0.00")),
        ("incubation", 0, Decimal("0.00")),
        ("high_growth", 0, Decimal("0.00")),
        ("finance", 2, Decimal("19.75")),
        ("scenario", 1, Decimal("3.00")),
        ("governance", 0, Decimal("0.00")),
        ("brand", 0, Decimal("0.00")),
        ("typical_model", 0, Decimal("0.00")),
    ]
    assert measures["total_count"] == 4
    assert measures["total_amount"] == Decimal("22.75")
    assert measures["entries"] == 3


def test_monitoring_totals_and_like_for_like_growth(data):
    indicators = reports.programme_report(2025)["indicators"]

    rows = _by(indicators["rows"], "name")
    assert (indicators["entries_current"], indicators["entries_previous"], indicators["entries_both"]) == (
        3,
        2,
        2,
    )
    assert (rows["enterprise_count"]["current"], rows["enterprise_count"]["previous"]) == (240, 180)
    assert rows["enterprise_count"]["growth"] == Decimal("5.6")  # (120 + 70) / (100 + 80): 广州 is new
    assert (rows["revenue"]["current"], rows["revenue"]["previous"]) == (Decimal("390.00"), Decimal("300.00"))
    assert rows["revenue"]["growth"] == Decimal("16.7")  # 350 / 300
    assert (rows["financing"]["current"], rows["financing"]["previous"], rows["financing"]["growth"]) == (
        Decimal("15.00"),
        Decimal("10.00"),
        Decimal("50.0"),
    )
    assert rows["rd_spending"]["growth"] == Decimal("20.0")
    assert (rows["invention_patents"]["current"], rows["invention_patents"]["growth"]) == (None, None)
    assert "revenue_growth" not in rows  # a rate is not summed


def test_a_year_without_data(db):
    report = reports.programme_report(2031)

    assert report["cycle"] is None
    assert report["nominations"]["total"]["submitted"] == 0
    assert report["nominations"]["total"]["rate"] is None
    assert report["lists"]["lists"] == []
    assert report["measures"]["total_count"] == 0
    assert all(row["growth"] is None for row in report["indicators"]["rows"])
    assert reports.report_workbook(report)[:2] == b"PK"


def test_the_staff_page_shows_the_figures_and_charts(client, data):
    login(client, data.users["staff"])

    response = client.get(reverse("cultivation:report", args=[2025]))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert "2025年度国家高新区新赛道培育工作报告" in body
    assert '<td class="num" data-figure="submitted-accepted">9 / 5</td>' in body
    assert '<td class="num" data-figure="rate">55.6%</td>' in body
    assert '<td class="num" data-figure="list-entries">5</td>' in body
    assert '<td class="num" data-figure="library">3 / 1 / 1</td>' in body
    assert '<td class="num" data-figure="measures">4 项（22.75 亿元）</td>' in body
    assert (
        '<tr data-kind="finance"><th scope="row">金融精准支持</th><td class="num">2</td><td class="num">19.75</td></tr>'
        in body
    )
    assert (
        '<tr data-area="greater-bay-area"><th scope="row">粤港澳大湾区</th><td class="num">2</td><td class="num">40.0%</td></tr>'
        in body
    )
    assert body.count('<figure class="chart hchart">') == 8
    assert " style=" not in body and "<script>" not in body
    assert reverse("cultivation:report_xlsx", args=[2025]) in body


@pytest.mark.parametrize(("who", "status"), [("gd", 403), ("zs", 403), ("reviewer", 403), ("anonymous", 302)])
def test_the_report_is_for_programme_staff_only(client, world, who, status):
    login(client, world.users[who])
    for name in ("cultivation:report", "cultivation:report_xlsx"):
        assert client.get(reverse(name, args=[2025])).status_code == status
    assert client.get(reverse("cultivation:report_index")).status_code == status


def test_the_report_index_goes_to_the_latest_cycle(client, world):
    login(client, world.users["staff"])
    response = client.get(reverse("cultivation:report_index"))
    assert response["Location"] == reverse("cultivation:report", args=[2025])


def test_years_out_of_range_are_404(client, world):
    login(client, world.users["staff"])
    assert client.get(reverse("cultivation:report", args=[1999])).status_code == 404


def _check_workbook(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == [
        "概览",
        "推荐与受理（省份）",
        "推荐与受理（区域）",
        "榜单",
        "榜单分布",
        "培育库变动",
        "培育举措",
        "年度监测",
    ]
    overview = {row[0]: row[1] for row in workbook["概览"].iter_rows(min_row=3, values_only=True)}
    assert overview["推荐数"] == 9
    assert overview["受理率（%）"] == 55.6
    assert overview["入榜园区（个次）"] == 5
    assert overview["培育举措涉及金额（亿元）"] == 22.75
    provinces = list(workbook["推荐与受理（省份）"].iter_rows(min_row=2, values_only=True))
    assert provinces[2] == ("广东省", "东部", 3, 2, 0, 1, 0, 66.7)
    kinds = {row[0]: row[1:] for row in workbook["培育举措"].iter_rows(min_row=2, values_only=True)}
    assert kinds["金融精准支持"] == (2, 19.75)
    monitoring = {row[0]: row[1:] for row in workbook["年度监测"].iter_rows(min_row=2, values_only=True)}
    assert monitoring["营业收入（亿元）"] == (390.0, 300.0, 16.7)
    movements = dict(workbook["培育库变动"].iter_rows(min_row=2, values_only=True))
    assert movements == {"新入库": 3, "重新入库": 1, "列为重点": 4, "转入观察": 1, "出库": 1, "恢复培育": 2}
    # Native charts (openpyxl does not read them back, so count them in the archive): provinces, regions, the lists'
    # breakdown, library movements, measure counts and amounts, monitoring growth.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        first = archive.read("xl/charts/chart1.xml").decode()
    assert len(charts) == 7
    assert "<barChart>" in first and "各省推荐与受理" in first


def test_the_xlsx_download(client, data):
    login(client, data.users["staff"])

    response = client.get(reverse("cultivation:report_xlsx", args=[2025]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
    _check_workbook(response.content)


def test_the_command_prints_the_summary_and_writes_the_xlsx(data, tmp_path):
    out = io.StringIO()
    target = tmp_path / "report-2025.xlsx"

    call_command("programme_report", "2025", "--xlsx", str(target), stdout=out)

    text = out.getvalue()
    assert "2025年度国家高新区新赛道培育工作报告" in text
    assert "推荐 9 项，受理 5 项，受理率 55.6%" in text
    assert "已发布榜单 2 个，入榜园区 5 个次" in text
    assert "2025年度批次培育库变动：新入库 3 个，转入观察 1 个，出库 1 个" in text
    assert "培育举措 4 项，涉及金额 22.75 亿元" in text
    assert f"已写出 {target}" in text
    _check_workbook(target.read_bytes())


def test_the_command_refuses_bad_arguments(db, tmp_path):
    with pytest.raises(CommandError, match="2000 至 2100"):
        call_command("programme_report", "1990")
    with pytest.raises(CommandError, match=".xlsx"):
        call_command("programme_report", "2025", "--xlsx", str(tmp_path / "report.csv"))
    with pytest.raises(CommandError, match="目录不存在"):
        call_command("programme_report", "2025", "--xlsx", str(tmp_path / "missing" / "report.xlsx"))


def test_the_command_warns_about_a_year_without_a_cycle(db):
    err = io.StringIO()
    call_command("programme_report", "2031", stdout=io.StringIO(), stderr=err)
    assert "2031 年度没有年度批次" in err.getvalue()


@pytest.mark.parametrize("size", [1, 15])
def test_the_report_queries_do_not_grow(world, django_assert_max_num_queries, size):
    zones = ["110000-01", "420000-01", "510000-01", "210000-01", "440000-02"]
    for _index in range(size):
        track = f.TrackFactory(field=world.ai)
        for key in zones:
            nomination = _nomination(world.cycle, key, track, S.ACCEPTED)
            entry = f.LibraryEntryFactory(zone=nomination.zone, track=track, entered_cycle=world.cycle)
            f.SupportMeasureFactory(
                entry=entry, kind="finance", date=datetime.date(2025, 3, 1), amount=Decimal("1")
            )
            f.MonitoringReportFactory(entry=entry, year=2024)
            f.MonitoringReportFactory(entry=entry, year=2025)
        _list(world.cycle, track, list(m.Nomination.objects.filter(track=track)), status="published")

    with django_assert_max_num_queries(18):
        report = reports.programme_report(2025)

    assert report["nominations"]["total"]["submitted"] == 5 * size
    assert report["lists"]["total_entries"] == 5 * size


def test_library_changes_count_for_their_cycle_whatever_the_calendar_year(world):
    """A cycle's accepted nominations enter the library when formal review accepts them, which may be the next
    calendar year (the demo's 2025 round stamped its 63 entries in 2026): they are the 2025 cycle's."""
    m.Cycle.objects.filter(pk=world.cycle.pk).update(
        nomination_opens_at=datetime.datetime(2025, 3, 1, tzinfo=CST)
    )
    late = datetime.datetime(2026, 1, 10, tzinfo=CST)
    m.LibraryEntry.objects.filter(pk__in=[e.pk for e in world.entries.values()]).update(entered_at=late)
    assert reports.programme_report(2025)["library"]["by_code"]["entered"] == 3
    # 2026 has no cycle: it counts nothing, and says why.
    library = reports.programme_report(2026)["library"]
    assert library["basis"] == "none" and set(library["by_code"].values()) == {0}
    assert reports.library_caption(reports.programme_report(2026)) == "2026年度无批次，培育库变动"
