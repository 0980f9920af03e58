"""The demo counter as the end-to-end UI tests use it: a main window in demo mode on a fresh
data dir (simulated devices, the built-in provincial simulator), logged in as demo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from counter_app.app import build_main_window
from counter_app.wiring.sync import background_sync
from counter_app.cli import build_parser, make_context
from counter_app.ui.application import create_application
from counter_app.wiring.journal import open_journal
from drivers.idcard import simulator


@pytest.fixture
def demo_window(qtbot, tmp_path):
    """``make(settings={...}, today=callable)`` -> the logged-in window; ``window.ctx``,
    ``window.background`` (the sync thread: 联网核对, number blocks) come with it. Everything
    is stopped and closed after the test."""
    made = []

    def make(*, settings: dict | None = None, today=None):
        create_application([])
        ctx = make_context(build_parser().parse_args(["--demo", "--data-dir", str(tmp_path)]))
        ctx.config.values["ui.idle_lock_s"] = 0
        ctx.config.values.update(settings or {})
        if today is not None:
            ctx.today = today
        journal = open_journal(ctx)
        background = background_sync(ctx, journal).start()
        win = build_main_window(ctx, journal, background)
        made.append((win, background, journal))
        qtbot.addWidget(win)
        win.show()
        win.ctx, win.background = ctx, background
        page = win.login_page
        qtbot.keyClicks(page.operator_id, "demo")
        qtbot.keyClicks(page.password, "demo")
        qtbot.keyClick(page.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: win.stack.currentWidget() is win.home_page, timeout=5000)
        return win

    yield make
    for win, background, journal in made:
        win.back_home()
        win.services.close()
        background.stop()
        journal.close()
    simulator.unregister("demo")
