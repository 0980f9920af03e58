"""The ID-card poller's events as Qt signals, delivered on the GUI thread.

A card that fails to read again and again (a worn chip) gets the way out added to the
message: manual entry (F4)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from drivers.idcard.poller import CardInserted, CardLeft, CardPoller, ReaderProblem
from drivers.idcard.status import CardReadFailed

log = logging.getLogger(__name__)
# Consecutive read failures after which the registrar is told to type the party in.
FAILURES_BEFORE_MANUAL = 2


class CardReaderBridge(QObject):
    """Runs a CardPoller (its own device thread) and re-emits its events as queued signals."""

    card_read = Signal(dict)      # IdCardRecord.as_dict()
    card_left = Signal()
    problem = Signal(str)         # a Chinese message for the registrar

    def __init__(self, open_reader: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_reader = open_reader
        self._poller: CardPoller | None = None
        self._failures = 0  # touched on the poller's thread only

    def start(self) -> None:
        if self._poller is None:
            self._poller = CardPoller(self._open_reader, self._on_event).start()

    def stop(self) -> None:
        if self._poller is not None:
            self._poller.stop()
            self._poller = None

    def _on_event(self, event) -> None:
        # Called on the reader's thread: emitting a signal queues it to the GUI thread.
        if isinstance(event, CardInserted):
            self._failures = 0
            self.card_read.emit(event.read.record.as_dict())
        elif isinstance(event, CardLeft):
            self._failures = 0
            self.card_left.emit()
        elif isinstance(event, ReaderProblem):
            self._failures += 1
            hint = self.tr("这张证件多次读取失败，可能已损坏：请按 F4 手工录入（与证件逐项核对）。") \
                if isinstance(event.error, CardReadFailed) and \
                self._failures >= FAILURES_BEFORE_MANUAL else ""
            self.problem.emit(event.error.message_zh + hint)
