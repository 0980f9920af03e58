"""The on-screen signature area: pen-tablet and mouse input into drivers.signature's Qt pad.

Tablet events carry the pen pressure; a mouse or a touch screen gives 0.5. Samples go to a
:class:`~drivers.signature.qt_pad.QtTabletPad`, which builds the same Signature as any other
pad; this widget only draws the strokes as they come.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QElapsedTimer, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPen, QTabletEvent
from PySide6.QtWidgets import QWidget

from drivers.signature.qt_pad import QtTabletPad


class SignaturePadWidget(QWidget):
    """A white signing area; ``pad`` holds the captured strokes (begin/finish on it)."""

    MOUSE_PRESSURE = 0.5

    def __init__(self, parent: QWidget | None = None, width: int = 440, height: int = 120):
        super().__init__(parent)
        self.setFixedSize(width, height)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.pad = QtTabletPad(width, height)
        self.pad.begin()
        self._clock = QElapsedTimer()
        self._clock.start()
        self._pen_down = False

    def _sample(self, pos: QPointF, pressure: float) -> None:
        self.pad.add_point(pos.x(), pos.y(), pressure, self._clock.elapsed())
        self.update()

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind in (QTabletEvent.Type.TabletPress, QTabletEvent.Type.TabletMove):
            if kind == QTabletEvent.Type.TabletPress or self._pen_down:
                self._pen_down = True
                self._sample(event.position(), event.pressure())
        elif kind == QTabletEvent.Type.TabletRelease:
            self._pen_down = False
            self.pad.pen_up()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._pen_down = True
            self._sample(event.position(), self.MOUSE_PRESSURE)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pen_down:
            self._sample(event.position(), self.MOUSE_PRESSURE)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pen_down:
            self._pen_down = False
            self.pad.pen_up()
            self.update()

    def clear(self) -> None:
        """Erase the strokes and start again."""
        self.pad.clear()
        self.update()

    def paintEvent(self, event) -> None:
        self._paint()

    def _paint(self) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor(200, 200, 200), 1, Qt.PenStyle.DashLine))
        painter.drawLine(10, self.height() - 25, self.width() - 10, self.height() - 25)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for stroke in self.pad.strokes():
            for a, b in pairwise(stroke):
                painter.setPen(QPen(QColor("black"), 1 + 3 * (a.pressure + b.pressure) / 2,
                                    Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                path = QPainterPath(QPointF(a.x, a.y))
                path.lineTo(QPointF(b.x, b.y))
                painter.drawPath(path)
        painter.end()


if __name__ == "__main__":  # python -m counter_app.ui.widgets.signature_pad_widget
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    pad = SignaturePadWidget()
    pad.show()
    app.exec()
    print(pad.pad.finish().to_json() if pad.pad.strokes() else "no signature")
