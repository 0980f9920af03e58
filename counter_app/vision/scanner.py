"""The document camera's (高拍仪) loop off the GUI thread: the page outline for the preview,
capture when a new page lies still (PageAutoCapture), or at once when asked (Enter); and the
demo document camera, which lays one demo page after another on a desk."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from counter_app.vision.document import PageAutoCapture, ScanResult, find_page, scan_page
from counter_app.vision.worker import VisionWorker

log = logging.getLogger(__name__)

#: Widest picture handed to the screen: a 5-megapixel frame is shrunk on the vision thread,
#: so the GUI thread only paints it.
PREVIEW_WIDTH = 1280


@dataclass
class ScanFrame:
    """One analysed document-camera frame: the picture for the screen (at most PREVIEW_WIDTH
    wide), the page outline found in it (or None), and a captured page (full resolution)
    when this frame was captured (automatically or on request)."""

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

    def new_paper(self) -> None:
        """Another paper is to be photographed: what lies on the glass now is not captured
        for it until the view changes (safe from the GUI thread)."""
        self.auto.hold()

    # -- the Job, on the vision thread -----------------------------------------------------

    def prepare(self, worker: VisionWorker) -> None:
        """Nothing to load: page finding is plain OpenCV."""

    def step(self, frame) -> None:
        try:
            result = self._analyse(frame.image, self._count, self._corners)
        except Exception:
            log.exception("document frame analysis failed")
            return
        self._count += 1
        self.on_frame(result)

    def failed(self, exc: Exception) -> None:
        log.error("document scanner stopped: %s", exc)

    def _analyse(self, image: np.ndarray, count: int, corners) -> ScanFrame:
        if count % self.outline_every == 0:
            corners = self._corners = find_page(image)
        auto = self.auto.feed(image)        # always: the auto-capture follows the view
        preview, scale = _preview(image)
        shown = corners * scale if corners is not None else None
        if self._manual.is_set():
            self._manual.clear()
            self.auto.mark_captured(image)
            return ScanFrame(preview, shown, scan_page(image), manual=True)
        return ScanFrame(preview, shown, auto if self.auto_enabled else None)


def _preview(image: np.ndarray) -> tuple[np.ndarray, float]:
    """The picture shrunk to PREVIEW_WIDTH (as it is when narrower), and the scale used."""
    import cv2

    width = image.shape[1]
    if width <= PREVIEW_WIDTH:
        return image, 1.0
    scale = PREVIEW_WIDTH / width
    size = (PREVIEW_WIDTH, max(1, round(image.shape[0] * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), scale


# --- the demo document camera -------------------------------------------------------------

#: Demo pages are A4 (√2), this much of the picture's height: at 2592x1944 (the default
#: camera.document_resolution) 155 pixels per inch, over documents.min_dpi's 150.
DEMO_PAGE_HEIGHT = 0.93
#: How many different demo pages take turns, and the frames of one placement: sliding in,
#: lying still (long enough to auto-capture, and to press PgDn), sliding out, the empty desk.
DEMO_PAGES = 8
DEMO_SLIDE, DEMO_REST, DEMO_GONE = 4, 45, 8
DEMO_DESK = (52, 46, 40)
#: Demo cameras continue where the last one stopped, so a page reopened shows the next paper.
_demo_next = {"placement": 0}


class DemoDesk:
    """What the demo document camera sees: numbered demo pages (each laid down slightly
    turned, as by hand) sliding onto a dark desk one after the other, each lying still for a
    few seconds. Frames are drawn when asked for (a 5-megapixel placement is 15 MB a frame);
    the last two are kept, as are the two pages drawn last."""

    def __init__(self, width: int, height: int, first: int = 0) -> None:
        self.width, self.height, self.first = width, height, first
        self.page_h = int(height * DEMO_PAGE_HEIGHT)
        self.page_w = int(self.page_h / math.sqrt(2))
        self.per_placement = 2 * DEMO_SLIDE + DEMO_REST + DEMO_GONE
        self._frames: dict[tuple, np.ndarray] = {}
        self._pages: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def __len__(self) -> int:
        return DEMO_PAGES * self.per_placement

    def frame(self, index: int) -> np.ndarray:
        """Frame ``index`` of the loop (read-only; shared between equal frames)."""
        placement, t = divmod(index % len(self), self.per_placement)
        key = (placement, self._x(t))
        if key not in self._frames:
            if len(self._frames) >= 2:
                self._frames.pop(next(iter(self._frames)))
            self._frames[key] = self._draw((self.first + placement) % DEMO_PAGES, key[1])
        return self._frames[key]

    def _x(self, t: int) -> int | None:
        """Where the page's left edge is at step ``t`` of a placement (None: not in view)."""
        rest = (self.width - self.page_w) // 2
        if t < DEMO_SLIDE:
            return rest + (self.width - rest) * (DEMO_SLIDE - t) // (DEMO_SLIDE + 1)
        t -= DEMO_SLIDE
        if t < DEMO_REST:
            return rest
        t -= DEMO_REST
        if t < DEMO_SLIDE:
            return rest + (self.width - rest) * (t + 1) // (DEMO_SLIDE + 1)
        return None

    def _draw(self, variant: int, x: int | None) -> np.ndarray:
        import cv2

        frame = np.empty((self.height, self.width, 3), np.uint8)
        frame[:] = DEMO_DESK
        if x is not None:
            page, mask = self._page(variant)
            y = (self.height - page.shape[0]) // 2
            x -= (page.shape[1] - self.page_w) // 2        # the turned page's wider box
            x0, x1 = max(0, x), min(self.width, x + page.shape[1])
            if x1 > x0:
                region = frame[y:y + page.shape[0], x0:x1]
                cv2.copyTo(page[:, x0 - x:x1 - x], mask[:, x0 - x:x1 - x], region)
        frame.setflags(write=False)
        return frame

    def _page(self, variant: int) -> tuple[np.ndarray, np.ndarray]:
        """Demo page ``variant`` turned by 3°, and its mask (255 on the page)."""
        if variant not in self._pages:
            if len(self._pages) >= 2:
                self._pages.pop(next(iter(self._pages)))
            self._pages[variant] = _turned(_demo_page(self.page_w, self.page_h, variant), 3.0)
        return self._pages[variant]


