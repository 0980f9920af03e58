"""The audit: who opened which case, looked up or showed which archive record, printed what,
and which actions were refused (PRODUCT.md §5: every view, print and export of a record).

Most of it is already in the journal, written by the flow that did it: ``archive.searched``
(with the refs of the records shown) and ``archive.viewed`` by the archive, the prints by
printing (``certificate.print_sent``, ``notice.printed``, ``receipt.printed``), refusals and
approvals by the operators package. The audit adds what no flow wrote: a case opened on screen
(:func:`record_case_opened`), a command's print (:func:`record_printed`, ``forms render``
and ``print receipt``, recorded as ``cli:<OS user>``) and a report's export
(:func:`record_exported`, written by counter_app.reports, which sit above the audit).

The ``audit_log`` projection keeps one row per audited entry (operator, what, which case or
record, the purpose where one is given) and :func:`list_entries` is its read API: the
supervisor's audit screen and ``counter-app audit list`` (docs/audit.md). Reading the audit is
itself a permission (``audit.view``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import Any

import sqlite_utils

from counter_app.audit.kinds import (KIND_AUDIT_CASE_OPENED, KIND_AUDIT_PRINTED,
                                     KIND_REPORT_EXPORTED)
from counter_app.errors import CounterAppError
from counter_app.journal import Journal, projection
from counter_app.journal.clock import iso_ms
from counter_app.journal.entry import Entry
from counter_app.operators import require
from counter_app.operators.kinds import (KIND_OPERATOR_ACTION_REFUSED,
                                         KIND_OPERATOR_APPROVAL_GRANTED)
from counter_app.operators.permissions import table
from counter_app.printing.kinds import (KIND_CERTIFICATE_PRINT_SENT, KIND_NOTICE_PRINTED,
                                        KIND_RECEIPT_PRINTED)
from counter_app.reissue.kinds import (KIND_ARCHIVE_IMPORTED, KIND_ARCHIVE_SEARCHED,
                                       KIND_ARCHIVE_VIEWED)


class AuditError(CounterAppError):
    """A bad filter of the audit list."""

    code = "audit.bad_filter"


# --- what each audited entry says ------------------------------------------------------------
# kind -> (what, record, purpose, detail) from the entry alone (a rebuild gives the same rows).

def _refs(p: dict) -> str | None:
    return ",".join(p.get("refs", [])) or None


ROWS: dict[str, Callable[[Entry], tuple[str, str | None, str, dict]]] = {
    KIND_AUDIT_CASE_OPENED: lambda e: ("case_opened", None, e.payload.get("purpose", ""),
                                       {"screen": e.payload.get("screen", "")}),
    KIND_AUDIT_PRINTED: lambda e: ("cli_print", e.payload.get("record"),
                                   e.payload.get("purpose", ""),
                                   {"what": e.payload["what"], "output": e.payload["output"]}),
    KIND_REPORT_EXPORTED: lambda e: ("report_export", e.payload.get("record"), "",
                                     {"what": e.payload["what"], "output": e.payload["output"],
                                      "params": e.payload.get("purpose", "")}),
    KIND_ARCHIVE_SEARCHED: lambda e: ("archive_search", _refs(e.payload),
                                      e.payload.get("purpose", ""),
                                      {"results": e.payload.get("results", 0)}),
    KIND_ARCHIVE_VIEWED: lambda e: ("archive_view", e.payload["ref"],
                                    e.payload.get("purpose", ""), {}),
    KIND_ARCHIVE_IMPORTED: lambda e: ("archive_import", e.payload["sha256"], "",
                                      {"file": e.payload["file"],
                                       "imported": e.payload.get("imported")}),
    KIND_CERTIFICATE_PRINT_SENT: lambda e: ("certificate_print", e.payload.get("serial"), "",
                                            {"number": e.payload.get("certificate_number"),
                                             "holder": e.payload.get("holder")}),
    KIND_NOTICE_PRINTED: lambda e: ("notice_print", e.payload.get("form"), "", {}),
    KIND_RECEIPT_PRINTED: lambda e: ("receipt_print", e.payload.get("request_id"), "", {}),
    KIND_OPERATOR_ACTION_REFUSED: lambda e: ("refused", e.payload.get("record"), "",
                                             {"action": e.payload["action"]}),
    KIND_OPERATOR_APPROVAL_GRANTED: lambda e: ("approval", e.payload.get("record"),
                                               e.payload.get("reason", ""),
                                               {"actions": e.payload["actions"],
                                                "requested_by": e.payload["requested_by"]}),
}


# version 2: report exports (``report.exported``, written since issue 17) are audited rows.
@projection("audit_log", version=2, tables=("audit_log",), schema=(
    """CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY, at TEXT NOT NULL, operator TEXT NOT NULL, what TEXT NOT NULL,
        case_id TEXT, record TEXT, purpose TEXT NOT NULL, detail TEXT NOT NULL)""",
    "CREATE INDEX audit_log_operator ON audit_log (operator, seq)",
    "CREATE INDEX audit_log_at ON audit_log (at)",
))
def apply_audit_log(db: sqlite_utils.Database, entry: Entry) -> None:
    """One row per audited entry."""
    row = ROWS.get(entry.kind)
    if row is not None:
        what, record, purpose, detail = row(entry)
        db.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   [entry.seq, entry.device_time, entry.operator, what, entry.case_id, record,
                    purpose or "", json.dumps(detail, ensure_ascii=False, sort_keys=True)])


# --- writing -------------------------------------------------------------------------------

def record_case_opened(journal: Journal, operator: str, case_id: str, screen: str,
                       purpose: str = "") -> None:
    """``operator`` opened ``case_id`` on ``screen`` (refused to whoever may not see a case's
    personal data: the permission table's ``case.view``)."""
    require(journal, operator, "case.view", case_id=case_id)
    journal.append(KIND_AUDIT_CASE_OPENED, {"screen": screen, "purpose": purpose},
                   operator=operator, case_id=case_id)


def record_printed(journal: Journal, operator: str, what: str, output: str, *,
                   record: str | None = None, purpose: str = "") -> None:
    """A command printed or wrote ``what`` (e.g. ``forms render marriage_review``) to
    ``output``; ``record`` names its source (a case file's SHA-256)."""
    journal.append(KIND_AUDIT_PRINTED, {"what": what, "output": output, "record": record,
                                        "purpose": purpose}, operator=operator)


def record_exported(journal: Journal, operator: str, what: str, output: str, *, record: str,
                    purpose: str = "") -> None:
    """``operator`` exported ``what`` (e.g. ``report monthly xlsx``) to ``output`` (a path or
    ``stdout``); ``record`` is the SHA-256 of the bytes, ``purpose`` the report's parameters
    (JSON). The caller checked the permission to make what it exports."""
    journal.append(KIND_REPORT_EXPORTED, {"what": what, "output": output, "record": record,
                                          "purpose": purpose}, operator=operator)


# --- reading -------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditRow:
    """One audited act (the ``audit list --json`` object; docs/audit.md)."""

    seq: int
    at: str
    operator: str
    action: str
    description: str
    case_id: str | None
    record: str | None
    purpose: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def parse_since(text: str) -> date:
    """``--since``'s date (YYYY-MM-DD); AuditError in Chinese otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise AuditError(f"起始日期“{text}”格式不对，应写成 年-月-日，例如 2026-05-20。",
                         detail=f"bad --since {text!r}") from None


def list_entries(journal: Journal, viewer: str, *, since: date | None = None,
                 operator: str | None = None, limit: int | None = None) -> list[AuditRow]:
    """The audited acts from the start of ``since`` (the counter's local day), of ``operator``
    if given, oldest first (the newest ``limit`` if given). Only for ``viewer``s the table
    lets read the audit (``audit.view``)."""
    require(journal, viewer, "audit.view")
    where, params = ["1 = 1"], []
    if since is not None:
        where.append("at >= ?")
        params.append(iso_ms(datetime.combine(since, time.min).astimezone()))
    if operator:
        where.append("operator = ?")
        params.append(operator.strip())
    sql = f"SELECT * FROM audit_log WHERE {' AND '.join(where)} ORDER BY seq DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_row(r) for r in reversed(journal.query(sql, params))]


def operators_seen(journal: Journal) -> list[str]:
    """Everyone who appears in the audit (the screen's operator filter)."""
    return [r["operator"] for r in journal.query(
        "SELECT DISTINCT operator FROM audit_log ORDER BY operator")]


def _row(r: dict[str, Any]) -> AuditRow:
    detail = json.loads(r["detail"])
    return AuditRow(r["seq"], r["at"], r["operator"], r["what"], describe(r["what"], detail),
                    r["case_id"], r["record"], r["purpose"])


def describe(what: str, detail: dict[str, Any]) -> str:
    """The act in Chinese for the audit screen and the list."""
    labels = table().actions
    if what == "refused":
        row = labels.get(detail.get("action", ""))
        return f"被拒绝：{row.label if row else detail.get('action')}"
    if what == "approval":
        names = "、".join(labels[a].label if a in labels else a for a in detail["actions"])
        return f"负责人批准（{detail['requested_by']} 申请）：{names}"
    if what == "archive_search":
        return f"查询档案，显示 {detail.get('results', 0)} 条记录"
    if what == "certificate_print":
        return f"打印证书（字号 {detail.get('number')}）"
    if what == "cli_print":
        return f"命令行输出：{detail.get('what')} -> {detail.get('output')}"
    if what == "report_export":
        return (f"导出报表：{detail.get('what')} {detail.get('params')} -> "
                f"{detail.get('output')}")
    if what == "archive_import":
        return f"导入档案文件 {detail.get('file')}（{detail.get('imported')} 条）"
    return WHAT_ZH.get(what, what)


WHAT_ZH = {"case_opened": "打开业务", "archive_view": "查看档案记录",
           "notice_print": "打印告知书", "receipt_print": "打印小票"}
