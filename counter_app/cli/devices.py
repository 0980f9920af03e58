"""``counter-app devices [--json]``: every device backend and what it found; no hardware needed."""

from __future__ import annotations

import json

from counter_app.cli import EXIT_OK
from counter_app.context import Context


def register(sub) -> None:
    p = sub.add_parser("devices", help="list detected card readers, cameras and printers")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(func=run_devices)


def run_devices(args, ctx: Context) -> int:
    from counter_app.wiring.devices import device_settings
    from drivers.registry import detect_all

    rows = detect_all(device_settings(ctx), demo=ctx.demo)
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    for r in rows:
        where = f" {r.address}" if r.address else ""
        detail = f" — {r.detail}" if r.detail else ""
        print(f"{r.kind:<16} {r.backend:<14} {r.status:<9} {r.name}{where}{detail}")
    return EXIT_OK
