"""Charts as data (pure): what a chart shows (:class:`ChartSpec`) and where everything goes
(:func:`layout`, in millimetres from the chart box's top-left corner).

A report definition says what its charts show; :func:`layout` turns a spec into rectangles,
lines, wedges and labels, and ``forms.qt.charts`` only draws those. The PDF (through the form
painter, as vectors) and the supervisors' screen call the same layout with the same spec, so
the two show the same chart; tests check the geometry without Qt.

Kinds: ``stacked`` (a bar per category, the series stacked), ``bars`` (the series side by side
per category), ``line`` (a line per series over the categories) and ``pie`` (the first
series' values per category).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

KINDS = ("stacked", "bars", "line", "pie")
#: Colours of the series (or of a pie's categories), in order; distinguishable when printed
#: in greyscale by their lightness too.
PALETTE = ("#1f5f9f", "#e07b20", "#3a9a3a", "#c0392b", "#7d5ba6", "#8c564b", "#d46aa8",
           "#6f6f6f", "#b5a31b", "#17a2b8")
PT_MM = 25.4 / 72  # one typographic point in millimetres
TITLE_PT, LABEL_PT = 10.0, 7.0


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category."""

    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class ChartSpec:
    """What a chart shows: its kind, title, categories (x axis or pie slices) and series."""

    key: str
    title: str
    kind: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = "件"

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind
        assert all(len(s.values) == len(self.categories) for s in self.series), self.key


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    color: str
    outline: bool = False   # a frame (legend swatch border, the plot's frame) rather than fill


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    color: str
    width: float = 0.3


@dataclass(frozen=True)
class Wedge:
    cx: float
    cy: float
    r: float
    start_deg: float   # 0 = 3 o'clock, counter-clockwise, as QPainter.drawPie
    span_deg: float
    color: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    w: float
    h: float
    text: str
    size: float = LABEL_PT
    align: str = "center"
    bold: bool = False


Primitive = Rect | Line | Wedge | Label


@dataclass
class Drawing:
    """A laid-out chart: what to draw, in drawing order."""

    width: float
    height: float
    items: list[Primitive] = field(default_factory=list)

    def labels(self) -> list[str]:
        return [i.text for i in self.items if isinstance(i, Label)]


def layout(spec: ChartSpec, width: float, height: float) -> Drawing:
    """Lay ``spec`` out in a box of ``width`` x ``height`` millimetres."""
    drawing = Drawing(width, height)
    drawing.items.append(Label(0, 0, width, TITLE_PT * PT_MM * 1.8, spec.title, TITLE_PT,
                               bold=True))
    top = TITLE_PT * PT_MM * 2.0
    names = spec.categories if spec.kind == "pie" else tuple(s.name for s in spec.series)
    legend_h = _legend(drawing, names, spec, top, width, height)
    body = (top, height - legend_h)
    if spec.kind == "pie":
        _pie(drawing, spec, width, body)
    else:
        _axes_chart(drawing, spec, width, body)
    return drawing


