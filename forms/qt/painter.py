"""The one painter: the same code paints a form on the screen preview, into a PDF and on paper.

:func:`paint_page` draws a laid-out :class:`~forms.model.FormDefinition` with its
:class:`~forms.model.FormData` on any QPaintDevice through a QPainter: a QImage (the preview
widget and the tests), a QPdfWriter (archive and A4 forms) or a QPrinter created by the UI
(forms/ never imports QtPrintSupport). Positions are millimetres converted with the device's
resolution, so the three outputs agree; a :class:`Calibration` shifts and scales the whole
page for a particular certificate printer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QTextLayout, QTextOption

from forms.qt import fonts
from forms.model import Box, FormData, FormDefinition, Item, fill_template, format_value

_ALIGN = {"left": Qt.AlignmentFlag.AlignLeft, "center": Qt.AlignmentFlag.AlignHCenter,
          "right": Qt.AlignmentFlag.AlignRight}
_SLOT_LABELS = {"image": "照片", "signature": "签名", "fingerprint": "指纹"}
_PAD_MM = 1.2


@dataclass(frozen=True)
class Calibration:
    """Per-printer correction: where the printer really puts (0, 0) and how it stretches.

    ``offset_x_mm``/``offset_y_mm`` move everything right/down; ``scale_x``/``scale_y``
    stretch around the page origin. Made from a printed calibration page
    (counter_app/printing/calibration.py).
    """

    offset_x_mm: float = 0.0
    offset_y_mm: float = 0.0
    scale_x: float = 1.0
    scale_y: float = 1.0


@dataclass
class PaintRecord:
    """What a paint pass drew, in drawing order, for the PDF text-layer fix-up: per glyph
    run the bundled font's index and (glyph index, character) pairs, after shaping."""

    runs: list[tuple[int, list[tuple[int, str]]]] = field(default_factory=list)


class _Mapper:
    """Millimetres on the form -> device pixels, with the calibration applied."""

    def __init__(self, painter: QPainter, calibration: Calibration) -> None:
        device = painter.device()
        self.px_x = device.logicalDpiX() / 25.4
        self.px_y = device.logicalDpiY() / 25.4
        self.cal = calibration

    def rect(self, box: Box) -> QRectF:
        c = self.cal
        return QRectF((c.offset_x_mm + box.x * c.scale_x) * self.px_x,
                      (c.offset_y_mm + box.y * c.scale_y) * self.px_y,
                      box.w * c.scale_x * self.px_x, box.h * c.scale_y * self.px_y)

    def point(self, x_mm: float, y_mm: float) -> QPointF:
        c = self.cal
        return QPointF((c.offset_x_mm + x_mm * c.scale_x) * self.px_x,
                       (c.offset_y_mm + y_mm * c.scale_y) * self.px_y)

    def pen_width(self, mm: float) -> float:
        return mm * self.px_x * self.cal.scale_x


def paint_page(painter: QPainter, form: FormDefinition, data: FormData,
               calibration: Calibration | None = None,
               record: PaintRecord | None = None, *, on_blank: bool = False) -> PaintRecord:
    """Paint one page of ``form`` filled with ``data`` on the painter's device.

    The page origin is the device's (0, 0): QPdfWriter with zero margins, a QImage, or a
    QPrinter in full-page mode. Raises MissingGlyphError before drawing anything if a text
    has a character no bundled font covers. ``on_blank`` leaves out what the pre-printed
    certificate blank already carries (labels, frames).
    """
    return _paint_page(painter, form, data, calibration, record, on_blank)


def _paint_page(painter: QPainter, form: FormDefinition, data: FormData,
                calibration: Calibration | None, record: PaintRecord | None,
                on_blank: bool) -> PaintRecord:
    record = record if record is not None else PaintRecord()
    texts = check_page(form, data, on_blank=on_blank)
    mapper = _Mapper(painter, calibration or Calibration())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    for item, text in texts:
        _paint_item(painter, mapper, item, text, data, record)
    painter.restore()
    return record


def check_page(form: FormDefinition, data: FormData, *,
               on_blank: bool = False) -> list[tuple[Item, str]]:
    """The texts a page will draw; raises MissingGlyphError naming any uncovered character.

    Call it before starting a painter on a printer or PDF, so nothing is half-printed.
    """
    texts = [(item, _item_text(item, data)) for item in form.items
             if not (on_blank and item.preprinted)]
    for item, text in texts:
        where = item.label or item.key or item.text[:8]
        fonts.check_coverage(text, f"{form.title}的“{where}”")
        if item.kind == "chart":
            from forms.qt.charts import chart_texts

            for label in chart_texts(data.charts[item.key], item.box):
                fonts.check_coverage(label, f"{form.title}的图表")
    return texts


def _item_text(item: Item, data: FormData) -> str:
    if item.kind in ("text", "label", "cell"):
        return item.text
    if item.kind == "paragraph":
        return fill_template(item.text, data.values)
    if item.kind == "value":
        value = format_value(data.values.get(item.key), item.fmt)
        if item.choices:
            return "  ".join(("■" if c == value else "□") + c for c in item.choices)
        return value
    return ""


def _paint_item(painter: QPainter, mapper: _Mapper, item: Item, text: str,
                data: FormData, record: PaintRecord) -> None:
    rect = mapper.rect(item.box)
    painter.setPen(QPen(QColor("black"), mapper.pen_width(0.25)))
    if item.kind == "line":
        painter.drawLine(rect.topLeft(), rect.topRight() if item.box.h == 0 else rect.bottomLeft())
        return
    if item.border or item.kind == "rect":
        painter.drawRect(rect)
    if item.kind in ("image", "signature", "fingerprint"):
        _paint_slot(painter, mapper, item, rect, data, record)
        return
    if item.kind == "chart":   # a report's chart, as vectors (forms.qt.charts)
        from forms.qt.charts import paint_chart

        paint_chart(painter, item.box, data.charts[item.key], record, mapper.cal)
        return
    if text:
        _paint_text(painter, mapper, item, rect, text, record)


