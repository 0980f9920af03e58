"""Ensure the main window opens on a journal with the bundled CJK font, and the demo starts."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from counter_app.journal import Journal


@pytest.fixture
def journal(data_dir):
    j = Journal.open(data_dir, key_store="file")
    yield j
    j.close()


def test_main_window_shows_the_journal_state(qtbot, journal):
    from counter_app.ui.application import create_application, load_bundled_font
    from counter_app.ui.main_window import MainWindow

    app = create_application([])
    assert load_bundled_font() == "Noto Sans SC"
    assert "Noto Sans SC" in app.font().families()
    journal.append("case.opened", {}, operator="op", case_id="c")
    window = MainWindow(journal, demo=True)
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "婚姻登记窗口客户端（演示模式）"
    assert window.status_label.text() == "本机日志：1 条记录，已加密保存"


def test_demo_mode_starts_and_keeps_running(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COUNTER_APP_JOURNAL_KEY_STORE="file")
    proc = subprocess.Popen([sys.executable, "-m", "counter_app", "--demo",
                             "--data-dir", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 20
        while not (tmp_path / "journal.db").exists() and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.1)
        time.sleep(1.0)
        assert proc.poll() is None, proc.communicate()
        assert (tmp_path / "journal.db").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
