"""Byte transports for the SAM protocol: serial (pyserial, any device path or URL) and USB bulk.

A transport only moves bytes; framing is in ``protocol.py``. Both map their library's
failures to ``DeviceNotFound`` (unplugged, no such port) so the reader above never sees a
pyserial or pyusb exception.
"""

from __future__ import annotations

import abc
import logging
import time
from typing import Any

from drivers.base import DeviceError, DeviceNotFound, DriverUnavailable

log = logging.getLogger(__name__)

_UNPLUGGED = "读卡器已断开或端口无法使用，请检查读卡器连接线后重试。"


class Transport(abc.ABC):
    """A duplex byte pipe to a SAM."""

    #: Where it is connected (port, URL or bus:address), for messages and ``devices``.
    address: str = ""

    @abc.abstractmethod
    def write(self, data: bytes) -> None:
        """Send one complete request frame."""

    @abc.abstractmethod
    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes; fewer (possibly none) if ``timeout`` seconds pass first."""

    def discard_input(self) -> None:
        """Drop unread input (a late answer to an earlier, timed-out request)."""

    def close(self) -> None:
        """Release the port."""


class SerialTransport(Transport):
    """A SAM on a serial port (UART, USB-serial bridge, pty) or any pyserial URL.

    ``samsim://...`` URLs reach the built-in simulator (``protocol_samsim.py``).
    """

    def __init__(self, url: str, baudrate: int = 115200) -> None:
        try:
            import serial
        except ImportError as exc:
            raise DriverUnavailable("没有安装 pyserial，无法使用串口读卡器。", detail=str(exc)) from None

        import drivers.idcard  # noqa: F401 - registers the samsim:// URL handler

        self.address = url
        try:
            self._port = serial.serial_for_url(url, baudrate=baudrate, timeout=0.05,
                                               write_timeout=1.0)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise DeviceNotFound(f"无法打开读卡器端口 {url}，请检查端口设置和连接线。",
                                 detail=f"open {url}: {exc}") from None

    def write(self, data: bytes) -> None:
        import serial

        try:
            self._port.write(data)
            self._port.flush()
        except (serial.SerialException, OSError) as exc:
            raise DeviceNotFound(_UNPLUGGED, detail=f"write {self.address}: {exc}") from None

    def read(self, size: int, timeout: float) -> bytes:
        import serial

        try:
            # Wait for the first byte only, then take what has arrived: pyserial's read(n)
            # would otherwise sit out the whole timeout whenever fewer than n bytes come.
            self._port.timeout = max(0.0, timeout)
            first = bytes(self._port.read(1))
            if not first or size <= 1:
                return first
            self._port.timeout = 0
            return first + bytes(self._port.read(min(size - 1, self._port.in_waiting)))
        except (serial.SerialException, OSError) as exc:
            raise DeviceNotFound(_UNPLUGGED, detail=f"read {self.address}: {exc}") from None

    def discard_input(self) -> None:
        import serial

        try:
            self._port.reset_input_buffer()
        except (serial.SerialException, OSError) as exc:
            log.debug("discard_input on %s: %s", self.address, exc)  # next read reports it

    def close(self) -> None:
        try:
            self._port.close()
        except Exception as exc:  # noqa: BLE001 - closing a vanished port must not raise
            log.debug("close %s: %s", self.address, exc)


#: Endpoints of a SAM_V reader in USB mode (identity.md §1.2): preamble+LEN go out on 0x02,
#: the body on 0x06; answers come back as preamble+LEN on 0x81 and the rest on 0x85.
EP_OUT_HEAD, EP_OUT_BODY, EP_IN_HEAD, EP_IN_BODY = 0x02, 0x06, 0x81, 0x85


def usb_backend_reason() -> str | None:
    """Why USB access is impossible here (pyusb or libusb missing), or None if it works."""
    try:
        import usb.backend.libusb1
        import usb.core
    except ImportError as exc:
        return f"没有安装 pyusb：{exc}"
    if usb.backend.libusb1.get_backend() is None:
        return "找不到 libusb 库（Windows 需随程序提供 libusb-1.0.dll）"
    return None


class UsbBulkTransport(Transport):
    """A SAM_V reader in USB mode, over pyusb bulk transfers on the four endpoints above.

    ``device`` is a pyusb ``Device`` (or anything with the same ``write``/``read`` methods).
    """

    def __init__(self, device: Any, address: str = "usb") -> None:
        self._dev = device
        self.address = address
        self._buf = bytearray()

    @classmethod
    def open(cls, vid: int, pid: int) -> UsbBulkTransport:
        """Find and claim the first reader with this vendor/product id."""
        reason = usb_backend_reason()
        if reason:
            raise DriverUnavailable(f"无法使用USB读卡器：{reason}。", detail=reason)
        import usb.core

        dev = usb.core.find(idVendor=vid, idProduct=pid)
        if dev is None:
            raise DeviceNotFound(f"没有找到USB读卡器 {vid:04X}:{pid:04X}，请检查连接。")
        try:
            # On Linux a generic kernel driver may hold the interface; bulk access needs it.
            if hasattr(dev, "is_kernel_driver_active") and dev.is_kernel_driver_active(0):
                dev.detach_kernel_driver(0)
            dev.set_configuration()
        except (usb.core.USBError, NotImplementedError) as exc:
            raise DeviceError("无法使用USB读卡器（可能被其他程序占用或没有权限）。",
                              detail=str(exc)) from None
        return cls(dev, f"usb:{dev.bus}:{dev.address}")

    def write(self, data: bytes) -> None:
        try:
            self._dev.write(EP_OUT_HEAD, data[:7], 1000)
            self._dev.write(EP_OUT_BODY, data[7:], 1000)
        except Exception as exc:  # noqa: BLE001 - usb.core.USBError and friends
            raise DeviceNotFound(_UNPLUGGED, detail=f"usb write: {exc}") from None

    def read(self, size: int, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while not self._buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return b""
            self._fill(max(1, int(remaining * 1000)))
        out = bytes(self._buf[:size])
        del self._buf[:size]
        return out

    def _fill(self, timeout_ms: int) -> None:
        try:
            head = bytes(self._dev.read(EP_IN_HEAD, 64, timeout_ms))
        except Exception as exc:  # noqa: BLE001
            if "timeout" in str(exc).lower() or getattr(exc, "errno", None) in (110, 60):
                return
            raise DeviceNotFound(_UNPLUGGED, detail=f"usb read: {exc}") from None
        self._buf += head
        if len(head) >= 7:
            remaining = int.from_bytes(head[5:7], "big") - (len(head) - 7)
            while remaining > 0:
                try:
                    chunk = bytes(self._dev.read(EP_IN_BODY, remaining, timeout_ms))
                except Exception as exc:  # noqa: BLE001
                    raise DeviceNotFound(_UNPLUGGED, detail=f"usb read body: {exc}") from None
                if not chunk:
                    break
                self._buf += chunk
                remaining -= len(chunk)

    def discard_input(self) -> None:
        self._buf.clear()

    def close(self) -> None:
        try:
            import usb.util

            usb.util.dispose_resources(self._dev)
        except Exception as exc:  # noqa: BLE001 - a vanished device cannot be released
            log.debug("usb close: %s", exc)


def open_transport(address: str, baudrate: int = 115200) -> Transport:
    """Open ``address``: ``usb:VID:PID`` (hex) for USB bulk, anything else via pyserial."""
    if address.startswith("usb:"):
        try:
            vid, pid = (int(x, 16) for x in address[4:].split(":"))
        except ValueError:
            raise DeviceNotFound(f"USB读卡器地址格式应为 usb:VID:PID，收到 {address}。") from None
        return UsbBulkTransport.open(vid, pid)
    return SerialTransport(address, baudrate)
