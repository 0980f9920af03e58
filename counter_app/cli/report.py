"""``counter-app report daily --date D [--window N]`` and ``counter-app report monthly --month
YYYY-MM``, each with ``[--format json|xlsx|pdf] [--out FILE]``.

JSON goes to standard output unless ``--out`` names a file; Excel and PDF go to ``--out`` or
to ``<report>-<date>.<format>`` in the current folder. Every export is recorded in the journal
under ``cli:<OS user>`` (the command line has no login). A malformed or impossible date or
month and an unknown format exit 2 with a Chinese message before anything is opened; a day or
month without cases is a report of zeros; a path that cannot be written exits 2 and leaves no
file. docs/reports.md gives the JSON shapes.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from counter_app.cli import EXIT_OK
from counter_app.context import Context
from counter_app.errors import CounterAppError


def register(sub) -> None:
    p = sub.add_parser("report", help="daily closing and monthly statistics (json, xlsx, pdf)")
    rsub = p.add_subparsers(dest="report_command", required=True, metavar="REPORT")
    daily = rsub.add_parser("daily", help="a window's daily closing (日结)")
    daily.add_argument("--date", required=True, metavar="D", help="the day, YYYY-MM-DD")
    daily.add_argument("--window", metavar="N", help="another window's closing, as the "
                                                     "province returned it (default: this one)")
    monthly = rsub.add_parser("monthly", help="the monthly statistics (月报)")
    monthly.add_argument("--month", required=True, metavar="YYYY-MM", help="the month")
    for parser in (daily, monthly):
        parser.add_argument("--format", default="json", metavar="json|xlsx|pdf",
                            help="output format (default json)")
        parser.add_argument("--out", type=Path, metavar="FILE",
                            help="write here (default: JSON to standard output, others to "
                                 "<report>-<date>.<format> in the current folder)")
    daily.set_defaults(func=run_daily)
    monthly.set_defaults(func=run_monthly)


def cli_operator() -> str:
    """Who a command is recorded as: ``cli:<OS user>``."""
    try:
        return "cli:" + getpass.getuser()
    except (OSError, KeyError):
        return "cli:unknown"


def run_daily(args, ctx: Context) -> int:
    params = {"date": args.date}
    if args.window is not None:
        params["window"] = args.window
    return _run(ctx, "daily", params, args.format, args.out)


def run_monthly(args, ctx: Context) -> int:
    return _run(ctx, "monthly", {"month": args.month}, args.format, args.out)


def _run(ctx: Context, key: str, params: dict, fmt: str, out: Path | None) -> int:
    from counter_app.reports.service import check_format, definition_of

    check_format(fmt)
    definition_of(key).parse(params)   # a bad date or month: exit 2 before opening anything
    with _open_journal(ctx) as journal:
        service = _service(ctx, journal, fmt)
        operator = cli_operator()
        if key == "daily" and params.get("window") not in (None, service.window):
            _fetch(service, operator, params["date"])
        report = service.make(operator, key, params)
        if out is None and fmt != "json":
            out = Path(f"{report.file_stem}.{fmt}")
        data, written = service.export(operator, report, fmt, out)
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        print(f"已导出 {report.title}（{report.subtitle}）：{written.output}", file=sys.stderr)
    return EXIT_OK


def _fetch(service, operator: str, day: str) -> None:
    """Another window's closing: ask the province first; offline, the copy last fetched
    (if any) is shown."""
    try:
        service.fetch_closings(operator, day)
    except CounterAppError as err:
        print(f"未能从省级系统取回日结（{err.message_zh}），显示本机上次取回的。", file=sys.stderr)


def _service(ctx: Context, journal, fmt: str):
    from counter_app.wiring.reports import report_service
    from counter_app.wiring.sync import sync_status

    pdf = None
    if fmt == "pdf":
        # painting a PDF needs no window system: the offscreen platform works on a server
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from forms.qt.pdf import render_pdf
        from forms.qt.render import ensure_gui_application

        ensure_gui_application()
        pdf = render_pdf
    return report_service(ctx, journal, outbox=sync_status(ctx, journal), pdf=pdf)


def _open_journal(ctx: Context):
    """The data dir's journal (CounterAppError when there is none: nothing is created)."""
    from counter_app.wiring.journal import open_journal

    if not ctx.journal_path.is_file():
        raise CounterAppError(f"数据目录 {ctx.data_dir} 中没有日志文件（journal.db），无法生成报表。"
                              "请用 --data-dir 指定本机的数据目录。",
                              code="reports.no_journal", detail=str(ctx.journal_path))
    return open_journal(ctx)
