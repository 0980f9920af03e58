"""Opening the data dir's journal the way the app and every command do."""

from __future__ import annotations

import sync.projections
from counter_app.audit import log as audit_log
from counter_app.cases import projections as case_projections
from counter_app.context import Context
from counter_app.journal import Journal
from counter_app.journal.clock import Clock
from counter_app.numbering import projections as numbering_projections
from counter_app.operators import projections as operator_projections
from counter_app.printing import calibration, receipts
from counter_app.reports import projections as report_projections

#: The modules whose projections every journal of the app maintains (besides the journal's own
#: cases and attachments). Add a projection module here; a stored journal whose projections
#: all keep their name and version opens without a rebuild, whatever the order.
PROJECTION_MODULES = (
    calibration,
    receipts,
    sync.projections,
    operator_projections,
    numbering_projections,
    case_projections,
    report_projections,
    audit_log,
)


def open_journal(ctx: Context, *, readonly: bool = False, clock: Clock | None = None) -> Journal:
    """The data dir's journal with the configured key store, key dir and clock tolerances,
    checked against its anchor and the province's last acknowledged position. Unless
    ``readonly``, the data dir's lock is held until the journal is closed; ``clock`` (the demo
    seed's) replaces the system clock."""
    from sync.state import known_acked_seq

    return Journal.open(ctx.data_dir, ctx.config["journal.key_store"],
                        key_dir=ctx.config.key_dir, readonly=readonly,
                        acked_seq=known_acked_seq(ctx.data_dir), program=ctx.program,
                        projections=PROJECTION_MODULES,
                        clock_slack_ms=ctx.config["journal.clock_slack_ms"],
                        clock_max_skew_s=ctx.config["journal.clock_max_skew_s"], clock=clock)
