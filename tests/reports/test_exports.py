"""Ensure the exports say what the report says: the Excel workbook read back with openpyxl
(a sheet per table, frozen header, numbers as numbers, dates as dates, formula-like text kept
as text), the PDF read back with pdftotext (charts as vectors, the CJK text extractable), every
export audited, and a path that cannot be written leaving no file."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from counter_app.audit import list_entries
from counter_app.audit.kinds import KIND_REPORT_EXPORTED
from counter_app.cli import main
from counter_app.reports.model import Column, Report, Table
from counter_app.reports.writers import to_xlsx
from helpers.journals import open_test_journal

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def export(data_dir, *args) -> int:
    return main(["--demo", "--data-dir", str(data_dir), "report", *args])


def month_json(seeded, capsys) -> dict:
    assert export(seeded, "monthly", "--month", "2026-11") == 0
    return json.loads(capsys.readouterr().out)


def test_the_workbook_holds_the_reports_tables(seeded, tmp_path, capsys):
    data = month_json(seeded, capsys)
    out = tmp_path / "m.xlsx"
    assert export(seeded, "monthly", "--month", "2026-11", "--format", "xlsx",
                  "--out", str(out)) == 0
    book = load_workbook(out)
    assert book.sheetnames[:3] == ["业务量汇总", "每日业务量", "跨区域与涉外登记"]
    for sheet in book.worksheets[:-1]:
        assert sheet.freeze_panes == "A2", sheet.title
    summary = {row[0]: row[1] for row in book["业务量汇总"].iter_rows(min_row=2, values_only=True)}
    assert {k: summary[k] for k in data["items"]} == data["items"]
    daily = book["每日业务量"]
    assert [c.value for c in daily[1]][:2] == ["日期", "结婚"]
    first = daily["A2"]
    assert isinstance(first.value, datetime) and first.value.date() == date(2026, 11, 1)
    assert first.number_format == "yyyy-mm-dd"
    assert all(isinstance(c.value, int) for c in daily[2][1:])
    by_day = {r[0].date().isoformat(): r[1] for r in daily.iter_rows(min_row=2, values_only=True)
              if isinstance(r[0], datetime)}
    assert by_day == {d: c["结婚"] for d, c in data["by_day"].items()}


def test_formula_like_text_stays_text():
    evil = ("=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\t=1")
    table = Table("t", "理由", (Column("ground", "理由", "text"), Column("n", "件数")),
                  tuple((text, 1) for text in evil))
    report = Report("t", "测试", "", "t", {}, (table,))
    import io

    book = load_workbook(io.BytesIO(to_xlsx(report)))
    cells = [row[0] for row in book["理由"].iter_rows(min_row=2)]
    assert [c.value for c in cells] == list(evil)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout


def test_the_monthly_pdf_reads_back_with_its_charts_as_vectors(seeded, tmp_path, capsys):
    data = month_json(seeded, capsys)
    out = tmp_path / "m.pdf"
    assert export(seeded, "monthly", "--month", "2026-11", "--format", "pdf",
                  "--out", str(out)) == 0
    text = pdf_text(out)
    for words in ("婚姻登记业务月报", "北京市朝阳区婚姻登记处（示例）", "2026年11月", "每日各事项业务量",
                  "本月各事项构成", "与上月对比", "业务量汇总", "结婚登记当事人年龄", "第 1 页"):
        assert words in text, words
    assert f"{data['items']['结婚']}" in text
    from pypdf import PdfReader

    reader = PdfReader(out)
    for page in reader.pages:   # charts are paths, not pictures
        xobjects = page["/Resources"].get("/XObject") or {}
        assert not [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]


def test_the_daily_pdf_names_the_blanks_and_signatures(seeded, tmp_path):
    out = tmp_path / "d.pdf"
    assert export(seeded, "daily", "--date", "2026-11-10", "--format", "pdf",
                  "--out", str(out)) == 0
    text = pdf_text(out)
    for words in ("婚姻登记窗口日结", "1号窗口", "空白证核对", "上日结存", "使用的证书字号", "未核清的印制号",
                  "签字", "演示登记员", "负责人"):
        assert words in text, words


def test_every_export_is_audited_with_the_bytes_hash(seeded, tmp_path):
    out = tmp_path / "a.xlsx"
    assert export(seeded, "daily", "--date", "2026-11-10", "--format", "xlsx",
                  "--out", str(out)) == 0
    with open_test_journal(seeded) as journal:
        last = [e for e in journal.entries() if e.kind == KIND_REPORT_EXPORTED][-1]
    assert last.operator.startswith("cli:")
    assert last.payload["output"] == str(out.resolve())
    assert last.payload["record"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert last.payload["what"] == "report daily xlsx" and "2026-11-10" in last.payload["purpose"]


def test_an_export_is_in_the_audit_list(seeded, tmp_path, capsys):
    out = tmp_path / "m.xlsx"
    assert export(seeded, "monthly", "--month", "2026-10", "--format", "xlsx",
                  "--out", str(out)) == 0
    capsys.readouterr()
    assert main(["--demo", "--data-dir", str(seeded), "audit", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    with open_test_journal(seeded) as journal:
        rows = list_entries(journal, "boss")
    assert [r.as_json() for r in rows][-len(listed):] == listed   # the command shows the rows
    row = [r for r in rows if r.action == "report_export"][-1]
    assert row.operator.startswith("cli:") and row.purpose == ""
    assert row.record == hashlib.sha256(out.read_bytes()).hexdigest()
    assert row.description == (
        f'导出报表：report monthly xlsx {{"month": "2026-10-01"}} -> {out.resolve()}')


@pytest.mark.parametrize("fmt", ["json", "xlsx", "pdf"])
def test_a_path_that_cannot_be_written_leaves_no_file(seeded, tmp_path, capsys, fmt):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    assert export(seeded, "monthly", "--month", "2026-11", "--format", fmt,
                  "--out", str(blocker / "m.out")) == 2
    assert "无法写入" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [blocker]


def test_a_write_failing_half_way_leaves_the_old_file_and_no_part(seeded, tmp_path, capsys,
                                                                   monkeypatch):
    out = tmp_path / "m.json"
    out.write_text("old", encoding="utf-8")

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("counter_app.reports.output.os.replace", full_disk)
    assert export(seeded, "monthly", "--month", "2026-11", "--out", str(out)) == 2
    assert "No space left" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "old" and list(tmp_path.iterdir()) == [out]
