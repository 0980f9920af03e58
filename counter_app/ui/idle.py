"""Locks the counter's screen after a stretch without keyboard or mouse input.

A key that matches a shortcut (the F-keys, Esc, Enter on a page) never reaches a widget as a
KeyPress: Qt first sends the focus widget a ShortcutOverride, then the shortcut a Shortcut
event. A registrar who works by keyboard presses little else, so all three count as input."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.Shortcut,
                 QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
                 QEvent.Type.TabletPress, QEvent.Type.TouchBegin}


class IdleWatcher(QObject):
    """Emits ``idle`` once ``seconds`` pass with no user input anywhere in the application."""

    idle = Signal()

    def __init__(self, seconds: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, seconds) * 1000)
        self._timer.timeout.connect(self.idle)
        self._enabled = seconds > 0
        QApplication.instance().installEventFilter(self)

    def start(self) -> None:
        if self._enabled:
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _INPUT_EVENTS and self._timer.isActive():
            self._timer.start()
        return False