def _paint_text(painter: QPainter, mapper: _Mapper, item: Item, rect: QRectF, text: str,
                record: PaintRecord) -> None:
    pad = _PAD_MM * mapper.px_x
    inner = rect.adjusted(pad, pad * 0.5, -pad, -pad * 0.5)
    text = text.replace("\n", "\u2028")  # QTextLayout breaks lines at LINE SEPARATOR only
    wrap = item.kind in ("paragraph", "value", "cell")
    size = item.size * mapper.cal.scale_y
    # Shrink long values until they fit their box rather than spill over other fields; the
    # steps are fixed, so every device picks the same size.
    while True:
        layout, height = _layout(painter, text, fonts.form_font(size, item.bold), inner.width(),
                                 item.align, wrap)
        if height <= inner.height() + 0.5 or size <= 5.0:
            break
        size -= 0.5
    top = inner.top() if item.kind == "paragraph" else inner.top() + (inner.height() - height) / 2
    layout.draw(painter, QPointF(inner.left(), top))
    _record_runs(record, layout, text)


def _layout(painter: QPainter, text: str, font, width: float, align: str,
            wrap: bool) -> tuple[QTextLayout, float]:
    """Lay ``text`` out in lines of ``width`` device pixels; return it and its height."""
    layout = QTextLayout(text, font, painter.device())
    option = QTextOption(_ALIGN.get(align, Qt.AlignmentFlag.AlignLeft))
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere if wrap
                       else QTextOption.WrapMode.NoWrap)
    # Design metrics: fractional, resolution-independent advances, so a 100 dpi preview
    # breaks lines and places glyphs exactly like the 300 dpi PDF and the printer.
    option.setUseDesignMetrics(True)
    layout.setTextOption(option)
    layout.setCacheEnabled(True)
    height = 0.0
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, height))
        height += line.height()
    layout.endLayout()
    if not wrap and layout.lineCount():
        height = max(height, layout.lineAt(0).height())
    return layout, height


def _record_runs(record: PaintRecord, layout: QTextLayout, text: str) -> None:
    """Record each line's glyph runs with the characters they draw.

    Qt's string indexes are not filled in by the bindings, so a run's glyphs are paired with
    the line's characters that fall to the same font, in order, when the counts agree (CJK
    has no ligatures); otherwise by the font's cmap, and unmatched glyphs get "".
    """
    units = text.encode("utf-16-le")
    family_index = {name: i for i, name in enumerate(fonts.families())}
    flags = QTextLayout.GlyphRunRetrievalFlag.RetrieveGlyphIndexes
    for n in range(layout.lineCount()):
        line = layout.lineAt(n)
        start, length = line.textStart(), line.textLength()
        line_text = units[2 * start:2 * (start + length)].decode("utf-16-le", "replace")
        for run in layout.glyphRuns(start, length, flags):
            index = family_index.get(run.rawFont().familyName())
            if index is None:
                continue
            glyphs = [int(g) for g in run.glyphIndexes()]
            chars = [c for c in line_text if fonts.font_index_for(c) == index]
            if len(chars) != len(glyphs):
                by_glyph = {fonts.glyph_index(index, c): c for c in line_text}
                chars = [by_glyph.get(g, "") for g in glyphs]
            record.runs.append((index, list(zip(glyphs, chars))))


def _paint_slot(painter: QPainter, mapper: _Mapper, item: Item, rect: QRectF,
                data: FormData, record: PaintRecord) -> None:
    strokes = data.strokes.get(item.key)
    if strokes:
        _paint_strokes(painter, mapper, item.box, strokes)
        return
    blob = data.images.get(item.key)
    image = QImage.fromData(blob) if blob else QImage()
    if image.isNull():
        if not item.border:
            return
        painter.setPen(QColor(150, 150, 150))
        label = Item("text", item.box, text=item.text or _SLOT_LABELS[item.kind], size=8,
                     align="center")
        _paint_text(painter, mapper, label, rect, label.text, record)
        return
    scaled = image.size().scaled(rect.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
    target = QRectF(0, 0, scaled.width(), scaled.height())
    target.moveCenter(rect.center())
    painter.drawImage(target, image)


def _paint_strokes(painter: QPainter, mapper: _Mapper, box: Box, signature) -> None:
    """Draw pen strokes fitted into the slot (aspect ratio kept), widths from the pressure."""
    pad_w, pad_h, strokes = signature
    scale = min(box.w / pad_w, box.h / pad_h)
    left = box.x + (box.w - pad_w * scale) / 2
    top = box.y + (box.h - pad_h * scale) / 2
    painter.save()
    for stroke in strokes:
        for (x0, y0, p0), (x1, y1, p1) in pairwise(stroke):
            width = 0.25 + 0.45 * (p0 + p1) / 2  # 0.25-0.7 mm, like a gel pen
            painter.setPen(QPen(QColor("black"), mapper.pen_width(width), Qt.PenStyle.SolidLine,
                                Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
            path = QPainterPath(mapper.point(left + x0 * scale, top + y0 * scale))
            path.lineTo(mapper.point(left + x1 * scale, top + y1 * scale))
            painter.drawPath(path)
    painter.restore()
