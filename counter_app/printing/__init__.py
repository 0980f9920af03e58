"""Certificate booklet printing: per-printer calibration and the confirm / void / reprint flow.

Qt-free: the page is painted by forms.qt.painter through a printer object the UI hands in
(counter_app/ui/widgets/certificate_printer.py wraps a QPrinter), and blanks are issued and
voided through counter_app.numbering (the one blank-stock ledger).
"""
