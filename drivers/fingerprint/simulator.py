"""A fingerprint pad that draws deterministic synthetic fingers, with the faults of a real one.

Used by the demo, training counters and tests. The image has the geometry of a ZKTeco optical
sensor ([M] 300x400 pixels, 8-bit grey, dark ridges on a light window, as public ZK9500 sample
code reads it) and the same seed always gives the same finger. ``fault`` makes the next calls
fail the way hardware does: ``"no_finger"`` (nobody presses until the timeout),
``"timeout"`` (the pad stops answering), ``"unplugged"`` (USB pulled out).
"""

from __future__ import annotations

import time
from typing import cast

import numpy as np

from drivers.base import DeviceInfo
from drivers.fingerprint.base import (
    FingerprintPad,
    FingerprintSample,
    NoFinger,
    PadTimeout,
    PadUnplugged,
)
from drivers.fingerprint.quality import BLOCK, quality_score

WIDTH, HEIGHT = 300, 400
FAULTS = (None, "no_finger", "timeout", "unplugged")
TEMPLATE_MAGIC = b"SIMFP1"


def synthetic_finger(seed: int, placement: float = 1.0, width: int = WIDTH,
                     height: int = HEIGHT) -> np.ndarray:
    """A (height, width) uint8 fingerprint: a whorl, loop or arch ridge pattern chosen and
    shaped by ``seed``, inside an elliptical contact area scaled by ``placement`` (0-1; a
    finger barely touching the window gives a small area and a poor quality score)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = width * rng.uniform(0.42, 0.58), height * rng.uniform(0.40, 0.55)
    dx, dy = x - cx, y - cy
    r, theta = np.hypot(dx, dy), np.arctan2(dy, dx)
    period = rng.uniform(8.0, 10.5)
    kind = seed % 3
    if kind == 0:      # whorl: rings around the core
        distance = r * (1 + 0.08 * np.sin(2 * theta + rng.uniform(0, 6.28)))
    elif kind == 1:    # loop: rings opened by the angle around the core
        distance = r + period * theta / np.pi
    else:              # arch: waves across the finger
        distance = dy + 18 * np.exp(-(dx / 70) ** 2) * np.cos(dx / 40)
    wobble = 3 * np.sin(x / rng.uniform(35, 60)) * np.cos(y / rng.uniform(35, 60))
    ridges = np.cos(2 * np.pi * (distance + wobble) / period)
    rx, ry = 0.40 * width * placement, 0.42 * height * placement
    inside = np.clip(1.6 - np.hypot(dx / rx, dy / ry) * 1.6 + 0.6, 0, 1)
    image = 232 - inside * (95 + 95 * ridges) + rng.normal(0, 6, (height, width))
    return np.clip(image, 0, 255).astype(np.uint8)


def features(grey: np.ndarray) -> bytes:
    """The simulator's template: a magic, the block grid size and the ridge orientation of
    every 16x16 block (one byte, 0-179 degrees; 255 where there is no ridge)."""
    a = grey.astype(np.float32)
    # One gradient per axis of the 2-D image (numpy's types cannot tell from an ndarray).
    gy, gx = cast("tuple[np.ndarray, np.ndarray]", np.gradient(a))
    h, w = (a.shape[0] // BLOCK) * BLOCK, (a.shape[1] // BLOCK) * BLOCK

    def blocks(v: np.ndarray) -> np.ndarray:
        return v[:h, :w].reshape(h // BLOCK, BLOCK, w // BLOCK, BLOCK).sum(axis=(1, 3))

    gxx, gyy, gxy = blocks(gx * gx), blocks(gy * gy), blocks(gx * gy)
    angle = (np.degrees(0.5 * np.arctan2(2 * gxy, gxx - gyy)) + 90) % 180
    std = a[:h, :w].reshape(h // BLOCK, BLOCK, w // BLOCK, BLOCK).std(axis=(1, 3))
    field = np.where(std >= 12, angle, 255).astype(np.uint8)
    return TEMPLATE_MAGIC + bytes([h // BLOCK, w // BLOCK]) + field.tobytes()


class SimulatorPad(FingerprintPad):
    """Synthetic fingers through the pad interface."""

    BACKEND = "simulator"

    def __init__(self, seed: int = 1, placement: float = 1.0, press_delay_s: float = 0.0,
                 fault: str | None = None) -> None:
        self.seed, self.placement, self.press_delay_s = seed, placement, press_delay_s
        self.fault = fault
        self.opened = False
        self.captures = 0

    def open(self) -> None:
        """Fails with PadUnplugged when the fault says the pad is not there."""
        if self.fault == "unplugged":
            raise PadUnplugged("simulator: unplugged")
        self.opened = True

    def close(self) -> None:
        self.opened = False

    def capture(self, timeout_s: float = 10.0) -> FingerprintSample:
        """The seed's finger after ``press_delay_s`` (each capture a new seed, as a party
        pressing again never gives the same image), or the configured fault."""
        if self.fault == "unplugged" or not self.opened:
            raise PadUnplugged("simulator: not open" if self.fault is None else "simulator: "
                               "unplugged")
        if self.fault in ("no_finger", "timeout") or self.press_delay_s > timeout_s:
            time.sleep(max(0.0, timeout_s))
            raise PadTimeout("simulator: hung") if self.fault == "timeout" else \
                NoFinger(f"simulator: no finger within {timeout_s}s")
        time.sleep(self.press_delay_s)
        grey = synthetic_finger(self.seed + self.captures, self.placement)
        self.captures += 1
        return FingerprintSample(grey.tobytes(), WIDTH, HEIGHT, features(grey),
                                 quality_score(grey), self.BACKEND)

    def info(self) -> DeviceInfo:
        """Always present unless the unplugged fault is set."""
        if self.fault == "unplugged":
            return DeviceInfo("fingerprint", self.BACKEND, "指纹仪模拟器", "simulator", "absent",
                              "模拟的指纹仪已拔出")
        return DeviceInfo("fingerprint", self.BACKEND, "指纹仪模拟器", "simulator", "ok")
