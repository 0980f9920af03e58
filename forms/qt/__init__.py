"""The forms' Qt part: painter, PDF writer, render, signing and fonts (QtCore/QtGui only).

Qt-free code never imports this package: the composition root (counter_app.app) hands the
pieces it needs (signing, render) to the workflows as ports.
"""
