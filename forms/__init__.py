"""Statutory forms as versioned data, and (in ``forms.qt``) the single painter for screen, PDF
and printer.

Pure part (no Qt):
- ``forms.model``: definitions (forms/definitions/<form_id>/v<N>.toml), layout, values
- ``forms.case_data``: a case file -> the filled pages of each form

Qt part (``forms.qt``, QtCore/QtGui only):
- ``forms.qt.painter.paint_page``: the one painter (QPainter on a QImage, QPdfWriter or QPrinter)
- ``forms.qt.pdf``: reproducible PDF (PDF/A-1b mode, repaired text layer) and preview images
- ``forms.qt.render``: filled pages -> PDF bytes
- ``forms.qt.fonts``: the bundled fonts and the glyph coverage check
- ``forms.qt.signing``: signatures bound to the SHA-256 of the page they were made on

docs/forms.md describes all of it. Nothing here uses QtWidgets or QtPrintSupport (the printer
is created in counter_app/ui and handed in); the import-linter contracts in pyproject.toml
keep Qt out of the pure part.
"""
