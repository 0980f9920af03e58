"""Checking a journal end to end: the file, the chain, the head, attachments, projections.

``verify`` reads everything and reports problems in the order they occur; the first one names
the first broken seq. It never writes.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

import sqlite_utils

from counter_app.journal import projections
from counter_app.journal.canonical import GENESIS_HASH
from counter_app.journal.entry import Entry
from counter_app.journal.errors import AttachmentError
from counter_app.journal.journal import Journal


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the journal. ``seq`` is None for file-level problems."""

    seq: int | None
    code: str
    message: str

    def __str__(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "file"
        return f"{where}: {self.code}: {self.message}"


@dataclass
class Report:
    """The outcome of :func:`verify`."""

    entries: int = 0
    last_seq: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_broken_seq(self) -> int | None:
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else None


def verify(journal: Journal) -> Report:
    """Check ``journal`` completely and return a report."""
    report = Report()
    _check_file(journal, report)
    entries = _check_chain(journal, report)
    _check_head(journal, report)
    _check_attachments(journal, entries, report)
    _check_projections(journal, entries, report)
    report.problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return report


def _check_file(journal: Journal, report: Report) -> None:
    for (message,) in _pragma(journal, "cipher_integrity_check"):
        report.problems.append(Problem(None, "file_damaged",
                                       f"the encrypted file is damaged: {message}"))
    for (message,) in _pragma(journal, "integrity_check"):
        if message != "ok":
            report.problems.append(Problem(None, "file_damaged", f"sqlite: {message}"))


def _pragma(journal: Journal, name: str) -> list[tuple]:
    try:
        return [tuple(r.values()) for r in journal.query(f"PRAGMA {name}")]
    except Exception as exc:  # noqa: BLE001 - a damaged page surfaces as any DatabaseError
        return [(f"{name} failed: {exc}",)]


def _check_chain(journal: Journal, report: Report) -> list[Entry]:
    entries: list[Entry] = []
    expected_seq, prev_hash = 1, GENESIS_HASH
    try:
        rows = journal.query("SELECT * FROM entries ORDER BY seq")
    except Exception as exc:  # noqa: BLE001
        report.problems.append(Problem(None, "unreadable", f"entries cannot be read: {exc}"))
        return entries
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            report.problems.append(Problem(
                expected_seq, "missing",
                f"entries {expected_seq}..{seq - 1} are missing (deleted)"))
        try:
            entry = Entry.from_row(row)
        except (json.JSONDecodeError, TypeError, KeyError) as exc:
            report.problems.append(Problem(seq, "malformed", f"entry cannot be parsed: {exc}"))
            expected_seq, prev_hash = seq + 1, row["hash"]
            continue
        if entry.computed_hash() != entry.hash:
            report.problems.append(Problem(seq, "altered",
                                           "hash mismatch: the entry's contents were altered"))
        if entry.prev_hash != prev_hash:
            report.problems.append(Problem(seq, "chain_broken",
                                           "prev_hash does not match the previous entry "
                                           "(entries removed, inserted or reordered)"))
        entries.append(entry)
        expected_seq, prev_hash = seq + 1, entry.hash
    report.entries = len(entries)
    report.last_seq = entries[-1].seq if entries else 0
    return entries


def _check_head(journal: Journal, report: Report) -> None:
    head_seq, head_hash = journal.head()
    last = journal.query("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1")
    last_seq, last_hash = (last[0]["seq"], last[0]["hash"]) if last else (0, GENESIS_HASH)
    if head_seq > last_seq:
        report.problems.append(Problem(last_seq + 1, "truncated",
                                       f"entries {last_seq + 1}..{head_seq} were cut off "
                                       "the end of the journal"))
    elif (head_seq, head_hash) != (last_seq, last_hash):
        report.problems.append(Problem(min(head_seq, last_seq) or None, "head_mismatch",
                                       "the recorded head does not match the last entry"))


def _check_attachments(journal: Journal, entries: list[Entry], report: Report) -> None:
    checked: dict[str, str | None] = {}
    for entry in entries:
        for ref in entry.attachments:
            sha = ref["sha256"]
            if sha not in checked:
                try:
                    journal.get_attachment(sha)
                    checked[sha] = None
                except AttachmentError as exc:
                    checked[sha] = exc.detail
            if checked[sha]:
                report.problems.append(Problem(entry.seq, "attachment", checked[sha] or ""))


def _check_projections(journal: Journal, entries: list[Entry], report: Report) -> None:
    # Rebuilt in a private in-memory database: nothing decrypted touches the disk.
    memory = sqlite_utils.Database(sqlite3.connect(":memory:"), execute_plugins=False)
    for proj in journal.projections:
        proj.create(memory)
        for entry in entries:
            proj.apply(memory, entry)
        for table in proj.tables:
            try:
                stored = journal.table_rows(table)
            except Exception as exc:  # noqa: BLE001 - a damaged page surfaces as any error
                stored = [("unreadable", str(exc))]
            if stored != projections.table_rows(memory, table):
                report.problems.append(Problem(
                    None, "projection_differs",
                    f"projection table {table} differs from a rebuild from the entries "
                    "(run `counter-app journal rebuild` after fixing the entries)"))
    memory.close()
