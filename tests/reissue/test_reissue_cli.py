"""`counter-app archive import|search`: the public JSON shapes, the journal entries they leave,
and bad input ending in Chinese with exit code 2, never a traceback."""

from __future__ import annotations

import json

from counter_app.cli import main
from counter_app.operators import cli_operator
from helpers.journals import open_test_journal
from counter_app.resources import resource_path

DEMO = str(resource_path("archive_demo", "archive-demo.csv"))


def run(capsys, tmp_path, *argv):
    code = main(["--data-dir", str(tmp_path / "data"), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_then_search_json(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "archive", "import", DEMO, "--json")
    report = json.loads(out)
    assert code == 0 and list(report) == ["file", "sha256", "format", "rows", "imported",
                                          "already_imported", "errors", "error_count"]
    assert (report["rows"], report["imported"], report["format"]) == (9, 9, "csv")
    code, out, _ = run(capsys, tmp_path, "archive", "search", "lxy 1986", "--json")
    found = json.loads(out)
    assert code == 0 and list(found) == ["query", "kinds", "truncated", "results"]
    (hit,) = found["results"]
    assert hit["certificate_number"] == "J110105-1986-000123" and hit["matched_role"] == "woman"
    assert hit["woman"] == {"role": "woman", "name": "刘秀英", "id_number": "11010519601102042X",
                            "birth_date": "1960-11-02"}
    code, out, _ = run(capsys, tmp_path, "archive", "import", DEMO)
    assert code == 0 and "已导入过" in out
    with open_test_journal(tmp_path / "data", key_store="file") as journal:
        entries = list(journal.entries())
    me = cli_operator()
    assert me.startswith("cli:") and me != "cli:"
    assert [(e.kind, e.operator) for e in entries] == [("archive.imported", me),
                                                       ("archive.searched", me)]
    # the search is audited with the records it showed and why they were looked up
    assert entries[1].payload["refs"] == [hit["ref"]]
    assert entries[1].payload["purpose"] == "命令行查询"


def test_human_search_output_and_no_match(capsys, tmp_path):
    run(capsys, tmp_path, "archive", "import", DEMO)
    code, out, _ = run(capsys, tmp_path, "archive", "search", "单志刚")
    assert code == 0 and out.count("单志刚") == 2 and "L110102-2012-000078" in out
    code, out, _ = run(capsys, tmp_path, "archive", "search", "不存在的人")
    assert code == 0 and "没有找到" in out


def test_bad_rows_exit_2_with_the_rows(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("item,registration_date,certificate_number,man_name,woman_name\n"
                   "结婚,1990-01-01,J1,王五,赵六\n", encoding="utf-8")
    code, out, _ = run(capsys, tmp_path, "archive", "import", str(bad), "--json")
    assert code == 2
    assert json.loads(out)["errors"] == [{"row": 2, "reason": "男方既无身份证号也无出生日期，无法核对当事人"}]
    code, _, err = run(capsys, tmp_path, "archive", "import", str(bad))
    assert code == 2 and "第 2 行" in err and "Traceback" not in err


def test_bad_query_and_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path, "archive", "search", "12345")
    assert code == 2 and "身份证号至少输入前 6 位" in err
    code, _, err = run(capsys, tmp_path, "archive", "import", str(tmp_path / "none.csv"))
    assert code == 2 and "无法读取档案文件" in err
