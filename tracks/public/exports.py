"""Downloads of a public list: CSV (UTF-8 with BOM, for Excel), XLSX and JSON.

Spreadsheet safety is ``office.cells``'s: text is never a formula (an XLSX text cell; a CSV field beginning with
= + - @, a tab or a carriage return gets a leading apostrophe), numbers are written as numbers, negative ones
included, and never altered. The JSON carries the canonical JSON the hashes cover, so anyone can check SHA-256 and
SM3 themselves.
"""

import datetime
import io
import json
import zipfile
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from office.cells import append_row
from office.cells import csv_bytes as write_csv

from ..models import CriterionCode
from ..services.lists import CRITERION_COLUMNS

FIXED_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def criteria_labels(criteria) -> dict:
    """{code: name}: the four standard criteria by their (translated) names, any other by its stored name."""
    labels = {criterion.code: criterion.name for criterion in criteria}
    labels.update({choice.value: str(choice.label) for choice in CriterionCode})
    return labels


def headers(criteria) -> list[str]:
    labels = criteria_labels(criteria)
    return [
        _("名次"),
        _("国家高新区"),
        _("高新区编号"),
        _("省份"),
        _("区域"),
        _("重点区域"),
        _("新赛道"),
        _("总分"),
        *[labels.get(code, code) for code in CRITERION_COLUMNS],
    ]


def rows(entries) -> list[list]:
    from .breakdown import area_name, region_name

    return [
        [
            entry.rank,
            entry.zone.name,
            entry.zone.key,
            entry.province.name,
            region_name(entry.province.region),
            area_name(entry.zone.strategic_area) if entry.zone.strategic_area_id else "",
            entry.track.name,
            entry.total,
            *[getattr(entry, column) for column in CRITERION_COLUMNS.values()],
        ]
        for entry in entries
    ]


def csv_bytes(criteria, entries) -> bytes:
    return write_csv(headers(criteria), rows(entries))


def xlsx_bytes(park_list, criteria, entries) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("榜单")[:31]
    for cell in append_row(sheet, headers(criteria)):
        cell.font = Font(bold=True)
    for row in rows(entries):
        for cell in append_row(
            sheet, [float(value) if isinstance(value, Decimal) else value for value in row]
        ):
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKL", (6, 30, 12, 16, 8, 14, 16, 8, 8, 8, 8, 8), strict=False):
        sheet.column_dimensions[letter].width = width

    about = workbook.create_sheet(_("说明")[:31])
    for label, value in [
        (_("标题"), park_list.title),
        (_("年度"), park_list.cycle.year),
        (_("版本"), park_list.version),
        (_("状态"), park_list.get_status_display()),
        (_("发布时间"), park_list.published_at.isoformat() if park_list.published_at else ""),
        ("SHA-256", park_list.sha256),
        ("SM3", park_list.sm3),
    ]:
        append_row(about, [label, str(value)])
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 70

    return _fixed_bytes(workbook, _list_moment(park_list))


def _list_moment(park_list) -> datetime.datetime:
    """The moment a list's spreadsheet is stamped with: its publication (else the start of its notice), so that the
    same version gives the same bytes every time (publishing/ compiles it into a file)."""
    moment = park_list.published_at or park_list.notice_starts_at or FIXED_EPOCH
    return timezone.localtime(moment).replace(microsecond=0)


def _fixed_bytes(workbook, moment: datetime.datetime) -> bytes:
    """The workbook as XLSX bytes that depend only on its content and ``moment``: openpyxl stamps the document
    properties and every ZIP member with the current time, so both are set to ``moment``."""
    from openpyxl.writer.excel import ExcelWriter

    naive_utc = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    workbook.properties.created = naive_utc
    workbook.properties.modified = naive_utc
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()  # what workbook.save() does, without re-stamping "modified"
    fixed = io.BytesIO()
    stamp = moment.timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(written.getvalue())) as source, zipfile.ZipFile(fixed, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, source.read(info.filename))
    return fixed.getvalue()


def list_document(park_list, criteria, entries, versions=()) -> dict:
    """The list as one JSON document: its facts, criteria, entries, and what the hashes cover."""
    from .breakdown import region_name

    return {
        "id": park_list.pk,
        "title": park_list.title,
        "cycle": park_list.cycle.year,
        "scope": park_list.scope,
        "field": {"code": park_list.field.code, "name": park_list.field.name},
        "track": {"id": park_list.track_id, "name": park_list.track.name} if park_list.track_id else None,
        "version": park_list.version,
        "status": park_list.status,
        "notice_starts_at": park_list.notice_starts_at.isoformat() if park_list.notice_starts_at else None,
        "notice_ends_at": park_list.notice_ends_at.isoformat() if park_list.notice_ends_at else None,
        "published_at": park_list.published_at.isoformat() if park_list.published_at else None,
        "superseded_at": park_list.superseded_at.isoformat() if park_list.superseded_at else None,
        "supersedes": park_list.supersedes_id,
        "correction_note": park_list.correction_note,
        "cutoff": {
            "top_n": park_list.cutoff_top_n,
            "min_score": f"{park_list.cutoff_min_score:.2f}"
            if park_list.cutoff_min_score is not None
            else None,
        },
        "criteria": [
            {"code": c.code, "name": c.name, "weight": f"{c.weight:.2f}", "max_score": f"{c.max_score:.2f}"}
            for c in criteria
        ],
        "entries": [
            {
                "rank": entry.rank,
                "zone": {
                    "id": entry.zone_id,
                    "key": entry.zone.key,
                    "name": entry.zone.name,
                    "province": {"code": entry.province.code, "name": entry.province.name},
                    "region": entry.province.region.code,
                    "region_name": region_name(entry.province.region),
                    "strategic_area": entry.zone.strategic_area.code
                    if entry.zone.strategic_area_id
                    else None,
                },
                "track": {"id": entry.track_id, "name": entry.track.name},
                "total": f"{entry.total:.2f}",
                "scores": {
                    code: f"{getattr(entry, column):.2f}" for code, column in CRITERION_COLUMNS.items()
                },
            }
            for entry in entries
        ],
        "versions": [{"id": v.pk, "version": v.version, "status": v.status} for v in versions],
        "hashes": {
            "covers": "canonical_json",
            "sha256": park_list.sha256 or None,
            "sm3": park_list.sm3 or None,
        },
        "canonical_json": park_list.canonical_json or None,
    }


def json_bytes(park_list, criteria, entries, versions=()) -> bytes:
    document = list_document(park_list, criteria, entries, versions)
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
