"""The document camera's (高拍仪) loop off the GUI thread: the page outline for the preview,
capture when the page lies still (PageAutoCapture), or at once when asked (Enter); and the
demo document camera's frames."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from counter_app.vision.document import PageAutoCapture, ScanResult, find_page, scan_page

log = logging.getLogger(__name__)


@dataclass
class ScanFrame:
    """One analysed document-camera frame: the picture, the page outline found (or None), and
    a captured page when this frame was captured (automatically or on request)."""

    image: np.ndarray
    corners: np.ndarray | None
    captured: ScanResult | None = None
    manual: bool = False


class DocumentScanner:
    """The document-camera loop on its own thread: takes the newest frame, finds the page
    outline every ``outline_every`` frames (for the preview), feeds the auto-capture, and
    hands each :class:`ScanFrame` to ``on_frame`` (the UI makes that a queued signal)."""

    def __init__(self, camera, on_frame: Callable[[ScanFrame], None], *,
                 outline_every: int = 3, still_frames: int = 8) -> None:
        self.camera, self.on_frame, self.outline_every = camera, on_frame, outline_every
        self.auto = PageAutoCapture(still_frames=still_frames)
        self.auto_enabled = True
        self._manual = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="document-scanner", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def capture_now(self) -> None:
        """Capture the next frame whatever its stillness (the registrar pressed Enter)."""
        self._manual.set()

    def _run(self) -> None:
        count, corners = 0, None
        while not self._stop.is_set():
            frame = self.camera.take(timeout=0.2)
            if frame is None:
                continue
            try:
                result = self._analyse(frame.image, count, corners)
            except Exception:
                log.exception("document frame analysis failed")
                continue
            corners, count = result.corners, count + 1
            self.on_frame(result)

    def _analyse(self, image: np.ndarray, count: int, corners) -> ScanFrame:
        if count % self.outline_every == 0:
            corners = find_page(image)
        if self._manual.is_set():
            self._manual.clear()
            return ScanFrame(image, corners, scan_page(image), manual=True)
        captured = self.auto.feed(image) if self.auto_enabled else None
        return ScanFrame(image, corners, captured)


def demo_document_frames(width: int = 1280, height: int = 720) -> list[np.ndarray]:
    """A document camera's view for demo mode: a printed page slides onto a dark desk, lies
    still for two seconds (long enough to auto-capture) and is taken away, in a loop."""
    import cv2

    desk = np.full((height, width, 3), (52, 46, 40), np.uint8)
    ph, pw = int(height * 0.8), int(height * 0.8 / 1.414)
    page = np.full((ph, pw, 3), 246, np.uint8)
    cv2.rectangle(page, (pw // 8, ph // 12), (pw * 7 // 8, ph // 12 + ph // 25), (40, 40, 40), -1)
    for i in range(14):
        y = ph // 6 + i * ph // 20
        cv2.rectangle(page, (pw // 10, y), (pw * 9 // 10 - (i % 3) * pw // 10, y + ph // 90),
                      (70, 70, 70), -1)
    cv2.putText(page, "DEMO", (pw // 3, ph * 9 // 10), cv2.FONT_HERSHEY_SIMPLEX,
                ph / 400, (0, 0, 160), max(1, ph // 200))
    rest_x, y = (width - pw) // 2, (height - ph) // 2
    slide = [rest_x + (width - rest_x) * k // 8 for k in range(8, 0, -1)]
    cache: dict[int, np.ndarray] = {}

    def view(x: int) -> np.ndarray:
        # Slightly turned, as a page put down by hand; frames repeat, so they are shared.
        if x not in cache:
            frame = desk.copy()
            visible = min(pw, width - x)
            if visible > 0:
                frame[y:y + ph, x:x + visible] = page[:, :visible]
                turn = cv2.getRotationMatrix2D((x + pw / 2, y + ph / 2), 3.0, 1.0)
                frame = cv2.warpAffine(frame, turn, (width, height), borderValue=(52, 46, 40))
            cache[x] = frame
        return cache[x]

    return [view(x) for x in slide + [rest_x] * 30 + slide[::-1] + [width] * 6]
