"""Receipts and queue tickets through the journal: nothing is lost when the printer fails.

:func:`print_receipt` stores the job's ESC/POS bytes as a journal attachment and journals the
request before sending; success and failure are journaled too. A job whose printer was
offline or out of paper stays ``pending`` (also across a restart of the app) and
:func:`reprint` sends exactly the same bytes again.
"""

from __future__ import annotations

import uuid

import sqlite_utils

from counter_app.errors import CounterAppError
from counter_app.journal import Journal, projection
from counter_app.journal.entry import Entry
from counter_app.operators import require
from counter_app.printing.kinds import (KIND_RECEIPT_PRINTED, KIND_RECEIPT_PRINT_FAILED,
                                        KIND_RECEIPT_REQUESTED)
from drivers.printer.base import PrinterError, PrintJob, ReceiptPrinter


def print_receipt(journal: Journal, printer: ReceiptPrinter, job: PrintJob, *, operator: str,
                  case_id: str | None = None) -> str:
    """Journal and print ``job``; return its request id. Raises the printer's error (the
    job is then pending and :func:`reprint` repeats it)."""
    require(journal, operator, "notice.print", case_id=case_id)
    request_id = uuid.uuid4().hex
    ref = journal.put_attachment(job.data, "application/vnd.escpos")
    journal.append(KIND_RECEIPT_REQUESTED, {"request_id": request_id, "kind": job.kind,
                                         "description": job.description, "sha256": job.sha256},
                   operator=operator, case_id=case_id, attachments=[ref])
    _send(journal, printer, request_id, job, operator, case_id)
    return request_id


def _send(journal: Journal, printer: ReceiptPrinter, request_id: str, job: PrintJob,
          operator: str, case_id: str | None) -> None:
    try:
        printer.print_job(job)
    except PrinterError as err:
        journal.append(KIND_RECEIPT_PRINT_FAILED, {"request_id": request_id, "error": err.code},
                       operator=operator, case_id=case_id)
        raise
    journal.append(KIND_RECEIPT_PRINTED, {"request_id": request_id}, operator=operator,
                   case_id=case_id)


def pending(journal: Journal) -> list[dict]:
    """Receipts requested but not printed yet, oldest first."""
    return journal.query("SELECT * FROM receipt_jobs WHERE status != 'printed' ORDER BY seq")


def reprint(journal: Journal, printer: ReceiptPrinter, request_id: str, *,
            operator: str) -> None:
    """Send a journaled receipt again, byte for byte."""
    rows = journal.query("SELECT * FROM receipt_jobs WHERE request_id = ?", [request_id])
    if not rows:
        raise CounterAppError("找不到这张小票的打印记录。", code="printing.unknown_receipt")
    row = rows[0]
    require(journal, operator, "notice.print", case_id=row["case_id"])
    job = PrintJob(row["kind"], row["description"], journal.get_attachment(row["sha256"]))
    _send(journal, printer, request_id, job, operator, row["case_id"])


@projection("receipt_jobs", version=1, tables=("receipt_jobs",), schema=(
    """CREATE TABLE receipt_jobs (
        request_id TEXT PRIMARY KEY, kind TEXT NOT NULL, description TEXT NOT NULL,
        sha256 TEXT NOT NULL, case_id TEXT, status TEXT NOT NULL, attempts INTEGER NOT NULL,
        seq INTEGER NOT NULL)""",))
def apply_receipt_jobs(db: sqlite_utils.Database, entry: Entry) -> None:
    """Each receipt request and whether it was printed."""
    p = entry.payload
    if entry.kind == KIND_RECEIPT_REQUESTED:
        db.execute("INSERT OR IGNORE INTO receipt_jobs VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)",
                   [p["request_id"], p["kind"], p["description"], p["sha256"], entry.case_id,
                    entry.seq])
    elif entry.kind in (KIND_RECEIPT_PRINTED, KIND_RECEIPT_PRINT_FAILED):
        status = "printed" if entry.kind == KIND_RECEIPT_PRINTED else "failed"
        db.execute("UPDATE receipt_jobs SET status = ?, attempts = attempts + 1 "
                   "WHERE request_id = ?", [status, p["request_id"]])
