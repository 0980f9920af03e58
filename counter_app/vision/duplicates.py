"""Is this page one already photographed? A perceptual hash of the straightened page.

The hash (pHash, after Zauner, "Implementation and benchmarking of perceptual image hash
functions", 2010): the page in grey, shrunk to 64 x 64, its 2-D DCT, and of the 16 x 16
lowest frequencies (the DC term left out) one bit each: above the median or not. The same
page photographed again (another angle, another exposure, straightened again) differs in a few
bits; another page, even of the same form, in many (tests/vision/test_document.py measures
both on synthetic pages and ID-card-like layouts: 0-6 bits against 50-98 of 255). A page turned
by a quarter, half or three-quarter turn is the same page: all four turns are compared.
"""

from __future__ import annotations

import numpy as np

#: Side of the shrunk picture, and of the block of low frequencies kept.
SIZE, KEEP = 64, 16
BITS = KEEP * KEEP - 1
#: At most this many differing bits (of 255) means the same page. Measured: the same page
#: photographed again differs by 0-6, another page by 50 or more.
SAME_PAGE_BITS = 20


def page_hash(bgr: np.ndarray) -> str:
    """The page's hash as 64 hex digits (255 bits and a zero)."""
    return _hex(_bits(_grey(bgr)))


def turned_hashes(bgr: np.ndarray) -> list[str]:
    """The hashes of the page as it is and turned by 90°, 180° and 270°."""
    grey = _grey(bgr)
    return [_hex(_bits(np.rot90(grey, k))) for k in range(4)]


def distance(a: str, b: str) -> int:
    """How many bits two hashes differ in."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def same_page(turned: list[str], kept: str) -> bool:
    """Whether a page whose turned hashes are ``turned`` is the page hashed ``kept``."""
    return min(distance(h, kept) for h in turned) <= SAME_PAGE_BITS


def _grey(bgr: np.ndarray) -> np.ndarray:
    import cv2

    grey = bgr if bgr.ndim == 2 else cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    return cv2.resize(grey, (SIZE, SIZE), interpolation=cv2.INTER_AREA)


def _bits(grey: np.ndarray) -> np.ndarray:
    import cv2

    low = cv2.dct(np.ascontiguousarray(grey, dtype=np.float32))[:KEEP, :KEEP].ravel()[1:]
    return low > np.median(low)


def _hex(bits: np.ndarray) -> str:
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return f"{value << 1:064x}"
