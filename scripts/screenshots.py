"""Regenerate docs/screenshots/: every main screen in a real window on a virtual X screen.

    ./dev setup && .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Re-runs itself under xvfb-run when there is no display, so the pictures come from a real X
server (fonts, hinting, window decorations as a counter PC draws them), not the offscreen
plugin. Each screen is reached the way a registrar reaches it (keyboard input through Qt).
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


# The journals made here keep their keys and anchors in a temporary key dir, not the
# user's (journal.key_dir).
KEY_DIR = tempfile.mkdtemp(prefix="counter-app-bench-keys-")
atexit.register(shutil.rmtree, KEY_DIR, True)
os.environ["COUNTER_APP_JOURNAL_KEY_DIR"] = KEY_DIR


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and shutil.which("xvfb-run"):
        return subprocess.call(["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable,
                                __file__, "--out", str(args.out)])
    os.environ.pop("QT_QPA_PLATFORM", None)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        return take_all(Path(tmp), args.out)


def take_all(data_dir: Path, out: Path) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLabel

    from counter_app.app import build_main_window
    from counter_app.cli import build_parser, make_context
    from counter_app.ui.application import create_application
    from counter_app.wiring.journal import open_journal
    from counter_app.wiring.sync import background_sync

    app = create_application([])
    ctx = make_context(build_parser().parse_args(["--demo", "--data-dir", str(data_dir)]))
    ctx.config.values["ui.idle_lock_s"] = 0
    calendar = [date.today()]
    ctx.today = lambda: calendar[0]  # the divorce shots move the counter's calendar on
    with open_journal(ctx) as journal:
        background = background_sync(ctx, journal).start()
        window = build_main_window(ctx, journal, background)
        window.resize(1280, 800)
        window.show()
        QTest.qWaitForWindowExposed(window)

        def wait_for(condition, timeout_ms: int = 10_000) -> None:
            for _ in range(timeout_ms // 20):
                if condition():
                    return
                QTest.qWait(20)
            page = window.stack.currentWidget()
            said = [w.text() for w in page.findChildren(QLabel) if w.isVisible() and w.text()]
            raise RuntimeError(f"screen did not appear in time on {type(page).__name__}: {said}")

        def shot(name: str) -> None:
            for _ in range(20):
                app.processEvents()
                QTest.qWait(20)
            path = out / f"{name}.png"
            window.grab().save(str(path))
            print("wrote", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

        page = window.login_page
        QTest.keyClicks(page.operator_id, "demo")
        QTest.keyClicks(page.password, "wrong")
        QTest.keyClick(page.password, Qt.Key.Key_Return)
        wait_for(lambda: bool(page.message.text()) and "正在" not in page.message.text())
        shot("01-login-refused")
        QTest.keyClicks(page.password, "demo")
        QTest.keyClick(page.password, Qt.Key.Key_Return)
        wait_for(lambda: window.stack.currentWidget() is window.home_page)
        # The device check runs off the GUI thread and competes with it for the interpreter.
        wait_for(lambda: bool(window.home_page.devices.statuses), 60_000)
        # Let the demo's sync thread enrol with the built-in provincial simulator first.
        wait_for(lambda: background.engine is not None and
                 background.engine.state.get("last_success"), 30_000)
        window.home_page.refresh()
        shot("02-home")
        window.lock()
        shot("03-locked")
        QTest.keyClicks(page.password, "demo")
        QTest.keyClick(page.password, Qt.Key.Key_Return)
        wait_for(lambda: window.stack.currentWidget() is window.home_page)
        marriage_intake(window, wait_for, shot)
        finish_marriage(window, wait_for, shot)
        divorce(window, calendar, wait_for, shot)
        reissue(window, wait_for, shot)
        foreign_couple(window, wait_for, shot)
        english(app, window, shot)
        window.back_home()
        window.close()
        background.stop()
    return 0


class _Bot:
    """What tests/ui/steps_helpers needs of pytest-qt's qtbot, on QTest and ``wait_for``."""

    def __init__(self, wait_for) -> None:
        self.waitUntil = lambda condition, timeout=10_000: wait_for(condition, timeout)

    @staticmethod
    def keyClick(widget, key) -> None:
        from PySide6.QtTest import QTest

        window = widget.window()
        if not window.isActiveWindow():  # page shortcuts work in the active window only
            window.activateWindow()
            QTest.qWaitForWindowActive(window, 2000)
        QTest.keyClick(widget, key)