def _demo_page(width: int, height: int, variant: int) -> np.ndarray:
    """A white page: a title bar, lines of text-like blocks (different on each variant),
    and DEMO and its number."""
    import cv2

    rng = np.random.default_rng(variant)
    page = np.full((height, width, 3), 246, np.uint8)
    cv2.rectangle(page, (width // 8, height // 12), (width * 7 // 8, height // 12 + height // 25),
                  (40, 40, 40), -1)
    for i in range(int(rng.integers(9, 16))):
        y = height // 6 + i * height // 20
        x = width // 10
        while x < width * 8 // 10:
            w = int(rng.integers(width // 30, width // 6))
            cv2.rectangle(page, (x, y), (min(x + w, width * 9 // 10), y + height // 90),
                          (70, 70, 70), -1)
            x += w + width // 40
    cv2.putText(page, f"DEMO {variant + 1}", (width // 4, height * 9 // 10),
                cv2.FONT_HERSHEY_SIMPLEX, height / 400, (0, 0, 160), max(1, height // 200))
    return page


def _turned(page: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """``page`` turned about its centre on a box holding all of it, and where it is."""
    import cv2

    h, w = page.shape[:2]
    box_w = int(w * abs(math.cos(math.radians(degrees))) + h * abs(math.sin(math.radians(degrees))))
    box_h = int(h * abs(math.cos(math.radians(degrees))) + w * abs(math.sin(math.radians(degrees))))
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    turn[:, 2] += ((box_w - w) / 2, (box_h - h) / 2)
    turned = cv2.warpAffine(page, turn, (box_w, box_h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpAffine(np.full((h, w), 255, np.uint8), turn, (box_w, box_h))
    return turned, np.where(mask > 127, 255, 0).astype(np.uint8)


def demo_document_frames(width: int = 1280, height: int = 720,
                         placements: int = 1) -> list[np.ndarray]:
    """The demo desk's first ``placements`` placements as a list of frames (equal frames
    shared; small sizes: tests)."""
    desk = DemoDesk(width, height)
    return [desk.frame(i) for i in range(placements * desk.per_placement)]


def demo_document_camera(width: int, height: int, fps: float = 15.0):
    """The demo document camera: the demo desk's frames, drawn as they are played, on the
    simulated camera's capture thread (unplug and replug work as on any simulator)."""
    from drivers.camera.simulator import SimulatedCamera

    class DemoDocumentCamera(SimulatedCamera):
        def __init__(self) -> None:
            self.desk = DemoDesk(width, height, first=_demo_next["placement"])
            super().__init__([self.desk.frame(0)], fps=fps, name="document")
            self.items = list(range(len(self.desk)))

        def address(self) -> str:
            return "simulator:demo-desk"

        def _load(self, index: int) -> np.ndarray | None:
            _demo_next["placement"] = self.desk.first + index // self.desk.per_placement + 1
            return self.desk.frame(index)

    return DemoDocumentCamera()
