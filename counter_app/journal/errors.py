"""Journal errors, each with a stable code and a message a registrar or technician can act on."""

from __future__ import annotations

from counter_app.errors import CounterAppError


class JournalError(CounterAppError):
    """Base of journal errors."""

    code = "journal.error"


class JournalOpenError(JournalError):
    """The journal file cannot be opened: wrong key, not a journal, or damaged beyond reading."""

    code = "journal.cannot_open"


class WrongKeyError(JournalOpenError):
    """The file does not decrypt with this machine's key (or is not an encrypted journal)."""

    code = "journal.wrong_key"


class KeyStoreError(JournalError):
    """The machine key cannot be read from or written to its store."""

    code = "journal.key_store"


class DiskFullError(JournalError):
    """The disk is full: nothing was written, the journal is unchanged."""

    code = "journal.disk_full"


class JournalWriteError(JournalError):
    """A write failed for another I/O reason: nothing was written, the journal is unchanged."""

    code = "journal.write_failed"


class EntryIdConflictError(JournalWriteError):
    """An entry id is already taken by an entry with other content: another window (or a
    racing step) wrote that step first. Nothing was written."""

    code = "journal.entry_id_conflict"


class ClockUntrustedError(JournalError):
    """A legal act was asked for while the device clock cannot be trusted."""

    code = "journal.clock_untrusted"


class AttachmentError(JournalError):
    """An attachment is missing, does not decrypt, or does not match its SHA-256."""

    code = "journal.attachment"


class JournalSwappedError(JournalOpenError):
    """The data dir's journal is not the one its anchor (or the province) knows: deleted,
    emptied, an older copy or another chain. Only ``journal restore`` puts one back."""

    code = "journal.swapped"

    def __init__(self, message_zh: str, *, reason: str, detail: str = "") -> None:
        super().__init__(message_zh, detail=detail)
        self.reason = reason


class DataDirInUseError(JournalError):
    """Another program (a window or a writing command) holds the data dir's lock."""

    code = "journal.data_dir_in_use"
