"""``counter-app sync [--once] [--server URL]`` and ``counter-app sync status [--json]``."""

from __future__ import annotations

import json
import sys

from counter_app.cli import EXIT_FAILED, EXIT_OK
from counter_app.context import Context
from counter_app.wiring.journal import open_journal
from counter_app.wiring.sync import make_engine, sync_status


def register(sub) -> None:
    p = sub.add_parser("sync", help="send the journal to the provincial system and pull "
                                    "reference data (runs until Ctrl-C unless --once)")
    p.add_argument("--once", action="store_true",
                   help="one full cycle; exit 0 when everything is up, 1 when something is left")
    p.add_argument("--server", metavar="URL", help="server URL (default: the enrolment's)")
    p.set_defaults(func=run_sync)
    actions = p.add_subparsers(dest="sync_command", metavar="ACTION")
    status = actions.add_parser("status", help="what is waiting to be sent, last success/error")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(func=run_status)
    check = actions.add_parser(
        "conformance", help="check a provincial server against docs/sync-protocol.md: enrols "
                            "a throwaway test machine and runs the documented exchanges; exit "
                            "0 when every requirement passes, 1 when any fails")
    check.add_argument("--server", dest="target", required=True, metavar="URL",
                       help="the provincial exchange API to check")
    check.add_argument("--office", required=True, metavar="CODE",
                       help="a 6-digit office code the server knows (the test machine's)")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(func=run_conformance)


def run_sync(args, ctx: Context) -> int:
    import threading

    with open_journal(ctx) as journal:
        engine = make_engine(journal, ctx, args.server)
        try:
            if not args.once:
                stop = threading.Event()
                try:
                    engine.run_forever(stop, ctx.config["sync.interval_s"])
                except KeyboardInterrupt:
                    stop.set()
                return EXIT_OK
            from sync import outbox

            result = engine.run_once(deadline_s=ctx.config["sync.retry_max_s"])
            left = outbox.status(journal, engine.state)
        finally:
            engine.close()
    print(f"sync {'ok' if result.ok else 'incomplete'}: {result.actions} requests, "
          f"pending entries {left['pending_entries']}, "
          f"pending attachments {left['pending_attachments']}, "
          f"all sent {'yes' if left['all_sent'] else 'no'}")
    if result.error is not None:
        print(f"错误 error: {result.error.message_zh}", file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FAILED


def run_status(args, ctx: Context) -> int:
    # Read-only: it runs beside the window (no data dir lock), and writes nothing.
    with open_journal(ctx, readonly=True) as journal:
        report = sync_status(ctx, journal)()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return EXIT_OK
    print_status(report)
    return EXIT_OK


def print_status(report: dict) -> None:
    mb = report["pending_attachment_bytes"] / 1e6
    print(f"已登记 enrolled: {'是 yes' if report['enrolled'] else '否 no'}")
    print(f"待上传记录 pending entries: {report['pending_entries']}")
    print(f"待上传附件 pending attachments: {report['pending_attachments']} ({mb:.1f} MB)")
    print(f"全部已上传 all sent: {'是 yes' if report.get('all_sent') else '否 no'}")
    print(f"上次成功 last success: {report['last_success'] or '从未 never'}")
    error = report["last_error"]
    print(f"上次错误 last error: {error['at'] + ' ' + error['message'] if error else '无 none'}")
    if report.get("clock_warning"):
        print(f"时钟警告 clock warning: {report['clock_warning']}")
    for refusal in report.get("refused_answers") or []:
        print(f"  拒收的应答 refused answer {refusal['at']} [{refusal['requirement']}] "
              f"{refusal['reason']} ({refusal['evidence']})")
    for case in report["cases"]:
        verdict = case["server_status"] or "-"
        reason = f" {case['reason']}" if case["reason"] else ""
        print(f"  办件 case {case['case_id']}: 待传记录 {case['pending_entries']}, "
              f"待传附件 {case['pending_attachments']}, 省级状态 {verdict}{reason}")


def run_conformance(args, ctx: Context) -> int:
    from sync import conformance
    from sync.errors import SyncError
    from sync.transport import Transport

    if not args.office.isdigit() or len(args.office) != 6:
        raise SyncError("登记机关代码应为 6 位数字（行政区划代码）。", detail=f"office {args.office!r}")
    cfg = ctx.config
    transport = Transport(args.target, connect_timeout_s=cfg["sync.connect_timeout_s"],
                          read_timeout_s=cfg["sync.read_timeout_s"],
                          ca_bundle=cfg["sync.ca_bundle"], allow_http=ctx.demo)
    try:
        report = conformance.run(transport, args.office)
    finally:
        transport.close()
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print_conformance(report.as_dict())
    return EXIT_OK if report.passed else EXIT_FAILED


def print_conformance(report: dict) -> None:
    print(f"一致性检查 conformance: {report['server']}, office {report['office']}, "
          f"test machine {report['machine_id'] or '-'}")
    for req in report["requirements"]:
        print(f"{'PASS' if req['passed'] else 'FAIL'} {req['id']} — {req['title']}")
        for check in req["checks"]:
            print(f"    {'ok  ' if check['passed'] else 'FAIL'}  {check['check']}: "
                  f"{check['evidence']}")
    failed = report["failed"]
    total = len(report["requirements"])
    print(f"结果 result: {'PASS' if not failed else 'FAIL'} — {total - len(failed)} of {total} "
          f"requirements pass" + (f"; failed: {', '.join(failed)}" if failed else ""))
    if report["machine_id"]:
        print(f"测试机器 {report['machine_id']} 及其测试记录留在省级系统中，请省级系统停用该机器。 "
              f"The test machine {report['machine_id']} and its test entries stay on the "
              "server: revoke it.")
