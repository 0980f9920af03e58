"""A report as every output sees it: its data (the JSON), its tables and its charts.

A report *definition* (monthly.py, daily.py; a new report is one more) turns the journal's
facts into the data once; its tables and charts are made from that data, so the screen, the
Excel workbook, the PDF and the JSON always say the same. The writers (writers.py, the PDF
pages in pdf_pages.py) know nothing of any particular report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from forms.charts import ChartSpec

#: Column kinds: how a value is written (numbers as numbers, dates as dates in Excel).
COLUMN_KINDS = ("text", "int", "date", "percent")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "int"
    width: float = 1.0   # relative width in the PDF

    def __post_init__(self) -> None:
        assert self.kind in COLUMN_KINDS, self.kind


@dataclass(frozen=True)
class Table:
    """One table: an Excel sheet, a block of PDF pages, a tab of the screen."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""

    def __post_init__(self) -> None:
        assert all(len(r) == len(self.columns) for r in self.rows), self.key


@dataclass(frozen=True)
class Report:
    """A made report: which one, for what, its JSON data, tables and charts."""

    key: str
    title: str
    subtitle: str
    file_stem: str
    data: dict[str, Any]
    tables: tuple[Table, ...]
    charts: tuple[ChartSpec, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)


class Source(Protocol):
    """What a definition reads: the journal, the office and the window (ReportService)."""

    journal: Any
    office: dict[str, Any]
    office_name: str
    window: str

    def outbox(self) -> dict[str, Any] | None: ...

    def operator_names(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class Definition:
    """One report: its key and title, the permission it needs, how its parameters are read
    (Chinese errors for bad ones), its query (the JSON data), and its layout (tables and
    charts from the data)."""

    key: str
    title: str
    action: str
    parse: Callable[[dict[str, Any]], dict[str, Any]]
    query: Callable[[Source, dict[str, Any]], dict[str, Any]]
    tables: Callable[[dict[str, Any]], list[Table]]
    charts: Callable[[dict[str, Any]], list[ChartSpec]]
    subtitle: Callable[[dict[str, Any]], str]
    file_stem: Callable[[dict[str, Any]], str]

    def build(self, source: Source, params: dict[str, Any]) -> Report:
        data = self.query(source, params)
        return Report(self.key, self.title, self.subtitle(data), self.file_stem(data), data,
                      tuple(self.tables(data)), tuple(self.charts(data)), dict(params))


def cell_text(value: Any, column: Column) -> str:
    """How a table's value reads on the screen and in the PDF."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if column.kind == "percent" and isinstance(value, (int, float)):
        return f"{value:.1f}%"
    return str(value)
