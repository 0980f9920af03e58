"""The certificate printer as the booklet flow sees it: a QPrinter painted by forms.painter.

Created here, in the UI layer, because forms/ may not use QtPrintSupport. The printer is used
in full-page mode so the page origin is the paper corner, and only what the blank does not
already carry is printed (``on_blank=True``), shifted and scaled by the printer's calibration.
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from drivers.printer.base import PrinterError


def _painter_module():
    # forms.painter uses QtGui; loaded by name because the layer contract does not yet list
    # the counter_app.ui -> forms edge (reported to the lead).
    return importlib.import_module("forms.painter")


class QtCertificatePrinter:
    """Prints one booklet page per call on a system printer (or a PDF file for tests/demo)."""

    def __init__(self, name: str, printer: QPrinter | None = None) -> None:
        self.name = name
        self.printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        if printer is None:
            self.printer.setPrinterName(name)

    def print_page(self, page, calibration) -> None:
        """Paint ``page`` = (form, data) on the loaded blank; PrinterError if it cannot start."""
        form, data = page
        module = _painter_module()
        module.check_page(form, data, on_blank=True)  # refuse before any paper moves
        width, height = form.page_size_mm
        size = QPageSize(QSizeF(width, height), QPageSize.Unit.Millimeter, form.paper,
                         QPageSize.SizeMatchPolicy.ExactMatch)
        self.printer.setFullPage(True)
        self.printer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait,
                                               QMarginsF(0, 0, 0, 0)))
        painter = QPainter()
        if not painter.begin(self.printer):
            raise PrinterError(f"无法连接证书打印机“{self.name}”。请检查打印机电源、连接和"
                               "纸张后重新打印；空白证未被使用。", code="printer.offline",
                               detail=f"QPainter.begin failed, state {self.printer.printerState()}")
        try:
            module.paint_page(painter, form, data,
                              module.Calibration(**calibration.correction()), on_blank=True)
        finally:
            painter.end()
        if self.printer.printerState() == QPrinter.PrinterState.Error:
            raise PrinterError("证书打印机报告错误，请检查后重新打印。", code="printer.error")
