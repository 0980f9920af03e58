"""Which ID-card reader to open, from the settings (the app and the demo use this)."""

from __future__ import annotations

from drivers.base import DeviceNotFound
from drivers.idcard.sam_reader import SamReader

#: What demo mode reads when no port is configured: the simulator with a resident card.
DEMO_URL = "samsim://?card=resident"


def reader_address(port: str, demo: bool) -> str:
    """The configured port, or the simulator in demo mode; DeviceNotFound otherwise."""
    if port:
        return port
    if demo:
        return DEMO_URL
    raise DeviceNotFound("没有配置身份证阅读器端口，请在设置中填写 drivers.idcard.port。",
                         detail="drivers.idcard.port is empty")


def open_reader(port: str, demo: bool = False, timeout: float = 2.0) -> SamReader:
    """Open the reader for these settings (pass it to ``CardPoller`` as a factory)."""
    return SamReader.open(reader_address(port, demo), timeout)
