"""One way for the UI to run work off the GUI thread (after Anki's CollectionOp).

    Op(self, lambda: service.authenticate(user, pw)) \
        .success(self.on_logged_in).failure(self.on_refused).run_in_background()

``fn`` runs on a worker thread and must never touch widgets. ``success(result)`` and
``failure(exception)`` run on the GUI thread. While an Op is running its ``busy`` property is
True, which pages use to ignore a second click (double submits are harmless).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.fn, self.signals = fn, signals

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the failure callback
            self._emit(self.signals.failed, exc)
        else:
            self._emit(self.signals.done, result)

    @staticmethod
    def _emit(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            # The window that asked is gone (closed while the work ran): nobody to tell.
            log.debug("background operation finished after its owner was deleted")


class Op(QObject):
    """A background operation with GUI-thread callbacks."""

    _running: set["Op"] = set()

    def __init__(self, parent: QObject, fn: Callable[[], Any]) -> None:
        super().__init__(parent)
        self._fn = fn
        self._on_success: Callable[[Any], None] = lambda result: None
        self._on_failure: Callable[[BaseException], None] = self._log_failure
        self._signals = _Signals()
        self._signals.done.connect(self._finish_success)
        self._signals.failed.connect(self._finish_failure)

    def success(self, callback: Callable[[Any], None]) -> "Op":
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> "Op":
        self._on_failure = callback
        return self

    def run_in_background(self) -> "Op":
        Op._running.add(self)
        QThreadPool.globalInstance().start(_Task(self._fn, self._signals))
        return self

    @property
    def busy(self) -> bool:
        return self in Op._running

    def _finish_success(self, result: Any) -> None:
        Op._running.discard(self)
        self._on_success(result)

    def _finish_failure(self, exc: BaseException) -> None:
        Op._running.discard(self)
        self._on_failure(exc)

    @staticmethod
    def _log_failure(exc: BaseException) -> None:
        log.error("background operation failed: %r", exc)
