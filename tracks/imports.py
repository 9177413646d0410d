"""Excel, the exchange format provinces use: the nomination template and its all-or-nothing import.

The template (``template_workbook``) has one sheet to fill (推荐清单) with Chinese headers, a sheet of
instructions, and a hidden sheet (选项) whose columns hold the lists of the drop-downs (zones, tracks, origins,
models) as named ranges: an inline list longer than 255 characters breaks in Excel, a range does not.

``import_nominations`` reads a filled template and creates one draft per row through ``nominations_create_many``
(what ``nomination_create`` does, in bulk), in a single transaction: one bad row and nothing is saved. Every error
is reported with its row and column, in Chinese (第7行「营业收入」必须为非负数。).

Before openpyxl sees an upload, ``upload_refusal`` checks its size, its archive and its XML without building
anything (``office.ooxml``), so a small file that would unpack into millions of strings is refused in well under
a second; the sheet is then read row by row, at most ``MAX_SCANNED_ROWS`` rows of ``MAX_COLUMNS`` values, whatever
the file claims its size is. Text cells go through ``office.cells.unquote``: the apostrophe a CSV export of ours
puts before text a spreadsheet would run is taken off again.
"""

import io
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.scope import Scope
from office.cells import unquote, write_cell
from office.ooxml import MB, ArchiveLimits, XmlLimits, check_archive, check_workbook_xml

from . import selectors
from .models import CultivationModel, Nomination, NominationStatus, Origin
from .models.indicators import COUNT_INDICATORS, MONEY_INDICATORS, SIGNED_INDICATORS
from .services.catalog import existing_track_named
from .services.nominations import nominations_create_many, window_is_open, window_text

SHEET = "推荐清单"
HELP_SHEET = "填写说明"
LISTS_SHEET = "选项"
MAX_ROWS = 1000
# What an upload may be, checked before openpyxl reads anything (office.ooxml). For scale: the template filled
# with 1,000 rows of 1,200-character narratives is 0.12 MB (a few MB once Excel saves it), 11 parts, 10.5 MB
# decompressed and ~48,000 XML elements, 20 cells a row.
MAX_UPLOAD_MB = 10
ARCHIVE_LIMITS = ArchiveLimits(max_members=100, max_uncompressed=64 * MB, max_ratio=200)
XML_LIMITS = XmlLimits(max_elements=300_000, max_row_cells=1000)
MAX_SCANNED_ROWS = 10 * MAX_ROWS  # rows read, the empty ones included, the header excluded
MAX_COLUMNS = 64  # columns read of each row: the template has 20, an export of it 29
ZONE_KEY = re.compile(r"(\d{6}-\d{2,3})")

TEXT_COLUMNS = ["zone", "track", "origin", "cultivation_model", "public_summary", "narrative"]
COUNT_NAMES = [name for name, _label in COUNT_INDICATORS]
MONEY_NAMES = [name for name, _label in MONEY_INDICATORS]
SIGNED_NAMES = [name for name, _label in SIGNED_INDICATORS]
COLUMNS = [*TEXT_COLUMNS, *COUNT_NAMES, *MONEY_NAMES, *SIGNED_NAMES]
REQUIRED = {"zone", "track"}
# The columns with a drop-down: (column key, defined name, column of the hidden sheet).
LISTS = [
    ("zone", "list_zones", "A"),
    ("track", "list_tracks", "B"),
    ("origin", "list_origins", "C"),
    ("cultivation_model", "list_models", "D"),
]


