"""The camera interface: a capture thread, a newest-frame mailbox, reconnection after unplug.

A backend implements three primitives on the capture thread: ``_open()``, ``_read()`` and
``_close()``. Everything else (the thread, pacing, reconnection with back-off, status
reporting, frame numbering and dropping) lives here, so the simulator and OpenCV behave alike.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from drivers.base import Backend, DeviceInfo

log = logging.getLogger(__name__)


class CameraStatus(enum.Enum):
    """Where the capture thread is. The UI shows ``message_zh`` of the current status."""

    STOPPED = "stopped"
    OPENING = "opening"
    STREAMING = "streaming"
    RECONNECTING = "reconnecting"

    @property
    def message_zh(self) -> str:
        """The status as the registrar reads it."""
        return {"stopped": "摄像头已关闭", "opening": "正在打开摄像头…",
                "streaming": "摄像头工作正常",
                "reconnecting": "摄像头连接中断，正在重新连接…请检查USB线是否插好"}[self.value]


@dataclass(frozen=True)
class Frame:
    """One captured picture: BGR pixels, a running number and the capture time
    (``time.monotonic()``). ``seq`` gaps show how many frames a consumer missed."""

    image: np.ndarray
    seq: int
    timestamp: float


class FrameSlot:
    """A one-frame mailbox: ``put`` replaces whatever is there; ``take`` returns the newest
    frame not yet taken (or waits for one). Nothing ever queues behind a slow consumer."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._taken_seq = -1
        #: Frames overwritten before anyone took them.
        self.dropped = 0

    def put(self, frame: Frame) -> None:
        """Store ``frame``, replacing (and counting as dropped) an untaken older one."""
        with self._cond:
            if self._frame is not None and self._frame.seq > self._taken_seq:
                self.dropped += 1
            self._frame = frame
            self._cond.notify_all()

    def take(self, timeout: float | None = None) -> Frame | None:
        """The newest untaken frame, waiting up to ``timeout`` seconds; None on timeout."""
        with self._cond:
            ready = self._cond.wait_for(
                lambda: self._frame is not None and self._frame.seq > self._taken_seq, timeout)
            if not ready:
                return None
            assert self._frame is not None  # wait_for saw one
            self._taken_seq = self._frame.seq
            return self._frame

    def peek(self) -> Frame | None:
        """The newest frame, taken or not (e.g. for a still capture)."""
        with self._cond:
            return self._frame


class Camera(Backend, ABC):
    """A camera delivering frames on its own thread. Use ``start()``, then ``take()`` from a
    worker (or ``on_frame`` for a cheap notification, e.g. emitting a Qt signal), ``stop()``.
    """

    #: Device kind for DeviceInfo.
    KIND = "camera"
    #: Backend name for DeviceInfo.
    BACKEND = ""
    #: Seconds between reconnection attempts: starts at the first value, grows to the last.
    RECONNECT_DELAYS: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0)
    #: Consecutive failed reads after which the camera is treated as unplugged.
    MAX_FAILED_READS = 5

    def __init__(self, name: str) -> None:
        self.name = name
        self.slot = FrameSlot()
        self.status = CameraStatus.STOPPED
        self.on_frame: Callable[[Frame], None] | None = None
        self.on_status: Callable[[CameraStatus], None] | None = None
        self.reconnects = 0
        self._seq = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- backend primitives, called on the capture thread only ---------------------------
    @abstractmethod
    def _open(self) -> bool:
        """Open the device; False if it is not there (yet)."""

    @abstractmethod
    def _read(self) -> np.ndarray | None:
        """Block until the next frame and return it (BGR), or None when reading failed."""

    @abstractmethod
    def _close(self) -> None:
        """Release the device; must not raise."""

    @abstractmethod
    def address(self) -> str:
        """Device index, URL or file the camera reads."""

    # --- public API ------------------------------------------------------------------------
    def start(self) -> None:
        """Start the capture thread (returns at once; frames follow when the device opens)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"drv-camera-{self.name}",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop capturing and release the device."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._set_status(CameraStatus.STOPPED)

    def take(self, timeout: float | None = None) -> Frame | None:
        """The newest frame not yet taken (see :class:`FrameSlot`)."""
        return self.slot.take(timeout)

    def info(self) -> DeviceInfo:
        """This camera as ``counter-app devices`` lists it."""
        if not self.is_usable():
            return DeviceInfo(self.KIND, self.BACKEND, self.name, self.address(), "unusable",
                              self.unusable_reason())
        status = {CameraStatus.STREAMING: "ok", CameraStatus.RECONNECTING: "absent"}.get(
            self.status, "ok")
        return DeviceInfo(self.KIND, self.BACKEND, self.name, self.address(), status,
                          "" if status == "ok" else self.status.message_zh)

    # --- the capture thread ------------------------------------------------------------------
    def _set_status(self, status: CameraStatus) -> None:
        if status is self.status:
            return
        self.status = status
        log.info("camera %s: %s", self.name, status.value)
        if self.on_status is not None:
            self.on_status(status)

    def _run(self) -> None:
        self._set_status(CameraStatus.OPENING)
        try:
            while not self._stop.is_set():
                if self._connect():
                    self._stream()
                    self._close()
                if not self._stop.is_set():
                    self.reconnects += 1
                    self._set_status(CameraStatus.RECONNECTING)
        finally:
            self._close()

    def _connect(self) -> bool:
        attempt = 0
        while not self._stop.is_set():
            try:
                if self._open():
                    return True
            except Exception:
                log.exception("camera %s: open failed", self.name)
            self._close()
            delay = self.RECONNECT_DELAYS[min(attempt, len(self.RECONNECT_DELAYS) - 1)]
            attempt += 1
            self._stop.wait(delay)
        return False

    def _stream(self) -> None:
        failures = 0
        while not self._stop.is_set() and failures < self.MAX_FAILED_READS:
            try:
                image = self._read()
            except Exception:
                log.exception("camera %s: read failed", self.name)
                image = None
            if image is None:
                failures += 1
                self._stop.wait(0.02)
                continue
            failures = 0
            self._set_status(CameraStatus.STREAMING)
            self._seq += 1
            frame = Frame(image, self._seq, time.monotonic())
            self.slot.put(frame)
            if self.on_frame is not None:
                self.on_frame(frame)
