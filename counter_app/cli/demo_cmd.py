"""``counter-app demo seed --days N [--per-day K] [--start DATE] [--seed S]``: fill a demo data
dir with N days of training cases made through the counter's own workflows (counter_app.seed).

It always works on a demo data dir: the demo mode's own (``--demo`` or no ``--data-dir``), or
the ``--data-dir`` given, which must be a new folder or one holding demo data only; a real
counter's data dir is refused (exit 2). The days end yesterday by default; the same ``--seed``
gives the same month.
"""

from __future__ import annotations

import argparse
import os
import sys

from counter_app.cli import EXIT_OK
from counter_app.context import Context


def register(sub) -> None:
    p = sub.add_parser("demo", help="demo and training data")
    dsub = p.add_subparsers(dest="demo_command", required=True, metavar="ACTION")
    seed = dsub.add_parser("seed", help="fill a demo data dir with N days of realistic cases")
    seed.add_argument("--days", type=int, required=True, metavar="N", help="how many days")
    seed.add_argument("--per-day", type=int, default=24, metavar="K",
                      help="cases on a usual working day (default 24; peak days 4x)")
    seed.add_argument("--start", metavar="DATE",
                      help="first day, YYYY-MM-DD (default: N days before today)")
    seed.add_argument("--seed", type=int, default=1, metavar="S",
                      help="random seed: the same seed gives the same data (default 1)")
    seed.set_defaults(func=run_seed)


def run_seed(args, ctx: Context) -> int:
    from counter_app.cli import make_context
    from counter_app.reports.days import parse_day
    from counter_app.seed import options, seed_demo

    start = parse_day(args.start) if args.start else None
    if not ctx.demo:   # the seed always runs with the demo's settings and data dir
        ctx = make_context(argparse.Namespace(**{**vars(args), "demo": True}))
    opts = options(args.days, args.per_day, start, args.seed, ctx.today())
    print(f"正在生成演示数据：{opts.start} 起 {opts.days} 天，每天约 {opts.per_day} 件，"
          f"数据目录 {ctx.data_dir}", file=sys.stderr)
    # the archive files' PDFs are painted offscreen: no window system is needed
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from forms.qt.render import render_spec_pages

    counts = seed_demo(ctx, opts, progress=lambda line: print(line, file=sys.stderr),
                       renderer=render_spec_pages)
    summary = "，".join(f"{what} {n}" for what, n in sorted(counts.items()))
    print(f"完成：{summary}。", file=sys.stderr)
    return EXIT_OK
