"""Opening the data dir's journal the way the app and every command do."""

from __future__ import annotations

from counter_app.context import Context
from counter_app.journal import Journal


def open_journal(ctx: Context) -> Journal:
    """The data dir's journal with the configured key store and clock tolerances."""
    return Journal.open(ctx.data_dir, ctx.config["journal.key_store"],
                        clock_slack_ms=ctx.config["journal.clock_slack_ms"],
                        clock_max_skew_s=ctx.config["journal.clock_max_skew_s"])
