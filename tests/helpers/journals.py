"""Opening a journal in a test the way the app does: with the projections it maintains.

The journal maintains only the projections it is handed (the composition root's list);
tests that open one directly take it from here rather than naming the modules again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from counter_app.journal import Journal
from counter_app.wiring.journal import PROJECTION_MODULES


def open_test_journal(data_dir: Path, key_store: str = "file", **kwargs: Any) -> Journal:
    """The journal in ``data_dir`` maintaining every projection of the app."""
    return Journal.open(data_dir, key_store, projections=PROJECTION_MODULES, **kwargs)


def key_file(data_dir: Path) -> Path:
    """Where the test suite keeps ``data_dir``'s machine key file (outside the data dir)."""
    from counter_app.journal import keys

    return keys.place(data_dir, "file").key_file


def anchor_file(data_dir: Path) -> Path:
    """Where ``data_dir``'s journal anchor is kept (beside its key file)."""
    from counter_app.journal import keys

    return keys.place(data_dir, "file").anchor_file
