"""Ensure the Qt binding does not leak references to None (PySide6 6.12.0 did on Python 3.11:
every void call dropped one, and the app died with "none_dealloc" after a few thousand)."""

from __future__ import annotations

import sys

from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_none_alive(qtbot):
    label = QLabel("x")
    qtbot.addWidget(label)
    image = QImage(10, 10, QImage.Format.Format_RGB32)
    before = sys.getrefcount(None)
    painter = QPainter(image)
    for _ in range(20_000):
        label.setText("登记")
        painter.drawLine(0, 0, 5, 5)
    painter.end()
    assert sys.getrefcount(None) - before > -100
