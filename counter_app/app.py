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


def device_settings(ctx) -> dict:
    """What the device detectors need from the configuration (by their parameter names)."""
    return {"port": ctx.config["drivers.idcard.port"],
            "document_source": ctx.config["camera.document_source"],
            "receipt_printer": ctx.config["printing.receipt_printer"]}


def detect_devices(ctx):
    """A function that lists the devices (it may touch hardware: call it off the GUI thread)."""
    from drivers.registry import detect_all

    return lambda: detect_all(device_settings(ctx), demo=ctx.demo)


def sync_status(ctx, journal: Journal):
    """A function that reports the outbox (the shape of ``counter-app sync status --json``)."""
    from sync import enrolment, outbox
    from sync.state import SyncState

    def report() -> dict:
        state = SyncState(enrolment.sync_dir(ctx.data_dir) / "state.db")
        try:
            result = outbox.status(journal, state)
        finally:
            state.close()
        result["enrolled"] = (enrolment.sync_dir(ctx.data_dir) / enrolment.ENROLMENT_FILE).exists()
        return result

    return report


def build_main_window(ctx, journal: Journal):
    """The main window with everything it needs, as the running app and the screenshots use it."""
    from counter_app.ui.main_window import MainWindow

    operators = operator_service(ctx, journal)
    if ctx.demo:
        seed_demo_accounts(operators)
    return MainWindow(journal, operators, demo=ctx.demo, idle_lock_s=ctx.config["ui.idle_lock_s"],
                      sync_status=sync_status(ctx, journal), detect_devices=detect_devices(ctx))


def run_gui(ctx) -> int:
    """Start the Qt application and block until the main window closes."""
    from counter_app.ui.application import create_application, run_event_loop

    app = create_application(sys.argv[:1])
    journal = open_journal(ctx)
    log.info("GUI starting (demo=%s)", ctx.demo)
    try:
        window = build_main_window(ctx, journal)
        window.show()
        return run_event_loop(app)
    finally:
        journal.close()