def marriage_intake(window, wait_for, shot) -> None:
    """Two cards on the demo reader, the questions, the answer."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QComboBox

    window.start_item("marriage")  # the F2 shortcut, without depending on the X server's focus
    intake = window.intake_page
    tray = intake.findChild(QComboBox, "demo-card-tray")

    def put(key: str, name: str) -> None:
        tray.setCurrentIndex(tray.findData(key))
        tray.activated.emit(tray.currentIndex())
        wait_for(lambda: name in intake.party.status.text())

    put("resident", "王䶮")
    shot("04-marriage-card-read")
    QTest.keyClick(intake.party.hukou, Qt.Key.Key_Return)
    wait_for(lambda: intake.party.title.text() == "第 2 位当事人")
    put("minority", "阿依古丽·买买提")
    QTest.keyClick(intake.party.hukou, Qt.Key.Key_Return)
    wait_for(lambda: intake.steps.currentWidget() is intake.answers)
    for boxes in intake.answers.boxes.values():
        for box in boxes:
            box.setChecked(True)
    shot("05-marriage-questions")
    intake.answers.button.click()
    wait_for(lambda: intake.steps.currentWidget() is intake.result)
    shot("06-marriage-accepted")
    intake.result.proceed.click()
    window.case_page.run_action()  # F7: photos and identity checks
    capture = window.case_page
    for role in ("man", "woman"):
        wait_for(lambda: capture.shoot.isEnabled(), 60_000)
        if role == "man":
            shot("07-capture")
        capture.take()
        wait_for(lambda: capture.confirm.isVisible(), 10_000)
        capture.decide("confirmed")
    wait_for(lambda: getattr(window.case_page, "flow", None) is not None, 10_000)
    from tests.ui.steps_helpers import sign_both

    sign_both(_Bot(wait_for), window, window.case_page.case_id, shot, keys=False)  # F10
    from tests.ui.documents_helpers import review_and_examine, scan_documents

    case_id = window.case_page.case_id
    scan_documents(_Bot(wait_for), window, case_id, shot=shot, keys=False)  # F11: 高拍仪
    page = review_and_examine(_Bot(wait_for), window, case_id, shot, keys=False)  # F8: 审查
    wait_for(lambda: window.journal.query("SELECT count(*) AS n FROM entries WHERE kind = "
                                          "'numbering.block_received'")[0]["n"] > 0, 30_000)
    page.run_action()  # 联网核对
    wait_for(lambda: "联网核对通过" in page.message.text(), 30_000)
    shot("08-marriage-checked")
    page.run_action()  # register
    shot("09-marriage-registered")
    page.print_button.click()
    printing = window.case_page
    printing.print_current()
    shot("10-certificate-check")


def finish_marriage(window, wait_for, shot) -> None:
    """The two booklets confirmed, then the archive file (F12)."""
    printing = window.case_page
    printing.confirm()
    printing.print_current()
    printing.confirm()
    case_id = printing.flow.case_id
    window.back_home()
    window.open_case(case_id)
    page = window.case_page
    page.run_action()  # F12: the electronic archive file
    wait_for(lambda: "电子档案已生成" in page.message.text(), 30_000)
    shot("11-archive-built")
    window.back_home()


def divorce(window, calendar, wait_for, shot) -> None:
    """A divorce application to its receipt; the cooling-off list; a withdrawal."""
    from datetime import timedelta

    from PySide6.QtWidgets import QComboBox

    window.start_item("divorce")
    intake = window.intake_page
    tray = intake.findChild(QComboBox, "demo-card-tray")
    for key, name in (("resident", "王䶮"), ("long_term", "赵㛃")):
        tray.setCurrentIndex(tray.findData(key))
        tray.activated.emit(tray.currentIndex())
        wait_for(lambda n=name: n in intake.party.status.text())
        intake.party.hukou.returnPressed.emit()
    wait_for(lambda: intake.steps.currentWidget() is intake.answers)
    for boxes in intake.answers.boxes.values():
        for box in boxes:
            box.setChecked(True)
    intake.answers.button.click()
    wait_for(lambda: intake.steps.currentWidget() is intake.result)
    intake.result.receipt.click()
    wait_for(lambda: intake.result.receipt.text().startswith("已打印受理回执"))
    shot("12-divorce-receipt")
    case_id = intake.case_id
    window.back_home()
    today = calendar[0]
    calendar[0] = today + timedelta(days=12)  # twelve days into the cooling-off period
    window.home_page.refresh()
    shot("13-home-cooling-off")
    window.open_case(case_id)
    page = window.case_page
    page.withdraw("woman")
    shot("14-divorce-withdrawn")
    calendar[0] = today
    window.back_home()


def reissue(window, wait_for, shot) -> None:
    """补领: search the demo archive, the applicant's card, the issue step."""
    from PySide6.QtWidgets import QComboBox

    window.start_item("reissue")
    page = window.intake_page
    page.search.query.setText("刘秀英")
    page.search.query.returnPressed.emit()
    wait_for(lambda: "找到" in page.search.status.text())
    shot("15-reissue-search")
    page.search.results.setCurrentRow(0)
    page.search.results.itemActivated.emit(page.search.results.item(0))
    wait_for(lambda: page.steps.currentWidget() is page.party)
    tray = page.findChild(QComboBox, "demo-card-tray")
    tray.setCurrentIndex(tray.findData("reissue"))
    tray.activated.emit(tray.currentIndex())
    wait_for(lambda: "刘秀英" in page.party.status.text())
    page.party.hukou.returnPressed.emit()
    wait_for(lambda: page.steps.currentWidget() is page.declare)
    page.declare.unchanged.setChecked(True)
    page.declare.button.click()
    capture = page.capture_page
    wait_for(lambda: capture.shoot.isEnabled(), 60_000)
    capture.take()
    wait_for(lambda: capture.confirm.isVisible(), 10_000)
    capture.decide("confirmed")
    wait_for(lambda: page.steps.currentWidget() is page.issue, 10_000)
    shot("16-reissue-issue")
    window.back_home()


