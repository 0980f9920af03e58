"""A receipt printer simulator that records the exact ESC/POS bytes, and a file backend.

The simulator answers like a real printer: it can be switched offline or out of paper (from
tests, the demo or the training counter) and then refuses the job with the same errors a real
printer gives, keeping nothing half-printed.
"""

from __future__ import annotations

from pathlib import Path

from drivers.printer.base import PrintJob, ReceiptPrinter, offline_error, paper_out_error


class SimulatorPrinter(ReceiptPrinter):
    """Records every printed job's bytes in ``printed``; ``online``/``paper`` set its state."""

    BACKEND = "simulator"

    def __init__(self) -> None:
        self.printed: list[bytes] = []
        self.online = True
        self.paper = True

    def print_job(self, job: PrintJob) -> None:
        """Accept the job's bytes, or fail like a real printer that is offline or empty."""
        if not self.online:
            raise offline_error("simulator offline")
        if not self.paper:
            raise paper_out_error("simulator paper out")
        self.printed.append(job.data)

    @property
    def output(self) -> bytes:
        """Everything printed so far, concatenated."""
        return b"".join(self.printed)


class FilePrinter(ReceiptPrinter):
    """Writes the job's bytes to a file or device node (e.g. /dev/usb/lp0, or a capture)."""

    BACKEND = "file"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def print_job(self, job: PrintJob) -> None:
        """Write the bytes in one go; an unwritable path is reported as an offline printer."""
        try:
            self.path.write_bytes(job.data)
        except OSError as err:
            raise offline_error(f"{self.path}: {err}") from None
