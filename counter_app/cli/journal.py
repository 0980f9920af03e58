"""``counter-app journal verify|stress|rebuild|backup|restore``."""

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

    backup = jsub.add_parser("backup", help="write the journal and its attachments to one "
                                            "encrypted file (SQLite online backup)")
    backup.add_argument("--out", type=Path, required=True, metavar="FILE")
    backup.set_defaults(func=run_backup)

    restore = jsub.add_parser(
        "restore", help="technicians: put the journal back from a backup file or from the "
                        "provincial system when the counter refuses its own (journaled)")
    source = restore.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-backup", type=Path, metavar="FILE",
                        help="a file made by `journal backup` (or a copy of journal.db)")
    source.add_argument("--from-province", action="store_true",
                        help="this machine's entries as the provincial system holds them")
    restore.add_argument("--server", metavar="URL", help="server URL (default: the enrolment's)")
    restore.add_argument("--reason", required=True, help="why (recorded in the journal)")
    restore.add_argument("--confirm", action="store_true",
                         help="required: the current journal file is set aside and replaced")
    restore.set_defaults(func=run_restore)


def _db_option(parser) -> None:
    parser.add_argument("--db", type=Path, metavar="PATH",
                        help="journal file (default: journal.db in the data dir)")


def open_journal(args, ctx: Context, *, examine: bool = False):
    """The journal a command works on; ``examine``: a file given with --db that is not a data
    dir's own journal is only read (verify must not change a backup it checks)."""
    from counter_app.journal import Journal, keys
    from counter_app.wiring.journal import PROJECTION_MODULES
    from counter_app.wiring.journal import open_journal as open_data_dir

    if args.db is None or Path(args.db).resolve() == ctx.journal_path.resolve():
        return open_data_dir(ctx)
    # Another data dir's journal.db opens as that data dir's; any other file (a backup, a
    # copy set aside) is examined as this data dir's: with its key and attachments.
    kwargs = dict(projections=PROJECTION_MODULES,
                  clock_slack_ms=ctx.config["journal.clock_slack_ms"],
                  clock_max_skew_s=ctx.config["journal.clock_max_skew_s"])
    store = ctx.config["journal.key_store"]
    stored = keys.find_key(keys.place(ctx.data_dir, store, ctx.config.key_dir))
    if stored is not None:
        kwargs.update(key=stored.key, attachment_dir=ctx.data_dir / "attachments")
    if examine and Path(args.db).name != "journal.db":
        kwargs.update(readonly=True)
    return Journal.open_file(args.db, store, key_dir=ctx.config.key_dir, **kwargs)


def run_verify(args, ctx: Context) -> int:
    from counter_app.journal.verify import verify

    if args.db is None and not ctx.journal_path.exists():
        from counter_app.wiring.journal import open_journal as open_data_dir

        open_data_dir(ctx, readonly=True).close()  # raises: deleted, or never created
    with open_journal(args, ctx, examine=True) as journal:
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


def run_backup(args, ctx: Context) -> int:
    from counter_app.journal.kinds import KIND_JOURNAL_BACKED_UP
    from counter_app.journal.restore import actor, backup
    from counter_app.wiring.journal import open_journal as open_data_dir

    with open_data_dir(ctx) as journal:
        report = backup(journal, args.out)
        who = actor()
        journal.append(KIND_JOURNAL_BACKED_UP,
                       {"file": str(Path(args.out).resolve()), "head_seq": report.head_seq,
                        "head_hash": report.head_hash, "attachments": report.attachments,
                        **who}, operator=f"os:{who['os_user']}")
    print(f"backup {args.out}: {report.head_seq} entries, {report.attachments} attachments")
    return EXIT_OK


def run_restore(args, ctx: Context) -> int:
    from counter_app.journal import keys
    from counter_app.journal.lock import DataDirLock
    from counter_app.journal.restore import RestoreError, current_key

    if not args.confirm:
        raise RestoreError("恢复会把当前的日志文件移到一旁并换上恢复的日志。确认要这样做，请加上 --confirm。",
                           detail="restore without --confirm")
    if not args.reason.strip():
        raise RestoreError("请用 --reason 写明恢复的原因（会记入日志）。", detail="no reason")
    where = keys.place(ctx.data_dir, ctx.config["journal.key_store"], ctx.config.key_dir)
    lock = DataDirLock.acquire(ctx.data_dir, ctx.program)
    try:
        stored = current_key(where)
        installed, source = _restore(args, ctx, where, stored)
        entry = _journal_restore(ctx, args, installed, source)
    finally:
        lock.release()
    print(f"restored from {source['source']}: head {installed.before.get('head_seq', '-')} -> "
          f"{installed.after['head_seq']} (journal {installed.after['journal_id'][:8]}); "
          f"recorded as seq {entry.seq}")
    if installed.replaced:
        print(f"the replaced file is kept as {installed.replaced}")
    for problem in source.get("missing_attachments", [])[:20]:
        print(f"  attachment not available from the province: {problem[:12]}", file=sys.stderr)
    return EXIT_OK


def _restore(args, ctx: Context, where, stored):
    from counter_app.journal import restore
    from counter_app.wiring.journal import PROJECTION_MODULES
    from sync.state import known_acked_seq

    clock = dict(clock_slack_ms=ctx.config["journal.clock_slack_ms"],
                 clock_max_skew_s=ctx.config["journal.clock_max_skew_s"])
    try:
        if args.from_backup is not None:
            staged = restore.stage_backup(args.from_backup, ctx.data_dir, stored.key)
            source = {"source": "backup", "from": str(Path(args.from_backup).resolve())}
        else:
            from sync.restore import stage_from_province

            staged, source = stage_from_province(ctx.data_dir, stored.key, PROJECTION_MODULES,
                                                 server_url=args.server, config=ctx.config,
                                                 allow_http=ctx.demo)
        installed = restore.install(staged, where, stored, PROJECTION_MODULES,
                                    known_acked_seq(ctx.data_dir), clock)
    except BaseException:
        restore.discard(ctx.data_dir)
        raise
    return installed, source


def _journal_restore(ctx: Context, args, installed, source):
    from counter_app.journal.kinds import KIND_JOURNAL_RESTORED
    from counter_app.journal.restore import actor
    from counter_app.wiring.journal import open_journal as open_data_dir

    who = actor()
    payload = {**source, **who, "reason": args.reason.strip(), "before": installed.before,
               "after": installed.after, "replaced_file": installed.replaced,
               "missing_attachments": len(source.get("missing_attachments", []))}
    with open_data_dir(ctx) as journal:
        return journal.append(KIND_JOURNAL_RESTORED, payload, operator=f"os:{who['os_user']}")
