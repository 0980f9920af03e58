"""The fingerprint-pad interface: one finger's image, its template and a quality score.

A pad is opened once (:meth:`FingerprintPad.open`), then :meth:`FingerprintPad.capture` waits
up to ``timeout_s`` for a finger and returns a :class:`FingerprintSample`. Failures are typed,
with a Chinese message that says what to do next: :class:`NoFinger` (nobody pressed in time),
:class:`PadTimeout` (the device stopped answering), :class:`PadUnplugged` (not connected or
pulled out). Every backend (vendor SDK, simulator) returns the same sample: the 8-bit grey
image as the sensor delivers it, that image as PNG, the template bytes the backend extracts and
a quality score computed here from the image (:mod:`drivers.fingerprint.quality`), so the
score means the same thing for every pad.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Self

import cv2
import numpy as np

from drivers.base import (Backend, DeviceError, DeviceInfo, DeviceNotFound, DeviceTimeout,
                          DriverUnavailable)


class FingerprintError(DeviceError):
    """The pad failed in a way none of the subclasses name (vendor error code in detail)."""

    code = "fingerprint.error"


class NoFinger(FingerprintError):
    """No finger was placed (or none could be read) before the capture's timeout."""

    code = "fingerprint.no_finger"

    def __init__(self, detail: str = "") -> None:
        super().__init__("没有检测到手指。请当事人把手指平放在指纹仪的采集窗上，不要移动，"
                         "然后再按一次。", detail=detail)


class PadTimeout(FingerprintError, DeviceTimeout):
    """The pad stopped answering (busy, hung)."""

    code = "fingerprint.timeout"

    def __init__(self, detail: str = "") -> None:
        super().__init__("指纹仪没有响应。请拔下指纹仪的 USB 线再插上，等指示灯亮后再按一次；"
                         "仍不行请联系技术人员。", detail=detail)


class PadDriverMissing(FingerprintError, DriverUnavailable):
    """The pad's vendor library is not installed on this machine."""

    code = "fingerprint.driver_unavailable"


class PadUnplugged(FingerprintError, DeviceNotFound):
    """No pad is connected, or it was pulled out while in use."""

    code = "fingerprint.unplugged"

    def __init__(self, detail: str = "") -> None:
        super().__init__("没有连接指纹仪（或已被拔出）。请插好指纹仪的 USB 线，再按一次；"
                         "已完成的签名会保留。", detail=detail)


@dataclass(frozen=True)
class FingerprintSample:
    """One captured finger."""

    grey: bytes          # width*height bytes, 8-bit grey, row by row (as the sensor gives it)
    width: int
    height: int
    template: bytes      # the backend's feature template (ZKTeco: the SDK's template bytes)
    quality: int         # 0-100 (drivers.fingerprint.quality)
    device: str          # backend name

    @property
    def array(self) -> np.ndarray:
        """The image as a (height, width) uint8 array."""
        return np.frombuffer(self.grey, np.uint8).reshape(self.height, self.width)

    def png(self) -> bytes:
        """The image as PNG (what is archived and printed in the form's fingerprint slot)."""
        ok, encoded = cv2.imencode(".png", self.array)
        if not ok:
            raise FingerprintError("指纹图像无法保存，请重按。", detail="imencode failed")
        return encoded.tobytes()


class FingerprintPad(Backend, ABC):
    """A fingerprint pad. Not thread-safe: call it from one thread (the page's DeviceThread)."""

    #: Backend name as listed by ``counter-app devices``.
    BACKEND = "abstract"

    @abstractmethod
    def open(self) -> None:
        """Connect to the pad; raises PadUnplugged when there is none."""

    @abstractmethod
    def close(self) -> None:
        """Release the pad (safe to call twice)."""

    @abstractmethod
    def capture(self, timeout_s: float = 10.0) -> FingerprintSample:
        """Wait up to ``timeout_s`` for a finger and return it (NoFinger, PadTimeout,
        PadUnplugged otherwise)."""

    @abstractmethod
    def info(self) -> DeviceInfo:
        """A row for ``counter-app devices``."""

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
