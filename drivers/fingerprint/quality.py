"""A fingerprint image's quality, 0-100, computed from the grey image alone.

The ZKTeco C API (libzkfp) returns an image and a template but no quality figure ([M]: none
found in the public headers), so every backend's score comes from here and means the same
thing. The image is cut into 16x16-pixel blocks; a block holds ridges when its grey level
varies (contrast) *and* its gradients share one direction (orientation coherence, the usual
ridge-flow measure): smudges are flat, noise has no direction. The score is the share of the
window covered by ridge blocks (a finger covering 60% of the window counts as full) times
their mean contrast and coherence, each capped at 1.
"""

from __future__ import annotations

from typing import cast

import numpy as np

BLOCK = 16
#: A block varying less than this (grey levels, standard deviation) is background.
MIN_BLOCK_STD = 12.0
#: Coverage (share of blocks with ridges) that counts as a fully placed finger.
FULL_COVERAGE = 0.6
FULL_CONTRAST = 35.0
FULL_COHERENCE = 0.5


def _blocks(a: np.ndarray) -> np.ndarray:
    h, w = (a.shape[0] // BLOCK) * BLOCK, (a.shape[1] // BLOCK) * BLOCK
    return a[:h, :w].reshape(h // BLOCK, BLOCK, w // BLOCK, BLOCK).swapaxes(1, 2)


def quality_score(grey: np.ndarray) -> int:
    """0 (nothing usable) to 100 (a well-placed, sharp finger) for a (h, w) uint8 image."""
    if grey.ndim != 2 or min(grey.shape) < BLOCK:
        return 0
    a = grey.astype(np.float32)
    # One gradient per axis of the 2-D image (numpy's types cannot tell from an ndarray).
    gy, gx = cast("tuple[np.ndarray, np.ndarray]", np.gradient(a))
    std = _blocks(a).std(axis=(2, 3))
    gxx, gyy, gxy = (_blocks(v).sum(axis=(2, 3)) for v in (gx * gx, gy * gy, gx * gy))
    coherence = np.sqrt((gxx - gyy) ** 2 + 4 * gxy ** 2) / np.maximum(gxx + gyy, 1e-6)
    ridge = (std >= MIN_BLOCK_STD) & (coherence >= 0.2)
    if not ridge.any():
        return 0
    coverage = min(1.0, float(ridge.mean()) / FULL_COVERAGE)
    contrast = min(1.0, float(std[ridge].mean()) / FULL_CONTRAST)
    flow = min(1.0, float(coherence[ridge].mean()) / FULL_COHERENCE)
    return round(100 * coverage * contrast * flow)
