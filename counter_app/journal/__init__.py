"""The encrypted, hash-chained, append-only journal: the counter's source of truth.

Use::

    from counter_app.journal import Journal
    with Journal.open(data_dir, key_store="file") as journal:
        ref = journal.put_attachment(jpeg_bytes, "image/jpeg")
        entry = journal.append("case.opened", {"item": "marriage"}, case_id=case_id,
                               operator="reg01", attachments=[ref])

See docs/ARCHITECTURE.md for the design and ``projections.py`` for derived state.
"""

from counter_app.journal.attachments import AttachmentRef
from counter_app.journal.clock import Clock, ClockReading, ServerOffset, SystemClock
from counter_app.journal.entry import Entry
from counter_app.journal.errors import (AttachmentError, ClockUntrustedError,
                                        DataDirInUseError, DiskFullError, JournalError,
                                        JournalOpenError, JournalSwappedError,
                                        JournalWriteError, KeyStoreError, WrongKeyError)
from counter_app.journal.journal import Journal
from counter_app.journal.projections import projection

__all__ = [
    "AttachmentError", "AttachmentRef", "Clock", "ClockReading", "ClockUntrustedError",
    "DataDirInUseError", "DiskFullError", "Entry", "Journal", "JournalError",
    "JournalOpenError", "JournalSwappedError", "JournalWriteError", "KeyStoreError",
    "ServerOffset", "SystemClock", "WrongKeyError", "projection",
]
