"""The archive index: historical records and this counter's own registrations, searchable.

It lives in ``<data dir>/archive.db``, a SQLCipher database keyed with its own HKDF sub-key of
the machine key (``MachineKey.derive("archive sqlcipher")``), opened by the journal's own
``connect`` — copied off the PC it is as unreadable as the journal. The journal stays the
truth: each import is journaled (``archive.imported``: file hash, row counts), this counter's
registrations are read from its ``case.registered`` entries, so the index can be rebuilt from
the journal plus the imported files.

Search keys live in one B-tree (``keys``, WITHOUT ROWID) so every lookup is a range scan:

    i<18-digit id>     either party's ID number (15-digit numbers are converted on import)
    n<name>            either party's name (prefix search)
    p<pinyin>          full pinyin without tones ("wangyan"), each reading of the surname
    p<initials>        initials ("wy")

A query is split on spaces; each part is an ID number (or its first digits), a year (4 digits,
filters the registration year), pinyin (latin letters) or a name (anything else). Two names
("王䶮 赵㛃") find the record of that couple: that is the search by spouse's name.
"""

from __future__ import annotations

import heapq
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable

from counter_app.domain.idnumber import validate
from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.journal import db as dbmod
from counter_app.reissue.records import ArchiveRecord, BadRow, PartyRecord

log = logging.getLogger(__name__)

