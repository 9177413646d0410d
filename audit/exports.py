"""The audit log as CSV for the audit administrator: UTF-8 with a BOM (Excel opens it in Chinese), and every
cell that a spreadsheet would read as a formula neutralised."""

import csv
import json

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, -, @, tab or CR (also full-width) gets a quote."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_rows(header, rows):
    """Encoded CSV lines, the BOM first, for a StreamingHttpResponse."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow([safe_cell(cell) for cell in header]).encode("utf-8")
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row]).encode("utf-8")
