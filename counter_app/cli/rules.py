"""``counter-app rules check CASE.json [--json]`` and ``counter-app rules explain``.

``check`` prints the decision for one case step (JSON shape in docs/rules.md); exit 0 when the
case was judged (whatever the decision), 2 when the case file is malformed (the message names
the field). ``explain`` lists the packs and rules in force at an office on a date.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from counter_app.cli import EXIT_OK
from counter_app.context import Context

DECISION_ZH = {"accept": "可以办理", "refuse": "不予办理", "refer": "需人工审核"}
OUTCOME_ZH = {"refuse": "不予", "refer": "审核", "note": "提示"}


def register(sub) -> None:
    p = sub.add_parser("rules", help="judge a case against the rule packs; list the packs")
    rsub = p.add_subparsers(dest="rules_command", required=True, metavar="ACTION")

    check = rsub.add_parser("check", help="judge one case step described by a JSON file")
    check.add_argument("case_file", type=Path, metavar="CASE.json",
                       help="the case file, or - to read it from standard input")
    check.add_argument("--json", action="store_true", help="print the decision as JSON")
    check.set_defaults(func=run_check)

    explain = rsub.add_parser("explain", help="list the packs and rules in force")
    explain.add_argument("--office", required=True, metavar="CODE",
                         help="office code (resources/rules/offices.toml, or describe it with "
                              "--level and --region)")
    explain.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    explain.add_argument("--level", choices=("county", "township"))
    explain.add_argument("--region", metavar="CODE6", help="GB/T 2260 region code")
    explain.add_argument("--foreign-designated", action="store_true")
    explain.add_argument("--popup", action="store_true")
    explain.add_argument("--json", action="store_true", help="print as JSON")
    explain.set_defaults(func=run_explain)


def read_case_file(path: Path) -> object:
    """The decoded JSON of a case file, or CaseInputError saying what is wrong with it."""
    from counter_app.rules.caseinput import CaseInputError, decode_case_json, read_case_json

    if str(path) != "-":
        return read_case_json(path)
    try:
        text = sys.stdin.read()
    except UnicodeDecodeError:
        raise CaseInputError("标准输入的案件文件不是 UTF-8 编码的文本。",
                             detail="not utf-8") from None
    return decode_case_json(text, "（标准输入）")


def run_check(args, ctx: Context) -> int:
    from counter_app.rules.caseinput import ITEM_ZH, parse_case
    from counter_app.rules.evaluator import evaluate

    case = parse_case(read_case_file(args.case_file))
    decision = evaluate(case)
    if args.json:
        print(json.dumps(decision.as_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{ITEM_ZH[case.item]} {case.date} @ {case.office.code}: "
          f"{DECISION_ZH[decision.decision]} ({decision.decision})")
    for r in decision.reasons:
        print(f"  [{OUTCOME_ZH[r.outcome]}] {r.code}: {r.message_zh}")
        print(f"      依据: {r.basis}")
    if decision.required_documents:
        print("  所需材料:")
        for doc in decision.required_documents:
            print(f"    - {doc}")
    print(f"  可离线完成: {'是' if decision.offline_allowed else '否'}")
    print(f"  规则包: {', '.join(decision.packs) or '无'}")
    return EXIT_OK


def _office(args):
    from counter_app.rules.caseinput import CaseInputError, Office
    from counter_app.rules.offices import find_office

    if args.level or args.region:
        if not (args.level and args.region and len(args.region) == 6 and args.region.isdigit()):
            raise CaseInputError("描述机关时须同时给出 --level 和 6 位数字的 --region。",
                                 detail="--level/--region incomplete")
        return Office(args.office, args.level, args.region, args.foreign_designated, args.popup)
    return find_office(args.office)


def run_explain(args, ctx: Context) -> int:
    from counter_app.rules.caseinput import CaseInputError
    from counter_app.rules.evaluator import explain

    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        raise CaseInputError(f"--date 应为 YYYY-MM-DD 格式的日期，实际为 {args.date!r}",
                             detail="bad --date") from None
    result = explain(_office(args), day)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return EXIT_OK
    o = result["office"]
    print(f"{o['code']} ({o['level']}, {o['region_code']}"
          f"{', 涉外指定' if o['foreign_designated'] else ''}{', 临时补证点' if o['popup'] else ''})"
          f" {result['date']}: {len(result['packs'])} 个规则包生效")
    for pack in result["packs"]:
        print(f"\n{pack['id']}  {pack['title']}")
        print(f"  生效 {pack['effective_from']} 至 {pack['effective_to']}")
        for rule in pack["rules"]:
            print(f"  - {rule['id']} [{rule['kind']}] {','.join(rule['items'])}")
            print(f"      {rule['message_zh']}")
            if rule["basis"]:
                print(f"      依据: {rule['basis']}")
    if not result["packs"]:
        print("  没有生效的规则包。", file=sys.stderr)
    return EXIT_OK
