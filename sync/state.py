"""Sync bookkeeping: what the server has acknowledged, upload offsets, cursors, last errors.

This is a cache, not a second source of truth. What is *pending* is always computed from the
journal (entries beyond the acknowledged seq; attachments of acknowledged entries that are not
yet complete), and everything here can be lost: the next handshake asks the server for its
acknowledged position, attachment offsets are re-learnt from the server's 409 answers, and
reference pulls restart from cursor 0 (their journal entries have deterministic ids, so a
re-pull appends nothing twice). It lives in ``<data dir>/sync/state.db``: plain SQLite holding
seq numbers, offsets, cursors and error codes, never personal data and no attachment hashes:
an attachment's progress is filed under an HMAC of its SHA-256 (a key derived from the machine
key), so a copy of the file cannot confirm that a known photo or scan passed this counter.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sync import protocol

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # Versions before the labels filed progress under the bare SHA-256: dropped (a cache).
    "DROP TABLE IF EXISTS attachment_progress",
    """CREATE TABLE IF NOT EXISTS attachment_labels (
        label TEXT PRIMARY KEY, received INTEGER NOT NULL, complete INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, updated_at TEXT NOT NULL)""",
)


def known_acked_seq(data_dir: Path) -> int | None:
    """The province's acknowledged seq as last heard, read without writing (None: unknown).
    The journal's opening compares it with the journal's head (an older copy is behind it)."""
    path = Path(data_dir) / "sync" / "state.db"
    if not path.exists():
        return None
    try:
        # immutable when no -wal is beside it: a reader then leaves no -wal/-shm behind.
        quiet = "&immutable=1" if not Path(f"{path}-wal").exists() else ""
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{quiet}", uri=True)
        try:
            row = db.execute("SELECT value FROM kv WHERE key = 'acked_seq'").fetchone()
        finally:
            db.close()
        return int(json.loads(row[0])) if row else None
    except (sqlite3.Error, ValueError, TypeError):
        return None  # a damaged cache says nothing


class SyncState:
    """One small SQLite file; safe to use from the sync thread and the UI thread."""

    def __init__(self, path: Path, *, label_key: bytes) -> None:
        self.path = Path(path)
        self._label_key = label_key
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        for statement in SCHEMA:
            self._db.execute(statement)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- key/value ---------------------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            row = self._db.execute("SELECT value FROM kv WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def set(self, **values: Any) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN")
            for key, value in values.items():
                self._db.execute("INSERT OR REPLACE INTO kv VALUES (?, ?)",
                                 [key, json.dumps(value, ensure_ascii=False)])

    @property
    def acked_seq(self) -> int:
        return int(self.get("acked_seq", 0))

    def bind_machine(self, machine_id: str) -> None:
        """Forget everything learnt from another enrolment (another machine id = other server
        state); the journal is untouched."""
        if self.get("machine_id") == machine_id:
            return
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM kv")
            self._db.execute("DELETE FROM attachment_labels")
            self._db.execute("INSERT INTO kv VALUES ('machine_id', ?)", [json.dumps(machine_id)])

    def record_error(self, stage: str, code: str, message_zh: str) -> None:
        self.set(last_error={"at": protocol.iso(protocol.utc_now()), "stage": stage,
                             "code": code, "message": message_zh})

    def record_success(self) -> None:
        self.set(last_success=protocol.iso(protocol.utc_now()), last_error=None)

    # --- attachments -------------------------------------------------------------------------
    def label(self, sha256: str) -> str:
        """The name an attachment's progress is filed under (an HMAC of its SHA-256)."""
        return hmac.new(self._label_key, sha256.encode("ascii"), hashlib.sha256).hexdigest()

    def progress(self, shas: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The upload progress of those of ``shas`` that have any, by SHA-256."""
        wanted = {self.label(sha): sha for sha in shas}
        with self._lock:
            rows = self._db.execute("SELECT label, received, complete, attempts, last_error "
                                    "FROM attachment_labels").fetchall()
        return {wanted[r[0]]: {"received": r[1], "complete": bool(r[2]), "attempts": r[3],
                               "last_error": r[4]} for r in rows if r[0] in wanted}

    def set_progress(self, sha256: str, received: int, complete: bool,
                     error: str | None = None, attempt: bool = False) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                """INSERT INTO attachment_labels VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (label) DO UPDATE SET received = excluded.received,
                     complete = excluded.complete, attempts = attempts + ?,
                     last_error = excluded.last_error, updated_at = excluded.updated_at""",
                [self.label(sha256), received, int(complete), int(attempt), error,
                 protocol.iso(protocol.utc_now()), int(attempt)])
