"""Document camera (高拍仪): find the page, straighten it to its true proportions, remove
residual skew, and tell when a new page lies still so the capture is sharp.

Page finding works on a copy scaled to ``DETECT_SIZE`` px: edges (Canny) and, as a second
opinion, a brightness threshold (a white page on a darker desk); the largest convex
quadrilateral covering enough of the picture wins. Corners are refined on the full image.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from counter_app.vision.errors import NoPage
from counter_app.vision.proportions import Proportions, output_size, page_proportions

#: Longest side of the working copy used to find the page.
DETECT_SIZE = 640
#: Smallest page, as a fraction of the picture's area.
MIN_PAGE_AREA = 0.15


def order_corners(pts: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left (float32, 4x2)."""
    pts = np.asarray(pts, dtype=np.float32).reshape(4, 2)
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)],
                     pts[np.argmax(d)]], dtype=np.float32)


def _quad_candidates(grey: np.ndarray):
    import cv2

    blurred = cv2.GaussianBlur(grey, (5, 5), 0)
    edges = cv2.dilate(cv2.Canny(blurred, 40, 120), np.ones((3, 3), np.uint8))
    _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    for mask in (edges, bright):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
            hull = cv2.convexHull(contour)
            perimeter = cv2.arcLength(hull, True)
            for eps in (0.01, 0.02, 0.03, 0.05):
                approx = cv2.approxPolyDP(hull, eps * perimeter, True)
                if len(approx) == 4:
                    yield approx.reshape(4, 2).astype(np.float32)
                    break


def find_page(bgr: np.ndarray) -> np.ndarray | None:
    """The page's corners in image pixels (4x2, TL, TR, BR, BL), or None if no page."""
    import cv2

    h, w = bgr.shape[:2]
    scale = DETECT_SIZE / max(h, w)
    small = cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    grey = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    area = grey.shape[0] * grey.shape[1]
    best = None
    for quad in _quad_candidates(grey):
        quad_area = cv2.contourArea(quad)
        acceptable = quad_area >= MIN_PAGE_AREA * area and not _cut_by_frame(quad, grey.shape) \
            and cv2.isContourConvex(quad.astype(np.int32))
        if acceptable and (best is None or quad_area > cv2.contourArea(best)):
            best = quad
    if best is None:
        return None
    corners = order_corners(best / scale)
    return _refine(bgr, corners)


def _cut_by_frame(quad: np.ndarray, shape: tuple[int, ...]) -> bool:
    """True when two or more corners lie on the picture's edge: that is the frame cutting
    the picture (an already-cropped scan, or a page partly outside the view), not a page."""
    h, w = shape[:2]
    margin = 0.01 * max(h, w)
    on_edge = ((quad[:, 0] < margin) | (quad[:, 0] > w - 1 - margin)
               | (quad[:, 1] < margin) | (quad[:, 1] > h - 1 - margin))
    return int(on_edge.sum()) >= 2


