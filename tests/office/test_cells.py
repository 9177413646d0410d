"""office.cells, the one writer of every spreadsheet cell and CSV field: what it writes, and a scan of the source
tree that fails when an export writes cells without it."""

import ast
import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from office import cells

WRITER = Path(cells.__file__).resolve()

# -- CSV ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+86 10 1234", "'+86 10 1234"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("＝1+1", "'＝1+1"),
        ("'=1+1", "''=1+1"),  # its own apostrophe kept, so the import gives it back
        ("普通文本", "普通文本"),
        ("a=1", "a=1"),
        ("", ""),
        (None, ""),
        ({"a": 1, "b": "=x"}, '{"a": 1, "b": "=x"}'),
        # numbers stay numbers, signed ones included, whether given as numbers or as text
        (Decimal("-1.25"), "-1.25"),
        (-3, "-3"),
        (2.5, "2.5"),
        ("-1.25", "-1.25"),
        ("+3", "+3"),
        ("-1e5", "-1e5"),
        ("-3.5%", "-3.5%"),
    ],
)
def test_csv_fields(value, expected):
    assert cells.csv_field(value) == expected


@pytest.mark.parametrize(
    "text", ["=1+1", "'=1+1", "''=1+1", "-1.25", "'-1.25", "'", "'普通", "普通", "", "\t", "+", "@a", "－1"]
)
def test_unquote_is_the_inverse_of_quote(text):
    assert cells.unquote(cells.quote(text)) == text


def test_a_csv_file_keeps_numbers_and_neutralises_text():
    at = timezone.make_aware(datetime.datetime(2031, 3, 1, 9, 30))
    body = cells.csv_bytes(["名称", "增长", "时间"], [["=cmd|' /C calc'!A0", Decimal("-1.25"), at]])
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["名称", "增长", "时间"], ["'=cmd|' /C calc'!A0", "-1.25", "2031-03-01 09:30:00"]]


# -- XLSX -----------------------------------------------------------------------------------------------------------


