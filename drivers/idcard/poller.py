"""The polling loop: reads the reader on its own thread and reports what happened as events.

"No card" is the normal state and produces nothing. A new card produces one
:class:`CardInserted` (the same card lying on the reader is not reported again); its
removal a :class:`CardLeft`; failures a :class:`ReaderProblem` (with the typed error), after
which polling continues. An unplugged reader is reopened with a back-off, so plugging it
back in just works. The GUI turns these callbacks into queued Qt signals.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TypeVar

from counter_app.errors import CounterAppError
from drivers.base import DeviceError, DeviceNotFound, DeviceThread
from drivers.idcard.interface import CardRead, IdCardReader

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class CardInserted:
    """A card was read. ``read.record`` is the parsed record."""

    read: CardRead


@dataclass(frozen=True)
class CardLeft:
    """The card that was read is no longer on the reader."""


@dataclass(frozen=True)
class ReaderProblem:
    """Reading failed; ``error.message_zh`` tells the registrar what to do."""

    error: CounterAppError


Event = CardInserted | CardLeft | ReaderProblem


class CardPoller:
    """Poll ``open_reader()`` every ``interval`` seconds on the reader's ``DeviceThread``.

    ``open_reader`` is a factory so the poller can reopen the port after an unplug.
    ``on_event`` is called on that thread; it must not touch widgets directly. Other reader
    calls (SAM ID, a read with fingerprints) go through :meth:`submit`, so every byte to the
    reader leaves from the same thread, between two polls.
    """

    def __init__(self, open_reader: Callable[[], IdCardReader],
                 on_event: Callable[[Event], None], interval: float = 0.3,
                 reopen_backoff: float = 2.0, absent_polls: int = 2) -> None:
        self._open_reader = open_reader
        self._on_event = on_event
        self.interval = interval
        self.reopen_backoff = reopen_backoff
        #: Consecutive "no card" answers before the card counts as gone (a moving card can
        #: miss one find).
        self.absent_polls = absent_polls
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._device: DeviceThread | None = None
        self._loop: Future | None = None
        self._reader: IdCardReader | None = None
        self._current: str | None = None
        self._misses = 0

    def start(self) -> CardPoller:
        """Start polling; returns self."""
        self._device = DeviceThread("idcard")
        self._loop = self._device.submit(self._run)
        return self

    @property
    def running(self) -> bool:
        """True while the polling loop runs."""
        return self._loop is not None and not self._loop.done()

    def submit(self, fn: Callable[[IdCardReader], T]) -> Future[T]:
        """Run ``fn(reader)`` on the reader's thread between two polls; a Future of its result."""
        future: Future[T] = Future()
        self._jobs.put((fn, future))
        self._wake.set()
        return future

    def stop(self, timeout: float = 5.0) -> None:
        """Stop polling, close the reader and end the thread."""
        self._stop.set()
        self._wake.set()
        if self._loop is not None:
            try:
                self._loop.result(timeout)
            except Exception:
                log.debug("idcard poller loop ended with an error", exc_info=True)
        if self._device is not None:
            self._device.shutdown()

    def _run(self) -> None:
        from drivers.idcard.textblock import warm_up

        warm_up()
        try:
            while not self._stop.is_set():
                delay = self.poll_once()
                self._wake.wait(delay)
                self._wake.clear()
                self._run_jobs()
        finally:
            if self._reader is not None:
                self._reader.close()
            self._run_jobs(cancel=True)

    def _run_jobs(self, cancel: bool = False) -> None:
        while True:
            try:
                fn, future = self._jobs.get_nowait()
            except queue.Empty:
                return
            if cancel or not future.set_running_or_notify_cancel():
                future.cancel()
                continue
            try:
                if self._reader is None:
                    self._reader = self._open_reader()
                future.set_result(fn(self._reader))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller via the Future
                future.set_exception(exc)

    def poll_once(self) -> float:
        """One poll; returns how long to wait before the next one."""
        try:
            if self._reader is None:
                self._reader = self._open_reader()
            read = self._reader.read_card()
        except DeviceNotFound as exc:
            self._drop_reader()
            self._emit(ReaderProblem(exc))
            return self.reopen_backoff
        except CounterAppError as exc:  # device errors and unreadable card data alike
            self._emit(ReaderProblem(exc))
            return self.interval
        except Exception:
            log.exception("idcard poller: unexpected error")
            self._drop_reader()
            self._emit(ReaderProblem(DeviceError("读卡时发生内部错误，已重新连接读卡器；"
                                                 "如反复出现请联系技术人员。")))
            return self.reopen_backoff
        self._track(read)
        return self.interval

    def _track(self, read: CardRead | None) -> None:
        if read is None:
            self._misses += 1
            if self._current is not None and self._misses >= self.absent_polls:
                self._current = None
                self._emit(CardLeft())
            return
        self._misses = 0
        identity = hashlib.sha256(read.text + read.photo_wlt).hexdigest()
        if identity != self._current:
            self._current = identity
            self._emit(CardInserted(read))

    def _drop_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self._reader = None
        self._current = None

    def _emit(self, event: Event) -> None:
        try:
            self._on_event(event)
        except Exception:
            log.exception("idcard poller: event handler failed")
