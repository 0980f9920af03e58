"""ESC/POS receipts: the Chinese path, golden bytes, QR, cut, and printer failures."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from drivers.printer.base import PaperOut, PrinterOffline, PrintJob
from drivers.printer.escpos_text import FS_CHINESE_OFF, FS_CHINESE_ON, ReceiptBuilder, gbk_bytes
from drivers.printer.receipts import divorce_receipt, queue_ticket, receipt_for_case_file
from drivers.printer.simulator import FilePrinter, SimulatorPrinter

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "forms" / "data"
GOLDEN = HERE / "golden"


def test_chinese_line_is_gbk_inside_fs_and_fs_dot():
    out = ReceiptBuilder().line("受理日期：2026年9月30日").bytes()
    expected = FS_CHINESE_ON + "受理日期：2026年9月30日".encode("gbk") + FS_CHINESE_OFF + b"\n"
    assert out == b"\x1b\x40" + expected


def test_yen_sign_becomes_fullwidth_yen_in_gbk():
    assert gbk_bytes("¥12") == "￥12".encode("gbk") == b"\xa3\xa412"
    # CJK punctuation alone is still Chinese text, not "?" as python-escpos would send.
    assert FS_CHINESE_ON + "，。".encode("gbk") in ReceiptBuilder().line("，。").bytes()


def test_character_outside_gbk_falls_back_to_raster():
    out = ReceiptBuilder().line("吉𠮷").bytes()
    assert FS_CHINESE_ON not in out
    assert b"\x1dv0" in out  # GS v 0: raster bit image


def test_printer_without_chinese_font_gets_raster_text():
    out = ReceiptBuilder(chinese_font=False).line("离婚登记").bytes()
    assert FS_CHINESE_ON not in out and b"\x1dv0" in out


def test_qr_native_and_raster_fallback():
    native = ReceiptBuilder().qr("RCPT:1").bytes()
    raster = ReceiptBuilder().qr("RCPT:1", native=False).bytes()
    assert b"\x1d(k" in native and b"RCPT:1" in native
    assert b"\x1d(k" not in raster and b"\x1dv0" in raster


def test_divorce_receipt_shows_calendar_dates_and_cuts():
    job = divorce_receipt(office_name="海淀区婚姻登记处", names=["张三", "李四"],
                          receipt_date=date(2026, 9, 30), receipt_number="0415")
    from counter_app.rules.calendar import divorce_periods

    periods = divorce_periods(date(2026, 9, 30))
    for day in (periods.receipt_date, periods.withdrawal_deadline, periods.issuance_from,
                periods.issuance_until):
        assert f"{day.year}年{day.month}月{day.day}日".encode("gbk") in job.data
    assert job.data.endswith(b"\x1dV\x00")  # full cut


def test_divorce_receipt_matches_golden_bytes():
    job = receipt_for_case_file(DATA / "divorce.json")
    golden = GOLDEN / "divorce_receipt.bin"
    assert job.data == golden.read_bytes(), "regenerate with tests/printing/make_golden.py"


def test_queue_ticket_matches_golden_bytes():
    job = queue_ticket("A012", "结婚登记", 3)
    assert job.data == (GOLDEN / "queue_ticket.bin").read_bytes()


def test_offline_and_paper_out_are_clear_and_the_job_can_be_repeated():
    printer, job = SimulatorPrinter(), queue_ticket("A013", "离婚登记", 0)
    printer.online = False
    with pytest.raises(PrinterOffline, match="重新打印"):
        printer.print_job(job)
    printer.online, printer.paper = True, False
    with pytest.raises(PaperOut, match="缺纸"):
        printer.print_job(job)
    assert printer.printed == []
    printer.paper = True
    printer.print_job(job)
    assert printer.output == job.data


def test_file_printer_reports_unwritable_path_as_offline(tmp_path):
    with pytest.raises(PrinterOffline):
        FilePrinter(tmp_path / "missing" / "lp0").print_job(PrintJob("x", "x", b"\x1b@"))


def cli_in(tmp_path):
    """The command line on a data dir of the test's own (a print is audited in its journal)."""
    return [sys.executable, "-m", "counter_app", "--data-dir", str(tmp_path / "data")]


def test_cli_print_receipt_writes_raw_bytes(tmp_path):
    out = tmp_path / "r.bin"
    run = subprocess.run([*cli_in(tmp_path), "print", "receipt", "--case",
                          str(DATA / "divorce.json"), "--out", str(out)],
                         check=False, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == (GOLDEN / "divorce_receipt.bin").read_bytes()


def test_cli_print_receipt_refuses_a_marriage_case(tmp_path):
    run = subprocess.run([*cli_in(tmp_path), "print", "receipt", "--case",
                          str(DATA / "marriage.json"), "--out", str(tmp_path / "r.bin")],
                         check=False, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "受理日期" in run.stderr


def test_cli_honours_the_no_chinese_font_setting(tmp_path):
    import os

    out = tmp_path / "r.bin"
    env = dict(os.environ, COUNTER_APP_PRINTING_RECEIPT_CHINESE_FONT="false")
    run = subprocess.run([*cli_in(tmp_path), "print", "receipt", "--case",
                          str(DATA / "divorce.json"), "--out", str(out)], check=False,
                         capture_output=True, text=True, timeout=60, env=env)
    assert run.returncode == 0, run.stderr
    assert FS_CHINESE_ON not in out.read_bytes() and b"\x1dv0" in out.read_bytes()


def test_threaded_printer_runs_io_on_its_driver_thread():
    import threading

    from drivers.printer.base import ThreadedPrinter

    seen = []

    class Probe(SimulatorPrinter):
        def print_job(self, job):
            seen.append(threading.current_thread().name)
            super().print_job(job)

    inner = Probe()
    printer = ThreadedPrinter(inner)
    try:
        job = queue_ticket("C001", "结婚登记", 0)
        printer.submit(job).result(timeout=5)
        inner.paper = False
        with pytest.raises(PaperOut):
            printer.submit(job).result(timeout=5)
    finally:
        printer.close()
    assert seen and all(name.startswith("drv-printer") for name in seen)
    assert inner.printed == [job.data]