def _round_trip(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def test_xlsx_text_is_a_text_cell_without_a_prefix_and_numbers_stay_numbers():
    workbook = Workbook()
    sheet = workbook.active
    cells.append_row(sheet, ["名称", "数值"])
    cells.append_row(sheet, ['=HYPERLINK("http://x","y")', Decimal("-1.25")])
    cells.append_row(sheet, ["#N/A", -3])
    cells.append_row(sheet, ["@SUM(A1)", 2.5])
    cells.append_row(sheet, ["控制\x01字符\x1f", True])
    cells.write_cell(sheet, 7, 2, "+1+1")
    at = timezone.make_aware(datetime.datetime(2031, 3, 1, 9, 30))
    cells.append_row(sheet, [at, "", None])

    read = _round_trip(workbook).active
    assert (read["A2"].value, read["A2"].data_type) == ('=HYPERLINK("http://x","y")', "s")
    assert (read["B2"].value, read["B2"].data_type) == (-1.25, "n")
    assert (read["A3"].value, read["A3"].data_type) == ("#N/A", "s")
    assert (read["B3"].value, read["B3"].data_type) == (-3, "n")
    assert (read["A4"].value, read["A4"].data_type) == ("@SUM(A1)", "s")
    assert read["A5"].value == "控制字符" and read["B5"].value is True
    assert (read["B7"].value, read["B7"].data_type) == ("+1+1", "s")
    assert read["A8"].value == datetime.datetime(2031, 3, 1, 9, 30)  # local wall-clock time
    assert read["B8"].value is None and read["C8"].value is None
    assert not [cell.coordinate for row in read.iter_rows() for cell in row if cell.data_type == "f"]


# -- the scan -------------------------------------------------------------------------------------------------------

# Directories whose code emits nothing a user downloads: the tests, the benchmarks (they build import files to
# measure), the migrations, and what is not ours.
SKIPPED = {".venv", "node_modules", "tests", "bench", "migrations", ".git", "static", "staticfiles", "locale"}
SHEET_NAME = re.compile(r"(^|_)(ws|sheet|worksheet)(s)?($|_)|^(about|overview|guide|options)$")
COORDINATE = re.compile(r"^\$?[A-Z]{1,3}\$?[0-9]+$")


class _Bypasses(ast.NodeVisitor):
    """Writes of spreadsheet cells or CSV rows that do not go through office.cells."""

    def __init__(self):
        self.found: list[tuple[int, str]] = []
        self.sheets: set[str] = set()

    # Names that hold a worksheet: by what they were assigned, or by their name.
    def _is_sheet_source(self, node) -> bool:
        if isinstance(node, ast.Attribute) and node.attr in {"active", "worksheets"}:
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            return node.func.attr in {"create_sheet", "get_sheet_by_name", "copy_worksheet"}
        if isinstance(node, ast.Subscript):
            return self._is_sheet_source(node.value) or (
                isinstance(node.value, ast.Name) and "workbook" in node.value.id.lower()
            )
        return False

    def _is_sheet(self, node) -> bool:
        return isinstance(node, ast.Name) and (node.id in self.sheets or bool(SHEET_NAME.search(node.id)))

    def visit_Assign(self, node):
        if self._is_sheet_source(node.value):
            self.sheets.update(t.id for t in node.targets if isinstance(t, ast.Name))
        for target in node.targets:
            self._check_target(target)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._check_target(node.target)
        self.generic_visit(node)

    def _check_target(self, target):
        if isinstance(target, ast.Attribute) and target.attr == "value":
            self.found.append((target.lineno, "sets a cell's .value"))
        elif isinstance(target, ast.Subscript):
            key = target.slice
            coordinate = isinstance(key, ast.Constant) and isinstance(key.value, str)
            if self._is_sheet(target.value) or (coordinate and COORDINATE.match(key.value)):
                self.found.append((target.lineno, "assigns a worksheet cell by coordinate"))

    def visit_ImportFrom(self, node):
        if node.module == "csv" and {alias.name for alias in node.names} & {"writer", "DictWriter"}:
            self.found.append((node.lineno, "imports csv's writer"))
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = func.value
            if (
                func.attr in {"writer", "DictWriter"}
                and isinstance(receiver, ast.Name)
                and receiver.id == "csv"
            ):
                self.found.append((node.lineno, f"calls csv.{func.attr}"))
            elif func.attr in {"writerow", "writerows"}:
                self.found.append((node.lineno, f"calls .{func.attr}"))
            elif func.attr == "append" and self._is_sheet(receiver):
                self.found.append((node.lineno, "appends to a worksheet"))
            elif func.attr == "cell" and (
                len(node.args) >= 3 or any(k.arg == "value" for k in node.keywords)
            ):
                self.found.append((node.lineno, "writes a value with .cell(…, value=…)"))
        self.generic_visit(node)


def bypasses(source: str) -> list[tuple[int, str]]:
    visitor = _Bypasses()
    tree = ast.parse(source)
    # Two passes: a sheet name assigned after a function that uses it (nested functions) is known on the second.
    visitor.visit(tree)
    visitor.found = []
    visitor.visit(tree)
    return visitor.found


def application_sources():
    root = Path(settings.BASE_DIR)
    for path in sorted(root.rglob("*.py")):
        if SKIPPED & set(path.relative_to(root).parts) or path.resolve() == WRITER:
            continue
        yield path


def test_no_export_writes_cells_without_the_writer():
    sources = list(application_sources())
    assert any(path.name == "exports.py" for path in sources)  # the scan sees the exports
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{line}: {what}"
        for path in sources
        for line, what in bypasses(path.read_text(encoding="utf-8"))
    ]
    assert not found, "write spreadsheet cells and CSV rows through office.cells:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "code",
    [
        "import csv\nw = csv.writer(buffer)",
        "from csv import writer",
        "w.writerow(['=1+1'])",
        "ws.append(['=1+1'])",
        "about = workbook.create_sheet('x')\nabout.append(row)",
        "listing = wb.active\nlisting.append(row)",
        "summary = workbook['推荐']\nsummary.append(row)",
        "def f(sheet):\n    sheet.append(row)",
        "sheet.cell(row=1, column=1, value='=1+1')",
        "sheet.cell(1, 1, '=1+1')",
        "options['A1'] = '=1+1'",
        "target_sheet[f'A{row}'] = text",
        "cell.value = '=1+1'",
        "def build():\n    def add(row):\n        report.append(row)\n    report = book.create_sheet('r')",
    ],
)
def test_the_scan_finds_a_bypass(code):
    assert bypasses(code)


@pytest.mark.parametrize(
    "code",
    [
        "rows.append(x)",
        "values.append(zone_value(z))",
        "cell = sheet.cell(row=1, column=2)\ncell.font = bold",
        "context['title'] = title",
        "for cell in append_row(sheet, header):\n    cell.font = bold",
    ],
)
def test_the_scan_leaves_other_code_alone(code):
    assert not bypasses(code)
