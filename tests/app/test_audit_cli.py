"""Ensure the commands that print or look up records leave their audit entry (as cli:<OS
user>), and that `counter-app audit list [--since D] [--operator ID] [--json]` lists them."""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "journal"))
from tampering import run_cli  # noqa: E402

from counter_app.operators import cli_operator  # noqa: E402
from counter_app.resources import resource_path  # noqa: E402
from helpers.journals import open_test_journal  # noqa: E402

CASES = Path(__file__).resolve().parents[1] / "forms" / "data"
KEYS = ["seq", "at", "operator", "action", "description", "case_id", "record", "purpose"]


def test_prints_and_look_ups_by_command_are_audited_and_listed(tmp_path):
    data = tmp_path / "data"
    divorce = CASES / "divorce.json"
    digest = hashlib.sha256(divorce.read_bytes()).hexdigest()
    for args in (("forms", "render", "divorce_review", "--case", str(divorce), "--out",
                  str(tmp_path / "review.pdf")),
                 ("print", "receipt", "--case", str(divorce), "--out", str(tmp_path / "r.bin")),
                 ("archive", "import", str(resource_path("archive_demo", "archive-demo.csv"))),
                 ("archive", "search", "刘秀英", "--purpose", "公安机关协查")):
        done = run_cli(*args, data_dir=data)
        assert done.returncode == 0, done.stderr
    listed = run_cli("audit", "list", "--json", data_dir=data)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert all(list(r) == KEYS for r in rows)
    me = cli_operator()
    assert [(r["operator"], r["action"]) for r in rows] == [
        (me, "cli_print"), (me, "cli_print"), (me, "archive_import"), (me, "archive_search")]
    render, receipt, _, search = rows
    assert render["record"] == receipt["record"] == f"case-file:{digest}"
    assert render["description"] == f"命令行输出：forms render divorce_review -> {tmp_path / 'review.pdf'}"
    assert search["purpose"] == "公安机关协查" and search["record"].startswith("imp:")
    assert search["description"] == "查询档案，显示 1 条记录"
    # the filters: by operator, by day (the counter's local day)
    assert json.loads(run_cli("audit", "list", "--json", "--operator", "reg01",
                              data_dir=data).stdout) == []
    today, tomorrow = date.today(), date.today() + timedelta(days=1)
    assert len(json.loads(run_cli("audit", "list", "--json", "--since", today.isoformat(),
                                  data_dir=data).stdout)) == 4
    assert json.loads(run_cli("audit", "list", "--json", "--since", tomorrow.isoformat(),
                              data_dir=data).stdout) == []
    text = run_cli("audit", "list", "--operator", me, data_dir=data)
    assert text.returncode == 0 and len(text.stdout.splitlines()) == 4
    assert "用途 公安机关协查" in text.stdout.splitlines()[-1]


def test_a_bad_since_exits_2_in_chinese_and_writes_nothing(tmp_path):
    data = tmp_path / "data"
    assert run_cli("journal", "stress", "--entries", "1", data_dir=data).returncode == 0
    with open_test_journal(data) as journal:
        head = journal.head()
    result = run_cli("audit", "list", "--since", "2026-02-30", data_dir=data)
    assert result.returncode == 2
    assert "起始日期“2026-02-30”格式不对" in result.stderr and "Traceback" not in result.stderr
    with open_test_journal(data) as journal:
        assert journal.head() == head


def test_a_command_cannot_print_without_its_audit(tmp_path):
    """The journal is opened first: a data dir whose journal will not open prints nothing."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "journal.db").write_bytes(b"not a journal" * 100)
    out = tmp_path / "r.bin"
    result = run_cli("print", "receipt", "--case", str(CASES / "divorce.json"), "--out",
                     str(out), data_dir=data)
    assert result.returncode == 2 and not out.exists()
