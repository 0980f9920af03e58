"""``counter-app devices [--json]``: every device backend and what it found; no hardware needed.

Exit 0 when every kind of device the counter needs (drivers.registry.EXPECTED_KINDS) has a
usable one, 1 when one has none (the list says why).
"""

from __future__ import annotations

import json

from counter_app.cli import EXIT_FAILED, EXIT_OK
from counter_app.context import Context


def register(sub) -> None:
    p = sub.add_parser("devices", help="list detected card readers, cameras and printers")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(func=run_devices)


def run_devices(args, ctx: Context) -> int:
    from counter_app.wiring.devices import device_settings
    from drivers.registry import detect_all

    from counter_app.workflows.devices import summarize
    from drivers.registry import EXPECTED_KINDS

    rows = detect_all(device_settings(ctx), demo=ctx.demo)
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
    else:
        for r in rows:
            where = f" {r.address}" if r.address else ""
            detail = f" — {r.detail}" if r.detail else ""
            print(f"{r.kind:<16} {r.backend:<14} {r.status:<9} {r.name}{where}{detail}")
    unusable = [k for k in summarize(rows) if k.kind in EXPECTED_KINDS and not k.ok]
    return EXIT_FAILED if unusable else EXIT_OK