ARCHIVE_FILE = "archive.db"
#: Results shown at most; candidates examined per query part at most (then "narrow it down").
MAX_RESULTS, MAX_CANDIDATES = 50, 20_000
#: Records written per batch of an import; bad rows an import's report lists at most (the
#: rest are counted), so a refused million-row file costs kilobytes of report, not gigabytes.
IMPORT_BATCH, MAX_LISTED_ERRORS = 10_000, 1_000
#: Search keys written per batch, sorted: each batch walks the key B-tree once in key order,
#: decrypting and re-encrypting the leaf pages it touches, so fewer, larger batches cost far
#: less than many small ones (about 9 keys a record: ~60 000 records a batch, ~90 MB).
IMPORT_KEY_BATCH = 600_000
#: Page cache of the importing connection (KiB; SQLite's default is 8 MB). The key tree of a
#: large import does not fit in any cache a counter PC can spare; the batches above matter more.
IMPORT_CACHE_KIB = 65_536
_END = "\U0010ffff"

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS records (
        rid INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, source TEXT NOT NULL,
        item TEXT NOT NULL, registration_date TEXT NOT NULL, year INTEGER NOT NULL,
        certificate_number TEXT NOT NULL, office_code TEXT NOT NULL, office_name TEXT NOT NULL,
        man_name TEXT, man_id TEXT, man_birth TEXT,
        woman_name TEXT, woman_id TEXT, woman_birth TEXT, upgraded TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS keys (
        key TEXT NOT NULL, rid INTEGER NOT NULL, role INTEGER NOT NULL,
        PRIMARY KEY (key, rid, role)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS records_certno ON records (certificate_number)",
    "CREATE TABLE IF NOT EXISTS imports (sha256 TEXT PRIMARY KEY, rows INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


class ArchiveSearchError(CounterAppError):
    """The query cannot be searched as typed; the message says what to type."""

    code = "archive.bad_query"


class ArchiveBusyError(CounterAppError):
    """Another process is writing the archive index (an import) and did not finish in time."""

    code = "archive.busy"


@dataclass
class Imported:
    """What an import did to the index: rows read, records added, whether the file was in
    already, and the bad rows (the first MAX_LISTED_ERRORS, in row order, and how many)."""

    rows: int = 0
    imported: int = 0
    already: bool = False
    errors: list[BadRow] = field(default_factory=list)
    error_count: int = 0

    def refuse(self, bad: BadRow) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(bad)


@dataclass(frozen=True)
class Hit:
    """One found record and which party the query matched (man / woman / None)."""

    record: ArchiveRecord
    matched_role: str | None


@dataclass
class SearchResult:
    """Found records (newest registration first) and what kinds of key the query used."""

    hits: list[Hit] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    truncated: bool = False


@lru_cache(maxsize=50_000)
def pinyin_keys(name: str) -> tuple[str, ...]:
    """Full pinyin and initials of ``name``, one pair per reading of the surname (单: dan,
    shan; 曾: ceng, zeng). Only the surname's readings are enumerated: given names rarely
    use the uncommon reading and every extra reading is an extra index row."""
    letters = re.sub(r"[^\u3400-\u9fff\U00020000-\U0002ffff]", "", name)
    if not letters:
        latin = re.sub(r"[^a-z]", "", name.lower())
        return (latin,) if latin else ()
    rest_full, rest_init = _given_pinyin(letters[1:])
    keys: list[str] = []
    for reading in _surname_readings(letters[0]):
        for key in (reading + rest_full, reading[:1] + rest_init):
            if key not in keys:
                keys.append(key)
    return tuple(keys)


@lru_cache(maxsize=20_000)
def _surname_readings(char: str) -> tuple[str, ...]:
    """Up to three readings of a surname character (cached: surnames repeat)."""
    from pypinyin import Style, pinyin

    return tuple(pinyin(char, heteronym=True, style=Style.NORMAL)[0][:3])


@lru_cache(maxsize=200_000)
def _given_pinyin(letters: str) -> tuple[str, str]:
    """Full pinyin and initials of the characters after the surname, read in context
    (cached apart from the surname: a county's given names repeat far more than its names)."""
    from pypinyin import Style, lazy_pinyin

    return ("".join(lazy_pinyin(letters)),
            "".join(lazy_pinyin(letters, style=Style.FIRST_LETTER)))


def record_keys(record: ArchiveRecord) -> list[tuple[str, int]]:
    """(key, role number) rows of a record: role 0 the man, 1 the woman."""
    rows = []
    for number, party in enumerate(record.parties):
        if party.id_number:
            rows.append(("i" + party.id_number, number))
        if party.name:
            rows.append(("n" + party.name, number))
            rows.extend(("p" + key, number) for key in pinyin_keys(party.name))
    return list(dict.fromkeys(rows))


class ArchiveIndex:
    """The encrypted archive index of one data directory. Thread-safe (one lock)."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = Path(path)
        self.db = dbmod.connect(self.path, key)
        self.lock = threading.RLock()
        with self.lock:
            for statement in SCHEMA:
                self.db.execute(statement)

    @classmethod
    def for_journal(cls, journal: Journal) -> "ArchiveIndex":
        """The index beside ``journal``, encrypted with its machine key's archive sub-key."""
        return cls(journal.path.parent / ARCHIVE_FILE, journal.key.derive("archive sqlcipher"))

    def close(self) -> None:
        with self.lock:
            self.db.conn.close()

    def __enter__(self) -> "ArchiveIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing -------------------------------------------------------------------------

    def add(self, records: Iterable[ArchiveRecord],
            imported: tuple[str, int] | None = None) -> int:
        """Add records in one transaction (all or nothing); returns how many were new.
        ``imported`` (file SHA-256, rows) marks their file imported in the same transaction,
        so a crash cannot leave the records in without the mark (or the mark without them).
        ArchiveBusyError when an import in another process holds the index."""
        added = 0
        try:
            with self.lock, self.db.atomic():
                for record in records:
                    added += self._insert(record)
                if imported is not None:
                    self.db.execute("INSERT OR REPLACE INTO imports VALUES (?, ?)",
                                    list(imported))
        except dbmod.DatabaseError as err:
            if not _busy(err):
                raise
            raise ArchiveBusyError("档案库正在被另一个导入写入，请稍后再试。",
                                   detail=str(err)) from None
        return added

    def _insert(self, record: ArchiveRecord) -> int:
        cur = self.db.execute(f"INSERT OR IGNORE INTO records VALUES ({', '.join('?' * 16)})",
                              _row(None, record, record.ref, record.source))
        if cur.rowcount == 0:
            return 0
        rid = cur.lastrowid
        self.db.conn.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?, ?)",
                                 [(key, rid, role) for key, role in record_keys(record)])
        return 1

    def import_records(self, rows: Iterable[tuple[int, ArchiveRecord | str]], sha256: str,
                       ref_prefix: str, source: str,
                       before_commit: Callable[[], None] = lambda: None) -> Imported:
        """Import a file's rows (row number, record or the reason it is bad), all or none, in
        ONE write transaction taken before anything is read (BEGIN IMMEDIATE): whether the
        file is in already, the records and keys (in batches, as the rows stream in), the
        字号 check against the index and within the file, and the file's mark. So two imports
        at once, in two processes, are one after the other: the second sees the first's
        records. Any bad row, or ``before_commit`` raising, rolls everything back."""
        with self.lock:
            self._begin_write()
            try:
                outcome = self._import(rows, sha256, ref_prefix, source)
                if outcome.already or outcome.error_count:
                    self.db.execute("ROLLBACK")
                    return outcome
                before_commit()
                self.db.execute("COMMIT")
                return outcome
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            finally:
                self.db.execute(f"PRAGMA cache_size = {self._cache_size}")

    def _begin_write(self) -> None:
        """BEGIN IMMEDIATE: the index's write lock now, or ArchiveBusyError after the
        connection's busy timeout (another import holds it)."""
        self._cache_size = self.db.execute("PRAGMA cache_size").fetchone()[0]
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except dbmod.DatabaseError as err:
            if not _busy(err):
                raise
            raise ArchiveBusyError("档案库正在被另一个导入写入，请等它完成后再导入（或稍后重试）。",
                                   detail=str(err)) from None
        self.db.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")

    def _import(self, rows: Iterable[tuple[int, ArchiveRecord | str]], sha256: str,
                ref_prefix: str, source: str) -> Imported:
        outcome = Imported()
        if self.db.execute("SELECT 1 FROM imports WHERE sha256 = ?", [sha256]).fetchone():
            outcome.already = True
            return outcome
        base = self.db.execute("SELECT coalesce(max(rid), 0) FROM records").fetchone()[0]
        rid, started = base, time.thread_time()
        records: list[list[Any]] = []
        keys: list[tuple[str, int, int]] = []
        written = 0.0
        for number, item in rows:
            outcome.rows += 1
            if isinstance(item, str):
                outcome.refuse(BadRow(number, item))
                continue
            rid += 1
            records.append(_row(rid, item, f"{ref_prefix}:{number}", source))
            keys.extend((key, rid, role) for key, role in record_keys(item))
            if len(records) >= IMPORT_BATCH:
                written += self._write(records, [])
                records = []
            if len(keys) >= IMPORT_KEY_BATCH:
                written += self._write([], keys)
                keys = []
        written += self._write(records, keys)
        log.info("archive import: %d rows read in %.1f s CPU, written in %.1f s CPU",
                 outcome.rows, time.thread_time() - started - written, written)
        self._refuse_duplicates(outcome, base)
        if not outcome.error_count:  # else everything is rolled back: nothing imported
            outcome.imported = rid - base
            self.db.execute("INSERT INTO imports VALUES (?, ?)", [sha256, outcome.rows])
        return outcome

    def _write(self, records: list[list[Any]], keys: list[tuple[str, int, int]]) -> float:
        """One batch: the records, then the keys sorted (B-tree order, fewer page visits);
        returns the CPU seconds it took (the import's log line reports them)."""
        started = time.thread_time()
        self.db.conn.executemany(f"INSERT INTO records VALUES ({', '.join('?' * 16)})", records)
        # By key alone (twice as fast as comparing tuples): the sort is stable and the keys
        # were appended in (rid, role) order, so this is the (key, rid, role) order all the same.
        keys.sort(key=itemgetter(0))
        self.db.conn.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?, ?)", keys)
        return time.thread_time() - started

    def _refuse_duplicates(self, outcome: Imported, base: int) -> None:
        """Each record of this import (rid > base) whose 字号 an earlier record holds: one
        already in the index, or an earlier row of the same file. Run inside the import's
        transaction, after its rows are in, so it sees everything committed before it."""
        found = self.db.execute(
            "SELECT r.ref, r.certificate_number, f.rid, f.ref FROM records r "
            "JOIN records f ON f.rid = (SELECT min(o.rid) FROM records o "
            "WHERE o.certificate_number = r.certificate_number) "
            "WHERE r.rid > ? AND f.rid < r.rid ORDER BY r.rid LIMIT ?",
            [base, MAX_LISTED_ERRORS]).fetchall()
        duplicates = [BadRow(_row_number(ref), f"字号 {number} 已在档案库中" if first <= base
                             else f"字号 {number} 与第 {_row_number(first_ref)} 行重复")
                      for ref, number, first, first_ref in found]
        count = len(duplicates)
        if count == MAX_LISTED_ERRORS:
            count = self.db.execute(
                "SELECT count(*) FROM records r WHERE r.rid > ? AND EXISTS (SELECT 1 FROM "
                "records o WHERE o.certificate_number = r.certificate_number AND o.rid < r.rid)",
                [base]).fetchone()[0]
        listed = heapq.merge(outcome.errors, duplicates, key=lambda b: b.row)
        outcome.errors = list(islice(listed, MAX_LISTED_ERRORS))
        outcome.error_count += count

    def imported(self, sha256: str) -> int | None:
        """The rows of the file with ``sha256`` if it was imported, else None."""
        with self.lock:
            row = self.db.execute("SELECT rows FROM imports WHERE sha256 = ?",
                                  [sha256]).fetchone()
        return None if row is None else row[0]

    def meta(self, name: str, default: str = "") -> str:
        with self.lock:
            row = self.db.execute("SELECT value FROM meta WHERE name = ?", [name]).fetchone()
        return row[0] if row else default

    def set_meta(self, name: str, value: str) -> None:
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [name, value])

    def count(self) -> int:
        with self.lock:
            return self.db.execute("SELECT count(*) FROM records").fetchone()[0]

    # --- reading -------------------------------------------------------------------------

    def get(self, ref: str) -> ArchiveRecord | None:
        """The record with this ref, or None."""
        with self.lock:
            row = self.db.execute("SELECT * FROM records WHERE ref = ?", [ref]).fetchone()
        return _record(row) if row else None

    def records_of_couple(self, man_id: str, woman_id: str) -> list[ArchiveRecord]:
        """Every record between these two ID numbers (for the status-changed check)."""
        with self.lock:
            rows = self.db.execute(
                "SELECT r.* FROM keys k JOIN records r ON r.rid = k.rid "
                "WHERE k.key = ? AND k.role = 0 AND r.woman_id = ? "
                "ORDER BY r.registration_date", ["i" + man_id, woman_id]).fetchall()
        return [_record(row) for row in rows]

    def search(self, query: str, limit: int = MAX_RESULTS) -> SearchResult:
        """Records matching every part of ``query`` (see the module docstring), newest first.

        One statement: each part's key range (at most MAX_CANDIDATES entries) intersected,
        joined to the records, ordered and limited in SQLite, so a common surname costs an
        index range scan, not thousands of Python objects."""
        parts, years = parse_query(query)
        result = SearchResult(kinds=[kind for kind, _ in parts] + ["year"] * bool(years))
        if not parts:
            raise ArchiveSearchError("请输入身份证号、姓名或拼音（可加登记年份，如“王䶮 1998”）。")
        scan = "SELECT rid FROM (SELECT rid FROM keys WHERE key >= ? AND key < ? LIMIT ?)"
        sql = " INTERSECT ".join([scan] * len(parts))
        params: list[Any] = [v for _, (low, high) in parts for v in (low, high, MAX_CANDIDATES)]
        year_sql = ""
        if years:
            year_sql = f" WHERE r.year IN ({','.join('?' * len(years))})"
            params += sorted(years)
        with self.lock:
            rows = self.db.execute(
                f"SELECT r.* FROM ({sql}) c JOIN records r ON r.rid = c.rid{year_sql} "
                f"ORDER BY r.registration_date DESC, r.rid LIMIT ?", params + [limit + 1]
            ).fetchall()
            for _, (low, high) in parts:
                counted = self.db.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM keys WHERE key >= ? AND key < ? "
                    "LIMIT ?)", [low, high, MAX_CANDIDATES]).fetchone()[0]
                result.truncated |= counted >= MAX_CANDIDATES
        result.truncated |= len(rows) > limit
        first = parts[0]
        result.hits = [Hit(record, _matched(record, first)) for record in
                       (_record(row) for row in rows[:limit])]
        return result


