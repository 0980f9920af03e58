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

import hmac
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.operators import require
from counter_app.reissue.index import ArchiveIndex, SearchResult, file_sha256
from counter_app.reissue.kinds import (KIND_ARCHIVE_IMPORTED, KIND_ARCHIVE_SEARCHED,
                                       KIND_ARCHIVE_VIEWED)
from counter_app.reissue.records import ArchiveRecord, BadRow, PartyRecord, parse_file
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
    """What an import did (the ``archive import --json`` shape)."""

    file: str
    sha256: str
    format: str
    rows: int = 0
    imported: int = 0
    already_imported: bool = False
    errors: list[BadRow] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "sha256": self.sha256, "format": self.format,
                "rows": self.rows, "imported": self.imported,
                "already_imported": self.already_imported,
                "errors": [e.as_json() for e in self.errors]}


class Archive:
    """Search and import over one data directory's archive index, audited in ``journal``."""

    def __init__(self, journal: Journal, index: ArchiveIndex, operator: str) -> None:
        self.journal, self.index, self.operator = journal, index, operator
        self._query_key = journal.key.derive("archive query audit")

    # --- import --------------------------------------------------------------------------

    def import_file(self, path: Path, fmt: str | None = None) -> ImportReport:
        """Import a CSV or JSON archive file, all rows or none. The same file twice is a no-op
        (``already_imported``). Raises ArchiveImportError listing every bad row. A supervisor's
        act (or the command line's); :meth:`import_bytes` is the unguarded part below it."""
        require(self.journal, self.operator, "archive.import", record=Path(path).name)
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError:
            raise CounterAppError(f"无法读取档案文件：{path}", code="archive.unreadable") from None
        return self.import_bytes(data, path.name, fmt or _format_of(path))

    def import_bytes(self, data: bytes, name: str, fmt: str) -> ImportReport:
        report = ImportReport(file=name, sha256=file_sha256(data), format=fmt)
        if self.index.imported(report.sha256) is not None:
            report.already_imported = True
            report.rows = report.imported = 0
            self._journal_import(report.sha256, name, fmt)  # in case that write was lost
            return report
        good, bad = parse_file(data, fmt)
        report.rows = len(good) + len(bad)
        bad += self._duplicates(good)
        report.errors = sorted(bad, key=lambda b: b.row)
        if report.errors:
            raise ArchiveImportError(
                f"档案文件有 {len(report.errors)} 行有误，整个文件没有导入。请改正后重新导入：" +
                "；".join(f"第 {b.row} 行：{b.reason}" for b in report.errors[:5]) +
                ("……" if len(report.errors) > 5 else ""), report)
        sha8 = report.sha256[:12]
        records = [replace(r, source=f"import:{sha8}", ref=f"imp:{sha8}:{row}")
                   for row, r in good]
        report.imported = self.index.add(records, imported=(report.sha256, report.rows))
        self._journal_import(report.sha256, name, fmt, imported=report.imported)
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

    def _duplicates(self, good: list[tuple[int, ArchiveRecord]]) -> list[BadRow]:
        """Rows whose 字号 is already in the index or earlier in the same file."""
        bad, seen = [], {}
        existing = self.index.certificate_numbers(r.certificate_number for _, r in good)
        for row, record in good:
            number = record.certificate_number
            if number in existing:
                bad.append(BadRow(row, f"字号 {number} 已在档案库中"))
            elif number in seen:
                bad.append(BadRow(row, f"字号 {number} 与第 {seen[number]} 行重复"))
            else:
                seen[number] = row
        return bad

    # --- this counter's registrations ----------------------------------------------------

    def sync_journal(self) -> int:
        """Index the ``case.registered`` entries written since the last call; returns how many
        were added. Idempotent (each case's record has the ref ``case:<case id>``)."""
        last = int(self.index.meta("journal_seq", "0"))
        rows = self.journal.query("SELECT seq, case_id, payload FROM entries WHERE kind = ? "
                                  "AND seq > ? ORDER BY seq", [KIND_CASE_REGISTERED, last])
        if not rows:
            return 0
        added = self.index.add(self._registered(row) for row in rows)
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


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix == ".json":
        return "json"
    raise CounterAppError(f"不认识的档案文件类型：{path.name}（应为 .csv 或 .json）",
                          code="archive.bad_file")
