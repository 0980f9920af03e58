"""Open the configured receipt printer (``printing.receipt_printer``) and describe it for
``counter-app devices``."""

from __future__ import annotations

from pathlib import Path

from counter_app.errors import ConfigError
from drivers.base import DeviceInfo
from drivers.printer.base import ReceiptPrinter
from drivers.printer.escpos_backends import EscposPrinter
from drivers.printer.simulator import FilePrinter, SimulatorPrinter


def open_receipt_printer(spec: str) -> ReceiptPrinter:
    """A printer from a setting value: simulator, network:HOST[:PORT], usb:VID:PID,
    serial:DEVICE[:BAUD] or file:PATH. A malformed value raises ConfigError."""
    if not spec:
        raise ConfigError("没有配置小票打印机。请技术人员在设置 printing.receipt_printer 中填写"
                          "打印机地址（例如 network:192.168.1.50）。", detail="no receipt printer")
    kind, _, rest = spec.partition(":")
    try:
        if kind == "simulator":
            return SimulatorPrinter()
        if kind == "file" and rest:
            return FilePrinter(Path(rest))
        if kind == "network" and rest:
            host, _, port = rest.partition(":")
            return EscposPrinter("network", host=host, port=int(port or 9100), timeout=5)
        if kind == "usb":
            vid, pid = rest.split(":")
            return EscposPrinter("usb", idVendor=int(vid, 16), idProduct=int(pid, 16))
        if kind == "serial" and rest:
            device, sep, baud = rest.rpartition(":")
            if not sep or not baud.isdigit():
                device, baud = rest, ""
            return EscposPrinter("serial", devfile=device, baudrate=int(baud or 9600))
    except ValueError:
        pass
    raise ConfigError(f"小票打印机配置 printing.receipt_printer 的值 {spec!r} 无法识别。"
                      "应为 simulator、network:地址[:端口]、usb:VID:PID、serial:设备[:波特率] "
                      "或 file:路径。", detail=f"bad receipt printer spec {spec!r}")


def detect(receipt_printer: str = "") -> list[DeviceInfo]:
    """The configured receipt printer as a device row (no I/O: printers are probed on use)."""
    if not receipt_printer:
        return [DeviceInfo("printer", "escpos", "小票打印机", "", "absent",
                           "没有配置小票打印机 (printing.receipt_printer)")]
    try:
        printer = open_receipt_printer(receipt_printer)
    except ConfigError as err:
        return [DeviceInfo("printer", "escpos", "小票打印机", receipt_printer, "error",
                           err.message_zh)]
    status = "ok" if printer.is_usable() else "unusable"
    return [DeviceInfo("printer", printer.BACKEND, "小票打印机", receipt_printer or "simulator",
                       status, printer.unusable_reason())]
