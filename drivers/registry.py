"""The built-in device backends and the detection behind ``counter-app devices``.

Each entry is one line: the device kind, the backend's short name and ``module:function``
of a detector returning ``list[DeviceInfo]``. Adding a backend = adding a line. Detectors are
imported lazily (a missing vendor library never breaks the listing) and every detector's
failure becomes an "error" row instead of an exception.

A kind listed in ``EXPECTED_KINDS`` with no backend here is reported as "not yet available":
nothing is faked.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
from dataclasses import dataclass
from typing import Any

from drivers.base import DeviceInfo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backend:
    """One built-in backend: kind, name, detector (``module:function``), demo-only flag."""

    kind: str
    name: str
    detector: str
    demo_only: bool = False


BUILTIN_BACKENDS: tuple[Backend, ...] = (
    Backend("card_reader", "sam-serial", "drivers.idcard.detect:detect_serial"),
    Backend("card_reader", "sam-usb", "drivers.idcard.detect:detect_usb"),
    Backend("card_reader", "vendor-sdtapi", "drivers.idcard.vendor_sdk:detect_sdtapi"),
    Backend("card_reader", "vendor-termb", "drivers.idcard.vendor_sdk:detect_termb"),
    Backend("card_reader", "pcsc", "drivers.pcsc.monitor:detect"),
    Backend("card_reader", "sam-simulator", "drivers.idcard.simulator:detect", demo_only=True),
    Backend("camera", "opencv", "drivers.camera.detect:detect_cameras"),
    Backend("document_camera", "opencv", "drivers.camera.detect:detect_document_camera"),
    Backend("camera", "simulator", "drivers.camera.detect:detect_camera_simulator",
            demo_only=True),
    Backend("document_camera", "simulator",
            "drivers.camera.detect:detect_document_camera_simulator", demo_only=True),
    Backend("printer", "escpos", "drivers.printer.factory:detect"),
    Backend("fingerprint", "zkfp", "drivers.fingerprint.detect:detect"),
    Backend("fingerprint", "simulator", "drivers.fingerprint.detect:detect_simulator",
            demo_only=True),
    Backend("signature_pad", "qt-tablet", "drivers.signature.detect:detect"),
    Backend("signature_pad", "simulator", "drivers.signature.detect:detect_simulator",
            demo_only=True),
)

#: Device kinds the counter needs, in listing order, with their Chinese names (the one table:
#: the detection listing and the status bar's lights both use it).
EXPECTED_KINDS: dict[str, str] = {
    "card_reader": "读卡器", "camera": "摄像头", "document_camera": "高拍仪",
    "printer": "打印机", "fingerprint": "指纹仪", "signature_pad": "签名板",
}


def detect_all(settings: dict[str, Any] | None = None, *, demo: bool = False) -> list[DeviceInfo]:
    """Run every detector; never raises. ``settings`` feeds detectors that take parameters
    (e.g. ``port`` from ``drivers.idcard.port``)."""
    settings = settings or {}
    rows: list[DeviceInfo] = []
    for backend in BUILTIN_BACKENDS:
        if backend.demo_only and not demo:
            continue
        rows.extend(_run(backend, settings))
    covered = {b.kind for b in BUILTIN_BACKENDS}
    for kind, name in EXPECTED_KINDS.items():
        if kind not in covered:
            rows.append(_uncovered(kind, name))
    order = list(EXPECTED_KINDS)
    rows.sort(key=lambda r: order.index(r.kind) if r.kind in order else len(order))
    return rows


def _uncovered(kind: str, name: str) -> DeviceInfo:
    """A kind with no registered backend: "not yet available", unless a driver package for
    it exists and was only not registered here (then say so instead of hiding it)."""
    package = f"drivers.{kind}"
    try:
        exists = importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):
        exists = False
    if exists:
        return DeviceInfo(kind, "-", name, "", "error",
                          f"驱动 {package} 已存在，但未在 drivers/registry.py 中登记 (not registered)")
    return DeviceInfo(kind, "-", name, "", "unusable", f"not yet available: 尚未提供{name}驱动")


def _run(backend: Backend, settings: dict[str, Any]) -> list[DeviceInfo]:
    module_name, _, func_name = backend.detector.partition(":")
    try:
        func = getattr(importlib.import_module(module_name), func_name)
        params = inspect.signature(func).parameters
        kwargs = {k: v for k, v in settings.items() if k in params}
        return list(func(**kwargs))
    except Exception as exc:  # noqa: BLE001 - one broken backend must not hide the others
        log.warning("device detection failed for %s: %s", backend.name, exc)
        return [DeviceInfo(backend.kind, backend.name, backend.name, "", "error",
                           f"检测失败: {type(exc).__name__}: {exc}")]
