"""The 专家评审会 pack in the review desk: the 打分汇总表 of a field panel or a track (score matrix nomination ×
expert, per criterion and total with comments, trimmed means, totals, spread, rank, each expert's bias for the panel
and the whole cycle), printable on A4 landscape with a signature line for the panel chair, and as .xlsx."""

import io
from decimal import Decimal

from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from ..models import Field, Nomination, NominationStatus, Track
from ..panel_pack import panel_pack
from .review_desk import XLSX, _cycle, _require_staff

FLAG_TEXT = {"few_reviews": gettext_lazy("评审不足3份"), "incomplete": gettext_lazy("评分不完整")}


def _scope(request, cycle):
    """(field, track) chosen by ?track= or ?field=, else the first field with reviewed nominations."""
    track_id = request.GET.get("track")
    if track_id:
        track = get_object_or_404(Track.objects.select_related("field"), pk=track_id)
        return track.field, track
    field_id = request.GET.get("field")
    if field_id:
        return get_object_or_404(Field, pk=field_id), None
    first = (
        Nomination.objects.filter(cycle=cycle, status__in=NominationStatus.REVIEWED)
        .select_related("track__field")
        .order_by("track__field__order", "track__field__code")
        .first()
    )
    return (first.track.field if first else None), None


def _choices(cycle):
    tracks = list(
        Track.objects.filter(nominations__cycle=cycle, nominations__status__in=NominationStatus.REVIEWED)
        .select_related("field")
        .distinct()
        .order_by("field__order", "name")
    )
    fields = []
    for track in tracks:
        if track.field not in fields:
            fields.append(track.field)
    return fields, tracks


def _flags(flags) -> str:
    return pgettext("list separator", "、").join(str(FLAG_TEXT.get(f, f)) for f in flags)


def pack_view(model_admin, request, year):
    _require_staff(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    cycle = _cycle(year)
    field, track = _scope(request, cycle)
    named = request.GET.get("names") == "1"
    fields, tracks = _choices(cycle)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("%(cycle)s 专家评审会打分汇总表") % {"cycle": cycle},
        "cycle": cycle,
        "fields": fields,
        "tracks": tracks,
        "named": named,
        "printed_at": timezone.localtime(),
        "desk_url": f"{reverse('admin:tracks_review_desk')}?cycle={cycle.year}",
    }
    if field is not None:
        pack = panel_pack(cycle, field=field, track=track, named=named)
        for row in pack["rows"]:
            row["flag_text"] = _flags(row["flags"])
        query = f"track={track.pk}" if track is not None else f"field={field.pk}"
        context.update(
            pack=pack,
            query=query,
            xlsx_url=reverse("admin:tracks_review_pack_xlsx", args=[cycle.year])
            + f"?{query}{'&names=1' if named else ''}",
        )
    return TemplateResponse(request, "admin/tracks/review/pack.html", context)


def pack_workbook(pack) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from office.cells import append_row

    criteria = [c.name for c in pack["criteria"]]
    workbook = Workbook()

    def sheet(title, header, body, widths=None):
        ws = workbook.create_sheet(title)
        for cell in append_row(ws, header):
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for values in body:
            for cell in append_row(ws, values):
                if isinstance(cell.value, Decimal):
                    cell.number_format = "0.00"
        for index, width in enumerate(widths or [], start=1):
            ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = width
        ws.freeze_panes = "A2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        return ws

    experts = [e["label"] for e in pack["experts"]]
    sheet(
        _("打分汇总"),
        [
            _("排名"),
            _("国家高新区"),
            _("省份"),
            _("赛道"),
            *[_("%(expert)s总分") % {"expert": e} for e in experts],
            *[_("%(name)s（截尾均值）") % {"name": n} for n in criteria],
            _("总分"),
            _("标准差"),
            _("极差"),
            _("评审数"),
            _("标记"),
        ],
        [
            [
                r["rank"] if r["rank"] is not None else "—",
                r["zone"],
                r["province"],
                r["track"],
                *r["matrix"],
                *r["means"],
                r["total"],
                r["spread_sd"],
                r["spread_range"],
                r["review_count"],
                _flags(r["flags"]),
            ]
            for r in pack["rows"]
        ],
        [6, 24, 10, 14],
    )
    detail = []
    for r in pack["rows"]:
        for e in r["experts"]:
            comments = dict(e["comments"])
            detail.append(
                [
                    r["rank"] if r["rank"] is not None else "—",
                    r["zone"],
                    e["label"],
                    *e["values"],
                    e["total"],
                    "\n".join(
                        _("%(name)s：%(text)s") % {"name": name, "text": comments[name]}
                        for name in criteria
                        if name in comments
                    ),
                ]
            )
    sheet(
        _("分项评分与评语"),
        [_("排名"), _("国家高新区"), _("评审专家"), *criteria, _("个人总分"), _("评语")],
        detail,
        [6, 24, 12, *[10] * len(criteria), 10, 60],
    )
    sheet(
        _("评审专家偏差"),
        [
            _("评审专家"),
            _("本表评审数"),
            _("本领域评审数"),
            _("本领域偏差"),
            _("全年度评审数"),
            _("全年度偏差"),
        ],
        [
            [
                b["label"],
                b["scope_count"],
                b["panel_count"],
                b["panel_bias"],
                b["cycle_count"],
                b["cycle_bias"],
            ]
            for b in pack["bias"]
        ],
        [14, 12, 12, 12, 12, 12],
    )
    about = workbook.create_sheet(_("说明"))
    for label, value in [
        (_("年度批次"), str(pack["cycle"])),
        (_("范围"), pack["scope"]),
        (_("专家姓名"), _("实名") if pack["named"] else _("匿名（专家A、B……）")),
        (_("评分标准化"), _("是") if pack["normalised"] else _("否")),
        (_("输入数据 SHA-256"), pack["inputs_sha256"]),
        (_("排名快照"), f"#{pack['snapshot'].pk}" if pack["snapshot"] else _("无一致的快照")),
        (
            _("计算规则"),
            _(
                "各维度取截尾均值（5份及以上去掉一个最高分和一个最低分）；总分 = Σ 权重 × 截尾均值 ÷ 满分；"
                "专家个人总分按其原始评分计算；偏差 = 该专家平均总分 − 全体平均总分（原始评分）。"
            ),
        ),
    ]:
        append_row(about, [label, value])
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = 90
    del workbook[workbook.sheetnames[0]]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pack_xlsx_view(model_admin, request, year):
    _require_staff(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    cycle = _cycle(year)
    field, track = _scope(request, cycle)
    if field is None:
        return HttpResponse(
            _("本批次没有进入评审的推荐。"), status=404, content_type="text/plain; charset=utf-8"
        )
    pack = panel_pack(cycle, field=field, track=track, named=request.GET.get("names") == "1")
    response = HttpResponse(pack_workbook(pack), content_type=XLSX)
    filename = _("%(year)s年度打分汇总表_%(scope)s.xlsx") % {"year": cycle.year, "scope": pack["scope"]}
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
