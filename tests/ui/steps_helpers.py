"""Helpers that take a case through its preparation steps on the demo window, the way a
registrar does (keyboard on the step pages). Shared by the UI tests and scripts/screenshots.py;
``bot`` is pytest-qt's qtbot or anything with the same ``keyClick`` and ``waitUntil``."""

from __future__ import annotations

from PySide6.QtCore import Qt


def sign_both(bot, window, case_id, shot=None) -> None:
    """F10 on the case page: for the man then the woman, the signature-tablet simulator signs
    (F6), Enter confirms, Enter presses the fingerprint on the simulated pad, Enter is the
    registrar's witness confirmation; then back on the case page. ``shot(name)``, if given,
    is called with the man's signed page on screen (screenshots)."""
    bot.keyClick(window.case_page, Qt.Key.Key_F10)
    page = window.case_page
    assert page.__class__.__name__ == "DeclarationPage"
    page.replay_speed = 0  # the recording as fast as possible
    for role in ("man", "woman"):
        bot.waitUntil(lambda r=role: page.role == r and page.confirm.isVisible(), timeout=10_000)
        bot.keyClick(page, Qt.Key.Key_F6)
        bot.waitUntil(lambda: bool(page.signing.pad.strokes()) and not page._busy(),
                      timeout=10_000)
        bot.keyClick(page.confirm, Qt.Key.Key_Return)
        bot.waitUntil(lambda: page.press.isVisible(), timeout=10_000)
        bot.keyClick(page.press, Qt.Key.Key_Return)
        bot.waitUntil(lambda: page.witness.isVisible(), timeout=20_000)
        if shot is not None and role == "man":
            shot("07b-declaration")
        bot.keyClick(page.witness, Qt.Key.Key_Return)
    bot.waitUntil(lambda: getattr(window.case_page, "flow", None) is not None, timeout=10_000)
    assert window.case_page.case_id == case_id
