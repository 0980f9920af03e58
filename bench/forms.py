"""Form rendering and receipt building, against plain Qt in the same run.

    ./dev bench forms [--repeat N]

Measures, per call (median and p90 of N repeats):
  * forms render: `render_case_pdf` of the 结婚登记审查处理表 and of the two-page 申请结婚登记声明书
    (layout, coverage check, QPdfWriter, text-layer repair with pypdf);
  * baseline: the same page's texts drawn with plain QPainter.drawText into a QPdfWriter, no
    layout, no text-layer repair (what a naive implementation costs);
  * preview: `render_image` of the review table at 100 dpi (laid out at 300 dpi, scaled);
  * receipt: the divorce receipt's ESC/POS bytes (GBK path) and with the raster fallback.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "forms" / "data"


def timed(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm-up (font loading, caches)
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    runs.sort()
    return statistics.median(runs), runs[int(0.9 * (len(runs) - 1))]


def baseline_pdf(texts: list[str]) -> bytes:
    from PySide6.QtCore import QBuffer, QIODevice, QRectF
    from PySide6.QtGui import QFont, QPainter, QPdfWriter

    from forms.qt import fonts

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(300)
    painter = QPainter(writer)
    font = QFont()
    font.setFamilies(list(fonts.families()))
    font.setPointSizeF(10.5)
    painter.setFont(font)
    for i, text in enumerate(texts):
        painter.drawText(QRectF(100, 100 + 60 * i, 2000, 60), 0, text)
    painter.end()
    return bytes(buffer.data())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication([])  # noqa: F841 - painting needs it
    from drivers.printer.receipts import receipt_for_case_file
    from forms.model import format_value
    from forms.qt.pdf import render_image
    from forms.qt.render import case_pages, render_case_pdf

    form, data = case_pages("marriage_review", DATA / "marriage.json")[0]
    texts = [i.text or format_value(data.values.get(i.key), i.fmt) for i in form.items]
    rows = [
        ("forms render marriage_review (1 page)",
         lambda: render_case_pdf("marriage_review", DATA / "marriage.json")),
        ("forms render marriage_declaration (2 pages)",
         lambda: render_case_pdf("marriage_declaration", DATA / "marriage.json")),
        ("baseline: plain drawText of the same texts",
         lambda: baseline_pdf([t for t in texts if t])),
        ("preview image marriage_review, 100 dpi", lambda: render_image(form, data, 100)),
        ("receipt bytes, GBK path", lambda: receipt_for_case_file(DATA / "divorce.json")),
        ("receipt bytes, raster fallback",
         lambda: receipt_for_case_file(DATA / "divorce.json", chinese_font=False)),
    ]
    print(f"{'what':48} {'median ms':>10} {'p90 ms':>8}")
    for name, fn in rows:
        median, p90 = timed(fn, args.repeat)
        print(f"{name:48} {median:10.1f} {p90:8.1f}")


if __name__ == "__main__":
    main()
