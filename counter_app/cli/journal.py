"""``counter-app journal verify|stress|rebuild``."""

from __future__ import annotations

import sys
from pathlib import Path

from counter_app.cli import EXIT_FAILED, EXIT_OK
from counter_app.context import Context

#: The crash tests' filler entries (no flow reads them).
KIND_STRESS_SYNTHETIC = "stress.synthetic"


def register(sub) -> None:
    p = sub.add_parser("journal", help="check, rebuild or stress the local journal")
    jsub = p.add_subparsers(dest="journal_command", required=True, metavar="ACTION")

    verify = jsub.add_parser("verify", help="check the hash chain, projections and attachments")
    _db_option(verify)
    verify.set_defaults(func=run_verify)

    stress = jsub.add_parser("stress", help="append N synthetic entries (crash tests use it)")
    _db_option(stress)
    stress.add_argument("--entries", type=int, required=True, metavar="N")
    stress.add_argument("--attachment-every", type=int, default=0, metavar="K",
                        help="attach a small random blob to every K-th entry")
    stress.set_defaults(func=run_stress)

    rebuild = jsub.add_parser("rebuild", help="rebuild projections from the entries")
    _db_option(rebuild)
    rebuild.set_defaults(func=run_rebuild)


def _db_option(parser) -> None:
    parser.add_argument("--db", type=Path, metavar="PATH",
                        help="journal file (default: journal.db in the data dir)")


def open_journal(args, ctx: Context):
    from counter_app.journal import Journal
    from counter_app.wiring.journal import PROJECTION_MODULES

    path = args.db or ctx.journal_path
    # Verify and rebuild cover the same projections the app maintains.
    kwargs = dict(projections=PROJECTION_MODULES,
                  clock_slack_ms=ctx.config["journal.clock_slack_ms"],
                  clock_max_skew_s=ctx.config["journal.clock_max_skew_s"])
    if args.db is None:
        return Journal.open(ctx.data_dir, ctx.config["journal.key_store"], **kwargs)
    return Journal.open_file(path, ctx.config["journal.key_store"], **kwargs)


def run_verify(args, ctx: Context) -> int:
    from counter_app.journal.verify import verify

    path = args.db or ctx.journal_path
    if not Path(path).exists():
        print(f"错误 error: 日志文件不存在 journal not found: {path}", file=sys.stderr)
        return 2
    with open_journal(args, ctx) as journal:
        report = verify(journal)
    if report.ok:
        print(f"ok {report.entries} entries, last seq {report.last_seq}")
        return EXIT_OK
    first = report.first_broken_seq
    headline = f"broken at seq {first}" if first is not None else "broken: file damaged"
    print(headline)
    for problem in report.problems[:20]:
        print(f"  {problem}")
    if len(report.problems) > 20:
        print(f"  ... and {len(report.problems) - 20} more")
    return EXIT_FAILED


def run_stress(args, ctx: Context) -> int:
    import os
    import uuid

    from counter_app.errors import CounterAppError

    # Checked before the journal is opened: a refused count leaves no file behind.
    if args.entries < 1:
        raise CounterAppError(f"--entries 应为正整数（要追加的条目数），实际为 {args.entries}",
                              code="journal.bad_count")
    if args.attachment_every < 0:
        raise CounterAppError(f"--attachment-every 不能为负数，实际为 {args.attachment_every}",
                              code="journal.bad_count")
    with open_journal(args, ctx) as journal:
        case_id = uuid.uuid4().hex
        for i in range(1, args.entries + 1):
            attachments = []
            if args.attachment_every and i % args.attachment_every == 0:
                attachments = [(os.urandom(2048), "application/octet-stream")]
            entry = journal.append(KIND_STRESS_SYNTHETIC, {"n": i, "note": "合成压力测试条目"},
                                   operator="stress", case_id=case_id,
                                   attachments=attachments)
            sys.stdout.write(f"committed {entry.seq} {entry.hash}\n")
            sys.stdout.flush()
    return EXIT_OK


def run_rebuild(args, ctx: Context) -> int:
    with open_journal(args, ctx) as journal:
        names = journal.rebuild_projections()
        seq, _ = journal.head()
    print(f"rebuilt {', '.join(names)} from {seq} entries")
    return EXIT_OK
