"""Statutory forms as versioned data and the single painter for screen, PDF and printer.

- ``forms.model``: definitions (forms/definitions/<form_id>/v<N>.toml), layout, values (no Qt)
- ``forms.case_data`` / ``forms.render``: a case file -> filled pages -> PDF bytes
- ``forms.painter.paint_page``: the one painter (QPainter on a QImage, QPdfWriter or QPrinter)
- ``forms.pdf``: reproducible PDF (PDF/A-1b mode, repaired text layer) and preview images
- ``forms.fonts``: the bundled fonts and the glyph coverage check
- ``forms.signing``: signatures bound to the SHA-256 of the page they were made on

docs/forms.md describes all of it. This package may use QtCore/QtGui, never QtWidgets or
QtPrintSupport (the printer is created in counter_app/ui and handed in).
"""
