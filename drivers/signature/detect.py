"""Signature pads as device rows for ``counter-app devices`` (drivers/registry.py lists them)."""

from __future__ import annotations

from drivers.base import DeviceInfo


def detect() -> list[DeviceInfo]:
    """The Qt pen-tablet/mouse pad: always present where the GUI runs (a tablet's pressure
    is used when the system reports one)."""
    return [DeviceInfo("signature_pad", "qt-tablet", "屏幕签名区（数位板/鼠标）", "gui", "ok")]


def detect_simulator() -> list[DeviceInfo]:
    """The replaying simulator (demo and training counters)."""
    from drivers.signature.simulator import RECORDINGS

    names = sorted(p.stem for p in RECORDINGS.glob("*.json"))
    return [DeviceInfo("signature_pad", "simulator", "签名板模拟器", "recordings", "ok",
                       extra={"recordings": names})]
