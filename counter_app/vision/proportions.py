"""A page's true proportions from its four corners in a perspective photo.

Measuring the outline's edges is right only when the camera looks straight down: a page
photographed at 28° comes out 8-27 % too wide or too narrow that way (foreshortened). The
corners tell more. Zhang and He, "Whiteboard scanning and image enhancement" (Digital Signal
Processing 17(2), 2007; Microsoft Research MSR-TR-2003-39, §2.3): with square pixels and the
principal point at the picture's centre, the two vanishing points of a rectangle's edges give
the camera's focal length, and with it the rectangle's width-to-height ratio.

When the page is tilted about an axis parallel to one of its edges, that pair of edges stays
parallel in the picture and the focal length cannot be recovered (the constraint no longer
contains it). The ratio is then computed for the middle of the focal lengths a document
camera plausibly has (FOV_RANGE_DEG; method "assumed focal"): within ±25 % of the true focal
length this is within about ±5 % of the true ratio. A ratio within SNAP_TOLERANCE of a
standard paper size's is taken to be that size (A4's √2, an ID card's 1.586, Letter).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Long side over short side of the standard papers a counter photographs: ISO A sizes (A4,
#: A5, A3: √2; JIS B5, ISO B5 and ID-3 passport pages, 125 x 88 mm, are within 0.5 % of it
#: and are taken as it), ID-1 cards (resident ID cards, permits; ISO/IEC 7810: 85.60 x 53.98
#: mm) and US Letter.
PAPERS = {"A4": math.sqrt(2), "ID-1": 85.60 / 53.98, "Letter": 11 / 8.5}
#: [M] The diagonal field of view assumed for a document camera when the photo cannot tell
#: its focal length: a 高拍仪 holds its lens 30-40 cm over an A4/A3 desk (about 55-80°), a
#: webcam is 60-80°. An assumption from common product designs, not from a specification.
FOV_RANGE_DEG = (50.0, 85.0)
#: A ratio this close (relative) to a standard paper's is taken to be that paper.
SNAP_TOLERANCE = 0.02
#: How far (pixels) each corner is moved to see how much the estimate depends on it.
CORNER_NOISE_PX = 1.0
#: The perspective estimate is trusted when moving the corners changes it by less than this.
TRUSTED_SPREAD = 0.02


@dataclass(frozen=True)
class Proportions:
    """The page's width over its height as it lies in the picture, how that was found
    (``perspective``: focal length from the photo; ``paper:NAME``: a standard size within the
    estimate's range; ``assumed focal``: FOV_RANGE_DEG's middle; ``measured``: the outline's
    edges, for an outline that is no perspective view of a rectangle), and the focal length
    used in pixels (None when none was)."""

    ratio: float
    method: str
    focal: float | None = None


def page_proportions(corners: np.ndarray, shape: tuple[int, ...]) -> Proportions:
    """The proportions of the page whose corners (TL, TR, BR, BL, pixels) were found in a
    picture of ``shape`` (height, width, ...)."""
    centre = (shape[1] / 2.0, shape[0] / 2.0)
    rays = _rays(np.asarray(corners, dtype=float))
    if rays is None:
        return Proportions(measured_ratio(corners), "measured")
    focal = _focal(*rays, centre)
    low, high = _focal_range(shape)
    if focal is not None and low / 1.5 <= focal <= high * 1.5:
        spread = _spread(np.asarray(corners, dtype=float), centre)
        ratio = _ratio(*rays, focal, centre)
        if spread is not None and (spread[1] - spread[0]) / ratio <= TRUSTED_SPREAD:
            return _snap(ratio, "perspective", focal)
    # The photo does not tell the focal length: the middle of the plausible ones.
    middle = math.sqrt(low * high)
    ends = [_ratio(*rays, f, centre) for f in (low, high)]
    if abs(ends[1] / ends[0] - 1) <= TRUSTED_SPREAD:
        return _snap(_ratio(*rays, middle, centre), "perspective", None)  # f hardly matters
    return _snap(_ratio(*rays, middle, centre), "assumed focal", middle)


def measured_ratio(corners: np.ndarray) -> float:
    """Width over height from the outline's longer edges (right for a straight-down view)."""
    tl, tr, br, bl = np.asarray(corners, dtype=float)
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    return float(width / height)


