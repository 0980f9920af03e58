"""Receipt and queue-ticket printers (ESC/POS): one interface, python-escpos backends, a simulator.

Certificate booklets and A4 forms go through the system printer (a QPrinter created by the UI
and painted by forms.qt.painter); this package is for the thermal receipt printer.
"""