def header(name: str) -> str:
    """The column's header: the model field's Chinese name (with its unit), whatever the page's language, since
    the file is the exchange format between provinces and the registry."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(Nomination._meta.get_field(name).verbose_name)


def choice_labels(choices) -> dict:
    """{Chinese label: value} of a TextChoices, as the drop-downs show them."""
    with translation.override(settings.LANGUAGE_CODE):
        return {str(label): value for value, label in choices.choices}


def short_label(name: str) -> str:
    """The header without its unit, as error messages name it: 营业收入（亿元） → 营业收入."""
    return re.sub(r"（[^（）]*）$", "", header(name))


def zone_value(zone) -> str:
    return f"{zone.name}（{zone.key}）"


# ---------------------------------------------------------------------------------------------------------------
# The template


def template_workbook(scope: Scope) -> Workbook:
    zones = list(selectors.zones_for(scope))
    tracks = list(selectors.tracks_selectable(scope).order_by("field__order", "field__code", "name"))
    lists = {
        "zone": [zone_value(zone) for zone in zones],
        "track": [track.name for track in tracks],
        "origin": list(choice_labels(Origin)),
        "cultivation_model": list(choice_labels(CultivationModel)),
    }

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="0D4A8F")
    for index, name in enumerate(COLUMNS, start=1):
        cell = write_cell(sheet, 1, index, header(name) + ("*" if name in REQUIRED else ""))
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        width = 34 if name in ("zone", "public_summary", "narrative") else 18
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "C2"

    options = workbook.create_sheet(LISTS_SHEET)
    for key, defined, column in LISTS:
        values = lists[key]
        write_cell(options, 1, column_index_from_string(column), header(key))
        for row, value in enumerate(values, start=2):
            write_cell(options, row, column_index_from_string(column), value)
        last = max(len(values) + 1, 2)
        workbook.defined_names[defined] = DefinedName(
            defined, attr_text=f"'{LISTS_SHEET}'!${column}$2:${column}${last}"
        )
        letter = get_column_letter(COLUMNS.index(key) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"={defined}",
            allow_blank=key not in REQUIRED,
            showErrorMessage=True,
            errorTitle=_("请从下拉列表选择"),
            error=_("「%(column)s」只能填写下拉列表中的一项。") % {"column": short_label(key)},
        )
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)
    options.sheet_state = "hidden"

    for names, kind in ((COUNT_NAMES, "whole"), (MONEY_NAMES, "decimal")):
        for name in names:
            letter = get_column_letter(COLUMNS.index(name) + 1)
            validation = DataValidation(
                type=kind,
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
                showErrorMessage=True,
                error=_("「%(column)s」必须为非负数。") % {"column": short_label(name)},
            )
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)

    guide = workbook.create_sheet(HELP_SHEET)
    guide.column_dimensions["A"].width = 100
    lines = [
        _("新赛道推荐清单填写说明"),
        _(
            "1. 每行填写一项推荐（一个国家高新区的一个新赛道），导入后生成推荐草稿，由省级主管部门核对后推荐。"
        ),
        _("2. 带 * 的列必须填写；国家高新区、新赛道、培育路径、培育模式请从下拉列表选择。"),
        _(
            "3. 金额单位为亿元，保留两位小数；企业数、专利数等为非负整数；营业收入同比增长（%）可以为负数，但不低于 -100。"
        ),
        _("4. 公开简介不超过500字，将在名单公布后向社会公开；其余指标和申报材料正文不公开。"),
        _("5. 任何一行有误时整个文件都不会导入，页面将按行、列列出全部错误，修改后重新上传即可。"),
        _("6. 列表中没有合适的新赛道时，请在网页上新建推荐并提议新赛道。"),
    ]
    for row, line in enumerate(lines, start=1):
        write_cell(guide, row, 1, line).alignment = Alignment(wrap_text=True)
    guide["A1"].font = Font(bold=True, size=14)
    workbook.active = 0
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# The import


@dataclass
class CellError:
    row: int
    column: str  # the column letter, "" for a whole row or the file
    label: str
    message: str


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Row:
    def __init__(self, number: int):
        self.number = number
        self.values: dict = {}
        self.errors: list[CellError] = []


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = unquote(value)  # the apostrophe an export of ours puts before text a spreadsheet would run
    return str(value).strip()


def _decimal(value):
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, float):
        value = repr(value)
    number = Decimal(str(value).strip().replace(",", ""))
    if not number.is_finite():
        raise InvalidOperation
    return number


class _Reader:
    def __init__(self, user, cycle):
        self.user = user
        self.scope = Scope.of(user)
        self.cycle = cycle
        self.zones = list(selectors.zones_for(self.scope))
        self.zones_by_key = {zone.key: zone for zone in self.zones}
        self.zones_by_name = {}
        for zone in self.zones:
            self.zones_by_name[zone.name] = zone
            if zone.short_name:
                self.zones_by_name.setdefault(zone.short_name, zone)
            self.zones_by_name[zone_value(zone)] = zone
        self.tracks = {track.name: track for track in selectors.tracks_selectable(self.scope)}
        self.selectable_ids = {track.pk for track in self.tracks.values()}
        self.origins = choice_labels(Origin)
        self.models = choice_labels(CultivationModel)

    def error(self, row: _Row, name: str, message: str):
        column = get_column_letter(COLUMNS.index(name) + 1) if name in COLUMNS else ""
        row.errors.append(
            CellError(row.number, column, short_label(name) if name in COLUMNS else "", message)
        )

    def zone(self, row, raw):
        text = _text(raw)
        match = ZONE_KEY.search(text)
        zone = self.zones_by_key.get(match.group(1)) if match else self.zones_by_name.get(text)
        if zone is None:
            if self.scope.official_province is None:
                message = _("第%(row)s行「%(column)s」只能填写本高新区。")
            else:
                message = _("第%(row)s行「%(column)s」“%(value)s”不是本省的国家高新区，请从下拉列表选择。")
            self.error(
                row, "zone", message % {"row": row.number, "column": short_label("zone"), "value": text}
            )
        return zone

    def track(self, row, raw):
        text = _text(raw)
        track = self.tracks.get(text)
        if track is None:
            known = existing_track_named(text)
            if known is not None and (
                known.pk in self.selectable_ids or known.merged_into_id in self.selectable_ids
            ):
                track = known
        if track is None:
            self.error(
                row,
                "track",
                _("第%(row)s行「%(column)s」“%(value)s”不在新赛道目录中，请从下拉列表选择。")
                % {"row": row.number, "column": short_label("track"), "value": text},
            )
        return track

    def choice(self, row, name, raw, mapping):
        text = _text(raw)
        if not text:
            return ""
        if text in mapping:
            return mapping[text]
        if text in mapping.values():
            return text
        self.error(
            row,
            name,
            _("第%(row)s行「%(column)s」“%(value)s”不是可选项，应为：%(options)s。")
            % {
                "row": row.number,
                "column": short_label(name),
                "value": text,
                "options": pgettext("list separator", "、").join(mapping),
            },
        )
        return ""

    def count(self, row, name, raw):
        if _text(raw) == "":
            return None
        try:
            number = _decimal(raw)
        except (InvalidOperation, ValueError):
            number = None
        if number is None or number < 0 or number != number.to_integral_value():
            self.error(
                row,
                name,
                _("第%(row)s行「%(column)s」必须为非负整数。")
                % {"row": row.number, "column": short_label(name)},
            )
            return None
        return int(number)

    def money(self, row, name, raw, *, signed=False):
        if _text(raw) == "":
            return None
        label = short_label(name)
        try:
            number = _decimal(raw)
        except (InvalidOperation, ValueError):
            message = (
                _("第%(row)s行「%(column)s」必须为数字。")
                if signed
                else _("第%(row)s行「%(column)s」必须为非负数。")
            )
            self.error(row, name, message % {"row": row.number, "column": label})
            return None
        if not signed and number < 0:
            self.error(
                row, name, _("第%(row)s行「%(column)s」必须为非负数。") % {"row": row.number, "column": label}
            )
            return None
        if signed and number < -100:
            self.error(
                row,
                name,
                _("第%(row)s行「%(column)s」不能低于 -100。") % {"row": row.number, "column": label},
            )
            return None
        rounded = number.quantize(Decimal("0.01"))
        if abs(number - rounded) > Decimal("0.000001"):
            self.error(
                row,
                name,
                _("第%(row)s行「%(column)s」最多保留两位小数。") % {"row": row.number, "column": label},
            )
            return None
        if abs(rounded) >= Decimal("1e12"):
            self.error(
                row, name, _("第%(row)s行「%(column)s」数值过大。") % {"row": row.number, "column": label}
            )
            return None
        return rounded

    def read(self, number: int, cells: dict) -> _Row:
        row = _Row(number)
        for name in REQUIRED:
            if _text(cells.get(name)) == "":
                self.error(
                    row,
                    name,
                    _("第%(row)s行「%(column)s」不能为空。") % {"row": number, "column": short_label(name)},
                )
        if _text(cells.get("zone")):
            row.values["zone"] = self.zone(row, cells.get("zone"))
        if _text(cells.get("track")):
            row.values["track"] = self.track(row, cells.get("track"))
        row.values["origin"] = self.choice(row, "origin", cells.get("origin"), self.origins)
        row.values["cultivation_model"] = self.choice(
            row, "cultivation_model", cells.get("cultivation_model"), self.models
        )
        summary = _text(cells.get("public_summary"))
        if len(summary) > 500:
            self.error(
                row,
                "public_summary",
                _("第%(row)s行「%(column)s」不能超过500字（现为%(n)s字）。")
                % {"row": number, "column": short_label("public_summary"), "n": len(summary)},
            )
        row.values["public_summary"] = summary
        row.values["narrative"] = _text(cells.get("narrative"))
        for name in COUNT_NAMES:
            row.values[name] = self.count(row, name, cells.get(name))
        for name in MONEY_NAMES:
            row.values[name] = self.money(row, name, cells.get(name))
        for name in SIGNED_NAMES:
            row.values[name] = self.money(row, name, cells.get(name), signed=True)
        return row


def _header_map(header_row) -> tuple[dict, list[str]]:
    """{column key: index} from the header row (with or without the * and the unit), and the missing columns."""
    wanted = {}
    for name in COLUMNS:
        for text in (header(name), short_label(name)):
            wanted[text] = name
    found = {}
    for index, value in enumerate(header_row):
        text = _text(value).rstrip("*").strip()
        if text in wanted and wanted[text] not in found:
            found[wanted[text]] = index
    missing = [header(name) for name in COLUMNS if name not in found and name in REQUIRED]
    return found, missing


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        size = file.seek(0, os.SEEK_END)
        file.seek(position)
    return size


def upload_refusal(file) -> str:
    """Why an uploaded workbook is refused before it is parsed ("" when it may be): its size, then its archive
    (members, decompressed size, ratio, paths) and its XML (elements, cells a row, DTD), read without building
    anything. A refusal takes well under a second, whatever the file holds."""
    size = _size(file)
    if size > MAX_UPLOAD_MB * MB:
        return _("推荐清单文件不能超过%(limit)sMB（当前 %(size).1f MB）。") % {
            "limit": MAX_UPLOAD_MB,
            "size": size / MB,
        }
    try:
        check_archive(file, ARCHIVE_LIMITS)
        check_workbook_xml(file, XML_LIMITS)
    except ValidationError as error:
        if error.code in ("unreadable", "bad_xml"):
            return _("无法读取该文件，请上传用推荐模板填写的 .xlsx 文件。")
        return error.messages[0]
    return ""


def import_nominations(*, actor, cycle, file, request=None) -> ImportResult:
    """Create a draft per row of a filled template, all or nothing; every error listed by row and column."""
    result = ImportResult()
    general = result.errors

    if not Scope.of(actor).is_portal_user:
        raise PermissionDenied(_("只有省级主管部门或高新区管委会可以导入推荐。"))
    if cycle is None:
        general.append(CellError(0, "", "", _("当前没有开放推荐的年度批次。")))
        return result
    province = Scope.of(actor).province
    if not window_is_open(cycle, province):
        general.append(
            CellError(
                0, "", "", _("不在推荐窗口期内：%(window)s。") % {"window": window_text(cycle, province)}
            )
        )
        return result
    refusal = upload_refusal(file)
    if refusal:
        general.append(CellError(0, "", "", refusal))
        return result
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - not a workbook openpyxl can read, whatever the reason
        general.append(CellError(0, "", "", _("无法读取该文件，请上传用推荐模板填写的 .xlsx 文件。")))
        return result
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        # Rows as they come, not as the file's own <dimension> claims (a lie there pads every row or cuts rows
        # off); at most MAX_COLUMNS values each.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        header_row = next(rows, None) or ()
        columns, missing = _header_map(header_row)
        if missing:
            general.append(
                CellError(
                    1,
                    "",
                    "",
                    _("第1行缺少列：%(columns)s。请使用下载的推荐模板。")
                    % {"columns": pgettext("list separator", "、").join(missing)},
                )
            )
            return result
        reader = _Reader(actor, cycle)
        parsed: list[_Row] = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_SCANNED_ROWS + 1:
                general.append(
                    CellError(
                        number,
                        "",
                        "",
                        _("文件超过%(n)s行（含空行），已停止读取；请删除多余的空行或分批导入。")
                        % {"n": MAX_SCANNED_ROWS},
                    )
                )
                break
            cells = {name: values[index] if index < len(values) else None for name, index in columns.items()}
            if all(_text(value) == "" for value in cells.values()):
                continue
            if len(parsed) >= MAX_ROWS:
                general.append(
                    CellError(number, "", "", _("一次最多导入%(n)s行，请分批导入。") % {"n": MAX_ROWS})
                )
                break
            parsed.append(reader.read(number, cells))
    finally:
        workbook.close()

    if not parsed and not general:
        general.append(CellError(0, "", "", _("文件中没有可导入的数据行。")))
        return result

    _check_duplicates(parsed, cycle)
    for row in parsed:
        result.errors.extend(row.errors)
    if result.errors:
        return result

    # Every row is valid on its own: create them together; any refusal rolls the whole file back.
    with transaction.atomic():
        created, refusals = nominations_create_many(
            actor=actor,
            cycle=cycle,
            rows=[
                (
                    row.values["zone"],
                    row.values["track"],
                    {k: v for k, v in row.values.items() if k not in ("zone", "track")},
                )
                for row in parsed
            ],
            request=request,
        )
        for row, messages in zip(parsed, refusals, strict=True):
            for message in messages:
                result.errors.append(
                    CellError(
                        row.number,
                        "",
                        "",
                        _("第%(row)s行：%(message)s") % {"row": row.number, "message": message},
                    )
                )
        if result.errors:
            result.created = []
            transaction.set_rollback(True)
        else:
            result.created = created
    return result


def _check_duplicates(parsed: list[_Row], cycle):
    """Two rows of one zone and track, or a row whose zone already nominated the track in this cycle."""
    seen: dict = {}
    pairs = [(row, row.values.get("zone"), row.values.get("track")) for row in parsed]
    pairs = [(row, zone, track) for row, zone, track in pairs if zone is not None and track is not None]
    existing = set(
        Nomination.objects.filter(cycle=cycle, zone__in={zone.pk for _r, zone, _t in pairs})
        .exclude(status=NominationStatus.WITHDRAWN)
        .values_list("zone_id", "track_id")
    )
    for row, zone, track in pairs:
        canonical = track.merged_into if track.merged_into_id else track
        key = (zone.pk, canonical.pk)
        if key in seen:
            row.errors.append(
                CellError(
                    row.number,
                    "",
                    "",
                    _("第%(row)s行与第%(first)s行的国家高新区和新赛道相同。")
                    % {"row": row.number, "first": seen[key]},
                )
            )
            continue
        seen[key] = row.number
        if key in existing:
            row.errors.append(
                CellError(
                    row.number,
                    "",
                    "",
                    _("第%(row)s行：%(zone)s本批次已推荐过「%(track)s」。")
                    % {"row": row.number, "zone": zone.display_name, "track": canonical.name},
                )
            )


def list_values(workbook, defined: str) -> list[str]:
    """The values of one of a template's drop-down lists (list_zones, list_tracks …), read through its name."""
    name = workbook.defined_names[defined]
    values = []
    for sheet_name, ref in name.destinations:
        for row in workbook[sheet_name][ref.replace("$", "")]:
            for cell in row:
                if cell.value not in (None, ""):
                    values.append(str(cell.value))
    return values
