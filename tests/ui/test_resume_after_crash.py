"""Ensure that after a crash the next login reopens the case that was on screen, that going
home or closing the window normally leaves nothing to reopen, and that a damaged marker is
harmless."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from counter_app.app import build_main_window
from counter_app.cli import build_parser, make_context
from counter_app.ui.application import create_application
from counter_app.wiring.journal import open_journal
from counter_app.workflows.resume import OpenCase
from drivers.idcard import simulator

try:
    from tests.ui.test_marriage_intake import accept_a_couple, read_and_confirm
except ImportError:
    from test_marriage_intake import accept_a_couple, read_and_confirm


@pytest.fixture
def counter(qtbot, tmp_path):
    """Start the counter (a new main window on the same data dir) and log in as demo."""
    create_application([])
    ctx = make_context(build_parser().parse_args(["--demo", "--data-dir", str(tmp_path)]))
    ctx.config.values["ui.idle_lock_s"] = 0
    journal = open_journal(ctx)

    def start():
        win = build_main_window(ctx, journal)
        qtbot.addWidget(win)
        win.show()
        qtbot.keyClicks(win.login_page.operator_id, "demo")
        qtbot.keyClicks(win.login_page.password, "demo")
        qtbot.keyClick(win.login_page.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: win.operator is not None, timeout=5000)
        return win

    start.data_dir = tmp_path
    yield start
    journal.close()
    simulator.unregister("demo")


def crash(win) -> None:
    """The process dies: no going home, no close event; only the pages' devices stop."""
    for page in (win.intake_page, win.case_page):
        if page is not None and hasattr(page, "reader"):
            page.reader.stop()
    win.hide()


def test_the_case_on_screen_reopens_at_the_next_login(qtbot, counter):
    first = counter()
    result = accept_a_couple(qtbot, first)
    case_id = first.intake_page.case_id
    qtbot.keyClick(result.proceed, Qt.Key.Key_Return)
    assert first.case_page.case_id == case_id
    crash(first)
    second = counter()
    assert second.stack.currentWidget() is second.case_page
    assert second.case_page.case_id == case_id
    assert second.case_page.action.text() == "现场拍照与人证核验（F7）"
    second.back_home()
    third = counter()
    assert third.stack.currentWidget() is third.home_page   # went home: nothing to reopen


def test_an_intake_half_way_reopens_at_its_next_party(qtbot, counter):
    first = counter()
    qtbot.keyClick(first, Qt.Key.Key_F2)
    read_and_confirm(qtbot, first, "resident", "王䶮")
    case_id = first.intake_page.case_id
    crash(first)
    second = counter()
    assert second.stack.currentWidget() is second.intake_page
    assert second.intake_page.case_id == case_id
    assert second.intake_page.party.title.text() == "第 2 位当事人"
    second.back_home()


def test_a_normal_close_and_a_damaged_marker_leave_home(qtbot, counter):
    first = counter()
    accept_a_couple(qtbot, first)
    first.close()
    assert counter().stack.currentWidget().__class__.__name__ == "HomePage"
    (counter.data_dir / "open-case.json").write_text("{not json", encoding="utf-8")
    assert counter().stack.currentWidget().__class__.__name__ == "HomePage"
    OpenCase(counter.data_dir).opened("no-such-case", "demo")
    assert counter().stack.currentWidget().__class__.__name__ == "HomePage"


def test_another_operators_case_is_not_reopened(tmp_path):
    marker = OpenCase(tmp_path)
    marker.opened("c1", "reg02")
    assert marker.pending("demo") is None and marker.pending("reg02") == "c1"
    marker.closed()
    assert marker.pending("reg02") is None
