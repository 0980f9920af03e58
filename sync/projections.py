"""Journal projections fed by sync: server case status, rejections, reference data, checks.

Every fact sync learns from the server becomes a journal entry (so it is hash-chained,
uploaded back and auditable); these projections turn those entries into tables the UI reads.
"""

from __future__ import annotations

import sqlite_utils

from counter_app.journal import Journal
from counter_app.journal.canonical import canonical_json
from counter_app.journal.entry import Entry
from counter_app.journal.projections import projection
from sync.kinds import KIND_CASE_STATUS, KIND_ENTRY_REJECTED, KIND_MARITAL_CHECK, KIND_REFERENCE


@projection("sync_case_status", version=1, tables=("sync_case_status",), schema=(
    """CREATE TABLE sync_case_status (
        case_id TEXT PRIMARY KEY, status TEXT NOT NULL, reason_code TEXT, reason TEXT,
        version INTEGER NOT NULL, seq INTEGER NOT NULL)""",
))
def apply_case_status(db: sqlite_utils.Database, entry: Entry) -> None:
    """The server's latest verdict on each case (accepted / rejected / conflict / pending)."""
    if entry.kind == KIND_CASE_STATUS and entry.case_id:
        p = entry.payload
        db.execute(
            """INSERT INTO sync_case_status VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (case_id) DO UPDATE SET status = excluded.status,
                 reason_code = excluded.reason_code, reason = excluded.reason,
                 version = excluded.version, seq = excluded.seq
               WHERE excluded.version >= sync_case_status.version""",
            [entry.case_id, p["status"], p.get("reason_code"), p.get("reason"),
             int(p.get("version", 0)), entry.seq])
    elif entry.kind == KIND_ENTRY_REJECTED and entry.case_id:
        p = entry.payload
        db.execute(
            """INSERT INTO sync_case_status VALUES (?, 'rejected', ?, ?, 0, ?)
               ON CONFLICT (case_id) DO UPDATE SET status = 'rejected',
                 reason_code = excluded.reason_code, reason = excluded.reason,
                 seq = excluded.seq""",
            [entry.case_id, p.get("reason_code"), p.get("reason"), entry.seq])


@projection("sync_rejections", version=1, tables=("sync_rejections",), schema=(
    """CREATE TABLE sync_rejections (
        entry_id TEXT PRIMARY KEY, rejected_seq INTEGER NOT NULL, case_id TEXT,
        reason_code TEXT NOT NULL, reason TEXT NOT NULL, seq INTEGER NOT NULL)""",
))
def apply_rejections(db: sqlite_utils.Database, entry: Entry) -> None:
    """Each entry the server refused, with its reason (shown until a person acts on it)."""
    if entry.kind == KIND_ENTRY_REJECTED:
        p = entry.payload
        db.execute("INSERT OR IGNORE INTO sync_rejections VALUES (?, ?, ?, ?, ?, ?)",
                   [p["entry_id"], int(p["seq"]), entry.case_id, p["reason_code"],
                    p["reason"], entry.seq])


@projection("reference_items", version=1, tables=("reference_items",), schema=(
    """CREATE TABLE reference_items (
        collection TEXT NOT NULL, item_id TEXT NOT NULL, version INTEGER NOT NULL,
        deleted INTEGER NOT NULL, data TEXT NOT NULL, seq INTEGER NOT NULL,
        PRIMARY KEY (collection, item_id))""",
))
def apply_reference(db: sqlite_utils.Database, entry: Entry) -> None:
    """Rule packs, offices and appointments as pulled (operators become the counter's
    accounts instead: counter_app.operators.province)."""
    if entry.kind != KIND_REFERENCE:
        return
    p = entry.payload
    db.execute(
        """INSERT INTO reference_items VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (collection, item_id) DO UPDATE SET version = excluded.version,
             deleted = excluded.deleted, data = excluded.data, seq = excluded.seq
           WHERE excluded.version >= reference_items.version""",
        [p["collection"], str(p["id"]), int(p["version"]), int(bool(p.get("deleted"))),
         canonical_json(p.get("data") or {}), entry.seq])


@projection("marital_checks", version=1, tables=("marital_checks",), schema=(
    """CREATE TABLE marital_checks (
        request_id TEXT PRIMARY KEY, case_id TEXT, outcome TEXT NOT NULL,
        checked_at TEXT NOT NULL, seq INTEGER NOT NULL)""",
))
def apply_marital_checks(db: sqlite_utils.Database, entry: Entry) -> None:
    """Each signed 联网核对 answer recorded for a case (the answer itself is in the entry)."""
    if entry.kind == KIND_MARITAL_CHECK:
        answer = entry.payload["answer"]
        db.execute("INSERT OR IGNORE INTO marital_checks VALUES (?, ?, ?, ?, ?)",
                   [entry.payload["request_id"], entry.case_id, answer["outcome"],
                    answer["checked_at"], entry.seq])


def check_outcomes(journal: Journal) -> dict[str, str]:
    """The latest recorded 联网核对 outcome of each case (case_id -> outcome): the read API of
    the marital_checks projection."""
    return {r["case_id"]: r["outcome"]
            for r in journal.query("SELECT case_id, outcome FROM marital_checks ORDER BY seq")}
