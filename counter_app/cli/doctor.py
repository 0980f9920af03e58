"""``counter-app doctor [--json]``: is this counter PC ready? (docs/doctor.md)

Exit 0 when every check is ok, 1 when any warns or fails. ``--json`` prints exactly a list of
``{"check", "status", "detail", "hint"}``. The Qt checks come from a child process
(``doctor --qt-probe``, not listed in --help), so a Qt that cannot start is reported, not fatal.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from counter_app.cli import EXIT_FAILED, EXIT_OK
from counter_app.context import Context

QT_PROBE_TIMEOUT_S = 60
STATUS_ZH = {"ok": "正常 ok  ", "warn": "警告 warn", "fail": "失败 fail"}


def register(sub) -> None:
    p = sub.add_parser("doctor", help="check this counter PC: install, data, province link, "
                                      "devices (exit 1 when anything needs attention)")
    p.add_argument("--json", action="store_true",
                   help='print a JSON list of {"check", "status", "detail", "hint"}')
    p.add_argument("--qt-probe", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run_doctor)


def run_doctor(args, ctx: Context) -> int:
    if args.qt_probe:
        return _print_qt_report()
    from counter_app.doctor.probe import Probe
    from counter_app.doctor.registry import all_ok, run_all

    probe = Probe(ctx, lambda: qt_in_child(args))
    try:
        results = run_all(probe)
    finally:
        probe.close()
    if args.json:
        print(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        _print_table(results)
    return EXIT_OK if all_ok(results) else EXIT_FAILED


def _print_qt_report() -> int:
    from counter_app.doctor.install import TEST_CHARACTERS
    from counter_app.ui.probe import qt_report

    print(json.dumps(qt_report(TEST_CHARACTERS), ensure_ascii=False))
    return EXIT_OK


def _print_table(results) -> None:
    for r in results:
        print(f"[{STATUS_ZH[r.status]}] {r.check:<24} {r.detail}")
        if r.hint:
            print(f"{'':<37}→ {r.hint}")
    bad = [r for r in results if r.status != "ok"]
    fails = sum(r.status == "fail" for r in bad)
    print("全部正常 all ok" if not bad else
          f"{len(bad)} 项需要处理 need attention ({fails} fail, {len(bad) - fails} warn)")


def self_command() -> list[str]:
    """How to start this program again: the bundle's executable, or this Python."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "counter_app"]


def qt_in_child(args):  # -> counter_app.doctor.probe.QtReport
    """Run ``doctor --qt-probe`` in a child with the same global options."""
    from counter_app.doctor.probe import QtReport

    options = [*(["--data-dir", str(args.data_dir)] if args.data_dir else []),
               *(["--config", str(args.config)] if args.config else []),
               *(["--demo"] if args.demo else [])]
    try:
        child = subprocess.run([*self_command(), *options, "doctor", "--qt-probe"],
                               capture_output=True, text=True, timeout=QT_PROBE_TIMEOUT_S,
                               check=False)
    except subprocess.TimeoutExpired:
        return QtReport(error=f"Qt 在 {QT_PROBE_TIMEOUT_S} 秒内没有启动")
    lines = child.stdout.strip().splitlines()
    if child.returncode != 0 or not lines:
        said = [line.strip() for line in child.stderr.splitlines() if line.strip()]
        return QtReport(error=" ".join(said[:3])[:400] or f"退出码 {child.returncode}")
    return QtReport(**json.loads(lines[-1]))
