"""Fingerprint pads as device rows for ``counter-app devices`` (drivers/registry.py lists them).

Without a configured pad the ZKTeco library is still looked for, so a technician sees a pad
that is installed but not yet configured; without the library the row says the pad is absent
and how to configure one, nothing is faked.
"""

from __future__ import annotations

from drivers.base import DeviceInfo


def detect(fingerprint_device: str = "") -> list[DeviceInfo]:
    """The configured pad (``drivers.fingerprint.device``), or the ZKTeco pad if its library
    is installed; the simulator is listed by :func:`detect_simulator` (demo mode)."""
    from drivers.fingerprint.zkfp import ZkfpPad

    if fingerprint_device == "simulator":
        return detect_simulator()
    if fingerprint_device and fingerprint_device != "zkfp" \
            and not fingerprint_device.startswith("zkfp:"):
        return [DeviceInfo("fingerprint", "-", "指纹仪", fingerprint_device, "error",
                           f"设置 drivers.fingerprint.device 无法识别：{fingerprint_device}")]
    pad = ZkfpPad(fingerprint_device.partition(":")[2] or None)
    row = pad.info()
    if row.status == "unusable" and not fingerprint_device:
        return [DeviceInfo("fingerprint", "zkfp", row.name, "", "absent",
                           "未配置指纹仪（drivers.fingerprint.device），也没有找到 ZKTeco 驱动库 "
                           "libzkfp")]
    return [row]


def detect_simulator(fingerprint_device: str = "") -> list[DeviceInfo]:
    """The synthetic-finger simulator (demo and training counters; listed once when the
    setting names it too)."""
    from drivers.fingerprint.simulator import SimulatorPad

    return [] if fingerprint_device == "simulator" else [SimulatorPad().info()]