def _matched(record: ArchiveRecord, part: tuple[str, tuple[str, str]]) -> str | None:
    """Which party the query's first part found (for the screen's highlight)."""
    kind, (low, _) = part
    text = low[1:]
    for party in record.parties:
        if kind in ("id", "id_prefix") and party.id_number.startswith(text):
            return party.role
        if kind == "name" and party.name.startswith(text):
            return party.role
        if kind == "pinyin" and any(k.startswith(text) for k in pinyin_keys(party.name)):
            return party.role
    return None


def parse_query(query: str) -> tuple[list[tuple[str, tuple[str, str]]], set[int]]:
    """The query's parts as (kind, key range) and the years it names."""
    parts, years = [], set()
    for token in (query or "").split():
        token = re.sub(r"[（）()，,]", "", token)
        if not token:
            continue
        if re.fullmatch(r"(19|20)\d\d", token):
            years.add(int(token))
        elif re.fullmatch(r"\d{15}|\d{17}[\dXx]", token):
            checked = validate(token, "resident")
            if not checked.ok:
                raise ArchiveSearchError(f"身份证号 {token} 有误：{checked.errors[0].message_zh}")
            parts.append(("id", ("i" + checked.normalized, "i" + checked.normalized + "\x00")))
        elif re.fullmatch(r"\d{6,17}", token):
            parts.append(("id_prefix", ("i" + token, "i" + token + _END)))
        elif re.fullmatch(r"[A-Za-z]+", token):
            low = token.lower()
            parts.append(("pinyin", ("p" + low, "p" + low + _END)))
        elif re.fullmatch(r"\d+", token):
            raise ArchiveSearchError(f"“{token}”既不是身份证号也不是年份：身份证号至少输入前 6 位，"
                                     "年份输入 4 位。")
        else:
            parts.append(("name", ("n" + token, "n" + token + _END)))
    return parts, years


