"""The ID-card poller's events as Qt signals, delivered on the GUI thread."""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QObject, Signal

from drivers.idcard.poller import CardInserted, CardLeft, CardPoller, ReaderProblem

log = logging.getLogger(__name__)


class CardReaderBridge(QObject):
    """Runs a CardPoller (its own device thread) and re-emits its events as queued signals."""

    card_read = Signal(dict)      # IdCardRecord.as_dict()
    card_left = Signal()
    problem = Signal(str)         # a Chinese message for the registrar

    def __init__(self, open_reader: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_reader = open_reader
        self._poller: CardPoller | None = None

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
            self.card_read.emit(event.read.record.as_dict())
        elif isinstance(event, CardLeft):
            self.card_left.emit()
        elif isinstance(event, ReaderProblem):
            self.problem.emit(event.error.message_zh)
