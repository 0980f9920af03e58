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


def tilted_page(page: np.ndarray, tilt_deg: float, axis_deg: float, *, fov_deg: float = 65.0,
                size=(1600, 1200), fill: float = 0.75, turn_deg: float = 0.0, seed: int = 0):
    """``page`` as a pinhole camera sees it when the page is tilted by ``tilt_deg`` about an
    axis in its plane at ``axis_deg`` from its top edge (0: the top edge; the classic "photo
    at an angle") and turned by ``turn_deg`` in its plane, centred in a ``size`` picture of
    diagonal field of view ``fov_deg``, on a textured desk. Returns (image, corners TL, TR,
    BR, BL): the homography is K [r1 r2 t] of the camera model, so the page's true proportions
    are the page array's."""
    W, H = size
    ph, pw = page.shape[:2]
    f = np.hypot(W, H) / 2 / np.tan(np.radians(fov_deg) / 2)
    K = np.array([[f, 0, W / 2], [0, f, H / 2], [0, 0, 1.0]])
    a, t = np.radians(axis_deg), np.radians(tilt_deg)
    axis = np.array([np.cos(a), np.sin(a), 0.0])
    cross = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    R = np.eye(3) + np.sin(t) * cross + (1 - np.cos(t)) * cross @ cross
    z = np.radians(turn_deg)
    R = R @ np.array([[np.cos(z), -np.sin(z), 0], [np.sin(z), np.cos(z), 0], [0, 0, 1]])
    distance = f * max(pw, ph) / (fill * min(W, H))
    H_ = K @ np.column_stack([R[:, 0], R[:, 1], [0, 0, distance]])
    centre = np.array([[1, 0, -pw / 2], [0, 1, -ph / 2], [0, 0, 1.0]])
    matrix = H_ @ centre
    src = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]]).reshape(-1, 1, 2)
    corners = cv2.perspectiveTransform(src, matrix).reshape(4, 2)
    rng = np.random.default_rng(seed)
    desk = cv2.GaussianBlur(rng.integers(40, 110, (H, W, 3)).astype(np.uint8), (0, 0), 3)
    warped = cv2.warpPerspective(page, matrix, (W, H), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, (W, H))
    return np.where(mask[:, :, None] > 127, warped, desk), corners.astype(np.float32)


def id_card(face: np.ndarray, seed: int, width: int = 856) -> np.ndarray:
    """An ID-card-like picture (ID-1 proportions): the same printed design on every card, a
    different face and different text blocks for each ``seed``."""
    rng = np.random.default_rng(seed)
    height = round(width * 53.98 / 85.6)
    card = np.full((height, width, 3), (225, 235, 240), np.uint8)
    cv2.rectangle(card, (0, 0), (width, height // 9), (200, 210, 230), -1)
    for i, label in enumerate(("NAME", "SEX", "BORN", "ADDRESS")):
        y = height * (2 + i) // 9
        cv2.putText(card, label, (width // 20, y + 20), cv2.FONT_HERSHEY_SIMPLEX, 0.8,
                    (120, 120, 120), 2)
        x = width // 4
        for _ in range(int(rng.integers(2, 6))):
            w = int(rng.integers(30, 90))
            cv2.rectangle(card, (x, y), (x + w, y + 25), (30, 30, 30), -1)
            x += w + 15
    number = "".join(str(d) for d in rng.integers(0, 10, 18))
    cv2.putText(card, number, (width // 4, height * 8 // 9), cv2.FONT_HERSHEY_SIMPLEX, 1.2,
                (20, 20, 20), 3)
    fh, fw = height // 2, width // 4
    card[height // 4:height // 4 + fh, width * 7 // 10:width * 7 // 10 + fw] = cv2.resize(
        face, (fw, fh))
    return card
