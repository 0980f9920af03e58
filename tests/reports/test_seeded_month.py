"""Ensure the reports of a seeded demo window say what its journal's entries say, counted
independently (tests/reports/independent.py): the monthly items and days, cross-region and
age counts, and every day's closing: blanks balance and every 印制号 is accounted for, 字号
are used without a gap, and a signed day is not changed by what came after its signature."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta

import pytest
from independent import blanks_by_day, days_between, items_by_day, registrations

from counter_app.cli import main
from counter_app.reports.items import ITEMS
from helpers.journals import open_test_journal
from reports.conftest import END, START


def report(data_dir, capsys, *args) -> dict:
    assert main(["--demo", "--data-dir", str(data_dir), "report", *args]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def entries(seeded):
    with open_test_journal(seeded) as journal:
        return list(journal.entries())


@pytest.mark.parametrize("month", ["2026-10", "2026-11"])
def test_monthly_items_and_days_match_the_entries(seeded, entries, capsys, month):
    data = report(seeded, capsys, "monthly", "--month", month)
    counted = items_by_day(entries)
    for day, counts in data["by_day"].items():
        assert counts == {i: counted[day][i] for i in ITEMS}, day
    totals = Counter()
    for counts in data["by_day"].values():
        totals.update(counts)
    assert data["items"] == {i: totals[i] for i in ITEMS}
    assert sum(sum(c.values()) for c in data["by_operator"].values()) == sum(totals.values())


def test_the_month_has_every_kind_of_case(seeded, capsys):
    data = report(seeded, capsys, "monthly", "--month", "2026-11")
    for item in ("结婚", "离婚申请", "离婚登记", "撤回", "视为撤回", "补领", "不予受理", "不予登记"):
        assert data["items"][item] > 0, item
    assert data["cross_region"]["州内"] + data["cross_region"]["跨省"] > 0
    assert data["previous"]["month"] == "2026-10" and sum(data["previous"]["items"].values())
    grounds = {g["ground"] for g in data["refusal_grounds"]}
    assert any("婚龄" in g for g in grounds) and all(g["basis"] for g in data["refusal_grounds"])


def level(office: str, hukous: list) -> str | None:
    if any(h is None for h in hukous) or office in hukous:
        return None
    if any(h[:4] == office[:4] for h in hukous):
        return "州内"
    return "省内" if any(h[:2] == office[:2] for h in hukous) else "跨省"


def test_cross_region_foreign_and_ages_match_the_parties(seeded, entries, capsys):
    data = report(seeded, capsys, "monthly", "--month", "2026-11")
    regs = registrations(entries, "2026-11-01", "2026-11-30")
    levels = Counter(level("110105", [p.get("hukou_region_code") for p in parties])
                     for _, _, parties in regs)
    assert data["cross_region"] == {k: levels[k] for k in ("州内", "省内", "跨省")}
    assert data["foreign_related"] == sum(any(p["id_type"] == "passport" for p in ps)
                                          for _, _, ps in regs)
    assert data["hmt"] == sum(any(p["id_type"] == "hmt_residence_permit" for p in ps)
                              for _, _, ps in regs)
    people = [(d, p) for d, item, ps in regs if item in ("结婚", "补办") for p in ps]
    assert sum(c["男"] + c["女"] for c in data["age_bands"].values()) == len(people)
    ages = [date.fromisoformat(d).year - int(p["birth_date"][:4]) for d, p in people]
    assert data["age_bands"]["20-24"]["男"] + data["age_bands"]["20-24"]["女"] == \
        sum(1 for d, p in people if _age(p, d) < 25)
    assert min(ages) >= 20


def _age(party: dict, on: str) -> int:
    birth, day = date.fromisoformat(party["birth_date"]), date.fromisoformat(on)
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def test_every_daily_closing_reconciles_every_blank(seeded, entries, capsys):
    counted = blanks_by_day(entries)
    previous_left, numbers_seen = 0, []
    for day in days_between(START, END):
        data = report(seeded, capsys, "daily", "--date", day)
        b = data["blanks"]
        # a signed closing holds the day as signed; what came after is listed beside it
        late = Counter(r["what"] for r in data["after_sign_off"])
        assert b["opening"] == previous_left, day
        assert b["opening"] + b["received"] == b["issued"] + b["voided"] + b["left"], day
        assert (b["received"] + late["received"], b["issued"] + late["issued"],
                b["voided"] + late["voided"]) == \
            (counted[day]["received"], counted[day]["issued"], counted[day]["voided"]), day
        assert b["unaccounted"] == [], day
        assert b["reprinted"] == b["voided"], day   # each spoiled booklet was printed again
        numbers = sorted(k[8:] for k in counted[day] if k.startswith("numbers:"))
        assert data["numbers"]["gaps"] == []
        assert data["numbers"]["count"] == len(numbers) or late["issued"], day
        numbers_seen += numbers
        previous_left = b["left"] + late["received"] - late["issued"] - late["voided"]
    marriages = sorted(int(n[-6:]) for n in numbers_seen if n.startswith("J"))
    assert marriages == list(range(marriages[0], marriages[0] + len(marriages)))  # none skipped


def test_signed_days_keep_what_was_signed_and_later_entries_are_flagged(seeded, capsys):
    late = []
    for day in days_between(START, END - timedelta(days=1)):
        data = report(seeded, capsys, "daily", "--date", day)
        if data["items"] == dict.fromkeys(ITEMS, 0) and not data["signed_off_by"]:
            continue   # a day off
        assert [(s["operator_id"], s["role"]) for s in data["signed_off_by"]] == \
            [("demo", "registrar"), ("boss", "supervisor")], day
        if data["after_sign_off"]:
            late.append((day, data))
    assert late, "the seed serves a couple after a day's closing"
    day, signed = late[0]
    assert sum(signed["items"].values()) < sum(report(seeded, capsys, "monthly", "--month",
                                                      day[:7])["by_day"][day].values())
    later = {r["seq"] for r in signed["after_sign_off"]}
    following = [d for d in days_between(date.fromisoformat(day) + timedelta(days=1), END)
                 if report(seeded, capsys, "daily", "--date", d)["signed_off_by"]]
    first_next = report(seeded, capsys, "daily", "--date", following[0])
    assert later <= {f["seq"] for f in first_next["flagged"]}
    if len(following) > 1:
        after = report(seeded, capsys, "daily", "--date", following[1])
        assert not later & {f["seq"] for f in after["flagged"]}


def test_the_last_day_is_left_to_sign(seeded, capsys):
    data = report(seeded, capsys, "daily", "--date", END.isoformat())
    assert data["signed_off_by"] == [] and data["after_sign_off"] == []


def test_the_seeded_journal_verifies_and_its_cases_are_filed(seeded, capsys):
    """The reports projection equals a rebuild from the entries (journal verify), and every
    registration has its archive file but the last day's, left to file in training: those
    are all the home page lists as ready."""
    assert main(["--demo", "--data-dir", str(seeded), "journal", "verify"]) == 0
    assert "ok" in capsys.readouterr().out
    last = report(seeded, capsys, "daily", "--date", END.isoformat())
    from counter_app.workflows.today import overview

    with open_test_journal(seeded) as journal:
        ready = overview(journal, END).ready_to_issue
    assert len(ready) == last["registrations"] > 0
    assert all(line.note.startswith("已发证") for line in ready)
