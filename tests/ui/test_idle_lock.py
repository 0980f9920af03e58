"""Ensure the idle lock counts a registrar who works by keyboard shortcuts alone as active:
keys that Qt hands to a shortcut (F-keys, Esc) never reach a widget as key presses."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from counter_app.ui.idle import IdleWatcher

PRESS_EVERY_MS = 400     # well inside the one-second lock below


def press_for(qtbot, widget, keys, seconds: float) -> float:
    """Press ``keys`` in turn, one every PRESS_EVERY_MS, for ``seconds``; the time of the
    last press."""
    deadline, n, last = time.monotonic() + seconds, 0, 0.0
    while time.monotonic() < deadline:
        qtbot.keyClick(widget, keys[n % len(keys)])
        last, n = time.monotonic(), n + 1
        qtbot.wait(PRESS_EVERY_MS)
    return last


def shortcut_screen(qtbot):
    """A page as the case pages make them: F7 and Esc as QShortcuts, F9 on a button, and a
    text field holding focus. Returns the page and the count of each key's activations."""
    page = QWidget()
    qtbot.addWidget(page)
    field = QLineEdit(page)
    button = QPushButton("登记（F9）", page)
    button.setShortcut(QKeySequence("F9"))
    layout = QVBoxLayout(page)
    layout.addWidget(field)
    layout.addWidget(button)
    fired = {"F7": 0, "Esc": 0, "F9": 0}
    QShortcut(QKeySequence("F7"), page, activated=lambda: fired.__setitem__("F7", fired["F7"] + 1))
    QShortcut(QKeySequence("Escape"), page,
              activated=lambda: fired.__setitem__("Esc", fired["Esc"] + 1))
    button.clicked.connect(lambda: fired.__setitem__("F9", fired["F9"] + 1))
    page.show()
    qtbot.waitExposed(page)
    field.setFocus()
    return page, field, fired


def test_shortcut_keys_alone_keep_the_screen_unlocked(qtbot):
    page, field, fired = shortcut_screen(qtbot)
    watcher = IdleWatcher(1, page)
    locked = []
    watcher.idle.connect(lambda: locked.append(time.monotonic()))
    watcher.start()
    last = press_for(qtbot, field, [Qt.Key.Key_F7, Qt.Key.Key_Escape, Qt.Key.Key_F9], 2.6)
    assert locked == []
    # Every press went to its shortcut (none reached the field as a key press) ...
    assert min(fired.values()) >= 2 and field.text() == ""
    # ... and once the keys stop, the screen locks after the idle time.
    qtbot.waitUntil(lambda: bool(locked), timeout=3000)
    assert locked[0] - last >= 0.9


def test_the_counter_stays_unlocked_while_f5_is_pressed_on_home(qtbot, demo_window):
    win = demo_window(settings={"ui.idle_lock_s": 1})
    press_for(qtbot, win.home_page, [Qt.Key.Key_F5], 2.6)
    assert win.stack.currentWidget() is win.home_page
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.login_page, timeout=3000)
    assert win.login_page.title.text() == "屏幕已锁定，请输入密码解锁"
