"""The signature-pad interface.

A pad collects pen samples between :meth:`SignaturePad.begin` and :meth:`SignaturePad.finish`.
Backends push samples with :meth:`add_point` and :meth:`pen_up` (the Qt widget from its
tablet/mouse events, a vendor SDK from its callback thread, the simulator from a recording);
all of them hand back the same :class:`~drivers.signature.model.Signature`.
"""

from __future__ import annotations

import threading
from abc import ABC

from drivers.base import Backend
from drivers.signature.model import Point, Signature, SignatureError


class SignaturePad(Backend, ABC):
    """Collects strokes for one signature at a time. Thread-safe: samples may come from a
    device thread while the UI reads the strokes to draw them."""

    #: Backend name as listed by ``counter-app devices``.
    BACKEND = "abstract"

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self._lock = threading.Lock()
        self._strokes: list[list[Point]] = []
        self._current: list[Point] = []
        self._t0: float | None = None
        self._active = False

    def begin(self) -> None:
        """Start a new signature (clears anything captured before)."""
        with self._lock:
            self._strokes, self._current, self._t0, self._active = [], [], None, True

    def add_point(self, x: float, y: float, pressure: float, t_ms: float) -> None:
        """One pen sample while the pen touches (``t_ms`` from any monotonic clock)."""
        with self._lock:
            if not self._active:
                return
            if self._t0 is None:
                self._t0 = t_ms
            self._current.append(Point(round(x, 2), round(y, 2), round(pressure, 3),
                                       round(t_ms - self._t0)))

    def pen_up(self) -> None:
        """The pen left the surface: the current stroke ends."""
        with self._lock:
            if self._current:
                self._strokes.append(self._current)
                self._current = []

    def strokes(self) -> list[list[Point]]:
        """A copy of the strokes so far (for live drawing)."""
        with self._lock:
            return [list(s) for s in self._strokes] + ([list(self._current)]
                                                       if self._current else [])

    def clear(self) -> None:
        """Erase and start again (the party asked to sign again)."""
        self.begin()

    def finish(self) -> Signature:
        """End capture and return the signature; an empty one raises SignatureError."""
        self.pen_up()
        with self._lock:
            self._active = False
            signature = Signature(tuple(tuple(s) for s in self._strokes), self.width,
                                  self.height, self.BACKEND)
        if signature.is_empty():
            raise SignatureError("没有采集到签名，请在签名板上签名后再确认。")
        return signature
