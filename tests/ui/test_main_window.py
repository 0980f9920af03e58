"""Ensure the main window logs in, refuses wrong passwords, locks when idle, and the demo starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import Qt

from helpers.journals import open_test_journal

from counter_app.operators.accounts import seed_demo_accounts


def make_window(qtbot, journal, idle_lock_s=0):
    """The main window in demo mode over ``journal``, built as the app builds it."""
    from counter_app.app import qt_ports
    from counter_app.cli import build_parser, make_context
    from counter_app.ui.application import create_application
    from counter_app.ui.main_window import MainWindow
    from counter_app.wiring.services import Services

    create_application([])
    data_dir = str(journal.path.parent)
    ctx = make_context(build_parser().parse_args(["--demo", "--data-dir", data_dir]))
    ctx.config.values.update({"ui.idle_lock_s": idle_lock_s, "auth.max_failures": 3})
    services = Services(ctx, journal, lambda: qt_ports(ctx))
    seed_demo_accounts(services.operators)
    win = MainWindow(services)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def window(qtbot, journal):
    return make_window(qtbot, journal)


def log_in(qtbot, window, user, password):
    page = window.login_page
    page.operator_id.clear()
    qtbot.keyClicks(page.operator_id, user)
    qtbot.keyClicks(page.password, password)
    qtbot.keyClick(page.password, Qt.Key.Key_Return)


def test_bundled_font_is_the_application_font(window):
    from PySide6.QtWidgets import QApplication
    assert "Noto Sans SC" in QApplication.instance().font().families()
    assert window.windowTitle() == "婚姻登记窗口客户端（演示模式）"


def test_login_with_the_keyboard_reaches_home(qtbot, window, journal):
    log_in(qtbot, window, "demo", "demo")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=5000)
    assert window.home_page.greeting.text().startswith("演示登记员，您好")
    assert "已加密保存" in window.home_page.status_label.text()
    assert [e.kind for e in journal.entries()][-1] == "operator.login_succeeded"


def test_wrong_password_says_so_and_stays(qtbot, window):
    log_in(qtbot, window, "demo", "nope")
    qtbot.waitUntil(lambda: "不正确" in window.login_page.message.text(), timeout=5000)
    assert window.stack.currentWidget() is window.login_page
    assert window.login_page.password.text() == ""


def test_empty_fields_are_explained(qtbot, window):
    qtbot.keyClick(window.login_page.operator_id, Qt.Key.Key_Return)
    assert window.login_page.message.text() == "请输入工号和密码。"


def test_double_enter_logs_in_once(qtbot, window, journal):
    page = window.login_page
    qtbot.keyClicks(page.operator_id, "demo")
    qtbot.keyClicks(page.password, "demo")
    page.submit()
    page.submit()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=5000)
    assert [e.kind for e in journal.entries()].count("operator.login_succeeded") == 1


def test_idle_screen_locks_and_unlocks_for_the_same_operator(qtbot, journal):
    window = make_window(qtbot, journal, idle_lock_s=1)
    log_in(qtbot, window, "demo", "demo")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=5000)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login_page, timeout=5000)
    page = window.login_page
    assert page.title.text() == "屏幕已锁定，请输入密码解锁"
    assert page.operator_id.text() == "demo" and page.operator_id.isReadOnly()
    qtbot.keyClicks(page.password, "demo")
    qtbot.keyClick(page.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=5000)


def test_demo_mode_starts_syncs_with_the_builtin_simulator_and_keeps_running(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COUNTER_APP_JOURNAL_KEY_STORE="file")
    proc = subprocess.Popen([sys.executable, "-m", "counter_app", "--demo",
                             "--data-dir", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    status = {}
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            if (tmp_path / "sync" / "enrolment.json").exists():
                result = subprocess.run(
                    [sys.executable, "-m", "counter_app", "--demo", "--data-dir", str(tmp_path),
                     "sync", "status", "--json"], capture_output=True, text=True, env=env)
                status = json.loads(result.stdout)
                if status.get("last_success"):
                    break
            time.sleep(0.5)
        assert proc.poll() is None, proc.communicate()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert status["enrolled"] and status["last_success"], status
    with open_test_journal(tmp_path, key_store="file") as journal:
        accounts = journal.query("SELECT operator_id FROM operators ORDER BY operator_id")
        kinds = {e.kind for e in journal.entries()}
    assert [a["operator_id"] for a in accounts] == ["boss", "demo", "tech"]
    assert "sync.enrolled" in kinds
