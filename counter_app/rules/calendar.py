"""Working days and the divorce periods (pure; data from resources/calendar/holidays.toml).

The divorce procedure (Civil Code art. 1077; 民发〔2020〕116号; reference/law.md §1.3):

* the withdrawal period (冷静期) is 30 days counted from the day *after* the office received the
  application: day 1 is receipt + 1, the last day is receipt + 30;
* a period whose last day is not a working day (a statutory holiday, a 调休 day off or a
  weekend) runs to the next working day (Civil Code art. 203, MCA 2020 rule);
* then, within the following 30 days (counted from the day after the withdrawal period ended,
  with the same holiday rule), both parties must come back to the receiving office;
  otherwise the application is deemed withdrawn (视为撤回申请).

The calendar file covers 2021-2027. Asking about a date outside it raises
:class:`CalendarRangeError` rather than guessing. A result that depends on a year whose notice
was not yet published (``status = "provisional"``) has ``provisional=True``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from counter_app.errors import CounterAppError
from counter_app.resources import resource_path

COOLING_OFF_DAYS = 30
ISSUANCE_DAYS = 30


class CalendarError(CounterAppError):
    """The holiday calendar file is missing, malformed, or does not cover a date."""

    code = "calendar.invalid"


class CalendarRangeError(CalendarError):
    code = "calendar.out_of_range"


@dataclass(frozen=True)
class DivorcePeriods:
    """The dates printed on the divorce receipt (受理回执单) and enforced by the case service."""

    receipt_date: date
    #: last day on which either party may withdraw (撤回) the application
    withdrawal_deadline: date
    #: first day on which both may ask for the certificate
    issuance_from: date
    #: last day for that; after it the application is deemed withdrawn
    issuance_until: date
    #: True when a date depends on a year whose official 调休 notice was not in the calendar
    provisional: bool = False


class HolidayCalendar:
    """Days off and make-up working days for a range of years."""

    def __init__(self, days_off: set[date], working_days: set[date], years: dict[int, str],
                 sources: dict[int, str]) -> None:
        self.days_off = frozenset(days_off)
        self.working_days = frozenset(working_days)
        #: year -> "official" | "provisional"
        self.years = dict(years)
        self.sources = dict(sources)

    @property
    def first_year(self) -> int:
        return min(self.years)

    @property
    def last_year(self) -> int:
        return max(self.years)

    def covers(self, d: date) -> bool:
        return d.year in self.years

    def is_provisional(self, d: date) -> bool:
        return self.years.get(d.year) == "provisional"

    def is_working_day(self, d: date) -> bool:
        """True on a day the office works: a listed make-up day, or Mon-Fri not a day off."""
        if not self.covers(d):
            raise CalendarRangeError(
                f"节假日日历只覆盖 {self.first_year}—{self.last_year} 年，无法判断 {d} 是否为"
                "工作日；请更新软件的节假日数据。", detail=f"date {d} outside calendar")
        if d in self.working_days:
            return True
        return d.weekday() < 5 and d not in self.days_off

    def next_working_day_from(self, d: date) -> date:
        """``d`` itself when it is a working day, else the next working day."""
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def period_end(self, start_exclusive: date, days: int) -> date:
        """Last day of a period of ``days`` days counted from the day after ``start_exclusive``."""
        try:
            last = start_exclusive + timedelta(days=days)
        except OverflowError:  # past 9999-12-31: certainly outside the calendar
            raise CalendarRangeError(
                f"节假日日历只覆盖 {self.first_year}—{self.last_year} 年，无法计算自 "
                f"{start_exclusive} 起 {days} 日的期间。", detail="date overflow") from None
        return self.next_working_day_from(last)


def parse_calendar(text: str) -> HolidayCalendar:
    """Build a calendar from the TOML text of holidays.toml (raises CalendarError if malformed)."""
    try:
        data = tomllib.loads(text)
        days_off: set[date] = set()
        working: set[date] = set()
        years: dict[int, str] = {}
        sources: dict[int, str] = {}
        for table in data["year"]:
            year = int(table["year"])
            status = table["status"]
            if status not in ("official", "provisional"):
                raise ValueError(f"year {year}: bad status {status!r}")
            years[year], sources[year] = status, table["document"]
            for first, last in table["days_off"]:
                if not isinstance(first, date) or last < first:
                    raise ValueError(f"year {year}: bad range {first}..{last}")
                days_off.update(first + timedelta(days=i) for i in range((last - first).days + 1))
            working.update(table["working_days"])
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise CalendarError("节假日日历数据损坏，请重新安装软件。",
                            detail=f"holidays.toml: {exc}") from None
    if days_off & working:
        raise CalendarError("节假日日历数据自相矛盾，请重新安装软件。",
                            detail=f"days both off and working: {sorted(days_off & working)}")
    return HolidayCalendar(days_off, working, years, sources)


@lru_cache(maxsize=1)
def default_calendar() -> HolidayCalendar:
    """The bundled calendar (read once; the file is part of the installed application)."""
    path: Path = resource_path("calendar", "holidays.toml")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CalendarError("找不到节假日日历数据，请重新安装软件。",
                            detail=f"{path}: {exc}") from None
    return parse_calendar(text)


def is_working_day(d: date, calendar: HolidayCalendar | None = None) -> bool:
    """True when the registration office works on ``d`` (official calendar with 调休)."""
    return (calendar or default_calendar()).is_working_day(d)


def divorce_periods(receipt_date: date, calendar: HolidayCalendar | None = None) -> DivorcePeriods:
    """The withdrawal deadline and issuance window for an application received on a date."""
    cal = calendar or default_calendar()
    withdrawal = cal.period_end(receipt_date, COOLING_OFF_DAYS)
    until = cal.period_end(withdrawal, ISSUANCE_DAYS)
    provisional = any(cal.is_provisional(d) for d in (receipt_date, withdrawal, until))
    return DivorcePeriods(receipt_date=receipt_date, withdrawal_deadline=withdrawal,
                          issuance_from=withdrawal + timedelta(days=1), issuance_until=until,
                          provisional=provisional)


def divorce_phase(periods: DivorcePeriods, on: date) -> str:
    """Where a divorce application stands on a date.

    ``"before_receipt"``, ``"cooling_off"`` (withdrawal possible), ``"issuance"`` (both may
    complete the registration at the receiving office) or ``"expired"`` (deemed withdrawn).
    """
    if on < periods.receipt_date:
        return "before_receipt"
    if on <= periods.withdrawal_deadline:
        return "cooling_off"
    if on <= periods.issuance_until:
        return "issuance"
    return "expired"
