"""The calendar of the reports: which day an entry belongs to, and the months and days a
command or a screen asks for (a malformed or impossible one is a Chinese error, exit 2).

A day is the office's local calendar day. Every marriage registration office of mainland
China keeps Beijing time (UTC+8, no daylight saving), so an entry's day is the date of its
``device_time`` (UTC) in Asia/Shanghai, whatever time zone the PC is set to.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from counter_app.errors import CounterAppError

OFFICE_TZ = ZoneInfo("Asia/Shanghai")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class ReportInputError(CounterAppError):
    """A month, a day, a window or a format a report cannot be made for."""

    code = "reports.bad_input"


def day_of(device_time: str) -> str:
    """The office's calendar day (YYYY-MM-DD) of an entry's UTC ``device_time``."""
    moment = datetime.fromisoformat(device_time.replace("Z", "+00:00"))
    return moment.astimezone(OFFICE_TZ).date().isoformat()


def office_time(day: date, hour: int, minute: int = 0) -> datetime:
    """``day`` at ``hour``:``minute`` office time, timezone-aware (the demo seed's clock)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=OFFICE_TZ)


def parse_month(text: str) -> date:
    """The first day of the month ``YYYY-MM``."""
    match = _MONTH.fullmatch((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1950:
        raise ReportInputError(f"月份“{text}”不对，请写成 年-月，例如 2026-05。",
                               detail=f"bad month {text!r}")
    return date(int(match.group(1)), int(match.group(2)), 1)


def parse_day(text: str) -> date:
    """The day ``YYYY-MM-DD`` (a date that does not exist, such as 2026-02-30, is refused)."""
    match = _DAY.fullmatch((text or "").strip())
    try:
        if not match:
            raise ValueError(text)
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ReportInputError(f"日期“{text}”不对，请写成 年-月-日，例如 2026-05-20。",
                               detail=f"bad date {text!r}") from None
    if day.year < 1950:
        raise ReportInputError(f"日期“{text}”不对：年份太早。", detail=f"bad date {text!r}")
    return day


def month_days(first: date) -> list[date]:
    """Every day of the month that starts on ``first``."""
    days, day = [], first
    while day.month == first.month:
        days.append(day)
        day += timedelta(days=1)
    return days


def previous_month(first: date) -> date:
    """The first day of the month before the one starting on ``first``."""
    return (first - timedelta(days=1)).replace(day=1)
