"""Ensure ``counter-app demo seed`` refuses what is not a demo data dir and dates that reach
today, gives the same data for the same seed, and that a closing is signed once by a
registrar and countersigned once by another person who is a supervisor."""

from __future__ import annotations

import json
from datetime import date

import pytest

from counter_app.cli import main
from counter_app.operators import OperatorService, PermissionRefused
from counter_app.reports.closing import ClosingError, DailyClosing
from counter_app.reports.service import ReportService
from counter_app.rules.offices import counter_office, office_profile
from counter_app.workflows.kinds import KIND_INTAKE_PARTY
from helpers.journals import open_test_journal

SMALL = ("--days", "4", "--per-day", "4", "--start", "2026-11-02", "--seed", "5")
LAST = date(2026, 11, 5)


def seed(data_dir, *args) -> int:
    return main(["--data-dir", str(data_dir), "demo", "seed", *args])


def test_a_real_counters_data_dir_is_refused(data_dir, capsys):
    with open_test_journal(data_dir) as journal:
        OperatorService(journal).set_account("reg07", "张三", ["registrar"], "pw")
    assert seed(data_dir, *SMALL) == 2
    assert "非演示账号" in capsys.readouterr().err


def test_a_data_dir_enrolled_with_a_real_province_is_refused(data_dir, capsys):
    (data_dir / "sync").mkdir()
    (data_dir / "sync" / "enrolment.json").write_text(json.dumps(
        {"server_url": "https://hy.example.gov.cn/counter"}), encoding="utf-8")
    assert seed(data_dir, *SMALL) == 2
    assert "省级系统" in capsys.readouterr().err
    assert not (data_dir / "journal.db").exists()


@pytest.mark.parametrize("args, words", [
    (("--days", "3", "--start", date.today().isoformat()), "昨天"),
    (("--days", "0"), "天数"), (("--days", "3", "--per-day", "0"), "业务量"),
    (("--days", "3", "--start", "2026-13-01"), "日期"),
])
def test_bad_options_are_exit_2_in_chinese(data_dir, capsys, args, words):
    assert seed(data_dir, *args) == 2
    assert words in capsys.readouterr().err
    assert not (data_dir / "journal.db").exists()


def test_the_same_seed_gives_the_same_data(tmp_path):
    made = []
    for name in ("a", "b"):
        assert seed(tmp_path / name, *SMALL) == 0
        with open_test_journal(tmp_path / name) as journal:
            made.append([(e.kind, e.payload["party"]["id_number"] if e.kind == KIND_INTAKE_PARTY
                          else None, e.device_time) for e in journal.entries()])
    assert made[0] == made[1] and len(made[0]) > 100


def test_seeding_again_before_the_last_day_seeded_is_refused(seeded, capsys):
    assert seed(seeded, "--days", "2", "--start", "2026-11-01") == 2
    assert "已有" in capsys.readouterr().err


@pytest.fixture
def closing(tmp_path):
    """A small seeded window of its own (these tests sign its last day)."""
    assert seed(tmp_path / "own", *SMALL) == 0
    with open_test_journal(tmp_path / "own") as journal:
        office = counter_office("110105-HY")
        service = ReportService(journal, office_profile(office), office.name, "1")
        yield DailyClosing(service, today=lambda: LAST)


def test_a_closing_is_signed_once_and_countersigned_by_another_supervisor(closing):
    with pytest.raises(PermissionRefused, match="只能由登记员、负责人"):
        closing.sign("tech", LAST)
    with pytest.raises(ClosingError, match="还没有登记员签字"):
        closing.countersign("boss", LAST)
    signed = closing.sign("boss", LAST)
    assert signed["date"] == LAST.isoformat() and sum(signed["items"].values()) > 0
    with pytest.raises(ClosingError, match="已经签字"):
        closing.sign("demo", LAST)
    with pytest.raises(PermissionRefused, match="只能由负责人"):
        closing.countersign("demo2", LAST)
    with pytest.raises(ClosingError, match="自己签字"):
        closing.countersign("boss", LAST)
    with pytest.raises(ClosingError, match="还没有到"):
        closing.sign("demo", date(2099, 1, 1))


def test_another_windows_closing_not_yet_returned_is_exit_2(seeded, capsys):
    assert main(["--demo", "--data-dir", str(seeded), "report", "daily", "--date",
                 "2026-11-02", "--window", "2"]) == 2
    assert "2 号窗口" in capsys.readouterr().err


def test_the_countersigned_closing_names_both_and_the_hash_signed(closing):
    signed = closing.sign("demo", LAST)
    closing.countersign("boss", LAST)
    shown = closing.service.make("boss", "daily", {"date": LAST.isoformat()}).data
    assert [(s["operator_id"], s["role"]) for s in shown["signed_off_by"]] == \
        [("demo", "registrar"), ("boss", "supervisor")]
    assert shown["signed_off_by"][0]["sha256"] == shown["signed_off_by"][1]["sha256"]
    assert {k: v for k, v in shown.items() if k not in ("signed_off_by", "after_sign_off")} \
        == signed
