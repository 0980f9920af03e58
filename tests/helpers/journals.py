"""Opening a journal in a test the way the app does: with the projections it maintains.

The journal maintains only the projections it is handed (the composition root's list);
tests that open one directly take it from here rather than naming the modules again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from counter_app.journal import Journal
from counter_app.wiring.journal import PROJECTION_MODULES


def open_test_journal(data_dir: Path, key_store: str = "file", *, staff: bool = False,
                      **kwargs: Any) -> Journal:
    """The journal in ``data_dir`` maintaining every projection of the app; ``staff``: with
    the suite's usual operator accounts (helpers.accounts.STAFF), for tests that act through
    the services, which check the operator's roles."""
    journal = Journal.open(data_dir, key_store, projections=PROJECTION_MODULES, **kwargs)
    if staff:
        from helpers.accounts import add_staff

        add_staff(journal)
    return journal


def key_file(data_dir: Path) -> Path:
    """Where the test suite keeps ``data_dir``'s machine key file (outside the data dir)."""
    from counter_app.journal import keys

    return keys.place(data_dir, "file").key_file


def anchor_file(data_dir: Path) -> Path:
    """Where ``data_dir``'s journal anchor is kept (beside its key file)."""
    from counter_app.journal import keys

    return keys.place(data_dir, "file").anchor_file
