"""A report laid out on A4 pages for the form painter (pure: no Qt).

Every report is laid out the same way: the title and subtitle, the charts (drawn by the
painter as vectors from their specs, forms.charts), then each table with its header repeated
on every page it runs onto and long text wrapped in taller rows, and "第 n 页 共 N 页" at the
foot of each page. The pages are forms.model definitions and data, so forms.qt.pdf paints
them with the bundled CJK font and a text layer that extracts exactly.
"""

from __future__ import annotations

import math
from typing import Any

from forms.model import Box, FormData, FormDefinition, Item

from counter_app.reports.model import Column, Report, Table, cell_text

PAGE_W, PAGE_H = 210.0, 297.0
LEFT, RIGHT, TOP, BOTTOM = 15.0, 195.0, 15.0, 282.0
CELL_PT, HEAD_PT = 8.0, 8.0
ROW_H = 6.0
CHART_H = 80.0
PT_MM = 25.4 / 72

Page = tuple[FormDefinition, FormData]


class _Pages:
    """Items page by page, a cursor going down the current one."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.pages: list[list[Item]] = [[]]
        self.charts: list[dict[str, Any]] = [{}]
        self.y = TOP

    def room(self, height: float) -> bool:
        return self.y + height <= BOTTOM

    def need(self, height: float) -> None:
        if not self.room(height) and self.y > TOP:
            self.pages.append([])
            self.charts.append({})
            self.y = TOP

    def add(self, item: Item) -> None:
        self.pages[-1].append(item)


def pages(report: Report) -> list[Page]:
    """The report as (form, data) pages, in order."""
    out = _Pages(report.title)
    out.add(Item("text", Box(LEFT, out.y, RIGHT - LEFT, 10), text=report.title, size=16,
                 align="center", bold=True))
    out.add(Item("text", Box(LEFT, out.y + 10, RIGHT - LEFT, 7), text=report.subtitle,
                 size=10, align="center"))
    out.y += 20
    for spec in report.charts:
        out.need(CHART_H + 4)
        key = f"chart.{spec.key}"
        out.add(Item("chart", Box(LEFT, out.y, RIGHT - LEFT, CHART_H), key=key))
        out.charts[-1][key] = spec
        out.y += CHART_H + 6
    for table in report.tables:
        _table(out, table)
    return _finish(out, report)


def _finish(out: _Pages, report: Report) -> list[Page]:
    total = len(out.pages)
    result = []
    for n, (items, charts) in enumerate(zip(out.pages, out.charts), start=1):
        footer = Item("text", Box(LEFT, BOTTOM + 3, RIGHT - LEFT, 6),
                      text=f"{report.title}　{report.subtitle}　第 {n} 页 共 {total} 页",
                      size=7.5, align="center")
        form = FormDefinition(f"report_{report.key}", 1, report.title, "A4",
                              "counter_app.reports.pdf_pages", "", False,
                              tuple(items) + (footer,))
        result.append((form, FormData(charts=charts)))
    return result


def _widths(table: Table) -> list[float]:
    total = sum(c.width for c in table.columns)
    return [(RIGHT - LEFT) * c.width / total for c in table.columns]


def _table(out: _Pages, table: Table) -> None:
    widths = _widths(table)
    header_h = max(ROW_H, max(_height(c.title, w, HEAD_PT) for c, w in zip(table.columns, widths)))
    rows = [tuple(cell_text(v, c) for v, c in zip(row, table.columns)) for row in table.rows] or \
        [("（无）",) + ("",) * (len(table.columns) - 1)]
    first_h = max(ROW_H, max(_height(t, w, CELL_PT) for t, w in zip(rows[0], widths)))
    out.need(9 + header_h + first_h)
    out.add(Item("text", Box(LEFT, out.y, RIGHT - LEFT, 7), text=table.title, size=11,
                 bold=True))
    out.y += 8
    _header(out, table.columns, widths, header_h)
    for row in rows:
        height = max(ROW_H, max(_height(t, w, CELL_PT) for t, w in zip(row, widths)))
        if not out.room(height):
            out.need(BOTTOM)   # a new page, the header again
            _header(out, table.columns, widths, header_h)
        x = LEFT
        for text, column, width in zip(row, table.columns, widths):
            align = "right" if column.kind in ("int", "percent") and text != "（无）" else "left"
            out.add(Item("cell", Box(x, out.y, width, height), text=text, size=CELL_PT,
                         align=align, border=True))
            x += width
        out.y += height
    if table.note:
        note_h = _height(table.note, RIGHT - LEFT, 8)
        out.need(note_h + 1)
        out.add(Item("paragraph", Box(LEFT, out.y + 1, RIGHT - LEFT, note_h), text=table.note,
                     size=8))
        out.y += note_h + 1
    out.y += 6


def _header(out: _Pages, columns: tuple[Column, ...], widths: list[float], height: float) -> None:
    x = LEFT
    for column, width in zip(columns, widths):
        out.add(Item("cell", Box(x, out.y, width, height), text=column.title, size=HEAD_PT,
                     align="center", bold=True, border=True))
        x += width
    out.y += height


def _height(text: str, width: float, size: float) -> float:
    """About how tall ``text`` wraps in a cell ``width`` mm wide at ``size`` points."""
    em = size * PT_MM
    per_line = max(1.0, (width - 2.6) / em)
    units = sum(1.0 if ord(c) > 0x2E80 else 0.55 for c in text)
    lines = max(1, math.ceil(units / per_line))
    return lines * em * 1.45 + 2.0

