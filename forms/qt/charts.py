"""Drawing a chart (forms.charts) with QPainter: in a PDF page through the form painter, on
the supervisors' screen, in a test image. The geometry comes from ``forms.charts.layout``;
this module only draws it, text through the painter's own text path (bundled fonts, recorded
for the PDF's text layer), so the screen and the PDF show the same chart.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen

from forms.charts import ChartSpec, Label, Line, Rect, Wedge, layout
from forms.model import Box, Item
from forms.qt import fonts
from forms.qt.painter import Calibration, PaintRecord, _Mapper, _paint_text


def chart_texts(spec: ChartSpec, box: Box) -> list[str]:
    """Every text the chart draws in ``box`` (for the glyph coverage check)."""
    return layout(spec, box.w, box.h).labels()


def paint_chart(painter: QPainter, box: Box, spec: ChartSpec,
                record: PaintRecord | None = None,
                calibration: Calibration | None = None) -> None:
    """Draw ``spec`` in ``box`` (millimetres on the painter's device)."""
    fonts.families()
    mapper = _Mapper(painter, calibration or Calibration())
    record = record if record is not None else PaintRecord()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for item in layout(spec, box.w, box.h).items:
        if isinstance(item, Label):
            painter.setPen(QColor("black"))
            shown = Item("text", Box(box.x + item.x, box.y + item.y, item.w, item.h),
                         text=item.text, size=item.size, align=item.align, bold=item.bold)
            _paint_text(painter, mapper, shown, mapper.rect(shown.box), item.text, record)
        elif isinstance(item, Rect):
            _rect(painter, mapper, box, item)
        elif isinstance(item, Line):
            _line(painter, mapper, box, item)
        elif isinstance(item, Wedge):
            _wedge(painter, mapper, box, item)
    painter.restore()


def paint_chart_px(painter: QPainter, width_px: float, height_px: float, spec: ChartSpec) -> None:
    """Draw ``spec`` filling a widget or image of ``width_px`` x ``height_px`` pixels."""
    device = painter.device()
    px_x, px_y = device.logicalDpiX() / 25.4, device.logicalDpiY() / 25.4
    paint_chart(painter, Box(0, 0, width_px / px_x, height_px / px_y), spec)


def _rect(painter: QPainter, mapper: _Mapper, box: Box, item: Rect) -> None:
    rect = mapper.rect(Box(box.x + item.x, box.y + item.y, item.w, item.h))
    if item.outline:
        painter.setPen(QPen(QColor(item.color), mapper.pen_width(0.3)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(rect) if item.w == item.h and item.w > 5 else painter.drawRect(rect)
    else:
        painter.fillRect(rect, QColor(item.color))


def _line(painter: QPainter, mapper: _Mapper, box: Box, item: Line) -> None:
    points = [mapper.point(box.x + x, box.y + y) for x, y in item.points]
    path = QPainterPath(points[0])
    for point in points[1:]:
        path.lineTo(point)
    painter.setPen(QPen(QColor(item.color), mapper.pen_width(item.width)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)


def _wedge(painter: QPainter, mapper: _Mapper, box: Box, item: Wedge) -> None:
    rect: QRectF = mapper.rect(Box(box.x + item.cx - item.r, box.y + item.cy - item.r,
                                   2 * item.r, 2 * item.r))
    painter.setPen(QPen(QColor("white"), mapper.pen_width(0.3)))
    painter.setBrush(QBrush(QColor(item.color)))
    painter.drawPie(rect, round(item.start_deg * 16), round(item.span_deg * 16))
