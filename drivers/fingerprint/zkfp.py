"""ZKTeco fingerprint pads (ZK9500, ZK4500, SLK20R ...) through the ZKFinger SDK's C API.

``libzkfp.so`` (Linux) / ``libzkfp.dll`` (Windows) exports ``ZKFPM_Init``,
``ZKFPM_GetDeviceCount``, ``ZKFPM_OpenDevice``, ``ZKFPM_GetParameters`` (1 = image width,
2 = image height, 4-byte ints), ``ZKFPM_AcquireFingerprint`` (image buffer + template buffer
with its size in and out), ``ZKFPM_CloseDevice`` and ``ZKFPM_Terminate`` (the SDK's libzkfp.h,
as public wrappers declare it). Acquisition does not block: it returns ZKFP_ERR_CAPTURE (-8)
while no finger is on the window, so :meth:`ZkfpPad.capture` polls until its timeout.

This module imports everywhere; without the library ``is_usable()`` is False and says why.
On Windows the SDK uses the stdcall convention (``WinDLL``), on Linux cdecl (``CDLL``) — [M]:
libzkfp.h's APICALL as public wrappers use it; not checked against a Windows pad here.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import time
from typing import Any

import numpy as np

from drivers.base import DeviceInfo, load_vendor_library
from drivers.fingerprint.base import (
    FingerprintError,
    FingerprintPad,
    FingerprintSample,
    PadDriverMissing,
    NoFinger,
    PadTimeout,
    PadUnplugged,
)
from drivers.fingerprint.quality import quality_score

LIB_NAMES = ("zkfp", "libzkfp", "libzkfp.so")
FUNCTIONS = ("ZKFPM_Init", "ZKFPM_Terminate", "ZKFPM_GetDeviceCount", "ZKFPM_OpenDevice",
             "ZKFPM_CloseDevice", "ZKFPM_GetParameters", "ZKFPM_AcquireFingerprint")
# libzkfperrdef.h
ERR_OK, ERR_ALREADY_INIT, ERR_NO_DEVICE, ERR_OPEN, ERR_INVALID_HANDLE = 0, 1, -3, -6, -7
ERR_CAPTURE, ERR_EXTRACT_FP, ERR_BUSY, ERR_NOT_OPENED, ERR_TIMEOUT = -8, -9, -12, -23, -28
#: Codes meaning "no (usable) finger on the window yet": keep polling.
NOT_YET = (ERR_CAPTURE, ERR_EXTRACT_FP, ERR_BUSY)
#: Codes meaning the device is gone.
GONE = (ERR_NO_DEVICE, ERR_OPEN, ERR_INVALID_HANDLE, ERR_NOT_OPENED)
PARAM_WIDTH, PARAM_HEIGHT = 1, 2
TEMPLATE_MAX = 2048
POLL_S = 0.1


def load_library(explicit: str | None = None) -> tuple[Any, str]:
    """(libzkfp with its function signatures declared, "") or (None, reason)."""
    lib, reason = load_vendor_library(LIB_NAMES, explicit, FUNCTIONS)
    if lib is not None:
        _declare(lib)
    return lib, reason


def _declare(lib: ctypes.CDLL) -> None:
    u32p, u8p = ctypes.POINTER(ctypes.c_uint), ctypes.POINTER(ctypes.c_ubyte)
    signatures = {
        "ZKFPM_Init": ([], ctypes.c_int), "ZKFPM_Terminate": ([], ctypes.c_int),
        "ZKFPM_GetDeviceCount": ([], ctypes.c_int),
        "ZKFPM_OpenDevice": ([ctypes.c_int], ctypes.c_void_p),
        "ZKFPM_CloseDevice": ([ctypes.c_void_p], ctypes.c_int),
        "ZKFPM_GetParameters": ([ctypes.c_void_p, ctypes.c_int, u8p, u32p], ctypes.c_int),
        "ZKFPM_AcquireFingerprint": ([ctypes.c_void_p, u8p, ctypes.c_uint, u8p, u32p],
                                     ctypes.c_int),
    }
    for name, (args, result) in signatures.items():
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = args, result


class ZkfpPad(FingerprintPad):
    """One ZKTeco pad (``index`` among the connected ones) through libzkfp."""

    BACKEND = "zkfp"

    def __init__(self, library: str | None = None, index: int = 0) -> None:
        self.library, self.index = library, index
        self._lib, self._reason = load_library(library)
        self._handle: int | None = None  # the SDK's device handle (a void pointer)
        self.width = self.height = 0

    def unusable_reason(self) -> str:
        """Why not (Chinese), empty when usable."""
        return "" if self._lib else f"没有找到 ZKTeco 指纹仪驱动库 libzkfp（{self._reason}）"

    def open(self) -> None:
        """Initialise the SDK and open the pad; PadUnplugged when none is connected."""
        if self._lib is None:
            raise PadDriverMissing(self.unusable_reason() + "。请联系技术人员安装指纹仪驱动。",
                                   detail=self._reason)
        if self._handle is not None:
            return
        code = self._lib.ZKFPM_Init()
        if code not in (ERR_OK, ERR_ALREADY_INIT):
            raise FingerprintError("指纹仪驱动初始化失败，请重新插拔指纹仪后再试。",
                                   detail=f"ZKFPM_Init {code}")
        if self._lib.ZKFPM_GetDeviceCount() <= self.index:
            self._lib.ZKFPM_Terminate()
            raise PadUnplugged(f"ZKFPM_GetDeviceCount <= {self.index}")
        handle = self._lib.ZKFPM_OpenDevice(self.index)
        if not handle:
            self._lib.ZKFPM_Terminate()
            raise PadUnplugged("ZKFPM_OpenDevice returned NULL")
        self._handle = handle
        self.width, self.height = self._parameter(PARAM_WIDTH), self._parameter(PARAM_HEIGHT)

    def _parameter(self, code: int) -> int:
        value, size = (ctypes.c_ubyte * 4)(), ctypes.c_uint(4)
        result = self._lib.ZKFPM_GetParameters(self._handle, code, value, ctypes.byref(size))
        if result != ERR_OK:
            self.close()
            raise FingerprintError("无法读取指纹仪参数，请重新插拔指纹仪后再试。",
                                   detail=f"ZKFPM_GetParameters({code}) {result}")
        return int.from_bytes(bytes(value), "little")

    def close(self) -> None:
        """Close the pad and the SDK."""
        if self._lib is not None and self._handle is not None:
            self._lib.ZKFPM_CloseDevice(self._handle)
            self._lib.ZKFPM_Terminate()
        self._handle = None

    def capture(self, timeout_s: float = 10.0) -> FingerprintSample:
        """Poll ``ZKFPM_AcquireFingerprint`` until a finger is read or ``timeout_s`` passes."""
        if self._handle is None:
            self.open()
        image = (ctypes.c_ubyte * (self.width * self.height))()
        template = (ctypes.c_ubyte * TEMPLATE_MAX)()
        deadline = time.monotonic() + timeout_s
        while True:
            size = ctypes.c_uint(TEMPLATE_MAX)
            code = self._lib.ZKFPM_AcquireFingerprint(self._handle, image, len(image), template,
                                                      ctypes.byref(size))
            if code == ERR_OK:
                return self._sample(bytes(image), bytes(template)[: size.value])
            self._raise_unless_waiting(code)
            if time.monotonic() >= deadline:
                raise NoFinger(f"ZKFPM_AcquireFingerprint {code} until timeout")
            time.sleep(POLL_S)

    def _raise_unless_waiting(self, code: int) -> None:
        if code in NOT_YET:
            return
        if code in GONE:
            self.close()
            raise PadUnplugged(f"ZKFPM_AcquireFingerprint {code}")
        if code == ERR_TIMEOUT:
            raise PadTimeout(f"ZKFPM_AcquireFingerprint {code}")
        raise FingerprintError("指纹仪出错，请让当事人重按；仍不行请重新插拔指纹仪。",
                               detail=f"ZKFPM_AcquireFingerprint {code}")

    def _sample(self, grey: bytes, template: bytes) -> FingerprintSample:
        array = np.frombuffer(grey, np.uint8).reshape(self.height, self.width)
        return FingerprintSample(grey, self.width, self.height, template, quality_score(array),
                                 self.BACKEND)

    def info(self) -> DeviceInfo:
        """Library missing -> unusable; no pad connected -> absent; else ok (opened briefly:
        call it only when the app is not using the pad)."""
        name = "指纹仪 (ZKTeco libzkfp)"
        if self._lib is None:
            return DeviceInfo("fingerprint", self.BACKEND, name, str(self.index), "unusable",
                              self.unusable_reason())
        try:
            self.open()
        except FingerprintError as err:
            status = "absent" if isinstance(err, PadUnplugged) else "error"
            return DeviceInfo("fingerprint", self.BACKEND, name, str(self.index), status,
                              err.message_zh)
        size = f"{self.width}x{self.height}"
        self.close()
        return DeviceInfo("fingerprint", self.BACKEND, name, str(self.index), "ok",
                          extra={"image": size})
