"""The journal: the counter's source of truth.

Every action is an append-only, hash-chained entry, committed durably (WAL, synchronous=FULL)
before ``append`` returns, with the projections it changes updated in the same transaction.
All writes go through one connection owned by one thread (``journal-writer``); reads use their
own connection and never block on the writer (WAL).
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable, Iterator, TypeVar

import sqlite_utils

from counter_app.journal import db as dbmod
from counter_app.journal import core_projections, migrations, projections
from counter_app.journal.attachments import AttachmentRef, AttachmentStore
from counter_app.journal.canonical import GENESIS_HASH, canonical_json, entry_hash
from counter_app.journal.clock import (Clock, ClockReading, ServerOffset, SystemClock, iso_ms,
                                       read_clock)
from counter_app.journal.entry import Entry
from counter_app.journal.errors import (AttachmentError, ClockUntrustedError, JournalError,
                                        EntryIdConflictError, JournalOpenError)
from counter_app.journal.anchor import Anchor
from counter_app.journal.keys import MachineKey, load_or_create
from counter_app.journal.lock import DataDirLock
from counter_app.journal.projections import defined_in

log = logging.getLogger(__name__)
T = TypeVar("T")

JOURNAL_FILE = "journal.db"
ATTACHMENT_DIR = "attachments"


class Journal:
    """An open journal. Create with :meth:`open` (data dir) or :meth:`open_file`.

    ``projections`` are the modules whose projections this journal maintains besides its own
    (cases, attachments); the app and every command hand it the composition root's list,
    ``counter_app.wiring.journal.PROJECTION_MODULES``.
    """

    def __init__(self, path: Path, key: MachineKey, attachment_dir: Path, *,
                 projections: Iterable[ModuleType] = (),
                 clock: Clock | None = None, clock_slack_ms: int = 1000,
                 clock_max_skew_s: int = 300, stop_before: str | None = None,
                 readonly: bool = False, journal_id: str | None = None,
                 anchor: Anchor | None = None, lock: DataDirLock | None = None) -> None:
        self.path = Path(path)
        self.key = key
        self.readonly = readonly
        #: The anchor sealed after every commit (None: a file opened outside its data dir).
        self.anchor = anchor
        self._lock = lock
        self._new_journal_id = journal_id
        self.projections = defined_in((core_projections, *projections))
        self.clock: Clock = clock or SystemClock()
        self.clock_slack_ms = clock_slack_ms
        self.clock_max_skew_ms = clock_max_skew_s * 1000
        self.attachments = AttachmentStore(attachment_dir, key.attachment_key,
                                           key.attachment_name_key)
        self.last_clock_problem = ""
        self._clock_listeners: list[Callable[[ClockReading], None]] = []
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal-writer")
        self._writer_thread: threading.Thread | None = None
        self._read_lock = threading.Lock()
        self._wdb: sqlite_utils.Database | None = None
        try:
            if not readonly:
                _create_private(self.path)
                self._wdb = self._on_writer(lambda: self._open_writer(stop_before))
            self._rdb = dbmod.connect(self.path, key.sqlcipher_key, readonly=readonly)
        except BaseException:
            if self._wdb is not None:
                self._on_writer(self._wdb.close)
            self._writer.shutdown(wait=True)
            raise

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path, key_store: str = "auto", *, key_dir: Path | None = None,
             readonly: bool = False, acked_seq: int | None = None,
             program: str = "counter-app", **kwargs: Any) -> "Journal":
        """Open the journal of ``data_dir`` with this machine's key, after checking it against
        its anchor (``guard.py``); create it only in a genuinely new data dir.

        Unless ``readonly``, the data dir's lock is taken and held until :meth:`close`
        (DataDirInUseError when another program has it). ``key_dir`` is where the key file
        and the anchor live (default ``keys.default_key_dir()``); ``acked_seq`` is the
        province's acknowledged seq as last heard, when known; ``program`` names this process
        in the lock file. Refusals raise
        JournalSwappedError (deleted, emptied, older copy, another chain) or KeyStoreError.
        """
        from counter_app.journal.opening import open_data_dir

        return open_data_dir(cls, Path(data_dir), key_store, key_dir=key_dir,
                             readonly=readonly, acked_seq=acked_seq, program=program,
                             **kwargs)

    @classmethod
    def open_file(cls, path: Path, key_store: str = "auto", *, key: MachineKey | None = None,
                  attachment_dir: Path | None = None, key_dir: Path | None = None,
                  **kwargs: Any) -> "Journal":
        """Open the journal file ``path``. A data dir's own ``journal.db`` opens as
        :meth:`open` does; any other file (a backup, a copy under examination) opens with
        ``key`` and ``attachment_dir`` (default: those of the directory it is in),
        unanchored and unlocked, and is never created."""
        path = Path(path)
        if path.name == JOURNAL_FILE:
            return cls.open(path.parent, key_store, key_dir=key_dir, **kwargs)
        if not path.exists():
            raise JournalOpenError(f"日志文件不存在：{path}", detail=f"missing {path}")
        key = key or load_or_create(path.parent, key_store, create=False, key_dir=key_dir)
        return cls(path, key, attachment_dir or path.parent / ATTACHMENT_DIR, **kwargs)

    def _open_writer(self, stop_before: str | None) -> sqlite_utils.Database:
        self._writer_thread = threading.current_thread()
        wdb = dbmod.connect(self.path, self.key.sqlcipher_key)
        try:
            migrations.MIGRATIONS.apply(wdb, stop_before=stop_before)
            with wdb.atomic():
                if wdb.execute("SELECT count(*) FROM journal_state").fetchone()[0] == 0:
                    wdb.execute("INSERT INTO journal_state VALUES (1, ?, 0, ?, NULL)",
                                [self._new_journal_id or uuid.uuid4().hex, GENESIS_HASH])
            if stop_before is None:
                self._ensure_projections(wdb)
        except dbmod.DatabaseError as exc:
            wdb.close()
            raise JournalOpenError(
                f"日志文件已损坏，无法打开：{self.path}。请不要继续使用这台电脑办理，"
                "立即联系技术人员从备份或省级系统恢复。", detail=f"open: {exc!r}") from None
        except BaseException:
            wdb.close()
            raise
        return wdb

    def _ensure_projections(self, wdb: sqlite_utils.Database) -> None:
        stored = dict(wdb.execute("SELECT name, version FROM projection_versions").fetchall())
        self._forget_unmaintained(wdb, set(stored) - {p.name for p in self.projections})
        for proj in self.projections:
            if stored.get(proj.name) != proj.version:
                log.info("building projection %s v%s", proj.name, proj.version)
                with wdb.atomic():
                    self._rebuild_one(wdb, proj)

    def _forget_unmaintained(self, wdb: sqlite_utils.Database, names: set[str]) -> None:
        """Forget the version of stored projections this opening does not maintain.

        Entries appended now would not reach their tables, which would then lag behind the
        entries unnoticed. Forgetting the version makes the next opening that maintains the
        projection rebuild it from the entries. Refusing to open instead would lock out whoever
        needs only part of the journal (a tool, a test); the price is one rebuild later.
        """
        for name in sorted(names):
            log.info("projection %s is not maintained by this opening: rebuilt when it is",
                     name)
            with wdb.atomic():
                wdb.execute("DELETE FROM projection_versions WHERE name = ?", [name])

    def _rebuild_one(self, wdb: sqlite_utils.Database, proj: projections.Projection) -> None:
        proj.drop(wdb)
        proj.create(wdb)
        for entry in _iter_entries(wdb):
            proj.apply(wdb, entry)
        wdb.execute("INSERT OR REPLACE INTO projection_versions VALUES (?, ?)",
                    [proj.name, proj.version])

    def close(self) -> None:
        """Finish pending writes, close both connections, the anchor and the lock."""
        if self._writer is None:
            return
        try:
            if self._wdb is not None:
                self._on_writer(self._wdb.close)
        finally:
            self._writer.shutdown(wait=True)
            self._writer = None  # type: ignore[assignment]
            with self._read_lock:
                self._rdb.close()
            if self.anchor is not None:
                self.anchor.close()
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ---------------------------------------------------------------------------

    def _on_writer(self, fn: Callable[[], T]) -> T:
        if threading.current_thread() is self._writer_thread:
            return fn()
        return self._writer.submit(fn).result()

    def _writable(self) -> sqlite_utils.Database:
        if self._wdb is None:
            raise JournalError("内部错误：只读打开的日志不能写入。", detail="readonly journal")
        return self._wdb

    def put_attachment(self, data: bytes, media_type: str = "application/octet-stream"
                       ) -> AttachmentRef:
        """Store an attachment durably; reference the returned ref in an entry afterwards."""
        return self.attachments.put(data, media_type)

    def append(self, kind: str, payload: dict[str, Any], *, operator: str,
               case_id: str | None = None,
               attachments: Iterable[AttachmentRef | tuple[bytes, str]] = (),
               legal_act: bool = False, entry_id: str | None = None) -> Entry:
        """Append one entry and return it once it is durably committed.

        ``attachments`` are refs from :meth:`put_attachment` or ``(bytes, media_type)`` pairs,
        which are stored (and fsynced) first. A ``legal_act`` (registering, issuing) is refused
        with ClockUntrustedError when the device clock cannot be trusted. Passing the same
        ``entry_id`` again returns the already committed entry instead of writing a second one,
        which makes double submits harmless.
        """
        if not isinstance(payload, dict):
            raise JournalError("内部错误：记录内容必须是字典。", detail=f"payload {type(payload)}")
        try:
            canonical_json(payload)
        except (TypeError, ValueError) as exc:
            raise JournalError("内部错误：记录内容无法保存。", detail=f"payload: {exc}") from None
        refs = [self._store(a) for a in attachments]
        return self._on_writer(lambda: self._append_on_writer(
            kind, payload, operator, case_id, refs, legal_act, entry_id or uuid.uuid4().hex))

    def _store(self, item: AttachmentRef | tuple[bytes, str]) -> AttachmentRef:
        if isinstance(item, AttachmentRef):
            if not self.attachments.exists(item.sha256):
                raise AttachmentError("附件尚未保存，不能引用。",
                                      detail=f"attachment {item.sha256} not in store")
            return item
        data, media_type = item
        return self.attachments.put(data, media_type)

    def _append_on_writer(self, kind: str, payload: dict, operator: str, case_id: str | None,
                          refs: list[AttachmentRef], legal_act: bool, entry_id: str) -> Entry:
        # BEGIN IMMEDIATE takes SQLite's write lock before anything is read: the entry-id
        # check, the head and the clock's high water are read inside the write transaction,
        # so a second writer on the same file (another process that got past the data dir
        # lock) waits for this commit and then sees it: no fork of the chain, no blank twice.
        wdb = self._writable()
        try:
            wdb.execute("BEGIN IMMEDIATE")
            existing = self._existing_entry(wdb, entry_id, kind, payload, case_id)
            if existing is not None:
                wdb.execute("ROLLBACK")
                return existing
            entry, high_water = self._next_entry(wdb, kind, payload, operator, case_id, refs,
                                                 legal_act, entry_id)
            self._write_entry(wdb, entry, high_water)
            wdb.execute("COMMIT")
        except BaseException as exc:
            raise self._rolled_back(wdb, exc) from None
        self._seal(entry)
        return entry

    def _next_entry(self, wdb: sqlite_utils.Database, kind: str, payload: dict, operator: str,
                    case_id: str | None, refs: list[AttachmentRef], legal_act: bool,
                    entry_id: str) -> tuple[Entry, str]:
        head_seq, head_hash, high_water = wdb.execute(
            "SELECT head_seq, head_hash, high_water_time FROM journal_state").fetchone()
        reading = read_clock(self.clock, high_water, self._server_offset(wdb),
                             self.clock_slack_ms, self.clock_max_skew_ms)
        self._report_clock(reading)
        if legal_act and not reading.trusted:
            raise ClockUntrustedError(reading.problem_zh(), detail=f"clock {reading}")
        fields = dict(seq=head_seq + 1, entry_id=entry_id, case_id=case_id, kind=kind,
                      payload=payload, operator=operator, device_time=reading.device_time,
                      clock=reading.as_record(), attachments=[r.as_record() for r in refs],
                      prev_hash=head_hash)
        entry = Entry(hash=entry_hash(**fields), **fields)
        return entry, max(high_water or "", entry.device_time)

    def _write_entry(self, wdb: sqlite_utils.Database, entry: Entry, high_water: str) -> None:
        row = entry.as_row()
        columns = ", ".join(row)
        wdb.execute(f"INSERT INTO entries ({columns}) VALUES ({', '.join('?' * len(row))})",
                    list(row.values()))
        wdb.execute("UPDATE journal_state SET head_seq = ?, head_hash = ?, "
                    "high_water_time = ?", [entry.seq, entry.hash, high_water])
        for proj in self.projections:
            proj.apply(wdb, entry)

    @staticmethod
    def _rolled_back(wdb: sqlite_utils.Database, exc: BaseException) -> BaseException:
        """Roll back the open transaction; the error to raise for ``exc``."""
        if wdb.conn.in_transaction:
            wdb.execute("ROLLBACK")
        if isinstance(exc, (dbmod.DatabaseError, OSError)) and not isinstance(exc, JournalError):
            log.error("journal write failed: %r", exc)
            return dbmod.translate_write_error(exc)
        return exc

    def _seal(self, entry: Entry) -> None:
        """Seal the new head in the anchor. The entry is committed whatever happens here: a
        failed seal leaves the anchor behind, which the next seal (or opening) catches up."""
        if self.anchor is None:
            return
        try:
            self.anchor.seal_head(entry.seq, entry.hash)
        except OSError as exc:
            log.error("journal anchor not sealed at seq %s: %r", entry.seq, exc)

    def _existing_entry(self, wdb: sqlite_utils.Database, entry_id: str, kind: str,
                        payload: dict, case_id: str | None) -> Entry | None:
        """The entry already written under ``entry_id`` (a retried append), or None."""
        row = next(wdb.query("SELECT * FROM entries WHERE entry_id = ?", [entry_id]), None)
        if row is None:
            return None
        entry = Entry.from_row(row)
        if (entry.kind, entry.payload, entry.case_id) != (kind, payload, case_id):
            raise EntryIdConflictError("内部错误：同一个记录编号对应了不同的内容。",
                                    detail=f"entry_id {entry_id} reused with other content")
        return entry

    def _report_clock(self, reading: ClockReading) -> None:
        self.last_clock_problem = reading.problem_zh()
        if not reading.trusted:
            log.warning("device clock untrusted: regressed %d ms, server offset %s",
                        reading.regressed_ms, reading.server_offset)
            for listener in list(self._clock_listeners):
                listener(reading)

    def on_clock_problem(self, listener: Callable[[ClockReading], None]) -> None:
        """Call ``listener`` (on the writer thread) whenever an entry is taken with an
        untrusted clock. The UI turns it into a visible warning."""
        self._clock_listeners.append(listener)

    def record_server_time(self, server_time: datetime) -> ServerOffset:
        """Keep the offset between the server's time and this device's clock (from sync)."""

        def write() -> ServerOffset:
            now = self.clock.now()
            offset = ServerOffset(int((server_time - now).total_seconds() * 1000), iso_ms(now))
            wdb = self._writable()
            with wdb.atomic():
                wdb.execute("INSERT OR REPLACE INTO server_clock VALUES (1, ?, ?, ?)",
                                  [offset.offset_ms, offset.observed_at, iso_ms(server_time)])
            return offset

        return self._on_writer(write)

    @staticmethod
    def _server_offset(wdb: sqlite_utils.Database) -> ServerOffset | None:
        row = wdb.execute("SELECT offset_ms, observed_at FROM server_clock").fetchone()
        return ServerOffset(row[0], row[1]) if row else None

    def import_entries(self, entries: Iterable[Entry]) -> int:
        """Put another copy's entries, exactly as they were (seq, hashes), into this new, empty
        journal, in one transaction with the projections; for ``journal restore`` from the
        province. Each entry must hash right and continue the chain. Returns the head seq."""

        def run() -> int:
            wdb = self._writable()
            try:
                wdb.execute("BEGIN IMMEDIATE")
                head_seq, head_hash = wdb.execute(
                    "SELECT head_seq, head_hash FROM journal_state").fetchone()
                if head_seq != 0:
                    raise JournalError("内部错误：只能把记录导入到空的日志中。",
                                       detail=f"import into a journal at seq {head_seq}")
                high_water = ""
                for entry in entries:
                    _check_continues(entry, head_seq, head_hash)
                    high_water = max(high_water, entry.device_time)
                    self._write_entry(wdb, entry, high_water)
                    head_seq, head_hash = entry.seq, entry.hash
                wdb.execute("COMMIT")
            except BaseException as exc:
                raise self._rolled_back(wdb, exc) from None
            return int(head_seq)

        return self._on_writer(run)

    def rebuild_projections(self) -> list[str]:
        """Drop and rebuild every maintained projection from the entries, in one transaction."""

        def rebuild() -> list[str]:
            done = []
            wdb = self._writable()
            with wdb.atomic():
                for proj in self.projections:
                    self._rebuild_one(wdb, proj)
                    done.append(proj.name)
            return done

        return self._on_writer(rebuild)

    # --- reading ---------------------------------------------------------------------------

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """Run a read-only query (projections, entries) on the read connection."""
        with self._read_lock:
            return list(self._rdb.query(sql, list(params)))

    def entries(self, since_seq: int = 0, case_id: str | None = None) -> Iterator[Entry]:
        """Entries with seq > ``since_seq`` in order, optionally of one case."""
        where = "seq > ?"
        params: list[int | str] = [since_seq]
        if case_id is not None:
            where, params = where + " AND case_id = ?", params + [case_id]
        rows = self.query(f"SELECT * FROM entries WHERE {where} ORDER BY seq", params)
        return (Entry.from_row(r) for r in rows)

    def cases_with(self, kind: str) -> set[str]:
        """The ids of the cases that have an entry of ``kind`` (e.g. ``archive.built``)."""
        return {r["case_id"] for r in self.query(
            "SELECT DISTINCT case_id FROM entries WHERE kind = ? AND case_id IS NOT NULL", [kind])}

    @property
    def journal_id(self) -> str:
        """The id this journal got when it was created (the anchor checks it)."""
        return str(self.query("SELECT journal_id FROM journal_state")[0]["journal_id"])

    def head(self) -> tuple[int, str]:
        """(seq, hash) of the last committed entry; (0, genesis) when empty."""
        row = self.query("SELECT head_seq, head_hash FROM journal_state")[0]
        return row["head_seq"], row["head_hash"]

    def server_offset(self) -> ServerOffset | None:
        """The last known server-time offset, or None if the server was never reached."""
        rows = self.query("SELECT offset_ms, observed_at FROM server_clock")
        return ServerOffset(rows[0]["offset_ms"], rows[0]["observed_at"]) if rows else None

    def table_rows(self, table: str) -> list[tuple]:
        """All rows of ``table`` in a canonical order (for comparing with a rebuild)."""
        with self._read_lock:
            return projections.table_rows(self._rdb, table)

    def get_attachment(self, sha256: str) -> bytes:
        """The decrypted bytes of an attachment, checked against its SHA-256."""
        return self.attachments.get(sha256)

    def schema_version(self) -> int:
        with self._read_lock:
            return migrations.schema_version(self._rdb)


def _check_continues(entry: Entry, head_seq: int, head_hash: str) -> None:
    if (entry.seq, entry.prev_hash) != (head_seq + 1, head_hash) or \
            entry.computed_hash() != entry.hash:
        raise JournalError(f"恢复的记录第 {entry.seq} 条与前一条接不上或内容被改动，恢复已中止。",
                           detail=f"import: seq {entry.seq} does not continue {head_seq}")


def _create_private(path: Path) -> None:
    """Create a new journal file owner-only (SQLite gives its -wal and -shm the same mode)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _iter_entries(db: sqlite_utils.Database) -> Iterator[Entry]:
    for row in db.query("SELECT * FROM entries ORDER BY seq"):
        yield Entry.from_row(row)
