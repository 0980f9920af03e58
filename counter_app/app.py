"""Composition root: the journal, the ports that need Qt, the services and the main window,
wired together and run.

Nothing else builds these objects; everything below receives what it needs from here. Each
business item's wiring is in counter_app.wiring, its pages in counter_app.ui (the registry of
items is counter_app.ui.items).
"""

from __future__ import annotations

import logging
import sys

from counter_app.context import Context
from counter_app.journal import Journal
from counter_app.wiring.journal import open_journal
from counter_app.wiring.services import Ports, Services
from counter_app.wiring.sync import background_sync

log = logging.getLogger(__name__)

#: How demo mode's certificate printer (PDF files in <data dir>/prints) is named.
DEMO_CERTIFICATE_PRINTER = "演示证书打印机（PDF）"


def qt_ports(ctx: Context) -> Ports:
    """The printers (system printers, or PDF files in demo mode) and forms' Qt painting."""
    import forms.qt.render
    import forms.qt.signing
    from counter_app.ui.widgets import certificate_printer as printers

    if ctx.demo:
        prints = ctx.data_dir / "prints"
        forms_printer = printers.PdfFormsPrinter(prints)
        certificates = printers.PdfCertificatePrinter(DEMO_CERTIFICATE_PRINTER, prints)
    else:
        forms_printer = printers.SystemFormsPrinter(ctx.config["printing.forms_printer"])
        certificates = printers.QtCertificatePrinter(ctx.config["printing.certificate_printer"])
    return Ports(forms_printer, certificates, forms.qt.signing,
                 forms.qt.render.render_spec_pages)


def build_main_window(ctx: Context, journal: Journal, background=None):
    """The main window with everything it needs, as the running app and the screenshots use it.

    ``background`` is the sync thread (the 联网核对 goes through it); without one the online
    check says the counter is not connected.
    """
    from counter_app.operators.accounts import seed_demo_accounts
    from counter_app.ui.main_window import MainWindow

    services = Services(ctx, journal, lambda: qt_ports(ctx), background)
    if ctx.demo:
        seed_demo_accounts(services.operators)
    return MainWindow(services)


def run_gui(ctx: Context) -> int:
    """Start the Qt application and block until the main window closes."""
    from counter_app.ui.application import create_application, run_event_loop

    app = create_application(sys.argv[:1], ctx.config["ui.language"])
    journal = open_journal(ctx)
    log.info("GUI starting (demo=%s)", ctx.demo)
    background = background_sync(ctx, journal).start()
    window = None
    try:
        window = build_main_window(ctx, journal, background)
        window.show()
        return run_event_loop(app)
    finally:
        if window is not None:
            window.services.close()   # the vision thread closes its face models on itself
        background.stop()
        journal.close()
