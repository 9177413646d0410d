"""The 专家评审会 pack (打分汇总表): the matrix nomination × expert with exact trimmed means, totals, spread and rank,
anonymised or named; the bias per panel and over the whole cycle with its number of reviews; A4 landscape print page
and .xlsx; the staff score list's filters and export; the review desk linked from the admin home."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories, rounds
from tracks import models as m
from tracks.panel_pack import letter, panel_pack

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    """Two nominations of one track scored by three experts (the third harsh on one), and a third nomination in
    another field scored by the first expert alone."""
    cycle, track, (first, second) = rounds.scored_cycle(["440000-03", "440000-02"], year=2032)
    experts = list(m.ReviewerProfile.objects.filter(assignments__nomination=first).order_by("pk"))
    m.Score.objects.filter(
        assignment__nomination=first, assignment__reviewer=experts[2], criterion__code="strategic"
    ).update(value=Decimal("61"))
    other_track = factories.TrackFactory(field=factories.FieldFactory(name="另一领域"))
    other = factories.NominationFactory(
        cycle=cycle, zone=factories.zone("440000-04"), track=other_track, status=m.NominationStatus.SCORED
    )
    assignment = m.Assignment.objects.create(
        reviewer=experts[0],
        nomination=other,
        status=m.AssignmentStatus.SUBMITTED,
        pledge_signed_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    for criterion in m.Criterion.objects.filter(cycle=cycle):
        m.Score.objects.create(assignment=assignment, criterion=criterion, value=100, max_score=100)
    return cycle, track, first, second, experts


def test_letters():
    assert [letter(i) for i in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]


def test_the_matrix_has_the_rankings_exact_figures_and_the_bias_per_panel_and_cycle(meeting):
    cycle, track, first, second, experts = meeting
    pack = panel_pack(cycle, field=track.field)

    assert [e["label"] for e in pack["experts"]] == ["专家A", "专家B", "专家C"]
    rows = {r["id"]: r for r in pack["rows"]}
    assert [r["id"] for r in pack["rows"]] == [second.pk, first.pk]  # ranked: 87.65 before 87.15
    one = rows[first.pk]
    assert one["rank"] == 2
    assert one["matrix"] == [Decimal("90.15"), Decimal("90.15"), Decimal("81.15")]
    assert one["means"] == [Decimal("81.00"), Decimal("90.00"), Decimal("89.00"), Decimal("90.50")]
    assert (one["total"], one["spread_sd"], one["spread_range"]) == (
        Decimal("87.15"),
        Decimal("4.24"),
        Decimal("9.00"),
    )
    assert one["experts"][0]["comments"][0] == ("战略性", "战略性评语0")
    assert rows[second.pk]["total"] == Decimal("87.65")
    bias = {b["label"]: b for b in pack["bias"]}
    assert (bias["专家A"]["panel_count"], bias["专家A"]["panel_bias"]) == (2, Decimal("1.50"))
    assert (bias["专家A"]["cycle_count"], bias["专家A"]["cycle_bias"]) == (3, Decimal("3.40"))
    assert (bias["专家B"]["cycle_count"], bias["专家B"]["cycle_bias"]) == (2, Decimal("-0.30"))
    assert (bias["专家C"]["panel_bias"], bias["专家C"]["cycle_bias"]) == (Decimal("-3.00"), Decimal("-4.80"))

    named = panel_pack(cycle, field=track.field, track=track, named=True)
    assert [e["label"] for e in named["experts"]] == [e.name for e in experts]


def test_the_print_page_and_the_workbook(client, meeting):
    cycle, track, first, second, experts = meeting
    client.force_login(factories.staff())
    url = reverse("admin:tracks_review_pack", args=[cycle.year])

    page = client.get(url, {"track": track.pk}).content.decode()
    assert "打分汇总表" in page and "专家C" in page and "87.15" in page and "4.24" in page
    assert "评审组组长（签字）" in page and "review_pack.css" in page
    assert experts[0].name not in page  # anonymised unless staff choose names
    assert experts[0].name in client.get(url, {"track": track.pk, "names": "1"}).content.decode()

    response = client.get(
        reverse("admin:tracks_review_pack_xlsx", args=[cycle.year]), {"field": track.field.pk}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["打分汇总", "分项评分与评语", "评审专家偏差", "说明"]
    summary = list(book["打分汇总"].iter_rows(values_only=True))
    assert summary[0][:5] == ("排名", "国家高新区", "省份", "赛道", "专家A总分")
    assert summary[2][0] == 2 and summary[2][4:7] == (90.15, 90.15, 81.15)
    bias = list(book["评审专家偏差"].iter_rows(values_only=True))
    assert bias[1] == ("专家A", 2, 2, 1.5, 3, 3.4)
    comments = [row[-1] for row in book["分项评分与评语"].iter_rows(values_only=True)]
    assert any(text and "战略性：战略性评语0" in text for text in comments)


def test_only_staff_open_the_pack(client, meeting):
    cycle, *_rest, experts = meeting
    client.force_login(experts[0].user)
    assert client.get(reverse("admin:tracks_review_pack", args=[cycle.year])).status_code == 403


def test_the_score_list_filters_and_exports(client, meeting):
    cycle, track, first, second, experts = meeting
    client.force_login(factories.staff())
    url = reverse("admin:tracks_score_changelist")
    query = {"criterion__cycle__id__exact": cycle.pk, "reviewer": experts[2].pk, "state": "submitted"}

    response = client.get(url, query)
    assert response.context["cl"].result_count == 8  # two nominations × four criteria
    assert "导出 .xlsx（按当前筛选）" in response.content.decode()
    assert client.get(url, {**query, "state": "draft"}).context["cl"].result_count == 0
    panel = {"assignment__nomination__track__field__id__exact": track.field.pk}
    assert client.get(url, panel).context["cl"].result_count == 24

    export = client.get(reverse("admin:tracks_score_export"), query)
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 9 and rows[0][0] == "年度批次"
    assert {row[5] for row in rows[1:]} == {experts[2].name}
    assert 61 in [row[7] for row in rows[1:]]


def test_the_admin_home_links_the_review_desk(client):
    client.force_login(factories.staff())
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:tracks_review_desk") in page
    assert reverse("admin:mail_outboxmessage_changelist") in page
    reviewer = factories.reviewer()
    client.force_login(reviewer.user)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:tracks_review_desk") not in page
    assert reverse("accounts:profile") in page


@pytest.mark.parametrize(
    "zones", [["440000-03", "440000-02"], ["440000-03", "440000-02", "440000-04", "440000-05"]]
)
def test_the_pack_reads_in_a_fixed_number_of_queries(client, django_assert_max_num_queries, zones):
    cycle, track, _nominations = rounds.scored_cycle(zones, year=2033)
    client.force_login(factories.staff())
    with django_assert_max_num_queries(20):
        response = client.get(reverse("admin:tracks_review_pack", args=[cycle.year]), {"track": track.pk})
    assert response.status_code == 200
