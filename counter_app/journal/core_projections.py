"""The journal's own projections: cases at a glance, and the attachments entries reference.

Other packages read them through the functions at the end (their read API), not by SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import sqlite_utils

from counter_app.journal.entry import Entry
from counter_app.journal.projections import projection

if TYPE_CHECKING:  # journal.py imports this module to maintain its projections
    from counter_app.journal.journal import Journal


@projection("cases", version=1, tables=("cases",), schema=(
    """CREATE TABLE cases (
        case_id TEXT PRIMARY KEY,
        first_seq INTEGER NOT NULL,
        last_seq INTEGER NOT NULL,
        last_kind TEXT NOT NULL,
        entry_count INTEGER NOT NULL,
        opened_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
))
def apply_cases(db: sqlite_utils.Database, entry: Entry) -> None:
    """Every case id seen, with its first and last entry (business state is the domain's)."""
    if entry.case_id is None:
        return
    db.execute(
        """INSERT INTO cases (case_id, first_seq, last_seq, last_kind, entry_count, opened_at,
                              updated_at)
           VALUES (?, ?, ?, ?, 1, ?, ?)
           ON CONFLICT (case_id) DO UPDATE SET last_seq = excluded.last_seq,
               last_kind = excluded.last_kind, entry_count = entry_count + 1,
               updated_at = excluded.updated_at""",
        [entry.case_id, entry.seq, entry.seq, entry.kind, entry.device_time, entry.device_time],
    )


@projection("attachments", version=1, tables=("attachments",), schema=(
    """CREATE TABLE attachments (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        media_type TEXT NOT NULL,
        first_seq INTEGER NOT NULL,
        case_id TEXT
    )""",
))
def apply_attachments(db: sqlite_utils.Database, entry: Entry) -> None:
    """Each attachment once, with the first entry (and case) that referenced it."""
    for ref in entry.attachments:
        db.execute(
            """INSERT INTO attachments (sha256, size, media_type, first_seq, case_id)
               VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING""",
            [ref["sha256"], ref["size"], ref["media_type"], entry.seq, entry.case_id],
        )


def attachments_first_referenced(journal: Journal, after_seq: int,
                                 through_seq: int) -> list[dict]:
    """The attachments (sha256, size, first_seq) first referenced by an entry after
    ``after_seq`` up to ``through_seq``, in that order."""
    return journal.query("SELECT sha256, size, first_seq FROM attachments "
                         "WHERE first_seq > ? AND first_seq <= ? ORDER BY first_seq",
                         [after_seq, through_seq])


def attachment_cases(journal: Journal, shas: Iterable[str]) -> dict[str, str | None]:
    """sha256 -> the case of the entry that first referenced the attachment (None: no case)."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    return {r["sha256"]: r["case_id"] for r in journal.query(
        f"SELECT sha256, case_id FROM attachments WHERE sha256 IN ({marks})", wanted)}
