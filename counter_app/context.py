"""The run-time context: the resolved configuration, demo mode and the counter's calendar.

The CLI makes one (counter_app.cli.make_context) and everything below it takes it typed:
the composition root (counter_app.app), the wiring (counter_app.wiring) and the commands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from counter_app import config


@dataclass
class Context:
    """What every command gets: the resolved configuration and where the data lives."""

    config: config.Config
    demo: bool
    #: The counter's date for business rules (tests and training put a fake calendar here).
    today: Callable[[], date] = field(default=date.today)
    #: How this run names itself to a second program on the same data dir (its lock file).
    program: str = "counter-app"

    @property
    def data_dir(self) -> Path:
        return self.config.data_dir

    @property
    def journal_path(self) -> Path:
        return self.data_dir / "journal.db"
