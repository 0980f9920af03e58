"""Work-around for a PySide6 6.12 binding bug on Python 3.11: void methods drop a reference
to None.

Measured here: each call of a method returning nothing (QFont.setBold, QPainter.save,
QTextLayout.beginLayout, ...) lowers ``sys.getrefcount(None)`` by one. On Python 3.12+ None
is immortal (PEP 683) and nothing happens; on 3.11 a few thousand such calls bring None's count
to zero and the interpreter aborts ("none_dealloc: deallocating None"), usually at exit. The
painter makes thousands of such calls per page, so it measures the drop around its work and
adds that many references to None for good (Py_IncRef through ctypes: the binding's
decrements are permanent, so references held in a Python list would not do, they are
released again at interpreter exit, before the last Qt objects). Remove this module once the project requires Python
3.12 or a fixed PySide6.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_NEEDED = sys.version_info < (3, 12)
_INCREF = ctypes.pythonapi.Py_IncRef
_INCREF.argtypes = [ctypes.py_object]
_INCREF.restype = None


@contextmanager
def none_refcount_guard() -> Iterator[None]:
    """Give None back the references the Qt calls inside the block took from it."""
    if not _NEEDED:
        yield
        return
    before = sys.getrefcount(None)
    try:
        yield
    finally:
        drop = before - sys.getrefcount(None)
        for _ in range(max(drop, 0)):
            _INCREF(None)
