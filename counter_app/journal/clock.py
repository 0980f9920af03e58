"""Device time, and how far the journal trusts it.

Counter PCs' clocks drift, get reset by a flat CMOS battery, or are set by hand. The journal
never orders entries by time (``seq`` is the order); it records the device time of each entry
with a clock-trust record, detects a clock that went backwards past the last entry, keeps the
last known offset to the provincial server's time, and refuses to date a legal act with a clock
it cannot trust.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol


class Clock(Protocol):
    """Where the journal gets the time; tests inject a fake one."""

    def now(self) -> datetime:
        """The device's wall-clock time, timezone-aware."""


class SystemClock:
    """The device clock."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


def iso_ms(moment: datetime) -> str:
    """UTC ISO 8601 with milliseconds, e.g. ``2026-11-22T05:30:00.123Z``."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class ServerOffset:
    """Server time minus device time, as last observed (e.g. from a sync response)."""

    offset_ms: int
    observed_at: str  # device time of the observation, iso_ms


@dataclass(frozen=True)
class ClockReading:
    """The device time for one entry and how far it can be trusted."""

    device_time: str
    regressed_ms: int
    server_offset: ServerOffset | None
    max_skew_ms: int

    @property
    def skewed(self) -> bool:
        return self.server_offset is not None and abs(self.server_offset.offset_ms) > self.max_skew_ms

    @property
    def trusted(self) -> bool:
        return self.regressed_ms == 0 and not self.skewed

    def problem_zh(self) -> str:
        """Why the clock is not trusted, in words a registrar can act on ('' when trusted)."""
        if self.regressed_ms:
            return (f"本机时钟比上一条记录早了 {self.regressed_ms / 1000:.0f} 秒（时钟被回拨）。"
                    "请核对电脑时间后再办理，或联系技术人员。")
        if self.skewed:
            assert self.server_offset is not None
            return (f"本机时钟与省级系统时间相差 {abs(self.server_offset.offset_ms) / 1000:.0f} 秒。"
                    "请校准电脑时间后再办理。")
        return ""

    def as_record(self) -> dict:
        """The clock-trust information stored (and hashed) with the entry."""
        record: dict = {"trusted": self.trusted, "regressed_ms": self.regressed_ms,
                        "monotonic_ns": time.monotonic_ns()}
        if self.server_offset is not None:
            record["server_offset_ms"] = self.server_offset.offset_ms
            record["server_offset_observed_at"] = self.server_offset.observed_at
        return record


def read_clock(clock: Clock, high_water_time: str | None, server_offset: ServerOffset | None,
               slack_ms: int, max_skew_ms: int) -> ClockReading:
    """Take the time for a new entry and compare it with the latest time any entry carried.

    Comparing with the high-water mark, not just the previous entry, keeps every entry flagged
    for as long as the clock stays behind, not only the first one after it jumped back.
    """
    now = clock.now()
    regressed = 0
    if high_water_time is not None:
        behind_ms = int((parse_iso(high_water_time) - now).total_seconds() * 1000)
        if behind_ms > slack_ms:
            regressed = behind_ms
    return ClockReading(iso_ms(now), regressed, server_offset, max_skew_ms)
