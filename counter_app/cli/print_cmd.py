"""``counter-app print receipt --case CASE.json --out FILE``: the raw ESC/POS bytes (audited in
the data dir's journal as ``cli:<OS user>``: counter_app.cli.audit)."""

from __future__ import annotations

from pathlib import Path

from counter_app.cli import EXIT_OK
from counter_app.context import Context


def register(sub) -> None:
    p = sub.add_parser("print", help="print receipts (ESC/POS) to a file")
    psub = p.add_subparsers(dest="print_command", required=True, metavar="ACTION")
    receipt = psub.add_parser("receipt", help="the receipt for a case as raw ESC/POS bytes")
    receipt.add_argument("--case", type=Path, required=True, metavar="CASE.json")
    receipt.add_argument("--out", type=Path, required=True, metavar="FILE")
    receipt.set_defaults(func=run_receipt)


def run_receipt(args, ctx: Context) -> int:
    from drivers.printer.receipts import receipt_for_case_file
    from drivers.printer.simulator import FilePrinter

    from counter_app.cli.audit import audited_print

    # checked before the journal is opened: a bad case file is refused with nothing written
    job = receipt_for_case_file(args.case, chinese_font=ctx.config["printing.receipt_chinese_font"])
    with audited_print(ctx, "print receipt", args.case) as done:
        FilePrinter(args.out).print_job(job)
        done(args.out)
    print(f"{args.out}\t{len(job.data)} bytes")
    return EXIT_OK
