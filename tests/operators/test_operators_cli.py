"""Ensure ``counter-app operators list [--json]`` prints every account (province, local, demo)
with exactly the documented JSON keys, a Chinese table, and exit 2 without a journal."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "journal"))
from tampering import run_cli  # noqa: E402

from counter_app.operators import OperatorService  # noqa: E402
from counter_app.operators import province  # noqa: E402
from counter_app.operators.accounts import seed_demo_accounts  # noqa: E402
from helpers.journals import key_file, open_test_journal  # noqa: E402
from helpers.stubs import FakeClock  # noqa: E402

KEYS = ["active", "confirmed_at", "name", "operator_id", "qualified_until", "roles", "source"]


def fill(data_dir):
    clock = FakeClock()
    with open_test_journal(data_dir, clock=clock) as journal:
        service = OperatorService(journal, clock)
        seed_demo_accounts(service)
        service.set_account("local1", "本机技术员", ["technician"], "pw")
        for version, active, operator_id in ((1, True, "reg01"), (2, False, "reg02")):
            account = province.parse_account(
                {"operator_id": operator_id, "name": "省级登记员", "roles": ["registrar"],
                 "office_code": "110101", "qualified_until": "2028-06-30", "active": active},
                operator_id, version)
            province.record_account(journal, account, clock.now(), operator="sync")
        province.finish_pull(journal, {"reg01": 1}, clock.now(), True, operator="sync")


def test_json_lists_every_account_with_exactly_the_documented_keys(data_dir):
    fill(data_dir)
    result = run_cli("operators", "list", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert all(sorted(a) == KEYS for a in listed)
    by_id = {a["operator_id"]: a for a in listed}
    assert sorted(by_id) == ["boss", "demo", "local1", "reg01", "reg02", "tech"]
    assert by_id["reg01"] == {"operator_id": "reg01", "name": "省级登记员",
                              "roles": ["registrar"], "source": "server", "active": True,
                              "qualified_until": "2028-06-30",
                              "confirmed_at": "2026-05-20T09:00:00.000Z"}
    assert by_id["reg02"]["active"] is False          # inactive, then missing from the pull
    assert by_id["local1"]["source"] == "local" and by_id["local1"]["confirmed_at"] is None
    assert by_id["demo"]["source"] == "demo"
    assert by_id["demo"]["qualified_until"] == date(2099, 12, 31).isoformat()


def test_the_table_is_chinese(data_dir):
    fill(data_dir)
    result = run_cli("operators", "list", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["工号", "姓名", "角色"]
    reg02 = next(line for line in lines if line.startswith("reg02"))
    assert "省级系统" in reg02 and "停用" in reg02
    assert lines[-1] == "共 6 个账号。"


def test_a_data_dir_without_a_journal_is_exit_2_and_creates_nothing(tmp_path):
    result = run_cli("operators", "list", "--json", data_dir=tmp_path)
    assert result.returncode == 2 and "没有日志文件" in result.stderr
    assert result.stdout == "" and not (tmp_path / "journal.db").exists()


def test_a_journal_without_its_key_is_exit_2(data_dir):
    fill(data_dir)
    key_file(data_dir).unlink()
    result = run_cli("operators", "list", data_dir=data_dir)
    assert result.returncode == 2 and "密钥" in result.stderr
