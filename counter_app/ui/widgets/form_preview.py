"""The form preview: the page painted by forms.qt.painter, the same code as the PDF and printer.

The page is painted into an image at the widget's resolution (forms.qt.pdf.render_image lays it
out at the PDF's resolution and scales it down), so what the registrar sees is the PDF.
"""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from forms.model import FormData, FormDefinition


def _render_image(*args, **kwargs):
    from forms.qt.pdf import render_image

    return render_image(*args, **kwargs)


class FormPreviewWidget(QWidget):
    """Shows one page of a form, fitted to the widget, white on grey like paper."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(300, 400)
        self._page: tuple[FormDefinition, FormData] | None = None
        self._image = None

    def show_page(self, form: FormDefinition, data: FormData) -> None:
        """Display ``form`` filled with ``data`` (raises MissingGlyphError like printing)."""
        self._page = (form, data)
        self._render()

    def _render(self) -> None:
        if self._page is None:
            return
        form, data = self._page
        width_mm, height_mm = form.page_size_mm
        dpi = max(30, min(self.width() / (width_mm / 25.4), self.height() / (height_mm / 25.4)))
        self._image = _render_image(form, data, dpi=int(dpi * self.devicePixelRatioF()))
        self._image.setDevicePixelRatio(self.devicePixelRatioF())
        self.update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._render()

    def paintEvent(self, event) -> None:
        self._paint()

    def _paint(self) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.gray)
        if self._image is not None:
            size = self._image.deviceIndependentSize()
            x = (self.width() - size.width()) / 2
            y = (self.height() - size.height()) / 2
            painter.drawImage(int(x), int(y), self._image)
        painter.end()


if __name__ == "__main__":  # python -m counter_app.ui.widgets.form_preview FORM_ID CASE.json
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    import forms.qt.render as render
    widget = FormPreviewWidget()
    widget.show_page(*render.case_pages(sys.argv[1], sys.argv[2])[0])
    widget.resize(600, 850)
    widget.show()
    sys.exit(app.exec())