def _refine(bgr: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Snap corners to the strongest nearby corner on the full-resolution image."""
    import cv2

    grey = bgr if bgr.ndim == 2 else cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    win = max(3, round(max(grey.shape) / DETECT_SIZE * 2))
    pts = corners.reshape(-1, 1, 2).copy()
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 30, 0.1)
    refined = cv2.cornerSubPix(grey, pts, (win, win), (-1, -1), criteria).reshape(4, 2)
    # Keep the refinement only where it stayed close (it can jump to text near a corner).
    moved = np.linalg.norm(refined - corners, axis=1)
    return np.where((moved < win * 1.5)[:, None], refined, corners).astype(np.float32)


def page_size(corners: np.ndarray) -> tuple[int, int]:
    """Width and height of the outline as photographed: the longer of each pair of opposite
    edges (the page's own proportions only when the camera looks straight down)."""
    tl, tr, br, bl = corners
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    return round(width), round(height)


def straighten(bgr: np.ndarray, corners: np.ndarray,
               size: tuple[int, int] | None = None) -> np.ndarray:
    """The page cut out and warped to a rectangle (``size`` = (w, h), default: the page's
    true proportions, counter_app.vision.proportions)."""
    import cv2

    if size is None:
        ratio = page_proportions(corners, bgr.shape).ratio
        size = output_size(corners, ratio)[0]
    w, h = size
    target = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(order_corners(corners), target)
    return cv2.warpPerspective(bgr, matrix, (w, h), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)


def estimate_skew(bgr: np.ndarray, max_angle: float = 10.0, step: float = 0.25) -> float:
    """Text skew in degrees (positive: the lines rise to the right), from the angle whose
    horizontal projection profile of ink is sharpest. 0 when there is no text."""
    import cv2

    grey = bgr if bgr.ndim == 2 else cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    scale = 800 / max(grey.shape)
    if scale < 1:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(grey, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                31, 15).astype(np.float32)
    if ink.mean() < 0.002:
        return 0.0
    h, w = ink.shape
    best_angle, best_score, level_score = 0.0, -1.0, 0.0
    for angle in np.arange(-max_angle, max_angle + step / 2, step):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
        rows = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1)
        score = float(np.sum(np.diff(rows) ** 2))
        if abs(angle) < step / 2:
            level_score = score
        if score > best_score:
            best_angle, best_score = float(angle), score
    # No clear optimum (a photo, noise, no lines of text): leave the image as it is.
    # Measured: noise and a portrait score 1.2x the level angle, text turned 0.5° already 2.7x.
    return best_angle if best_score > 1.5 * level_score else 0.0


def deskew(bgr: np.ndarray, angle: float | None = None) -> tuple[np.ndarray, float]:
    """The image rotated so text lines are level, and the angle that was removed."""
    import cv2

    angle = estimate_skew(bgr) if angle is None else angle
    if abs(angle) < 0.1:
        return bgr, 0.0
    h, w = bgr.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    return cv2.warpAffine(bgr, m, (w, h), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REPLICATE), angle


@dataclass
class ScanResult:
    """A straightened page, with the corners found (None: no page edge, whole image used),
    the skew removed, how its proportions were found (counter_app.vision.proportions; None
    without corners), and the sampling: camera pixels of its farthest edge per pixel of
    ``image`` (1.0: as sharp everywhere as it is stored)."""

    image: np.ndarray
    corners: np.ndarray | None
    skew: float
    proportions: Proportions | None = None
    sampling: float = 1.0


def scan_page(bgr: np.ndarray, *, require_page: bool = False) -> ScanResult:
    """Find, straighten (to the page's true proportions) and deskew the page. Without a
    visible page edge (a close-up or an already-cropped scan) the whole image is deskewed,
    unless ``require_page``."""
    corners = find_page(bgr)
    if corners is None and require_page:
        raise NoPage("没有找到文件纸张的边缘，请把整页放在高拍仪下方、背景与纸张颜色不同",
                     detail="no page quadrilateral found")
    if corners is None:
        flat, skew = deskew(bgr)
        return ScanResult(flat, None, skew)
    proportions = page_proportions(corners, bgr.shape)
    size, sampling = output_size(corners, proportions.ratio)
    flat, skew = deskew(straighten(bgr, corners, size))
    return ScanResult(flat, corners, skew, proportions, sampling)


class StillnessDetector:
    """Tells when the scene has stopped moving: the mean absolute difference between
    consecutive frames (grey, 160 px wide) stays below ``threshold`` grey levels for
    ``frames`` frames in a row. Feed every preview frame; capture when it returns True."""

    def __init__(self, threshold: float = 2.0, frames: int = 8) -> None:
        self.threshold, self.frames = threshold, frames
        self._previous: np.ndarray | None = None
        self._still = 0
        self.motion = 0.0

    def feed(self, bgr: np.ndarray) -> bool:
        """Take the next frame; True once the scene has been still long enough."""
        import cv2

        grey = bgr if bgr.ndim == 2 else cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        small = cv2.resize(grey, (160, max(1, round(160 * grey.shape[0] / grey.shape[1]))),
                           interpolation=cv2.INTER_AREA).astype(np.int16)
        if self._previous is not None and self._previous.shape == small.shape:
            self.motion = float(np.abs(small - self._previous).mean())
            self._still = self._still + 1 if self.motion < self.threshold else 0
        self._previous = small
        return self._still >= self.frames

    def reset(self) -> None:
        """Forget the history (e.g. after a capture)."""
        self._previous, self._still = None, 0


def page_signature(bgr: np.ndarray, corners: np.ndarray) -> str:
    """The perceptual hash (counter_app.vision.duplicates) of the page at ``corners``,
    straightened small: enough to tell one page from another, cheap enough per placement."""
    from counter_app.vision.duplicates import page_hash

    ratio = page_proportions(corners, bgr.shape).ratio
    size = (256, max(1, round(256 / ratio))) if ratio >= 1 else (max(1, round(256 * ratio)), 256)
    return page_hash(straighten(bgr, corners, size))


class PageAutoCapture:
    """Capture a page once a new one lies still: feed every document-camera frame; each time
    the scene has been still for ``still_frames`` frames with a page in view, that page is
    compared (page_signature) with the one captured last (or held by :meth:`hold`), and
    ``feed`` returns it straightened (:class:`ScanResult`) only when it is another page. A
    page left lying is captured once; a hand passing over it, the light changing or the page
    nudged do not capture it again; the next page laid down is captured."""

    def __init__(self, still_frames: int = 8, threshold: float = 2.0) -> None:
        self.stillness = StillnessDetector(threshold=threshold, frames=still_frames)
        self._last: str | None = None      # signature of the page captured or held last
        self._judged = False               # this still spell was looked at already
        self._hold = threading.Event()

    def hold(self) -> None:
        """Do not capture the page lying on the glass now (another paper was chosen: it
        belongs to the one before). Safe from any thread; applies at the next frame."""
        self._hold.set()

    def feed(self, bgr: np.ndarray) -> ScanResult | None:
        """Take the next frame; the straightened page when it is time to capture."""
        still = self.stillness.feed(bgr)
        if self._hold.is_set():
            self._hold.clear()
            self.mark_captured(bgr)
            return None
        if not still:
            self._judged = False
            return None
        if self._judged:
            return None
        self._judged = True
        corners = find_page(bgr)
        if corners is None or not self._is_new(page_signature(bgr, corners)):
            return None
        return scan_page(bgr, require_page=True)

    def mark_captured(self, bgr: np.ndarray) -> None:
        """The page in ``bgr`` was captured by other means (Enter), or is to be left alone:
        it is not captured again."""
        corners = find_page(bgr)
        if corners is not None:
            self._last = page_signature(bgr, corners)

    def _is_new(self, signature: str) -> bool:
        from counter_app.vision.duplicates import same_page

        new = self._last is None or not same_page([signature], self._last)
        self._last = signature
        return new
