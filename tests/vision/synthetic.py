"""Synthetic test material with known ground truth: pages photographed in perspective on a
textured desk (the true corners are known), and faces composed from real photographs."""

from __future__ import annotations

import cv2
import numpy as np


def text_page(width: int = 840, height: int = 1188, seed: int = 1) -> np.ndarray:
    """A white A4-proportioned page with a title and lines of word-like blocks."""
    rng = np.random.default_rng(seed)
    page = np.full((height, width, 3), 245, np.uint8)
    cv2.putText(page, "MARRIAGE REGISTRATION", (60, 90), cv2.FONT_HERSHEY_SIMPLEX, 1.6,
                (0, 0, 0), 3)
    for y in range(160, height - 100, 44):
        x = 80
        while x < width - 150:
            w = int(rng.integers(30, 110))
            cv2.rectangle(page, (x, y), (x + w, y + 18), (30, 30, 30), -1)
            x += w + 20
    return page


def photographed_page(page: np.ndarray, seed: int, size=(1280, 960), max_turn: float = 25.0):
    """``page`` warped in perspective onto a textured desk. Returns (image, true corners
    TL, TR, BR, BL). Every corner stays at least 30 px inside the picture."""
    rng = np.random.default_rng(seed)
    W, H = size
    ph, pw = page.shape[:2]
    for _ in range(1000):
        scale = rng.uniform(0.7, 0.88) * min(W / pw, H / ph)
        width, height = pw * scale, ph * scale
        turn = np.radians(rng.uniform(-max_turn, max_turn))
        base = np.array([[-width / 2, -height / 2], [width / 2, -height / 2],
                         [width / 2, height / 2], [-width / 2, height / 2]])
        rot = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
        centre = [W / 2 + rng.uniform(-80, 80), H / 2 + rng.uniform(-40, 40)]
        corners = base @ rot.T + centre + rng.uniform(-0.04, 0.04, (4, 2)) * min(width, height)
        if corners.min() > 30 and (corners[:, 0] < W - 30).all() and (corners[:, 1] < H - 30).all():
            break
    else:
        raise ValueError("page does not fit the picture")
    src = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    matrix = cv2.getPerspectiveTransform(src, np.float32(corners))
    desk = cv2.GaussianBlur(rng.integers(40, 110, (H, W, 3)).astype(np.uint8), (0, 0), 3)
    warped = cv2.warpPerspective(page, matrix, (W, H))
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, (W, H))
    return np.where(mask[:, :, None] > 0, warped, desk), corners.astype(np.float32)


def side_by_side(*images: np.ndarray, height: int = 480) -> np.ndarray:
    """Images scaled to one height and placed next to each other (a 'two people' picture)."""
    scaled = [cv2.resize(im, (round(im.shape[1] * height / im.shape[0]), height))
              for im in images]
    return np.hstack(scaled)


def chip_photo(bgr: np.ndarray, box) -> np.ndarray:
    """An ID-chip-like photo of the face in ``box``: head-and-shoulders crop at 102x126 px,
    grey-ish low saturation, JPEG quality 40 (the chip stores a small, heavily compressed
    image)."""
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    half_w, half_h = w * 0.9, w * 0.9 * 126 / 102
    x0, y0 = int(max(0, cx - half_w)), int(max(0, cy - half_h * 0.9))
    x1, y1 = int(min(bgr.shape[1], cx + half_w)), int(min(bgr.shape[0], cy + half_h * 1.1))
    crop = cv2.resize(bgr[y0:y1, x0:x1], (102, 126), interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(crop, cv2.COLOR_BGR2HSV)
    hsv[:, :, 1] = (hsv[:, :, 1] * 0.5).astype(np.uint8)
    crop = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)
    _ok, data = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 40])
    return cv2.imdecode(data, cv2.IMREAD_COLOR)
