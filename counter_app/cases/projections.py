"""The ``case_state`` projection: the current state of every case from its transitions.

``case.transition`` payload: {"case_type", "from", "to", "reason" (optional), "data" (optional
object; for a divorce's "accepted": {"receipt_date": "YYYY-MM-DD", "receiving_office_code"})}.
The projection records facts; the service checks the state machine before appending. Entries
written by other code without "case_type" are recorded with case_type "unknown".
"""

from __future__ import annotations

import sqlite_utils

from counter_app.cases.kinds import KIND_CASE_TRANSITION
from counter_app.journal.entry import Entry
from counter_app.journal.projections import projection


@projection("case_state", version=1, tables=("case_state",), schema=(
    """CREATE TABLE case_state (
        case_id TEXT PRIMARY KEY, case_type TEXT NOT NULL, state TEXT NOT NULL,
        previous TEXT, transitions INTEGER NOT NULL, receipt_date TEXT,
        receiving_office_code TEXT, reason TEXT, last_operator TEXT NOT NULL,
        opened_seq INTEGER NOT NULL, updated_seq INTEGER NOT NULL, updated_at TEXT NOT NULL)""",
))
def apply_case_state(db: sqlite_utils.Database, entry: Entry) -> None:
    """One row per case: its type, state, divorce receipt data and last change."""
    p = entry.payload
    if entry.kind != KIND_CASE_TRANSITION or entry.case_id is None or "to" not in p:
        return
    data = p.get("data") or {}
    db.execute(
        """INSERT INTO case_state VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (case_id) DO UPDATE SET state = excluded.state,
             previous = case_state.state, transitions = case_state.transitions + 1,
             receipt_date = COALESCE(excluded.receipt_date, case_state.receipt_date),
             receiving_office_code = COALESCE(excluded.receiving_office_code,
                                              case_state.receiving_office_code),
             reason = excluded.reason, last_operator = excluded.last_operator,
             updated_seq = excluded.updated_seq, updated_at = excluded.updated_at""",
        [entry.case_id, p.get("case_type", "unknown"), p["to"], p.get("from"), data.get("receipt_date"),
         data.get("receiving_office_code"), p.get("reason"), entry.operator, entry.seq,
         entry.seq, entry.device_time])