def nice_max(value: float) -> float:
    """The top of an axis holding ``value``: 1, 2 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return 10.0 * power


def _legend(drawing: Drawing, names: tuple[str, ...], spec: ChartSpec, top: float,
            width: float, height: float) -> float:
    """Legend entries in rows along the bottom; returns the height they take."""
    if len(names) < 2 and spec.kind != "pie":
        return 0.0
    row_h = LABEL_PT * PT_MM * 1.9
    entry_w = max(22.0, min(40.0, max((_text_width(n) for n in names), default=10) + 7))
    per_row = max(1, int(width // entry_w))
    rows = math.ceil(len(names) / per_row)
    y0 = height - rows * row_h
    for n, name in enumerate(names):
        x = (n % per_row) * entry_w
        y = y0 + (n // per_row) * row_h
        swatch = row_h * 0.55
        drawing.items.append(Rect(x + 1, y + (row_h - swatch) / 2, swatch, swatch,
                                  PALETTE[n % len(PALETTE)]))
        drawing.items.append(Label(x + 2 + swatch, y, entry_w - swatch - 3, row_h, name,
                                   align="left"))
    return rows * row_h + 1.0


def _text_width(text: str) -> float:
    """About how wide ``text`` is at the label size (CJK full width, others half)."""
    em = LABEL_PT * PT_MM
    return sum(em if ord(c) > 0x2E80 else em * 0.6 for c in text)


def _axes_chart(drawing: Drawing, spec: ChartSpec, width: float,
                body: tuple[float, float]) -> None:
    top, bottom = body
    label_h = LABEL_PT * PT_MM * 1.8
    left, right = 12.0, width - 2.0
    plot_top, plot_bottom = top + 2.0, bottom - label_h - 1.0
    if plot_bottom - plot_top < 5 or right - left < 5:
        return
    peak = nice_max(_peak(spec))
    scale = (plot_bottom - plot_top) / peak
    _y_axis(drawing, peak, scale, left, right, plot_bottom, spec.unit)
    band = (right - left) / max(1, len(spec.categories))
    _x_labels(drawing, spec.categories, left, band, plot_bottom + 0.5, label_h)
    if spec.kind == "line":
        _lines(drawing, spec, left, band, plot_bottom, scale)
    else:
        _bars(drawing, spec, left, band, plot_bottom, scale)
    drawing.items.append(Line(((left, plot_top), (left, plot_bottom), (right, plot_bottom)),
                              "#000000", 0.25))


def _peak(spec: ChartSpec) -> float:
    if not spec.series or not spec.categories:
        return 0.0
    if spec.kind == "stacked":
        return max(sum(s.values[i] for s in spec.series) for i in range(len(spec.categories)))
    return max(max(s.values) for s in spec.series)


def _y_axis(drawing: Drawing, peak: float, scale: float, left: float, right: float,
            bottom: float, unit: str) -> None:
    steps = 5 if peak >= 5 else int(peak)
    for k in range(steps + 1):
        value = peak * k / steps
        y = bottom - value * scale
        if k:
            drawing.items.append(Line(((left, y), (right, y)), "#d0d0d0", 0.15))
        text = f"{value:g}"
        drawing.items.append(Label(0, y - 2.0, left - 1.5, 4.0, text, align="right"))
    drawing.items.append(Label(0, bottom - peak * scale - 6.5, left + 8, 4.0, unit,
                               align="left"))


def _x_labels(drawing: Drawing, categories: tuple[str, ...], left: float, band: float,
              y: float, h: float) -> None:
    widest = max((_text_width(c) for c in categories), default=0) + 1.0
    every = max(1, math.ceil(widest / band)) if band > 0 else 1
    for i, name in enumerate(categories):
        if i % every == 0:
            x = left + i * band + band / 2
            w = max(band * every, widest)
            drawing.items.append(Label(x - w / 2, y, w, h, name))


def _bars(drawing: Drawing, spec: ChartSpec, left: float, band: float, bottom: float,
          scale: float) -> None:
    inner = band * 0.7
    for i in range(len(spec.categories)):
        x0 = left + i * band + (band - inner) / 2
        base = bottom
        count = len(spec.series)
        for n, series in enumerate(spec.series):
            h = series.values[i] * scale
            if h <= 0:
                continue
            color = PALETTE[n % len(PALETTE)]
            if spec.kind == "stacked":
                drawing.items.append(Rect(x0, base - h, inner, h, color))
                base -= h
            else:
                w = inner / max(1, count)
                drawing.items.append(Rect(x0 + n * w, bottom - h, w, h, color))


def _lines(drawing: Drawing, spec: ChartSpec, left: float, band: float, bottom: float,
           scale: float) -> None:
    for n, series in enumerate(spec.series):
        color = PALETTE[n % len(PALETTE)]
        points = tuple((left + i * band + band / 2, bottom - v * scale)
                       for i, v in enumerate(series.values))
        if len(points) > 1:
            drawing.items.append(Line(points, color, 0.5))
        for x, y in points:
            drawing.items.append(Rect(x - 0.6, y - 0.6, 1.2, 1.2, color))


def _pie(drawing: Drawing, spec: ChartSpec, width: float, body: tuple[float, float]) -> None:
    top, bottom = body
    values = spec.series[0].values if spec.series else ()
    total = sum(values)
    r = max(1.0, min(width, bottom - top) / 2 - 2.0)
    cx, cy = width / 2, (top + bottom) / 2
    if total <= 0:
        drawing.items.append(Rect(cx - r, cy - r, 2 * r, 2 * r, "#a0a0a0", outline=True))
        drawing.items.append(Label(cx - r, cy - 3, 2 * r, 6, "无数据"))
        return
    start = 90.0
    for n, value in enumerate(values):
        if value <= 0:
            continue
        span = -360.0 * value / total   # clockwise from 12 o'clock
        drawing.items.append(Wedge(cx, cy, r, start, span, PALETTE[n % len(PALETTE)]))
        middle = math.radians(start + span / 2)
        lx, ly = cx + math.cos(middle) * r * 0.65, cy - math.sin(middle) * r * 0.65
        if abs(span) >= 18:
            drawing.items.append(Label(lx - 8, ly - 2.2, 16, 4.4,
                                       f"{100 * value / total:.0f}%", bold=True))
        start += span
