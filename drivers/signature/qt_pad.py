"""The pen-tablet/mouse backend: a pad whose samples come from a Qt widget.

The widget (counter_app/ui/widgets/signature_pad_widget.py) turns QTabletEvent/QMouseEvent
into :meth:`add_point`/:meth:`pen_up` calls, with the tablet's pressure (a mouse gives 0.5).
This module imports no Qt, so it stays in drivers/ with the other backends.
"""

from __future__ import annotations

from drivers.signature.base import SignaturePad


class QtTabletPad(SignaturePad):
    """Samples pushed by the Qt signature widget (Wacom-style tablets, touch screens, mice)."""

    BACKEND = "qt-tablet"
