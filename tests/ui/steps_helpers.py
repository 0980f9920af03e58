"""Helpers that take a case through its preparation steps on the demo window, the way a
registrar does (keyboard on the step pages). Shared by the UI tests and scripts/screenshots.py;
``bot`` is pytest-qt's qtbot or anything with the same ``keyClick`` and ``waitUntil``."""

from __future__ import annotations

from PySide6.QtCore import Qt


def sign_both(bot, window, case_id, shot=None, *, keys: bool = True) -> None:
    """F10 on the case page: for the man then the woman, the signature-tablet simulator signs
    (F6), Enter confirms, Enter presses the fingerprint on the simulated pad, Enter is the
    registrar's witness confirmation; then back on the case page. ``shot(name)``, if given,
    is called with the man's signed page on screen (screenshots). ``keys=False`` presses the
    buttons' actions instead of keys (a virtual X screen without a window manager may leave
    no window active for the page shortcuts)."""
    if keys:
        bot.keyClick(window.case_page, Qt.Key.Key_F10)
    else:
        window.case_page.run_action()
    page = window.case_page
    assert page.__class__.__name__ == "DeclarationPage"
    page.replay_speed = 0  # the recording as fast as possible
    for role in ("man", "woman"):
        bot.waitUntil(lambda r=role: page.role == r and page.confirm.isVisible(), timeout=10_000)
        if keys:
            bot.keyClick(page, Qt.Key.Key_F6)
        else:
            page.replay_demo()
        bot.waitUntil(lambda: bool(page.signing.pad.strokes()) and not page._busy(),
                      timeout=10_000)
        _press(bot, page.confirm, keys)
        bot.waitUntil(lambda: page.press.isVisible(), timeout=10_000)
        _press(bot, page.press, keys)
        bot.waitUntil(lambda: page.witness.isVisible(), timeout=20_000)
        if shot is not None and role == "man":
            shot("07b-declaration")
        _press(bot, page.witness, keys)
    bot.waitUntil(lambda: getattr(window.case_page, "flow", None) is not None, timeout=10_000)
    assert window.case_page.case_id == case_id


def _press(bot, button, keys: bool) -> None:
    """Enter on the focused button, or its click."""
    if keys:
        bot.keyClick(button, Qt.Key.Key_Return)
    else:
        button.click()


def with_approval(bot, page, act) -> None:
    """F4 on a certificates page opens the 负责人确认 dialog (modal): ``act(dialog)`` runs
    while it is open (type into it, press Enter or Esc). A failure in ``act`` closes the dialog
    and is raised here, instead of leaving the test waiting on a modal dialog."""
    from PySide6.QtCore import QTimer

    failure: list[BaseException] = []
    ran: list[bool] = []

    def run() -> None:
        dialog = page.approval
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(10, run)
            return
        ran.append(True)
        try:
            act(dialog)
        except BaseException as exc:  # noqa: BLE001 - raised again below
            failure.append(exc)
            dialog.reject()

    QTimer.singleShot(0, run)
    bot.keyClick(page, Qt.Key.Key_F4)
    if failure:
        raise failure[0]
    assert ran, "F4 opened no approval dialog"
    from PySide6.QtWidgets import QApplication

    # the window is active again (the page's keys work) once the dialog has gone
    bot.waitUntil(lambda: QApplication.activeWindow() is page.window(), timeout=5000)


def approve_as(bot, supervisor: str, password: str, reason_keys: int = 1):
    """An ``act`` for :func:`with_approval`: choose the listed reason ``reason_keys`` Down
    presses away (1: the first, 卡纸), type the supervisor's 工号 and password, Enter."""
    def act(dialog) -> None:
        for _ in range(reason_keys):
            bot.keyClick(dialog.reason.lineEdit(), Qt.Key.Key_Down)
        bot.keyClicks(dialog.supervisor, supervisor)
        bot.keyClicks(dialog.password, password)
        bot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert not dialog.isVisible(), dialog.error.text()

    return act
