"""Printing on paper: a QPrinter painted by forms.qt.painter (certificate blanks and A4 forms).

Created here, in the UI layer, because forms/ may not use QtPrintSupport. The printer is used
in full-page mode so the page origin is the paper corner, and only what the blank does not
already carry is printed (``on_blank=True``), shifted and scaled by the printer's calibration.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from drivers.printer.base import PrinterError

#: How error messages (Chinese, as every message_zh) name an unnamed printer.
DEFAULT_PRINTER_ZH = "默认打印机"


def _painter_module():
    import forms.qt.painter

    return forms.qt.painter


class QtCertificatePrinter:
    """Prints one booklet page per call on a system printer (or a PDF file for tests/demo)."""

    def __init__(self, name: str, printer: QPrinter | None = None) -> None:
        self.name = name
        self.printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        if printer is None:
            self.printer.setPrinterName(name)

    def print_page(self, page, calibration) -> None:
        """Paint ``page`` = (form, data) on the loaded blank; PrinterError if it cannot start."""
        print_pages(self.printer, self.name, [page], calibration.correction(), on_blank=True)


class PdfCertificatePrinter:
    """Demo and training: each booklet "printed" becomes a PDF file in ``folder``, painted
    exactly as the real printer would be (blank-aware, calibration applied)."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name, self.folder = name, Path(folder)
        self.printed: list[Path] = []

    def print_page(self, page, calibration) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"certificate-{len(list(self.folder.glob('*.pdf'))) + 1:04d}.pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        print_pages(printer, self.name, [page], calibration.correction(), on_blank=True)
        self.printed.append(path)


def print_forms(pages, *, printer_name: str = "", pdf_path: Path | None = None) -> None:
    """Print A4 form pages on the forms printer (system default when unnamed), or into
    ``pdf_path`` (demo and training)."""
    if pdf_path is not None:
        # The forms' own PDF writer: reproducible, with a text layer that extracts correctly.
        from forms.qt.pdf import render_pdf

        Path(pdf_path).parent.mkdir(parents=True, exist_ok=True)
        Path(pdf_path).write_bytes(render_pdf(pages, pages[0][0].title))
        return
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if printer_name:
        printer.setPrinterName(printer_name)
    print_pages(printer, printer_name or DEFAULT_PRINTER_ZH, pages)


class SystemFormsPrinter:
    """The forms printer (A4 notices) for counter_app.printing.notices: a system printer, the
    default one when unnamed."""

    def __init__(self, name: str = "") -> None:
        self.name = name

    def print_forms(self, pages, job: str) -> str:
        print_forms(pages, printer_name=self.name)
        return self.name or DEFAULT_PRINTER_ZH


class PdfFormsPrinter:
    """Demo and training: each notice "printed" becomes the PDF file ``<folder>/<job>.pdf``."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def print_forms(self, pages, job: str) -> str:
        path = self.folder / f"{job}.pdf"
        print_forms(pages, pdf_path=path)
        return str(path)


def print_pages(printer: QPrinter, name: str, pages, correction: dict | None = None, *,
                on_blank: bool = False) -> None:
    """Print (form, data) pages as one job: A4 forms (on_blank False) or a certificate page
    on a pre-printed blank (on_blank True, with the printer's calibration correction)."""
    module = _painter_module()
    for form, data in pages:
        module.check_page(form, data, on_blank=on_blank)  # refuse before any paper moves
    calibration = module.Calibration(**(correction or {}))
    printer.setFullPage(True)
    _set_page(printer, pages[0][0])
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterError(f"无法连接打印机“{name}”。请检查打印机电源、连接和纸张后重新打印；"
                           "空白证未被使用。", code="printer.offline",
                           detail=f"QPainter.begin failed, state {printer.printerState()}")
    try:
        for index, (form, data) in enumerate(pages):
            if index:
                _set_page(printer, form)
                printer.newPage()
            module.paint_page(painter, form, data, calibration, on_blank=on_blank)
    finally:
        painter.end()
    if printer.printerState() == QPrinter.PrinterState.Error:
        raise PrinterError(f"打印机“{name}”报告错误，请检查后重新打印。", code="printer.error")


def _set_page(printer: QPrinter, form) -> None:
    width, height = form.page_size_mm
    size = QPageSize(QSizeF(width, height), QPageSize.Unit.Millimeter, form.paper,
                     QPageSize.SizeMatchPolicy.ExactMatch)
    printer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait,
                                      QMarginsF(0, 0, 0, 0)))
