"""Opening the data dir's journal the way the app and every command do."""

from __future__ import annotations

import sync.projections
from counter_app.audit import log as audit_log
from counter_app.cases import projections as case_projections
from counter_app.context import Context
from counter_app.journal import Journal
from counter_app.numbering import projections as numbering_projections
from counter_app.operators import projections as operator_projections
from counter_app.printing import calibration, receipts

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
    audit_log,
)


def open_journal(ctx: Context) -> Journal:
    """The data dir's journal with the configured key store and clock tolerances."""
    return Journal.open(ctx.data_dir, ctx.config["journal.key_store"],
                        projections=PROJECTION_MODULES,
                        clock_slack_ms=ctx.config["journal.clock_slack_ms"],
                        clock_max_skew_s=ctx.config["journal.clock_max_skew_s"])
