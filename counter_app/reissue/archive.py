"""The archive as the registrar uses it: import files, search, open a record — each audited.

Every import is a journal entry (``archive.imported``: the file's SHA-256, its format and row
counts); every search (``archive.searched``: the kinds of key used, a keyed hash of the query,
the number of results and the refs of the records shown, and the purpose — never the query
itself, so the journal's uploads carry no name or ID number typed at the counter) and every
record opened (``archive.viewed``: the record's ref) too (PRODUCT.md §5: every view is
audited; counter_app.audit lists them). Each is refused unless the permission table allows it
(archive.import, archive.search, archive.view: never a technician). Logs get counts only.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.operators import require
from counter_app.reissue.index import ArchiveBusyError, ArchiveIndex, SearchResult
from counter_app.reissue.kinds import (KIND_ARCHIVE_IMPORTED, KIND_ARCHIVE_SEARCHED,
                                       KIND_ARCHIVE_VIEWED)
from counter_app.reissue.records import (ArchiveFileError, ArchiveRecord, BadRow, PartyRecord,
                                         parse_rows, read_rows)
from counter_app.workflows.kinds import KIND_INTAKE_PARTY
from sync.kinds import KIND_CASE_REGISTERED

log = logging.getLogger(__name__)


class ArchiveImportError(CounterAppError):
    """The file was not imported (nothing of it was kept); ``report`` lists the bad rows."""

    code = "archive.import_refused"

    def __init__(self, message_zh: str, report: "ImportReport", **kwargs: Any) -> None:
        super().__init__(message_zh, **kwargs)
        self.report = report


@dataclass
class ImportReport:
    """What an import did (the ``archive import --json`` shape). ``errors`` lists the first
    1000 bad rows in row order; ``error_count`` counts them all."""

    file: str
    sha256: str
    format: str
    rows: int = 0
    imported: int = 0
    already_imported: bool = False
    errors: list[BadRow] = field(default_factory=list)
    error_count: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "sha256": self.sha256, "format": self.format,
                "rows": self.rows, "imported": self.imported,
                "already_imported": self.already_imported,
                "errors": [e.as_json() for e in self.errors], "error_count": self.error_count}


class Archive:
    """Search and import over one data directory's archive index, audited in ``journal``."""

    def __init__(self, journal: Journal, index: ArchiveIndex, operator: str) -> None:
        self.journal, self.index, self.operator = journal, index, operator
        self._query_key = journal.key.derive("archive query audit")

    # --- import --------------------------------------------------------------------------

    def import_file(self, path: Path, fmt: str | None = None) -> ImportReport:
        """Import a CSV or JSON archive file, all rows or none, read as a stream. The same
        file twice is a no-op (``already_imported``). Raises ArchiveImportError listing the
        bad rows, ArchiveFileError when the file cannot be read on, ArchiveBusyError when
        another import holds the index. A supervisor's act (or the command line's);
        :meth:`import_bytes` and :meth:`import_stream` are the unguarded parts below it."""
        require(self.journal, self.operator, "archive.import", record=Path(path).name)
        path = Path(path)
        fmt = fmt or _format_of(path)
        unreadable = CounterAppError(f"无法读取档案文件：{path}", code="archive.unreadable")
        try:
            stream = path.open("rb")
        except OSError:
            raise unreadable from None
        with stream:
            try:
                sha256 = _sha256(stream)
            except OSError:
                raise unreadable from None
            return self.import_stream(stream, path.name, fmt, sha256)

    def import_bytes(self, data: bytes, name: str, fmt: str) -> ImportReport:
        """Import a file held in memory (small files; see import_file)."""
        return self.import_stream(io.BytesIO(data), name, fmt, hashlib.sha256(data).hexdigest())

    def import_stream(self, stream: IO[bytes], name: str, fmt: str,
                      sha256: str) -> ImportReport:
        """Import from ``stream`` (at its start) the file whose SHA-256 is ``sha256``; the
        bytes read are hashed again, and a file changed since is refused before the commit."""
        report = ImportReport(file=name, sha256=sha256, format=fmt)
        hashing = _Hashing(stream)
        buffered = io.BufferedReader(hashing, buffer_size=1 << 20)
        rows = parse_rows(read_rows(buffered, fmt))
        sha8 = sha256[:12]
        outcome = self.index.import_records(rows, sha256, f"imp:{sha8}", f"import:{sha8}",
                                            before_commit=lambda: hashing.check(sha256))
        if outcome.already:
            report.already_imported = True
            self._journal_import(sha256, name, fmt)  # in case that write was lost
            return report
        report.rows, report.errors = outcome.rows, outcome.errors
        report.error_count = outcome.error_count
        if outcome.error_count:
            raise ArchiveImportError(
                f"档案文件有 {outcome.error_count} 行有误，整个文件没有导入。请改正后重新导入：" +
                "；".join(f"第 {b.row} 行：{b.reason}" for b in outcome.errors[:5]) +
                ("……" if outcome.error_count > 5 else ""), report)
        report.imported = outcome.imported
        self._journal_import(sha256, name, fmt, imported=report.imported)
        log.info("archive import: %d rows", report.imported)
        return report

    def _journal_import(self, sha256: str, name: str, fmt: str,
                        imported: int | None = None) -> None:
        """The ``archive.imported`` entry of a file in the index (once: it has a fixed id).
        A retry after a crash between the index and the journal writes it then."""
        entry_id = f"archive.imported:{sha256}"
        if self.journal.query("SELECT 1 FROM entries WHERE entry_id = ?", [entry_id]):
            return
        rows = self.index.imported(sha256)
        self.journal.append(KIND_ARCHIVE_IMPORTED, {
            "file": name, "sha256": sha256, "format": fmt, "rows": rows,
            "imported": rows if imported is None else imported,
            "records_total": self.index.count()}, operator=self.operator, entry_id=entry_id)

    # --- this counter's registrations ----------------------------------------------------

    def sync_journal(self) -> int:
        """Index the ``case.registered`` entries written since the last call; returns how many
        were added. Idempotent (each case's record has the ref ``case:<case id>``)."""
        last = int(self.index.meta("journal_seq", "0"))
        rows = self.journal.query("SELECT seq, case_id, payload FROM entries WHERE kind = ? "
                                  "AND seq > ? ORDER BY seq", [KIND_CASE_REGISTERED, last])
        if not rows:
            return 0
        try:
            added = self.index.add(self._registered(row) for row in rows)
        except ArchiveBusyError:
            # An import in another process holds the index: these registrations are
            # indexed at the next search; this one searches what is there.
            log.warning("archive index busy: %d registrations wait for the next search",
                        len(rows))
            return 0
        self.index.set_meta("journal_seq", str(rows[-1]["seq"]))
        return added

    def _registered(self, row: dict[str, Any]) -> ArchiveRecord:
        import json

        payload = json.loads(row["payload"])
        births = {}
        for entry in self.journal.entries(case_id=row["case_id"]):
            if entry.kind == KIND_INTAKE_PARTY:
                births[entry.payload["role"]] = entry.payload["party"].get("birth_date", "")
        parties = {p["role"]: PartyRecord(p["role"], p["name"], p["id_number"]
                                          if p.get("id_type") == "resident" else "",
                                          births.get(p["role"], ""))
                   for p in payload["parties"]}
        return ArchiveRecord(payload["item"], payload["registration_date"],
                             payload["certificate_number"], payload.get("office_code", ""), "",
                             parties["man"], parties["woman"], source="journal",
                             ref=f"case:{row['case_id']}")

    # --- search and view -----------------------------------------------------------------

    def search(self, query: str, *, purpose: str = "") -> SearchResult:
        """Search (after indexing new registrations); the search is journaled with the refs of
        the records it shows and why they were looked up (``purpose``, e.g. 补领)."""
        require(self.journal, self.operator, "archive.search")
        self.sync_journal()
        result = self.index.search(query)
        digest = hmac.new(self._query_key, " ".join(query.split()).encode(), "sha256")
        self.journal.append(KIND_ARCHIVE_SEARCHED, {
            "kinds": result.kinds, "query_hmac": digest.hexdigest(),
            "results": len(result.hits), "truncated": result.truncated,
            "refs": [h.record.ref for h in result.hits], "purpose": purpose},
            operator=self.operator)
        log.info("archive search: %s -> %d results", ",".join(result.kinds), len(result.hits))
        return result

    def view(self, ref: str, case_id: str | None = None, *, purpose: str = "") -> ArchiveRecord:
        """Open one record (journaled as a view, with the case or the purpose it is for)."""
        require(self.journal, self.operator, "archive.view", case_id=case_id, record=ref)
        record = self.index.get(ref)
        if record is None:
            raise CounterAppError("档案记录不存在（可能档案库已重建），请重新查询。",
                                  code="archive.no_record")
        self.journal.append(KIND_ARCHIVE_VIEWED, {"ref": ref, "source": record.source,
                                                  "purpose": purpose},
                            operator=self.operator, case_id=case_id)
        return record


class _Hashing(io.RawIOBase):
    """A raw stream that hashes every byte read through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self.raw, self.sha = raw, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        if count:
            self.sha.update(memoryview(buffer)[:count])
        return count or 0

    def check(self, sha256: str) -> None:
        """Hash what the reader left unread; refuse if the file is not the one hashed."""
        while chunk := self.raw.read(1 << 20):
            self.sha.update(chunk)
        if self.sha.hexdigest() != sha256:
            raise ArchiveFileError("档案文件在导入过程中被改动了，没有导入。请等文件写完后重新导入。",
                                   detail="file changed while importing")


def _sha256(stream: IO[bytes]) -> str:
    """SHA-256 of a file's bytes, read in chunks; the stream is left at its start."""
    digest = hashlib.sha256()
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix == ".json":
        return "json"
    raise CounterAppError(f"不认识的档案文件类型：{path.name}（应为 .csv 或 .json）",
                          code="archive.bad_file")