def foreign_couple(window, wait_for, shot) -> None:
    """A foreign bride's chip passport (F12, MRZ), then her live photo against the chip's."""
    from PySide6.QtWidgets import QComboBox

    from counter_app import demo
    from counter_app.workflows.passport import td3_mrz

    window.start_item("marriage")
    intake = window.intake_page
    tray = intake.findChild(QComboBox, "demo-card-tray")

    def put(key: str) -> None:
        tray.setCurrentIndex(tray.findData(key))
        tray.activated.emit(tray.currentIndex())

    put("sun_zhiqiang")
    wait_for(lambda: "孙志强" in intake.party.status.text())
    intake.party.hukou.returnPressed.emit()
    wait_for(lambda: intake.party.title.text() == "第 2 位当事人")
    put(demo.PASSPORT_KEY)
    intake.party.show_passport()
    intake.party.passport.mrz.setText(td3_mrz(**demo.PASSPORT).replace("\n", ""))
    intake.party.passport.mrz.returnPressed.emit()
    wait_for(lambda: "已读取护照芯片" in intake.party.status.text())
    shot("18-passport-read")
    intake.party.confirm.click()
    wait_for(lambda: intake.steps.currentWidget() is intake.answers)
    for boxes in intake.answers.boxes.values():
        for box in boxes:
            box.setChecked(True)
    intake.answers.button.click()
    wait_for(lambda: intake.steps.currentWidget() is intake.result)
    intake.result.proceed.click()
    window.case_page.run_action()  # F7
    capture = window.case_page
    for role in ("man", "woman"):
        wait_for(lambda: capture.shoot.isVisible() and capture.shoot.isEnabled(), 60_000)
        capture.take()
        wait_for(lambda: capture.confirm.isVisible(), 30_000)
        if role == "woman":
            shot("19-capture-chip-match")
        capture.decide("confirmed")
    window.back_home()


def english(app, window, shot) -> None:
    """The home page with the English catalogue (ui.language = en), for maintainers."""
    from counter_app.ui.home.home_page import HomePage
    from counter_app.ui.i18n import install_translation

    translator = install_translation(app, "en")
    try:
        home = HomePage(window.journal, sync_status=window.home_page._sync_status,
                        detect_devices=window.home_page.devices._detect,
                        today=window.home_page._today)
        index = window.stack.addWidget(home)
        home.show_operator(window.operator)
        window.stack.setCurrentIndex(index)
        from PySide6.QtTest import QTest

        for _ in range(100):  # the device check runs off the GUI thread
            if home.devices.statuses:
                break
            QTest.qWait(50)
        shot("17-home-english")
        window.stack.setCurrentWidget(window.home_page)
        window.stack.removeWidget(home)
        home.deleteLater()
    finally:
        app.removeTranslator(translator)


if __name__ == "__main__":
    sys.exit(main())
