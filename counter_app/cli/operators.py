"""``counter-app operators list [--json]``: every account this counter knows.

The JSON is a list of objects with exactly the keys ``operator_id, name, roles, source,
active, qualified_until, confirmed_at`` (``confirmed_at``: the last confirmation by a sync,
ISO 8601, or null). A data dir without a journal, or one that cannot be opened, is exit 2 with
a Chinese message; nothing is created.
"""

from __future__ import annotations

import json

from counter_app.cli import EXIT_OK
from counter_app.context import Context
from counter_app.errors import CounterAppError

SOURCE_ZH = {"server": "省级系统", "local": "本机设置", "demo": "演示"}
ROLE_ZH = {"registrar": "登记员", "supervisor": "负责人", "technician": "技术员"}
KEYS = ("operator_id", "name", "roles", "source", "active", "qualified_until", "confirmed_at")


def register(sub) -> None:
    p = sub.add_parser("operators", help="the counter's operator accounts")
    osub = p.add_subparsers(dest="operators_command", required=True, metavar="ACTION")
    listing = osub.add_parser("list", help="every account: source, state, qualification, "
                                           "last confirmation by a sync")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=run_list)


def run_list(args, ctx: Context) -> int:
    accounts = read_accounts(ctx)
    if args.json:
        print(json.dumps([{k: a[k] for k in KEYS} for a in accounts], ensure_ascii=False,
                         indent=2))
    else:
        print_table(accounts)
    return EXIT_OK


def read_accounts(ctx: Context) -> list[dict]:
    """The accounts of the data dir's journal (CounterAppError when there is none)."""
    from counter_app.operators import OperatorService
    from counter_app.wiring.journal import open_journal

    if not ctx.data_dir.is_dir():
        raise CounterAppError(f"数据目录不存在：{ctx.data_dir}。请用 --data-dir 指定本机的数据目录。",
                              code="operators.no_data_dir", detail=str(ctx.data_dir))
    if not ctx.journal_path.is_file():
        raise CounterAppError(f"数据目录 {ctx.data_dir} 中没有日志文件（journal.db），"
                              "无法列出账号。请确认数据目录是否正确。",
                              code="operators.no_journal", detail=str(ctx.journal_path))
    try:
        with open_journal(ctx, readonly=True) as journal:  # runs beside the open counter
            return OperatorService(journal).accounts()
    except OSError as exc:
        raise CounterAppError(f"无法读取数据目录 {ctx.data_dir}：{exc.strerror or exc}",
                              code="operators.data_dir_unreadable", detail=repr(exc)) from None


def print_table(accounts: list[dict]) -> None:
    if not accounts:
        print("本机还没有任何账号。")
        return
    print("工号\t姓名\t角色\t来源\t状态\t资格有效期至\t最近同步确认")
    for a in accounts:
        roles = "、".join(ROLE_ZH.get(r, r) for r in a["roles"]) or "-"
        print("\t".join([a["operator_id"], a["name"], roles,
                         SOURCE_ZH.get(a["source"], a["source"]),
                         "有效" if a["active"] else "停用", a["qualified_until"] or "-",
                         a["confirmed_at"] or ("从未" if a["source"] == "server" else "-")]))
    print(f"共 {len(accounts)} 个账号。")
