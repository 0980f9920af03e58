"""The writers every report shares: JSON and Excel (the PDF's pages are in pdf_pages.py, drawn
by the form painter).

Excel (openpyxl): one sheet per table, the header row frozen, numbers stored as numbers and
dates as dates; text that a spreadsheet would take for a formula (starting with = + - @, a
tab or a carriage return) is stored as text with Excel's quote prefix, so opening the file
never evaluates anything a party's name or a refusal reason carried.
"""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from counter_app.reports.model import Report, Table
from counter_app.spreadsheet import formula_like
#: Excel's limit on sheet names and the characters it refuses in them.
SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def to_json(report: Report) -> bytes:
    """The report's data as UTF-8 JSON (the shape docs/reports.md gives)."""
    return (json.dumps(report.data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    """The report as an Excel workbook: a sheet per table, then a sheet saying what it is."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in report.tables:
        _sheet(book, table, _sheet_name(table.title, used))
    about = book.create_sheet(_sheet_name("说明", used))
    for row in ((report.title,), (report.subtitle,), ("参数", json.dumps(
            {k: str(v) for k, v in report.params.items()}, ensure_ascii=False))):
        about.append([_text(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    name = title.translate(_SHEET_FORBIDDEN)[:SHEET_NAME_MAX]
    base, n = name, 2
    while name in used:
        suffix = f"({n})"
        name, n = base[:SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _sheet(book: Any, table: Table, name: str) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(name)
    sheet.append([_text(c.title) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in table.rows:
        sheet.append([_value(v, c.kind) for v, c in zip(row, table.columns)])
    for n, column in enumerate(table.columns, start=1):
        if column.kind == "date":
            for cell in sheet[get_column_letter(n)][1:]:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        sheet.column_dimensions[get_column_letter(n)].width = 10 + 8 * column.width
    for cell in sheet.iter_rows(min_row=1):
        for c in cell:
            if isinstance(c.value, str) and formula_like(c.value):  # the one shared rule
                c.data_type = "s"
                c.quotePrefix = True
    if table.note:
        sheet.append([])
        sheet.append([_text(table.note)])


def _value(value: Any, kind: str) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, date)) or value is None:
        return value
    return _text(value)


def _text(value: Any) -> str:
    return "" if value is None else str(value)
