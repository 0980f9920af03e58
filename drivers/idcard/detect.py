"""Detection of SAM readers for ``counter-app devices`` (no I/O on ports nobody configured).

Serial readers cannot be recognised without talking to them, and sending SAM frames to an
unknown serial port could upset a printer or a modem; so only the configured port is probed
(with the harmless SAM-status command). USB readers in bulk mode are recognised by their
endpoint layout (OUT 0x02/0x06, IN 0x81/0x85, identity.md §1.2) without opening them.
"""

from __future__ import annotations

from typing import Any

from drivers.base import DeviceError, DeviceInfo
from drivers.idcard import transport


def detect_serial(port: str = "") -> list[DeviceInfo]:
    """Probe the configured port; without one, say so and list the serial ports present."""
    name = "身份证阅读器 (SAM 串口)"
    if not port or port.startswith("usb:"):
        try:
            from serial.tools import list_ports

            ports = ", ".join(p.device for p in list_ports.comports()) or "无"
        except Exception as exc:  # noqa: BLE001 - listing must never break `devices`
            ports = f"无法列出串口: {exc}"
        return [DeviceInfo("card_reader", "sam-serial", name, "", "absent",
                           f"未配置读卡器端口（drivers.idcard.port）；本机串口: {ports}")]
    from drivers.idcard.sam_reader import SamReader

    try:
        with SamReader.open(port, timeout=0.5) as reader:
            info = reader.info()
            return [DeviceInfo(info.kind, "sam-serial", name, port, info.status, info.detail)]
    except DeviceError as exc:
        return [DeviceInfo("card_reader", "sam-serial", name, port, "error", exc.message_zh)]


def detect_usb() -> list[DeviceInfo]:
    """USB devices whose endpoints look like a SAM_V reader in bulk mode."""
    name = "身份证阅读器 (SAM USB)"
    reason = transport.usb_backend_reason()
    if reason:
        return [DeviceInfo("card_reader", "sam-usb", name, "", "unusable", reason)]
    import usb.core

    found = []
    try:
        devices = list(usb.core.find(find_all=True))
    except usb.core.USBError as exc:
        return [DeviceInfo("card_reader", "sam-usb", name, "", "error", str(exc))]
    for dev in devices:
        if _looks_like_sam(dev):
            address = f"usb:{dev.idVendor:04x}:{dev.idProduct:04x}"
            found.append(DeviceInfo("card_reader", "sam-usb", name, address, "ok"))
    return found or [DeviceInfo("card_reader", "sam-usb", name, "", "absent",
                                "没有发现USB接口的身份证阅读器")]


def _looks_like_sam(dev: Any) -> bool:  # a pyusb Device
    wanted = {transport.EP_OUT_HEAD, transport.EP_OUT_BODY, transport.EP_IN_HEAD,
              transport.EP_IN_BODY}
    try:
        for cfg in dev:
            for intf in cfg:
                if wanted <= {ep.bEndpointAddress for ep in intf}:
                    return True
    except Exception:  # noqa: BLE001 - descriptors of some devices cannot be read
        return False
    return False
