"""Real receipt printers through python-escpos: USB, serial and network (port 9100).

Each backend checks the printer's status (DLE EOT) before sending, so an offline or empty
printer is reported instead of swallowing the job. python-escpos and its transports are
imported lazily: the module imports without them and ``is_usable()`` says why.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from drivers.printer.base import (
    PrinterError,
    PrintJob,
    ReceiptPrinter,
    offline_error,
    paper_out_error,
)


class EscposPrinter(ReceiptPrinter):
    """A python-escpos printer object wrapped with status checks and typed errors."""

    BACKEND = "escpos"

    def __init__(self, kind: str, **params: Any) -> None:
        #: "usb" (idVendor, idProduct), "serial" (devfile, baudrate) or "network" (host).
        self.kind = kind
        self.params = params

    @classmethod
    def unusable_reason(cls) -> str:
        """Empty when python-escpos is installed."""
        if importlib.util.find_spec("escpos") is None:
            return "未安装 python-escpos (python-escpos is not installed)"
        return ""

    def _open(self) -> Any:  # a python-escpos printer (untyped)
        from escpos import printer

        factory = {"usb": printer.Usb, "serial": printer.Serial,
                   "network": printer.Network}[self.kind]
        try:
            device = factory(**self.params)
            device.open()
        except Exception as err:  # noqa: BLE001 - every transport raises its own types
            raise offline_error(f"{self.kind} {self.params}: {err}") from None
        return device

    def print_job(self, job: PrintJob) -> None:
        """Check status, then send the job's bytes in one write."""
        device = self._open()
        try:
            if device.is_online() is False:
                raise offline_error("DLE EOT 1 reports offline")
            if device.paper_status() == 0:
                raise paper_out_error("DLE EOT 4 reports paper end")
            device._raw(job.data)
        except PrinterError:
            raise
        except Exception as err:  # noqa: BLE001
            raise offline_error(f"write failed: {err}") from None
        finally:
            device.close()
