"""The preview widget shows the painter's page (the same image the PDF test compares)."""

from __future__ import annotations

from formcheck import DATA, image_difference, load_gray

from forms.qt.pdf import render_image
from forms.qt.render import case_pages


def test_preview_widget_shows_the_rendered_page(qtbot):
    from counter_app.ui.widgets.form_preview import FormPreviewWidget

    widget = FormPreviewWidget()
    qtbot.addWidget(widget)
    widget.resize(420, 600)
    form, data = case_pages("marriage_review", DATA / "marriage.json")[0]
    widget.show_page(form, data)
    shown = widget._image
    assert shown is not None and not shown.isNull()
    dpi = round(shown.width() / (210 / 25.4))
    assert image_difference(load_gray(shown), load_gray(render_image(form, data, dpi))) == 0
    grabbed = widget.grab().toImage()
    assert grabbed.width() == 420
