"""The QApplication with the bundled CJK font and large, clear default type."""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from counter_app.resources import resource_path

log = logging.getLogger(__name__)

FONT_FILE = ("fonts", "NotoSansSC-Regular.otf")
BASE_POINT_SIZE = 14
BUTTON_STYLE = "QPushButton { font-size: 16pt; padding: 6px 14px; }"


def load_bundled_font() -> str:
    """Register the bundled Noto Sans SC and return its family name ('' if it failed)."""
    font_id = QFontDatabase.addApplicationFont(str(resource_path(*FONT_FILE)))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.error("bundled CJK font could not be loaded from %s", resource_path(*FONT_FILE))
        return ""
    return families[0]


def create_application(argv: list[str], language: str = "zh_CN") -> QApplication:
    """The application object with the bundled font; ``language`` is the ``ui.language``
    setting (the English catalogue is loaded for 'en')."""
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("counter-app")
    if language != "zh_CN":
        from counter_app.ui.i18n import install_translation

        app.translator = install_translation(app, language)  # kept alive with the app
    app.setApplicationDisplayName(QApplication.translate("Application", "婚姻登记窗口客户端"))
    family = load_bundled_font()
    font = QFont()
    if family:
        font.setFamilies([family])
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    # Buttons are what a registrar under time pressure aims at: large type, room to click.
    app.setStyleSheet(BUTTON_STYLE)
    return app


def run_event_loop(app: QApplication) -> int:
    """Run the event loop, logging when the first turn runs (the window is on screen).

    Technicians, and bench/startup.py, read that line to see how long start-up took.
    """
    QTimer.singleShot(0, lambda: log.info("GUI ready: login screen shown"))
    return app.exec()
