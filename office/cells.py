"""The one writer of every spreadsheet cell and CSV field the registry emits.

A spreadsheet runs text that begins with ``= + - @`` (or a tab or a carriage return) as a formula, so an export
that copies text somebody typed (a narrative, a reason, a zone's name, an objector's statement) could run it on
the reader's machine (CSV/formula injection). Every export therefore writes through this module:

* **XLSX** (``write_cell``, ``append_row``): numbers, dates and booleans keep their types; anything else is a text
  cell (openpyxl data type ``s``, written as an inline string), never a formula (``f``) nor an error value
  (``e``), whatever it begins with, and shown exactly as it is, without a visible prefix. Characters XML cannot
  carry (control characters) are dropped instead of failing the whole download.
* **CSV** (``csv_lines``, ``csv_bytes``): UTF-8 with a BOM (Excel then reads the Chinese); a field that is text
  beginning with one of those characters (or their full-width forms) gets a leading apostrophe, which Excel hides
  and which keeps it text. Numbers, signed ones included (growth ``-1.25``), stay numbers, unquoted.

``unquote`` is the exact inverse of the CSV quoting (``unquote(quote(t)) == t`` for every text), so the Excel
import strips an apostrophe this module would have added: export → edit → import gives the text back.

``tests/office/test_cells.py`` scans the source tree and fails when a module other than this one calls
``csv.writer`` or ``writerow``, appends to a worksheet or sets a cell's value.
"""

import csv
import datetime
import json
import math
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

#: What a spreadsheet may read as the start of a formula (OWASP's list, plus the full-width forms a Chinese input
#: method types, which some spreadsheets normalise).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: Text a spreadsheet reads as a number (a signed one included): never a formula, so never quoted.
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")
QUOTE = "'"


# ---------------------------------------------------------------------------------------------------------------
# Text that a spreadsheet would run


def needs_quote(text: str) -> bool:
    """Whether a CSV field needs the apostrophe: it begins (after any apostrophes of its own) like a formula and
    is not a number. Apostrophes of its own count so that ``unquote`` can tell them from the one added."""
    rest = text.lstrip(QUOTE)
    return rest.startswith(FORMULA_PREFIXES) and not NUMBER.fullmatch(rest)


def quote(text: str) -> str:
    return QUOTE + text if needs_quote(text) else text


def unquote(text: str) -> str:
    """The text ``quote`` was given: removes the one apostrophe it adds, and only that."""
    if text.startswith(QUOTE) and needs_quote(text[1:]):
        return text[1:]
    return text


def _text(value) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _finite(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return not isinstance(value, Decimal) or value.is_finite()


# ---------------------------------------------------------------------------------------------------------------
# XLSX (openpyxl)


def xlsx_value(value):
    """The value as the cell stores it: numbers, booleans and dates as themselves (an aware time as local wall-clock
    time: Excel has no time zones), anything else as text; empty text as an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool | int | float | Decimal) and _finite(value):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", _text(value))
    return text or None


def write_cell(sheet, row: int, column: int, value):
    """Write one cell (1-based row and column) and return it, for the caller to style."""
    cell = sheet.cell(row=row, column=column)
    stored = xlsx_value(value)
    cell.value = stored
    if isinstance(stored, str):
        # openpyxl types "=…" as a formula and "#N/A" as an error value; a text cell is shown as typed.
        cell.data_type = "s"
    return cell


def append_row(sheet, values: Iterable) -> tuple:
    """Write ``values`` in the row below the sheet's last row (where ``Worksheet.append`` would); the cells."""
    row = sheet._current_row + 1  # openpyxl's own cursor, what Worksheet.append uses (max_row is O(cells))
    return tuple(write_cell(sheet, row, column, value) for column, value in enumerate(values, start=1))


# ---------------------------------------------------------------------------------------------------------------
# CSV


def csv_field(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    return quote(_text(value))


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[bytes]:
    """The encoded lines of a CSV file, the BOM first (for a StreamingHttpResponse); CRLF line ends."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff".encode()
    yield writer.writerow([csv_field(value) for value in header]).encode("utf-8")
    for row in rows:
        yield writer.writerow([csv_field(value) for value in row]).encode("utf-8")


def csv_bytes(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    return b"".join(csv_lines(header, rows))
