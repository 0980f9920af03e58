"""Regenerate the golden ESC/POS files: `.venv/bin/python tests/printing/make_golden.py`.

Only after checking the change is intended (print the new bytes on a real printer).
"""

from pathlib import Path

from drivers.printer.receipts import queue_ticket, receipt_for_case_file

HERE = Path(__file__).resolve().parent
(HERE / "golden" / "divorce_receipt.bin").write_bytes(
    receipt_for_case_file(HERE.parent / "forms" / "data" / "divorce.json").data)
(HERE / "golden" / "queue_ticket.bin").write_bytes(queue_ticket("A012", "结婚登记", 3).data)
