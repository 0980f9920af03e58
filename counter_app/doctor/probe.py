"""What the doctor's checks share: the context, the data dir's journal (opened once, only if
it exists: the doctor never creates one), and the Qt report (made by the caller, in a child
process, since a Qt that cannot start its platform aborts the process)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.context import Context
from counter_app.errors import CounterAppError

if TYPE_CHECKING:
    from counter_app.journal import Journal

log = logging.getLogger(__name__)

JOURNAL_FIRST = "先解决“journal”（日志）一项的问题，再重新检查。"
#: What a data dir holds once it has been used; without journal.db beside them the journal is
#: missing, not new.
USED_DATA = ("attachments", "sync", "keys")


class Skipped(Exception):
    """A check could not run because something it needs is missing (reported as a warning
    with the reason; the check that owns the missing thing reports it)."""

    def __init__(self, reason: str, hint: str = JOURNAL_FIRST) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


@dataclass(frozen=True)
class QtReport:
    """What a Qt application saw when it started here (counter_app.ui.probe makes it)."""

    platform: str = ""
    screens: list[dict[str, Any]] = field(default_factory=list)  # primary first
    font_family: str = ""          # the bundled font as Qt loaded it ('' if it did not load)
    missing_glyphs: str = ""       # test characters the bundled font has no glyph for
    error: str = ""                # why no report could be made ('' when it was)


class Probe:
    """The checks' shared view of this counter. Close it when done."""

    def __init__(self, ctx: Context, qt_report: Callable[[], QtReport]) -> None:
        self.ctx = ctx
        self._qt_report = qt_report
        self._qt: QtReport | None = None
        self._journal: Journal | None = None
        self.journal_error = ""

    @property
    def data_dir(self) -> Path:
        return self.ctx.data_dir

    def journal_state(self) -> str:
        """'present', 'new' (never used: nothing there yet) or 'missing' (records without
        their journal: it was deleted or moved)."""
        if (self.data_dir / "journal.db").exists():
            return "present"
        used = any((self.data_dir / name).exists() for name in USED_DATA)
        return "missing" if used or self._anchored() else "new"

    def _anchored(self) -> bool:
        """A sealed journal head exists for this data dir (kept beside its key)."""
        from counter_app.journal import keys

        try:
            where = keys.place(self.data_dir, self.ctx.config["journal.key_store"],
                               self.ctx.config.key_dir)
        except CounterAppError:
            return False
        return where.anchor_file.exists()

    def journal(self) -> Journal:
        """The data dir's journal, opened on first use; Skipped when there is none or it did
        not open (journal_error says why)."""
        if self._journal is None and not self.journal_error:
            self._open_journal()
        if self._journal is None:
            raise Skipped(self.journal_error)
        return self._journal

    def _open_journal(self) -> None:
        state = self.journal_state()
        if state != "present":
            self.journal_error = "本机尚无日志" if state == "new" else "日志文件不见了"
            return
        from counter_app.wiring.journal import open_journal

        try:
            # read-only: doctor runs beside the open counter and never takes its lock
            self._journal = open_journal(self.ctx, readonly=True)
        except CounterAppError as err:
            self.journal_error = err.message_zh
        except Exception as exc:  # noqa: BLE001 - reported as the journal check's failure
            log.warning("doctor: journal did not open: %r", exc)
            self.journal_error = f"日志无法打开：{type(exc).__name__}: {exc}"

    def qt(self) -> QtReport:
        """The Qt report, made once."""
        if self._qt is None:
            self._qt = self._qt_report()
        return self._qt

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
