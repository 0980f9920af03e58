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
from counter_app.vision.worker import VisionWorker

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
    """The document-camera loop, a :class:`~counter_app.vision.worker.Job` on ``vision`` (the
    session's VisionWorker; without one, a worker of its own from ``start`` to ``stop``):
    takes the newest frame, finds the page outline every ``outline_every`` frames (for the
    preview), feeds the auto-capture, and hands each :class:`ScanFrame` to ``on_frame`` (the
    UI makes that a queued signal)."""

    def __init__(self, camera, on_frame: Callable[[ScanFrame], None], *,
                 outline_every: int = 3, still_frames: int = 8,
                 vision: VisionWorker | None = None) -> None:
        self.camera, self.on_frame, self.outline_every = camera, on_frame, outline_every
        self.auto = PageAutoCapture(still_frames=still_frames)
        self.auto_enabled = True
        self.vision = vision
        self._own = vision is None
        self._manual = threading.Event()
        self._count, self._corners = 0, None

    def start(self) -> None:
        if self._own:
            self.vision = VisionWorker(name="document-scanner")
        self._count, self._corners = 0, None
        self.vision.attach(self.camera, self)

    def stop(self, timeout: float = 5.0) -> None:
        if self.vision is None:
            return
        self.vision.detach(self, timeout)
        if self._own:
            self.vision.close(timeout)
            self.vision = None

    def capture_now(self) -> None:
        """Capture the next frame whatever its stillness (the registrar pressed Enter)."""
        self._manual.set()

    # -- the Job, on the vision thread -----------------------------------------------------

    def prepare(self, worker: VisionWorker) -> None:
        """Nothing to load: page finding is plain OpenCV."""

    def step(self, frame) -> None:
        try:
            result = self._analyse(frame.image, self._count, self._corners)
        except Exception:
            log.exception("document frame analysis failed")
            return
        self._corners, self._count = result.corners, self._count + 1
        self.on_frame(result)

    def failed(self, exc: Exception) -> None:
        log.error("document scanner stopped: %s", exc)

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
