"""What Qt sees on this machine, for `counter-app doctor` (counter_app/doctor/probe.QtReport).

The doctor runs this in a child process (`counter-app doctor --qt-probe`): a Qt that cannot
start its platform plugin aborts the whole process, and the doctor must still report it.
"""

from __future__ import annotations

from typing import Any


def qt_report(test_characters: str) -> dict[str, Any]:
    """Platform name, screens (primary first, logical size and scaling) and the bundled
    fonts as Qt loads them, with the test characters none of them has."""
    from PySide6.QtGui import QGuiApplication

    from forms.qt import fonts

    app = QGuiApplication.instance() or QGuiApplication(["counter-app"])
    primary = QGuiApplication.primaryScreen()
    screens = [primary] + [s for s in QGuiApplication.screens() if s is not primary]
    families = fonts.families()
    return {"platform": app.platformName(),
            "screens": [_screen(s) for s in screens if s is not None],
            "font_family": families[0] if families else "",
            "missing_glyphs": "".join(fonts.missing_characters(test_characters))}


def _screen(screen: Any) -> dict[str, Any]:  # a QScreen
    size = screen.geometry()
    return {"name": screen.name(), "width": size.width(), "height": size.height(),
            "dpr": screen.devicePixelRatio()}
