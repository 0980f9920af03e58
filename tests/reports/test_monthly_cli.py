"""Ensure ``counter-app report monthly`` answers a month without cases with zeros, refuses a
bad month or format with exit 2 and a Chinese message before touching anything, and counts
what intake, divorce applications and withdrawals wrote on the days they wrote it."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from counter_app.cli import main
from counter_app.reports.items import ITEMS
from counter_app.workflows.divorce import DivorceApplication
from counter_app.workflows.intake import MarriageIntake
from helpers.journals import open_test_journal
from helpers.stubs import FakeClock
from workflows.people import MAN, OFFICE, WOMAN, number


def run(data_dir, *args):
    return main(["--data-dir", str(data_dir), "report", *args])


@pytest.fixture
def office(monkeypatch):
    monkeypatch.setenv("COUNTER_APP_OFFICE_CODE", "110105-HY")


def test_a_month_without_cases_is_zeros(data_dir, office, capsys):
    open_test_journal(data_dir).close()
    assert run(data_dir, "monthly", "--month", "2026-02") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["month"] == "2026-02" and data["office"] == "110105-HY"
    assert data["items"] == dict.fromkeys(ITEMS, 0)
    assert list(data["by_day"]) == [f"2026-02-{d:02d}" for d in range(1, 29)]
    assert data["cross_region"] == {"州内": 0, "省内": 0, "跨省": 0}
    assert data["foreign_related"] == 0 and set(data["age_bands"]) >= {"20-24", "60+"}


@pytest.mark.parametrize("args, words", [
    (("monthly", "--month", "2026-13"), "月份"), (("monthly", "--month", "26-05"), "月份"),
    (("monthly", "--month", "2026-05", "--format", "docx"), "不支持的格式"),
    (("daily", "--date", "2026-02-30"), "日期"), (("daily", "--date", "yesterday"), "日期"),
    (("daily", "--date", "2026-05-02", "--window", "2;drop"), "窗口号"),
])
def test_bad_input_is_exit_2_in_chinese_and_opens_nothing(data_dir, office, capsys, args,
                                                           words):
    assert run(data_dir, *args) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not (data_dir / "journal.db").exists()


def test_no_journal_is_exit_2_and_creates_none(data_dir, office, capsys):
    assert run(data_dir, "monthly", "--month", "2026-05") == 2
    assert "journal.db" in capsys.readouterr().err
    assert not (data_dir / "journal.db").exists()   # logs/ is the CLI's own


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour - 8, 0, tzinfo=timezone.utc)


def test_refusals_applications_and_withdrawals_count_on_their_day(data_dir, office, capsys):
    clock = FakeClock(at(date(2026, 5, 3), 23))   # 23:00 Beijing time: still 3 May
    with open_test_journal(data_dir, clock=clock, staff=True) as journal:
        refused = MarriageIntake(journal, OFFICE, "demo")
        case = refused.open()
        young = {**MAN, "birth_date": "2008-03-07", "id_number": number("11010220080307123")}
        refused.record_party(case, young, "manual")
        refused.record_party(case, WOMAN, "manual")
        for role in ("man", "woman"):
            refused.record_answers(case, role, voluntary=True, kinship_declared_none=True)
        refused.check(case, date(2026, 5, 3))
        clock.set(at(date(2026, 5, 4), 10))
        divorce = DivorceApplication(journal, OFFICE, "boss")
        applied = divorce.open()
        for party in (MAN, WOMAN):
            divorce.record_party(applied, party, "manual")
        for role in ("man", "woman"):
            divorce.record_answers(applied, role, agreement_signed=True, full_capacity=True,
                                   certificate_from_mainland=True)
        divorce.check(applied, date(2026, 5, 4))
        clock.set(at(date(2026, 5, 6), 9))
        divorce.withdraw(applied, "woman", date(2026, 5, 6))
    assert run(data_dir, "monthly", "--month", "2026-05") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["by_day"]["2026-05-03"]["不予受理"] == 1
    assert data["by_day"]["2026-05-04"]["离婚申请"] == 1
    assert data["by_day"]["2026-05-06"]["撤回"] == 1
    assert data["items"]["不予受理"] == data["items"]["离婚申请"] == data["items"]["撤回"] == 1
    assert data["by_operator"]["demo"]["不予受理"] == 1 and data["by_operator"]["boss"]["撤回"] == 1
    ground = data["refusal_grounds"][0]
    assert ground["item"] == "不予受理" and "婚龄" in ground["ground"] and ground["basis"]
