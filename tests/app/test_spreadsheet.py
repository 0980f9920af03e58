"""Ensure exported cells never run as spreadsheet formulas and a CSV export is whole or absent."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from counter_app.spreadsheet import formula_like, neutralise, write_csv


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-2+3", "@SUM(A1)", "\t=cmd|' /C calc'!A0",
                                  "\r=1", "  =HYPERLINK(\"http://x\")", "=cmd|'/C calc'!A0"])
def test_formula_starts_get_an_apostrophe(text):
    assert formula_like(text) and neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["王䶮", "J110105-1986-000123", "（79）余民婚字第0415号", "＝1+1",
                                   "a=b", "", 5, -5, 2.5, None, date(2026, 1, 2)])
def test_everything_else_is_kept(value):
    assert neutralise(value) == value


def test_write_csv_neutralises_every_cell_and_reads_back(tmp_path):
    path = tmp_path / "out.csv"
    rows = [["刘秀英", "=HYPERLINK(\"http://evil\",\"点我\")", 3], ["@x", "-1", -1]]
    assert write_csv(path, ["姓名", "=备注", "数"], rows) == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with path.open(encoding="utf-8-sig", newline="") as f:
        back = list(csv.reader(f))
    assert back == [["姓名", "'=备注", "数"],
                    ["刘秀英", "'=HYPERLINK(\"http://evil\",\"点我\")", "3"],
                    ["'@x", "'-1", "-1"]]


def test_write_csv_leaves_no_half_file(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")

    def rows():
        yield ["a"]
        raise OSError("disk went away")

    with pytest.raises(OSError):
        write_csv(path, ["h"], rows())
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