def _record(row: Any) -> ArchiveRecord:
    (_rid, ref, source, item, registered, _year, number, office_code, office_name,
     man_name, man_id, man_birth, woman_name, woman_id, woman_birth, upgraded) = tuple(row)
    return ArchiveRecord(item, registered, number, office_code, office_name,
                         PartyRecord("man", man_name or "", man_id or "", man_birth or ""),
                         PartyRecord("woman", woman_name or "", woman_id or "",
                                     woman_birth or ""),
                         source=source, ref=ref,
                         id_upgraded=tuple(r for r in upgraded.split(",") if r))


def _busy(err: Exception) -> bool:
    """SQLite's "database is locked" after the busy timeout: another writer holds the file."""
    return "locked" in str(err) or "busy" in str(err)


def _row(rid: int | None, record: ArchiveRecord, ref: str, source: str) -> list[Any]:
    """A records-table row of an imported record."""
    return [rid, ref, source, record.item, record.registration_date,
            int(record.registration_date[:4]), record.certificate_number, record.office_code,
            record.office_name, record.man.name, record.man.id_number, record.man.birth_date,
            record.woman.name, record.woman.id_number, record.woman.birth_date,
            ",".join(record.id_upgraded)]


def _row_number(ref: str) -> int:
    """The file row of an imported record (its ref is "imp:<sha8>:<row>")."""
    return int(ref.rsplit(":", 1)[1])
