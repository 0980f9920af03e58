"""A receipt printer simulator that records the exact ESC/POS bytes, and a file backend.

The simulator answers like a real printer: it can be switched offline or out of paper (from
tests, the demo or the training counter) and then refuses the job with the same errors a real
printer gives, keeping nothing half-printed.
"""

from __future__ import annotations

import socket
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


class NetworkPrinterSimulator:
    """A receipt printer on a TCP port (like a LAN printer on 9100), on the loopback address.

    It answers the real-time status queries DLE EOT 1 (printer) and DLE EOT 4 (paper roll)
    as an Epson-compatible printer does, and records the bytes of each connection as one job,
    so the real python-escpos network backend can be exercised without hardware.
    """

    STATUS_ONLINE, STATUS_OFFLINE = b"\x16", b"\x1e"      # bit 3: offline
    PAPER_OK, PAPER_OUT = b"\x12", b"\x72"                # bits 5-6: paper end

    def __init__(self) -> None:
        import threading

        self.online = True
        self.paper = True
        self.jobs: list[bytes] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="sim-netprinter",
                                        daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                continue
            with conn:
                self._session(conn)

    def _session(self, conn: socket.socket) -> None:
        conn.settimeout(2.0)
        job = bytearray()
        while True:
            try:
                chunk = conn.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            if chunk == b"\x10\x04\x01":
                conn.sendall(self.STATUS_ONLINE if self.online else self.STATUS_OFFLINE)
            elif chunk == b"\x10\x04\x04":
                conn.sendall(self.PAPER_OK if self.paper else self.PAPER_OUT)
            else:
                job.extend(chunk)
        if job:
            self.jobs.append(bytes(job))

    def close(self) -> None:
        """Stop serving (tests call it; the thread ends within 0.2 s)."""
        self._stop.set()
        self._thread.join(timeout=2)
        self._server.close()
