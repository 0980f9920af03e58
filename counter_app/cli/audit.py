"""``counter-app audit list [--since D] [--operator ID] [--json]``: the audited acts (who opened
which case, looked up or showed which archive record, printed what, which actions were
refused), oldest first. docs/audit.md gives the JSON shape.

The command line is recorded as ``cli:<OS user>`` and may read the audit (the permission
table's ``audit.view``); a counter account reads it on the supervisor's audit screen.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from pathlib import Path

from counter_app.cli import EXIT_OK
from counter_app.context import Context


def register(sub) -> None:
    p = sub.add_parser("audit", help="the audit of views, prints and refused actions")
    asub = p.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    lst = asub.add_parser("list", help="list the audited acts, oldest first")
    lst.add_argument("--since", metavar="D", help="from this day on (YYYY-MM-DD, local time)")
    lst.add_argument("--operator", metavar="ID", help="only this operator's acts")
    lst.add_argument("--json", action="store_true", help="machine-readable output")
    lst.set_defaults(func=run_list)


def run_list(args, ctx: Context) -> int:
    from counter_app.audit import list_entries, parse_since
    from counter_app.operators import cli_operator
    from counter_app.wiring.journal import open_journal

    since = parse_since(args.since) if args.since is not None else None  # exit 2 before opening
    with open_journal(ctx) as journal:
        rows = list_entries(journal, cli_operator(), since=since, operator=args.operator)
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print("没有符合条件的审计记录 no audited acts")
    for r in rows:
        where = "  ".join(x for x in (f"业务 {r.case_id[:8]}" if r.case_id else "",
                                      f"记录 {r.record}" if r.record else "",
                                      f"用途 {r.purpose}" if r.purpose else "") if x)
        print(f"{r.seq}\t{r.at}\t{r.operator}\t{r.description}\t{where}".rstrip())
    return EXIT_OK


@contextmanager
def audited_print(ctx: Context, what: str, source: Path):
    """Around a command that prints or writes a record from the case file ``source``: the data
    dir's journal is opened first (no audit, no print), and ``done(output)`` journals
    ``audit.printed`` as ``cli:<OS user>`` with the file's SHA-256 (never its name, which may
    be a person's)."""
    from counter_app.audit import record_printed
    from counter_app.operators import cli_operator
    from counter_app.wiring.journal import open_journal

    with open_journal(ctx) as journal:
        def done(output: Path) -> None:
            digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
            record_printed(journal, cli_operator(), what, str(output),
                           record=f"case-file:{digest}")

        yield done
