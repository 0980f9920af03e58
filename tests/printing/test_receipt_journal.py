"""Receipts through the journal and the real network backend against the loopback simulator."""

from __future__ import annotations

import time

import pytest

from helpers.journals import open_test_journal
from counter_app.printing.receipts import pending, print_receipt, reprint
from drivers.printer.base import PaperOut, PrinterOffline
from drivers.printer.escpos_backends import EscposPrinter
from drivers.printer.receipts import queue_ticket
from drivers.printer.simulator import NetworkPrinterSimulator, SimulatorPrinter


def test_failed_receipt_stays_pending_and_reprints_the_same_bytes(data_dir):
    printer, job = SimulatorPrinter(), queue_ticket("B007", "补领婚姻登记证", 1)
    printer.paper = False
    with open_test_journal(data_dir, key_store="file", staff=True) as journal:
        with pytest.raises(PaperOut):
            print_receipt(journal, printer, job, operator="reg01")
        [row] = pending(journal)
        assert row["status"] == "failed" and row["sha256"] == job.sha256
    # the app restarts: the job is still there
    with open_test_journal(data_dir, key_store="file") as journal:
        printer.paper = True
        reprint(journal, printer, row["request_id"], operator="reg01")
        assert pending(journal) == []
        kinds = [e.kind for e in journal.entries()]
    assert printer.printed == [job.data]
    assert kinds[-3:] == ["receipt.requested", "receipt.print_failed", "receipt.printed"]


def wait_for_jobs(sim, count):
    deadline = time.monotonic() + 5
    while len(sim.jobs) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return sim.jobs


@pytest.fixture
def network_printer():
    sim = NetworkPrinterSimulator()
    yield sim, EscposPrinter("network", host="127.0.0.1", port=sim.port, timeout=3)
    sim.close()


def test_network_backend_sends_the_job_after_checking_status(network_printer):
    sim, printer = network_printer
    job = queue_ticket("A001", "结婚登记", 0)
    printer.print_job(job)
    assert wait_for_jobs(sim, 1) == [job.data]


def test_network_backend_reports_paper_out_and_offline(network_printer):
    sim, printer = network_printer
    job = queue_ticket("A002", "结婚登记", 0)
    sim.paper = False
    with pytest.raises(PaperOut):
        printer.print_job(job)
    sim.paper, sim.online = True, False
    with pytest.raises(PrinterOffline):
        printer.print_job(job)
    assert sim.jobs == []


def test_network_backend_reports_an_unreachable_printer():
    sim = NetworkPrinterSimulator()
    port = sim.port
    sim.close()
    with pytest.raises(PrinterOffline, match="未连接"):
        EscposPrinter("network", host="127.0.0.1", port=port, timeout=1).print_job(
            queue_ticket("A003", "结婚登记", 0))


@pytest.mark.parametrize("spec,backend", [("simulator", "simulator"), ("file:/tmp/x", "file"),
                                          ("network:10.0.0.9", "escpos"),
                                          ("usb:04b8:0e15", "escpos"),
                                          ("serial:/dev/ttyS0:19200", "escpos")])
def test_receipt_printer_settings_open_the_right_backend(spec, backend):
    from drivers.printer.factory import open_receipt_printer

    printer = open_receipt_printer(spec)
    assert printer.BACKEND == backend
    if spec.startswith("serial"):
        assert printer.params == {"devfile": "/dev/ttyS0", "baudrate": 19200}


def test_a_malformed_printer_setting_is_a_clear_error():
    from counter_app.errors import ConfigError
    from drivers.printer.factory import detect, open_receipt_printer

    with pytest.raises(ConfigError, match="无法识别"):
        open_receipt_printer("usb:zz")
    assert detect("bogus:1")[0].status == "error"


def test_print_receipt_cli_prints_only_its_result_line(tmp_path):
    """python-escpos used to print a profile warning on stdout for every image."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    case = Path(__file__).resolve().parents[1] / "forms" / "data" / "divorce.json"
    env = dict(os.environ, COUNTER_APP_JOURNAL_KEY_STORE="file")
    result = subprocess.run([sys.executable, "-m", "counter_app", "--data-dir", str(tmp_path),
                             "print", "receipt", "--case", str(case), "--out",
                             str(tmp_path / "r.bin")], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{tmp_path / 'r.bin'}\t{(tmp_path / 'r.bin').stat().st_size} bytes"]
