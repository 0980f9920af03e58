"""The QPrinter path of certificate printing: calibration moves what lands on the blank."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from counter_app.printing.calibration import CalibrationProfile

DATA = Path(__file__).resolve().parents[1] / "forms" / "data"


def word_boxes(pdf: Path) -> dict[str, tuple[float, float]]:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed (scripts/system-deps.sh installs it)")
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          check=True, timeout=60).stdout.decode()
    return {m.group(3): (float(m.group(1)), float(m.group(2))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]+)</word>', html)}


def print_to_pdf(tmp_path: Path, name: str, profile: CalibrationProfile) -> Path:
    from PySide6.QtPrintSupport import QPrinter

    from counter_app.ui.widgets.certificate_printer import QtCertificatePrinter
    from forms.qt.render import case_pages

    out = tmp_path / f"{name}.pdf"
    qprinter = QPrinter(QPrinter.PrinterMode.HighResolution)
    qprinter.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    qprinter.setOutputFileName(str(out))
    page = case_pages("marriage_certificate", DATA / "marriage.json")[0]
    QtCertificatePrinter("pdf", qprinter).print_page(page, profile)
    return out


def test_calibration_offsets_move_the_printed_fields(qapp, tmp_path):
    plain = word_boxes(print_to_pdf(tmp_path, "plain", CalibrationProfile("p", 0, 0, 1, 1)))
    moved = word_boxes(print_to_pdf(tmp_path, "moved", CalibrationProfile("p", 3, -2, 1, 1)))
    # The registration date field (pdftotext splits some runs; this one stays whole).
    date = next(w for w in plain if w.startswith("2026年11"))
    dx = moved[date][0] - plain[date][0]
    dy = moved[date][1] - plain[date][1]
    assert dx == pytest.approx(3 / 25.4 * 72, abs=0.3)
    assert dy == pytest.approx(-2 / 25.4 * 72, abs=0.3)


def test_preprinted_labels_are_not_printed_on_the_blank(qapp, tmp_path):
    words = word_boxes(print_to_pdf(tmp_path, "blank", CalibrationProfile("p", 0, 0, 1, 1)))
    assert any(w.startswith("2026年11") for w in words)
    assert "持证人" not in words and "登记日期" not in words


def test_a4_forms_print_every_page_with_labels(qapp, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from counter_app.ui.widgets.certificate_printer import print_pages
    from forms.qt.render import case_pages

    out = tmp_path / "a4.pdf"
    qprinter = QPrinter(QPrinter.PrinterMode.HighResolution)
    qprinter.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    qprinter.setOutputFileName(str(out))
    print_pages(qprinter, "pdf", case_pages("marriage_declaration", DATA / "marriage.json"))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode()
    # (QPrinter's own PDF output keeps Qt's radical mapping: paper is what matters here.)
    assert text.count("申请结婚登记声明书") == 2 and text.count("姓名") == 2
