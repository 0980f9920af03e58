"""A chart on the screen: the same drawing as in the PDF (forms.qt.charts), at widget size."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from forms.charts import ChartSpec
from forms.qt.charts import paint_chart_px


class ChartView(QWidget):
    """Draws one chart spec; the layout follows the widget's size."""

    def __init__(self, spec: ChartSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setMinimumHeight(280)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(spec.title)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor("white"))
            paint_chart_px(painter, self.width(), self.height(), self.spec)
        finally:
            painter.end()
