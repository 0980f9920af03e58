"""The reports service: make a report for an operator, export it, and record the export.

``ReportService(journal, office, office_name, window)`` serves every report definition in
``registry.REPORTS``; a screen or a command calls :meth:`make` with the operator's id, then
:meth:`export` (bytes in a format, written whole or not at all, audited) or :meth:`cases`
(the drill-down list of cases behind a count: supervisors only).

Roles are checked here, not by hiding buttons: every method calls the shared guard
(counter_app.operators ``require``, the permission table resources/permissions.toml:
``closing.view``, ``reports.view``, ``reports.cases``), so a refusal is journaled
(``operator.action_refused``) and raised as PermissionRefused; :func:`_record_export` is the
one place an export is audited (counter_app.audit ``record_exported``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from counter_app.audit import record_exported
from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.operators import require
from counter_app.reports import facts
from counter_app.reports.days import ReportInputError
from counter_app.reports.model import Definition, Report
from counter_app.reports.output import write_file
from counter_app.reports.writers import to_json, to_xlsx

FORMATS = ("json", "xlsx", "pdf")
SUFFIX = {"json": ".json", "xlsx": ".xlsx", "pdf": ".pdf"}
#: Renders a report's PDF pages (forms.qt.pdf.render_pdf, handed in: Qt stays out of here).
PdfRenderer = Callable[[list, str], bytes]
#: Asks the province for a day's closings of the office's windows and records them
#: (sync.closings.fetch_closings, handed in by the wiring): (day, operator) -> closings.
ProvinceClosings = Callable[[str, str], list]

def _record_export(journal: Journal, operator: str, what: str, output: str, *,
                   record: str, purpose: str = "") -> None:
    """The audit of one export (who, what, where, the SHA-256 of the bytes, the parameters):
    the one place reports record an export, as an audit entry (``counter-app audit list``)."""
    record_exported(journal, operator, what, output, record=record, purpose=purpose)


@dataclass(frozen=True)
class Exported:
    """What an export wrote: the bytes' format, SHA-256, size and where they went."""

    format: str
    sha256: str
    size: int
    output: str


class ReportService:
    """Reports over one window's journal at one office."""

    def __init__(self, journal: Journal, office: dict[str, Any], office_name: str,
                 window: str, *, outbox: Callable[[], dict[str, Any]] | None = None,
                 pdf: PdfRenderer | None = None,
                 province: ProvinceClosings | None = None) -> None:
        self.journal, self.office, self.office_name = journal, office, office_name
        self.window = str(window)
        self._outbox, self._pdf, self._province = outbox, pdf, province

    # --- what definitions read (model.Source) ----------------------------------------------
    def outbox(self) -> dict[str, Any] | None:
        """The sync outbox now (pending entries and attachments), or None when not known."""
        if self._outbox is None:
            return None
        try:
            return self._outbox()
        except CounterAppError:
            return None

    def operator_names(self) -> dict[str, str]:
        from counter_app.operators import OperatorService

        return {a["operator_id"]: a["name"] for a in OperatorService(self.journal).accounts()}

    # --- what screens and commands call ----------------------------------------------------
    def make(self, operator_id: str, key: str, params: dict[str, Any]) -> Report:
        """The report ``key`` with ``params`` (ReportInputError for bad ones), for
        ``operator_id`` (PermissionRefused when their roles do not allow it)."""
        definition = definition_of(key)
        parsed = definition.parse(params)
        require(self.journal, operator_id, action_for(definition.key, parsed, self.window))
        return definition.build(self, parsed)

    def render(self, report: Report, fmt: str) -> bytes:
        """The report's bytes in ``fmt`` (json, xlsx or pdf)."""
        check_format(fmt)
        if fmt == "json":
            return to_json(report)
        if fmt == "xlsx":
            return to_xlsx(report)
        if self._pdf is None:
            raise CounterAppError("本机无法生成 PDF（没有绘图组件），请改用 xlsx 或 json 格式。",
                                  code="reports.no_pdf")
        from counter_app.reports.pdf_pages import pages

        return self._pdf(pages(report), f"{report.title} {report.subtitle}")

    def export(self, operator_id: str, report: Report, fmt: str,
               out: Path | None) -> tuple[bytes, Exported]:
        """Render ``report`` and write it to ``out`` (None: the caller shows the bytes, e.g.
        JSON on standard output); the export is recorded under ``operator_id``."""
        data = self.render(report, fmt)
        digest = hashlib.sha256(data).hexdigest()
        where = str(write_file(out, data)) if out is not None else "stdout"
        try:
            _record_export(self.journal, operator_id, f"report {report.key} {fmt}", where,
                           record=digest, purpose=json.dumps(
                               {k: str(v) for k, v in report.params.items()},
                               ensure_ascii=False, sort_keys=True))
        except BaseException:
            if out is not None:   # no export without its audit record
                Path(where).unlink(missing_ok=True)
            raise
        return data, Exported(fmt, digest, len(data), where)

    def fetch_closings(self, operator_id: str, day: str) -> list[dict[str, Any]]:
        """The office's windows' signed closings of ``day``, asked of the province now and
        recorded (a network call: never on the GUI thread); for supervisors."""
        require(self.journal, operator_id, "reports.view")
        if self._province is None:
            raise CounterAppError("本机没有连接省级系统，不能取回其他窗口的日结。",
                                  code="reports.no_province")
        return self._province(day, operator_id)

    def cases(self, operator_id: str, report: Report, item: str,
              day: str | None = None) -> list[dict[str, Any]]:
        """The cases behind a count of ``report`` (one item, optionally one day): the
        drill-down list, for supervisors only."""
        require(self.journal, operator_id, "reports.cases")
        first, last = report_span(report)
        if day is not None:
            first = last = day
        return [{"case_id": e.case_id, "day": e.day, "item": e.item, "case_type": e.case_type,
                 "operator": e.operator, "grounds": "；".join(
                     g.get("message_zh", "") for g in e.grounds)}
                for e in facts.events(self.journal, first, last, [item])]


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ReportInputError(f"不支持的格式“{fmt}”。可用的格式：json、xlsx、pdf。",
                               detail=f"format {fmt!r}")


def definition_of(key: str) -> Definition:
    from counter_app.reports.registry import REPORTS

    try:
        return REPORTS[key]
    except KeyError:
        raise ReportInputError(f"没有这个报表：{key}。", detail=f"report {key!r}") from None


def action_for(key: str, params: dict[str, Any], window: str) -> str:
    """The permission a report needs: this window's own closing is ``closing.view``, the
    other windows' closings and every other report ``reports.view``."""
    from counter_app.reports.registry import REPORTS

    action = REPORTS[key].action
    if key == "daily" and str(params.get("window") or window) != window:
        return "reports.view"
    return action


def report_span(report: Report) -> tuple[str, str]:
    """The first and last day a report covers."""
    if "month" in report.data:
        days = list(report.data.get("by_day", {})) or [report.data["month"] + "-01"]
        return days[0], days[-1]
    return report.data["date"], report.data["date"]
