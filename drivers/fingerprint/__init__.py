"""Fingerprint pads: one interface (:class:`~drivers.fingerprint.base.FingerprintPad`), the
ZKTeco SDK backend (:mod:`drivers.fingerprint.zkfp`) and a simulator drawing synthetic
fingers (:mod:`drivers.fingerprint.simulator`). Pads are not thread-safe: the UI runs every
call of one pad on that pad's own DeviceThread.
"""

from __future__ import annotations

from drivers.fingerprint.base import (
    FingerprintError,
    FingerprintPad,
    FingerprintSample,
    NoFinger,
    PadTimeout,
    PadUnplugged,
)

__all__ = ["FingerprintError", "FingerprintPad", "FingerprintSample", "NoFinger", "PadTimeout",
           "PadUnplugged", "open_pad"]


def open_pad(device: str, demo: bool = False) -> FingerprintPad:
    """The pad the ``drivers.fingerprint.device`` setting names (not opened yet):
    ``simulator``, ``zkfp`` (libzkfp found by the system's library search) or
    ``zkfp:PATH`` (that library file). Empty: the simulator in demo mode; otherwise a
    FingerprintError saying no pad is configured."""
    from drivers.fingerprint.simulator import SimulatorPad
    from drivers.fingerprint.zkfp import ZkfpPad

    if device == "simulator" or (not device and demo):
        return SimulatorPad()
    if device == "zkfp" or device.startswith("zkfp:"):
        return ZkfpPad(device.partition(":")[2] or None)
    if not device:
        raise FingerprintError("本机没有配置指纹仪。请联系技术人员设置 drivers.fingerprint.device"
                               "（例如 zkfp）后再按指纹。", code="fingerprint.not_configured")
    raise FingerprintError(f"指纹仪设置无法识别：{device}。请联系技术人员改为 zkfp 或 simulator。",
                           code="fingerprint.bad_setting")
