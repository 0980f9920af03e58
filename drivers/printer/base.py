"""The receipt-printer interface, print jobs and the printer's typed errors.

A :class:`PrintJob` holds the complete ESC/POS bytes. Sending it either succeeds or raises a
:class:`PrinterError` subclass with a Chinese message; the job itself is never consumed, so
the registrar fixes the printer (paper, power, cable) and prints the same job again.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from concurrent.futures import Future
from dataclasses import dataclass

from drivers.base import Backend, DeviceError


class PrinterError(DeviceError):
    """The printer could not print the job; nothing was lost, the job can be repeated."""

    code = "printer.error"


class PrinterOffline(PrinterError):
    """The printer does not answer (power, cable, network)."""

    code = "printer.offline"


class PaperOut(PrinterError):
    """The printer reports no paper."""

    code = "printer.paper_out"


@dataclass(frozen=True)
class PrintJob:
    """A complete receipt or ticket: what it is and its raw ESC/POS bytes."""

    kind: str            # "divorce_receipt", "queue_ticket", ...
    description: str     # short Chinese description for the UI ("离婚登记申请受理回执")
    data: bytes

    @property
    def sha256(self) -> str:
        """Identifies the job's bytes (journaled with each attempt)."""
        return hashlib.sha256(self.data).hexdigest()


class ReceiptPrinter(Backend, ABC):
    """An ESC/POS receipt printer. Call :meth:`print_job` from the driver thread only."""

    #: Backend name as listed by ``counter-app devices``.
    BACKEND = "abstract"

    @abstractmethod
    def print_job(self, job: PrintJob) -> None:
        """Send the whole job; raise PrinterOffline / PaperOut / PrinterError on failure."""


def offline_error(detail: str) -> PrinterOffline:
    """The error shown when the printer does not answer."""
    return PrinterOffline("小票打印机未连接或未开机。请检查电源和数据线后点击“重新打印”，"
                          "小票内容已保留。", detail=detail)


def paper_out_error(detail: str) -> PaperOut:
    """The error shown when the printer has no paper."""
    return PaperOut("小票打印机缺纸。请装入新的热敏纸卷后点击“重新打印”，小票内容已保留。",
                    detail=detail)


class ThreadedPrinter(ReceiptPrinter):
    """Runs another printer's I/O on its own driver thread (never on the GUI thread).

    ``submit(job)`` returns a Future (the UI adds a callback); ``print_job`` waits for it.
    """

    def __init__(self, inner: ReceiptPrinter) -> None:
        from drivers.base import DeviceThread

        self.inner = inner
        self.BACKEND = inner.BACKEND
        self.thread = DeviceThread(f"printer-{inner.BACKEND}")

    def submit(self, job: PrintJob) -> Future[None]:
        """Queue ``job`` on the driver thread; the Future raises the printer's error."""
        return self.thread.submit(self.inner.print_job, job)

    def print_job(self, job: PrintJob) -> None:
        """Print on the driver thread and wait."""
        self.thread.call(self.inner.print_job, job)

    def close(self) -> None:
        """Stop the driver thread."""
        self.thread.shutdown()
