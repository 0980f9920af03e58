"""The simulator's own storage (SQLite + blob files in its data dir), independent of the
client's journal: what a provincial system would keep for the counters of its province."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sync import protocol

SCHEMA = """
CREATE TABLE IF NOT EXISTS machines (machine_id TEXT PRIMARY KEY, public_key TEXT UNIQUE,
    office_code TEXT NOT NULL, status TEXT NOT NULL, enrolled_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (machine_id TEXT NOT NULL, seq INTEGER NOT NULL,
    entry_id TEXT NOT NULL, case_id TEXT, kind TEXT NOT NULL, hash TEXT NOT NULL,
    body TEXT NOT NULL, status TEXT NOT NULL, reason_code TEXT, reason TEXT,
    deliveries INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (machine_id, seq), UNIQUE (machine_id, entry_id));
CREATE TABLE IF NOT EXISTS attachments (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL,
    received INTEGER NOT NULL, complete INTEGER NOT NULL, completions INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS attachment_refs (sha256 TEXT NOT NULL, case_id TEXT NOT NULL,
    machine_id TEXT NOT NULL, PRIMARY KEY (sha256, case_id));
CREATE TABLE IF NOT EXISTS cases (case_id TEXT PRIMARY KEY, machine_id TEXT NOT NULL,
    status TEXT NOT NULL, reason_code TEXT, reason TEXT, version INTEGER NOT NULL,
    change INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS reference (collection TEXT NOT NULL, item_id TEXT NOT NULL,
    version INTEGER NOT NULL, deleted INTEGER NOT NULL, data TEXT NOT NULL,
    change INTEGER NOT NULL, machine_id TEXT, PRIMARY KEY (collection, item_id));
CREATE TABLE IF NOT EXISTS persons (id_number TEXT PRIMARY KEY, status TEXT NOT NULL,
    case_id TEXT, office_code TEXT);
CREATE TABLE IF NOT EXISTS checks (request_id TEXT PRIMARY KEY, machine_id TEXT NOT NULL,
    response TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS check_requests (request_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""

OFFICES = {
    "110101": "北京市东城区婚姻登记处", "330106": "杭州市西湖区婚姻登记处",
    "530102": "昆明市五华区婚姻登记处", "532529": "红河县婚姻登记处",
    # The regions of the demo office profiles (resources/rules/offices.toml), so a demo
    # counter enrols for the region its rules are judged for.
    "110105": "北京市朝阳区婚姻登记处（示例）", "445202": "揭阳市榕城区婚姻登记处（示例）",
}
# The accounts of the office 110101 (their passwords: sync.simulator.accounts).
OPERATORS: list[dict[str, Any]] = [
    {"operator_id": "reg01", "name": "登记员一", "roles": ["registrar"], "office_code": "110101",
     "qualified_until": "2028-06-30", "active": True, "credential_version": 1},
    {"operator_id": "sup01", "name": "主管一", "roles": ["supervisor", "registrar"],
     "office_code": "110101", "qualified_until": "2027-12-31", "active": True,
     "credential_version": 1},
    {"operator_id": "tech01", "name": "技术员一", "roles": ["technician"],
     "office_code": "110101", "qualified_until": None, "active": True,
     "credential_version": 1},
]
BLOCK_SIZE, RANGE_SIZE = 1000, 500


class SimStore:
    """All simulator state; one lock, one connection (the simulator is not about speed)."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = Path(data_dir)
        self.blobs = self.dir / "blobs"
        self.blobs.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self.db = sqlite3.connect(self.dir / "provincial.db", check_same_thread=False,
                                  isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        if self.counter("seeded") == 0:
            self._seed()

    def close(self) -> None:
        with self.lock:
            self.db.close()

    def tx(self) -> _Tx:
        """``with store.tx():`` one transaction under the store lock."""
        return _Tx(self)

    def counter(self, name: str, add: int = 0) -> int:
        self.db.execute("INSERT OR IGNORE INTO counters VALUES (?, 0)", [name])
        if add:
            self.db.execute("UPDATE counters SET value = value + ? WHERE name = ?", [add, name])
        return self.db.execute("SELECT value FROM counters WHERE name = ?",
                               [name]).fetchone()[0]

    def _seed(self) -> None:
        with self.tx():
            for code, name in OFFICES.items():
                self.put_reference("offices", code, {"office_code": code, "name": name})
            for op in OPERATORS:
                self.put_reference("operators", op["operator_id"], op)
            self.put_reference("rule_packs", "national-2021",
                               {"pack_id": "national-2021", "version": "2021.1",
                                "effective_from": "2021-01-01",
                                "title": "《婚姻登记工作规范》（2021）"})
            self.put_reference("appointments", "appt-demo-1",
                               {"appointment_id": "appt-demo-1", "office_code": "110101",
                                "item": "marriage", "date": "2026-05-20", "slot": "09:00"})
            self.counter("seeded", 1)

    # --- reference data ------------------------------------------------------------------
    def put_reference(self, collection: str, item_id: str, data: dict, *,
                      deleted: bool = False, machine_id: str | None = None) -> int:
        """Create or update one item (version + 1); returns the new version."""
        row = self.db.execute("SELECT version FROM reference WHERE collection = ? AND "
                              "item_id = ?", [collection, item_id]).fetchone()
        version = (row[0] if row else 0) + 1
        change = self.counter("change", 1)
        self.db.execute("INSERT OR REPLACE INTO reference VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [collection, item_id, version, int(deleted),
                         protocol.canonical_json(data), change, machine_id])
        return version

    def reference_page(self, collection: str, machine_id: str, cursor: int,
                       limit: int, office_code: str | None = None) -> dict:
        # A machine sees its own office's accounts only (docs/sync-protocol.md §13).
        office = "" if collection != "operators" else \
            "AND json_extract(data, '$.office_code') IS ? "
        params = [collection, cursor, machine_id] + ([office_code] if office else [])
        rows = self.db.execute(
            "SELECT * FROM reference WHERE collection = ? AND change > ? AND "
            f"(machine_id IS NULL OR machine_id = ?) {office}ORDER BY change LIMIT ?",
            [*params, limit + 1]).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        items = [{"id": r["item_id"], "version": r["version"], "deleted": bool(r["deleted"]),
                  "data": json.loads(r["data"])} for r in rows]
        return {"items": items, "next_cursor": str(rows[-1]["change"] if rows else cursor),
                "more": more}

    # --- machines ------------------------------------------------------------------------
    def enrol(self, public_key: str, office_code: str) -> dict | None:
        """The machine for this key (created with its number blocks on first enrolment)."""
        row = self.db.execute("SELECT * FROM machines WHERE public_key = ?",
                              [public_key]).fetchone()
        if row is not None:
            return dict(row)
        if office_code not in OFFICES:
            return None
        machine_id = "M" + uuid.uuid4().hex[:15].upper()
        self.db.execute("INSERT INTO machines VALUES (?, ?, ?, 'active', ?)",
                        [machine_id, public_key, office_code, protocol.iso(now())])
        self._allocate(machine_id, office_code)
        return dict(self.db.execute("SELECT * FROM machines WHERE machine_id = ?",
                                    [machine_id]).fetchone())

    def _allocate(self, machine_id: str, office_code: str) -> None:
        """Reserve number blocks and blank ranges for one machine (DHIS2-style reserved
        values): no two machines ever get overlapping serials."""
        year = now().year
        for prefix in protocol.BLOCK_PREFIXES:
            last = self.counter(f"serial:{prefix}:{office_code}:{year}", BLOCK_SIZE)
            block_id = f"{prefix}{office_code}-{year}-{last - BLOCK_SIZE + 1:06d}"
            self.put_reference("number_blocks", block_id, {
                "block_id": block_id, "prefix": prefix, "division_code": office_code,
                "year": year, "first_serial": last - BLOCK_SIZE + 1, "last_serial": last},
                machine_id=machine_id)
        for certificate in ("marriage", "divorce"):
            last = self.counter(f"blank:{certificate}", RANGE_SIZE)
            letter = "J" if certificate == "marriage" else "L"
            range_id = f"{certificate}-{last - RANGE_SIZE + 1:09d}"
            self.put_reference("blank_ranges", range_id, {
                "range_id": range_id, "certificate": certificate,
                "first": f"{letter}{last - RANGE_SIZE + 1:09d}", "last": f"{letter}{last:09d}"},
                machine_id=machine_id)

    def machine(self, machine_id: str) -> dict | None:
        row = self.db.execute("SELECT * FROM machines WHERE machine_id = ?",
                              [machine_id]).fetchone()
        return dict(row) if row else None

    def set_machine_status(self, machine_id: str, status: str) -> None:
        with self.tx():
            self.db.execute("UPDATE machines SET status = ? WHERE machine_id = ?",
                            [status, machine_id])

    def position(self, machine_id: str) -> tuple[int, str]:
        row = self.db.execute("SELECT seq, hash FROM entries WHERE machine_id = ? "
                              "ORDER BY seq DESC LIMIT 1", [machine_id]).fetchone()
        return (row[0], row[1]) if row else (0, "0" * 64)

    # --- reading back (tests, demo) -------------------------------------------------------
    def ledger(self, machine_id: str) -> list[dict]:
        """Every stored entry of a machine in seq order, as received."""
        rows = self.db.execute("SELECT body, status, reason_code, deliveries FROM entries "
                               "WHERE machine_id = ? ORDER BY seq", [machine_id]).fetchall()
        return [{**json.loads(r["body"]), "_status": r["status"],
                 "_reason_code": r["reason_code"], "_deliveries": r["deliveries"]}
                for r in rows]

    def blob_path(self, sha256: str, partial: bool = False) -> Path:
        return self.blobs / (sha256 + (".part" if partial else ""))


class _Tx:
    def __init__(self, store: SimStore) -> None:
        self.store = store

    def __enter__(self) -> SimStore:
        self.store.lock.acquire()
        self.store.db.execute("BEGIN IMMEDIATE")
        return self.store

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        try:
            self.store.db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.store.lock.release()


def now() -> datetime:
    return datetime.now(UTC)


def fsync_write(path: Path, data: bytes, append: bool) -> None:
    with open(path, "ab" if append else "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
