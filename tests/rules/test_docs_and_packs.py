"""docs/rules.md's example is a valid case; every bundled pack is well-formed; custom packs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from casebuilder import make_case

from counter_app.rules.caseinput import ITEMS, parse_case
from counter_app.rules.checks import CHECKS
from counter_app.rules.evaluator import evaluate
from counter_app.rules.packs import RulePackError, load_packs, parse_pack

ROOT = Path(__file__).resolve().parents[2]


def test_docs_example_case_is_judged():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    pattern = r"```json\n(\{\n  \"item\": \"marriage\".*?)\n```"
    example = re.search(pattern, text, re.DOTALL).group(1)
    answer = evaluate(parse_case(json.loads(example))).as_json()
    assert answer["decision"] == "accept", answer["reasons"]
    assert "jieyang-quancheng-2021" in answer["packs"]


def test_every_bundled_rule_is_complete():
    packs = load_packs()
    assert len(packs) == 9
    for pack in packs:
        assert pack.sources, pack.id
        for rule in pack.rules:
            assert rule.check in CHECKS, rule.id
            assert set(rule.items) <= set(ITEMS), rule.id
            assert rule.basis, rule.id
            if rule.kind != "documents":
                assert rule.code and rule.message_zh, rule.id
    ids = [r.id for p in packs for r in p.rules]
    assert len(ids) == len(set(ids))


BASE = """
id = "x"
title = "t"
effective_from = 2021-01-01
[[rules]]
id = "r"
kind = "check"
check = "always"
items = ["marriage"]
code = "c"
message_zh = "m"
basis = "b"
"""


@pytest.mark.parametrize("broken", [
    BASE.replace('kind = "check"', 'kind = "maybe"'),
    BASE.replace('basis = "b"', ""),
    BASE.replace("effective_from = 2021-01-01", "effective_from = 2021-01-01\n"
                                                "effective_to = 2020-01-01"),
    BASE.replace('id = "x"', ""),
    "not = [toml",
])
def test_malformed_pack_is_a_clear_error(broken):
    with pytest.raises(RulePackError) as err:
        parse_pack(broken, "broken.toml")
    assert "broken.toml" in err.value.message_zh


EMERGENCY = """
id = "province-emergency"
title = "应急单机版（测试用省级规则包）"
effective_from = 2025-05-10
sources = ["test"]
[scope]
regions = ["33"]
[flags]
emergency_standalone = true
[[rules]]
id = "pe.note"
kind = "check"
check = "always"
items = ["marriage"]
outcome = "note"
code = "offline.emergency_mode"
message_zh = "应急单机模式：恢复联网后补做联网核对并上传。"
basis = "MZ/T 024-2011"
"""


def test_a_pack_can_enable_emergency_standalone_mode(tmp_path):
    for src in (ROOT / "resources" / "rules").glob("*.toml"):
        (tmp_path / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "90-emergency.toml").write_text(EMERGENCY, encoding="utf-8")
    packs = load_packs(tmp_path)
    case = make_case(day="2026-11-23", man_hukou="330281", woman_hukou="330281")
    case["office"].update(region_code="330281", code="330281-HY")
    for p in case["parties"]:
        p["marital_status_check"] = "unchecked"
    zhejiang = evaluate(parse_case(case), packs).as_json()
    assert zhejiang["decision"] == "accept" and zhejiang["offline_allowed"] is True
    case["office"].update(region_code="110105")
    beijing = evaluate(parse_case(case), packs).as_json()
    assert beijing["decision"] == "refer" and beijing["offline_allowed"] is False
