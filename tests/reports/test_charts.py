"""Ensure the charts are laid out right (pure geometry) and draw offscreen without a Qt
warning, the same drawing for the screen and the PDF (both call forms.qt.charts)."""

from __future__ import annotations

import pytest

from counter_app.reports.service import ReportService
from counter_app.rules.offices import counter_office, office_profile
from forms.charts import PALETTE, ChartSpec, Label, Rect, Series, Wedge, layout, nice_max
from helpers.journals import open_test_journal


def test_axis_tops_are_round():
    assert [nice_max(v) for v in (0, 1, 3, 7, 11, 38, 120, 999)] == \
        [1, 1, 5, 10, 20, 50, 200, 1000]


def test_stacked_bars_add_up_and_keep_proportion():
    spec = ChartSpec("x", "标题", "stacked", ("1", "2"), (Series("结婚", (10, 0)),
                                                        Series("补领", (5, 20))))
    bars = [i for i in layout(spec, 180, 80).items if isinstance(i, Rect) and not i.outline
            and i.w > 10]
    first = [b for b in bars if b.x < 90]
    assert len(first) == 2 and abs(first[0].h / first[1].h - 2.0) < 1e-6
    assert abs(first[0].y - (first[1].y + first[1].h)) < 1e-6   # stacked, touching


def test_a_pie_goes_round_once_and_an_empty_one_says_so():
    spec = ChartSpec("p", "构成", "pie", ("a", "b", "c"), (Series("n", (1, 2, 3)),))
    wedges = [i for i in layout(spec, 100, 80).items if isinstance(i, Wedge)]
    assert abs(sum(w.span_deg for w in wedges) + 360) < 1e-6
    empty = ChartSpec("p", "构成", "pie", ("a",), (Series("n", (0,)),))
    assert "无数据" in layout(empty, 100, 80).labels()


def test_day_labels_are_thinned_so_they_never_overlap():
    days = tuple(str(n) for n in range(1, 32))
    spec = ChartSpec("d", "每日", "stacked", days, (Series("结婚", tuple(range(31))),))
    labels = sorted((i for i in layout(spec, 120, 60).items if isinstance(i, Label)
                     and i.text in days and i.align == "center"), key=lambda i: i.x)
    assert labels and all(a.x + a.w <= b.x + 1e-6 for a, b in zip(labels, labels[1:]))


@pytest.fixture
def monthly(seeded):
    office = counter_office("110105-HY")
    with open_test_journal(seeded) as journal:
        service = ReportService(journal, office_profile(office), office.name, "1")
        yield service.make("cli:test", "monthly", {"month": "2026-11"})


def test_the_months_charts_draw_offscreen_in_their_colours(qapp, monthly):
    from PySide6.QtGui import QImage, QPainter

    from forms.qt.charts import paint_chart_px

    assert [c.key for c in monthly.charts] == ["per_day", "split", "trend"]
    for spec in monthly.charts:
        image = QImage(900, 420, QImage.Format.Format_RGB32)
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        paint_chart_px(painter, image.width(), image.height(), spec)
        painter.end()
        colours = {image.pixelColor(x, y).name() for x in range(0, 900, 3)
                   for y in range(0, 420, 3)}
        assert PALETTE[0] in colours, spec.key
        if len(spec.series) > 1 or spec.kind == "pie":
            assert PALETTE[1] in colours, spec.key
