"""``counter-app config show|docs``: what the settings are and where each value came from."""

from __future__ import annotations

import json

from counter_app import config
from counter_app.context import Context


def register(sub) -> None:
    p = sub.add_parser("config", help="show the configuration or print its documentation")
    csub = p.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    show = csub.add_parser("show", help="every setting, its value and its source")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=run_show)
    docs = csub.add_parser("docs", help="print docs/configuration.md (generated)")
    docs.set_defaults(func=run_docs)


def run_show(args, ctx: Context) -> int:
    cfg = ctx.config
    if args.json:
        print(json.dumps({"file": str(cfg.file), "data_dir": str(cfg.data_dir),
                          "values": cfg.values, "sources": cfg.sources}, ensure_ascii=False))
        return 0
    print(f"config file: {cfg.file}")
    print(f"data dir:    {cfg.data_dir}")
    for s in config.settings():
        print(f"{s.key} = {cfg[s.key]!r}    ({cfg.sources[s.key]})")
    return 0


def run_docs(args, ctx: Context) -> int:
    print(config.render_docs(), end="")
    return 0
