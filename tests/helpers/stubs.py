"""Small behavioural fakes shared by tests (prefer these to MagicMock trees)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


class FakeClock:
    """A clock the test moves by hand: ``clock.advance(seconds=5)``, ``clock.set(dt)``."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 5, 20, 9, 0, tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self.current = moment
