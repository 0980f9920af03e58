"""Composition root: configuration, journal, devices and the main window, wired together.

Nothing else builds these objects; everything below receives what it needs from here.
"""

from __future__ import annotations

import logging
import sys

from counter_app.journal import Journal
from counter_app.operators import OperatorService
from counter_app.operators.accounts import seed_demo_accounts

log = logging.getLogger(__name__)


def open_journal(ctx) -> Journal:
    """The data dir's journal with the configured key store and clock tolerances."""
    return Journal.open(ctx.data_dir, ctx.config["journal.key_store"],
                        clock_slack_ms=ctx.config["journal.clock_slack_ms"],
                        clock_max_skew_s=ctx.config["journal.clock_max_skew_s"])


def operator_service(ctx, journal: Journal) -> OperatorService:
    return OperatorService(journal, max_failures=ctx.config["auth.max_failures"],
                           lockout_minutes=ctx.config["auth.lockout_minutes"],
                           offline_grace_days=ctx.config["auth.offline_grace_days"])


def run_gui(ctx) -> int:
    """Start the Qt application and block until the main window closes."""
    from PySide6.QtCore import QTimer

    from counter_app.ui.application import create_application
    from counter_app.ui.main_window import MainWindow

    app = create_application(sys.argv[:1])
    journal = open_journal(ctx)
    log.info("GUI starting (demo=%s)", ctx.demo)
    try:
        operators = operator_service(ctx, journal)
        if ctx.demo:
            seed_demo_accounts(operators)
        window = MainWindow(journal, operators, demo=ctx.demo,
                            idle_lock_s=ctx.config["ui.idle_lock_s"])
        window.show()
        # Technicians (and bench/startup.py) read this line to see how long start-up took.
        QTimer.singleShot(0, lambda: log.info("GUI ready: login screen shown"))
        return app.exec()
    finally:
        journal.close()