def output_size(corners: np.ndarray, ratio: float) -> tuple[tuple[int, int], float]:
    """The straightened page's (width, height) in pixels for ``ratio``, as large as its
    nearest edge was photographed (nothing is scaled down), and the sampling: the camera
    pixels of the farthest edge per output pixel (1: as sharp as it looks; 0.8: the far side
    was photographed at 80 % of the output's resolution)."""
    tl, tr, br, bl = np.asarray(corners, dtype=float)
    widths = (np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    heights = (np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    if max(widths) / max(heights) >= ratio:
        width, height = max(widths), max(widths) / ratio
    else:
        width, height = max(heights) * ratio, max(heights)
    sampling = min(min(widths) / width, min(heights) / height)
    return (max(1, round(width)), max(1, round(height))), float(min(1.0, sampling))


# --- Zhang and He -------------------------------------------------------------------------

def _rays(corners: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """n2 and n3 of the paper (the rectangle's edge directions, up to the focal length), or
    None for corners that are no view of a rectangle (three in a line, crossed edges)."""
    m1, m2, m4, m3 = (np.array([x, y, 1.0]) for x, y in corners)   # TL, TR, BR, BL
    d2, d3 = np.dot(np.cross(m2, m4), m3), np.dot(np.cross(m3, m4), m2)
    if abs(d2) < 1e-9 or abs(d3) < 1e-9:
        return None
    k2 = np.dot(np.cross(m1, m4), m3) / d2
    k3 = np.dot(np.cross(m1, m4), m2) / d3
    if k2 <= 0 or k3 <= 0:
        return None
    return k2 * m2 - m1, k3 * m3 - m1


def _focal(n2: np.ndarray, n3: np.ndarray, centre: tuple[float, float]) -> float | None:
    """The focal length in pixels (Zhang and He, eq. 21), or None when the picture cannot
    tell it (a pair of edges parallel in the image, or noise giving f² <= 0)."""
    u0, v0 = centre
    denominator = n2[2] * n3[2]
    scale = max(abs(n2[0] * n3[0]), abs(n2[1] * n3[1]), 1.0)
    if abs(denominator) * max(u0, v0) ** 2 < 1e-6 * scale:
        return None
    f2 = -((n2[0] * n3[0] - (n2[0] * n3[2] + n2[2] * n3[0]) * u0 + denominator * u0 * u0)
           + (n2[1] * n3[1] - (n2[1] * n3[2] + n2[2] * n3[1]) * v0 + denominator * v0 * v0)
           ) / denominator
    return math.sqrt(f2) if f2 > 0 else None


def _ratio(n2: np.ndarray, n3: np.ndarray, focal: float, centre: tuple[float, float]) -> float:
    """Width over height for a camera of ``focal`` pixels (Zhang and He, eq. 20)."""
    u0, v0 = centre
    inverse = np.linalg.inv(np.array([[focal, 0, u0], [0, focal, v0], [0, 0, 1.0]]))
    metric = inverse.T @ inverse
    return float(math.sqrt((n2 @ metric @ n2) / (n3 @ metric @ n3)))


def _spread(corners: np.ndarray, centre: tuple[float, float]) -> tuple[float, float] | None:
    """The lowest and highest ratio when each corner moves by CORNER_NOISE_PX (the finder's
    accuracy); None when a moved outline no longer tells the focal length."""
    found = []
    for index in range(4):
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            moved = corners.copy()
            moved[index] += (dx * CORNER_NOISE_PX, dy * CORNER_NOISE_PX)
            rays = _rays(moved)
            focal = _focal(*rays, centre) if rays is not None else None
            if focal is None:
                return None
            found.append(_ratio(*rays, focal, centre))
    return min(found), max(found)


def _focal_range(shape: tuple[int, ...]) -> tuple[float, float]:
    """Focal lengths (pixels) of FOV_RANGE_DEG's widest and narrowest view for this picture."""
    half_diagonal = math.hypot(shape[0], shape[1]) / 2
    wide, narrow = max(FOV_RANGE_DEG), min(FOV_RANGE_DEG)
    return (half_diagonal / math.tan(math.radians(wide) / 2),
            half_diagonal / math.tan(math.radians(narrow) / 2))


def _snap(ratio: float, method: str, focal: float | None) -> Proportions:
    """``ratio``, or the standard paper's within SNAP_TOLERANCE of it, in the page's
    orientation."""
    for name, paper in PAPERS.items():
        oriented = paper if ratio >= 1 else 1 / paper
        if abs(oriented / ratio - 1) <= SNAP_TOLERANCE:
            return Proportions(oriented, f"paper:{name}", focal)
    return Proportions(ratio, method, focal)
