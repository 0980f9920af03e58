"""Divorce periods and working days against the official calendar (table-driven + properties)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.rules.calendar import (
    CalendarError,
    CalendarRangeError,
    default_calendar,
    divorce_periods,
    divorce_phase,
    is_working_day,
    parse_calendar,
)

D = date.fromisoformat


@pytest.mark.parametrize("day, working", [
    ("2021-02-07", True),    # Sunday, make-up working day (春节 2021)
    ("2021-02-11", False),   # 春节 Thursday
    ("2021-10-01", False),   # 国庆
    ("2021-10-09", True),    # Saturday, make-up
    ("2021-10-16", False),   # ordinary Saturday
    ("2022-12-31", False),   # 2023 元旦 starts on a Saturday
    ("2023-06-25", True),    # Sunday, make-up after 端午
    ("2024-02-18", True),    # Sunday, make-up
    ("2025-01-28", False),   # 除夕 2025 (first year it is a statutory day)
    ("2025-04-27", True),    # Sunday, make-up before 劳动节
    ("2026-02-23", False),   # 春节 2026, a Monday off
    ("2026-02-28", True),    # Saturday, make-up
    ("2026-11-23", True),    # ordinary Monday
])
def test_is_working_day(day, working):
    assert is_working_day(D(day)) is working


@pytest.mark.parametrize("receipt, withdrawal, until", [
    # ordinary: day 30 and day 60 are working days
    ("2021-03-01", "2021-03-31", "2021-04-30"),
    # day 30 on a Saturday -> Monday
    ("2021-02-04", "2021-03-08", "2021-04-07"),
    # day 30 on 国庆 2021 -> first working day after the holiday (Fri 10-08)
    ("2021-09-01", "2021-10-08", "2021-11-08"),
    # day 30 on a make-up working Sunday: no extension
    ("2021-08-27", "2021-09-26", "2021-10-26"),
    # day 30 inside 春节 2026 (02-15..02-23) -> Tue 02-24
    ("2026-01-16", "2026-02-24", "2026-03-26"),
    # the issuance window's last day on 劳动节 2024 (05-01..05-05) -> Mon 05-06
    ("2024-03-02", "2024-04-01", "2024-05-06"),
    # receipt on the last day of a year, window crossing 春节 2022
    ("2021-12-31", "2022-01-30", "2022-03-01"),
])
def test_divorce_periods_table(receipt, withdrawal, until):
    p = divorce_periods(D(receipt))
    assert (p.withdrawal_deadline, p.issuance_until) == (D(withdrawal), D(until))
    assert p.issuance_from == p.withdrawal_deadline + timedelta(days=1)
    assert not p.provisional


def test_divorce_phase_boundaries():
    p = divorce_periods(D("2021-09-01"))
    assert divorce_phase(p, D("2021-08-31")) == "before_receipt"
    assert divorce_phase(p, D("2021-09-01")) == "cooling_off"
    assert divorce_phase(p, D("2021-10-08")) == "cooling_off"
    assert divorce_phase(p, D("2021-10-09")) == "issuance"
    assert divorce_phase(p, D("2021-11-08")) == "issuance"
    assert divorce_phase(p, D("2021-11-09")) == "expired"


def test_periods_reaching_a_provisional_year_are_flagged():
    p = divorce_periods(D("2026-11-22"))
    assert p.withdrawal_deadline == D("2026-12-22")
    assert p.issuance_until == D("2027-01-21")
    assert p.provisional


def test_outside_the_calendar_is_refused_not_guessed():
    with pytest.raises(CalendarRangeError) as err:
        divorce_periods(D("2027-12-01"))
    assert "2021" in err.value.message_zh
    with pytest.raises(CalendarRangeError):
        is_working_day(D("2020-12-31"))


@pytest.mark.parametrize("text", [
    "not toml [",
    "[[year]]\nyear = 2021\n",
    '[[year]]\nyear = 2021\nstatus = "maybe"\ndocument = "x"\ndays_off = []\nworking_days = []\n',
    ('[[year]]\nyear = 2021\nstatus = "official"\ndocument = "x"\n'
    'days_off = [[2021-01-03, 2021-01-01]]\nworking_days = []\n'),
    ('[[year]]\nyear = 2021\nstatus = "official"\ndocument = "x"\n'
    'days_off = [[2021-01-01, 2021-01-03]]\nworking_days = [2021-01-02]\n'),
])
def test_malformed_calendar_data_is_a_clear_error(text):
    with pytest.raises(CalendarError) as err:
        parse_calendar(text)
    assert "日历" in err.value.message_zh


def test_every_year_cites_its_source():
    cal = default_calendar()
    assert set(cal.years) == set(range(2021, 2028))
    assert all("国务院" in doc or "放假办法" in doc for doc in cal.sources.values())
    assert [y for y, s in cal.years.items() if s == "provisional"] == [2027]


def test_make_up_days_are_weekends_and_days_off_never_overlap_them():
    cal = default_calendar()
    assert all(d.weekday() >= 5 for d in cal.working_days)
    assert not cal.days_off & cal.working_days


receipts = st.dates(min_value=date(2021, 1, 1), max_value=date(2027, 9, 30))


@given(receipts)
def test_property_deadlines_are_the_first_working_day_on_or_after_day_30(receipt):
    cal = default_calendar()
    p = divorce_periods(receipt)
    day30 = receipt + timedelta(days=30)
    assert p.withdrawal_deadline >= day30
    assert cal.is_working_day(p.withdrawal_deadline)
    gap = (p.withdrawal_deadline - day30).days
    assert all(not cal.is_working_day(day30 + timedelta(days=i)) for i in range(gap))
    day60 = p.withdrawal_deadline + timedelta(days=30)
    assert p.issuance_until >= day60 and cal.is_working_day(p.issuance_until)
    assert (p.issuance_until - day60).days <= 10


@given(receipts, receipts)
def test_property_periods_are_monotonic(a, b):
    if a > b:
        a, b = b, a
    pa, pb = divorce_periods(a), divorce_periods(b)
    assert pa.withdrawal_deadline <= pb.withdrawal_deadline
    assert pa.issuance_until <= pb.issuance_until
