"""Ensure a real (non-demo) counter logs a province registrar in through the login page: the
first time online (the simulator checks the password over real HTTP, off the GUI thread), then
offline once the province is gone; a province account that never logged in here is told that
its first login needs the provincial link."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from counter_app.app import build_main_window
from counter_app.cli import build_parser, make_context
from counter_app.operators.accounts import LINK_REQUIRED
from counter_app.ui.application import create_application
from counter_app.wiring.journal import open_journal
from tests.sync.conftest import enroll, make_engine, start_sim


@pytest.fixture
def counter(qtbot, tmp_path):
    """An enrolled counter that has synced its accounts once; ``make()`` builds a window as
    the app does (no sync thread: the login's link goes to the enrolment's server)."""
    sim = start_sim(tmp_path / "sim")
    data = tmp_path / "data"
    data.mkdir()
    create_application([])
    ctx = make_context(build_parser().parse_args(["--data-dir", str(data)]))
    ctx.config.values.update({"journal.key_store": "file", "office.code": "110105-HY",
                              "ui.idle_lock_s": 0, "auth.verify_timeout_s": 2.0,
                              "sync.connect_timeout_s": 1.0})
    journal = open_journal(ctx)
    enroll(data, journal, sim.url)
    engine = make_engine(journal, data)
    assert engine.run_once().ok
    engine.close()
    windows = []

    def make():
        window = build_main_window(ctx, journal)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    make.sim = sim
    yield make
    for window in windows:
        window.close()
    sim.stop()
    journal.close()


def log_in(qtbot, window, user, password):
    page = window.login_page
    qtbot.keyClicks(page.operator_id, user)
    qtbot.keyClicks(page.password, password)
    qtbot.keyClick(page.password, Qt.Key.Key_Return)


def test_a_province_registrar_logs_in_online_then_offline(qtbot, counter):
    window = counter()
    threads = []
    link = window.services.operators.province

    def spy(operator_id, password):
        threads.append(threading.current_thread())
        return link(operator_id, password)

    window.services.operators.province = spy
    log_in(qtbot, window, "reg01", "reg01-pass")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=10000)
    assert window.home_page.greeting.text().startswith("登记员一，您好")
    assert threads and threads[0] is not threading.main_thread()   # not on the GUI thread

    counter.sim.stop()                     # the province is gone: the next login is offline
    offline = counter()
    log_in(qtbot, offline, "reg01", "reg01-pass")
    qtbot.waitUntil(lambda: offline.stack.currentWidget() is offline.home_page, timeout=5000)
    kinds = [e.kind for e in offline.journal.entries()]
    assert kinds.count("operator.verifier_set") == 1
    assert kinds.count("operator.login_succeeded") == 2


def test_a_first_login_without_the_link_is_explained(qtbot, counter):
    counter.sim.stop()
    window = counter()
    log_in(qtbot, window, "sup01", "sup01-pass")
    qtbot.waitUntil(lambda: window.login_page.message.text() == LINK_REQUIRED, timeout=10000)
    assert window.stack.currentWidget() is window.login_page
    assert window.login_page.password.text() == ""
