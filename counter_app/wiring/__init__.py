"""The wiring: each business item's services built from the run-time context (Qt-free).

The composition root (counter_app.app) opens the journal, builds the ports that need Qt
(printers, forms' painter) and hands them here; the UI's page factories (counter_app.ui.items)
turn what this package builds into pages. Nothing here imports Qt.
"""
