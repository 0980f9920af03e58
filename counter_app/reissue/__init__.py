"""补领婚姻登记证 (reissue): the archive index and the reissue workflow (Qt-free).

    from counter_app.reissue import open_archive, ReissueFlow
    archive = open_archive(journal, operator="reg01")      # Archive over <data dir>/archive.db
    archive.import_file(Path("village.csv"))               # all rows or none, journaled
    hits = archive.search("wangyan 1998").hits             # audited
    flow = ReissueFlow(journal, archive, office, "reg01")
    case_id = flow.open(hits[0].record.ref); flow.verify(case_id, party, "card") ...

See docs/reissue.md.
"""

from __future__ import annotations

from counter_app.journal import Journal
from counter_app.reissue.archive import Archive, ArchiveImportError, ImportReport
from counter_app.reissue.index import (ArchiveBusyError, ArchiveIndex, ArchiveSearchError, Hit,
                                       SearchResult)
from counter_app.reissue.records import ArchiveFileError, ArchiveRecord, PartyRecord
from counter_app.reissue.workflow import Issued, ReissueError, ReissueFlow, ReissueState


def open_archive(journal: Journal, operator: str) -> Archive:
    """The archive of ``journal``'s data directory (close with ``archive.index.close()``)."""
    return Archive(journal, ArchiveIndex.for_journal(journal), operator)


__all__ = ["Archive", "ArchiveBusyError", "ArchiveFileError", "ArchiveImportError",
           "ArchiveIndex", "ArchiveRecord", "ArchiveSearchError", "Hit", "ImportReport", "Issued", "PartyRecord", "ReissueError",
           "ReissueFlow", "ReissueState", "SearchResult", "open_archive"]
