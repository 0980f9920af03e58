"""These tests act through the services, which check the operator's roles: their journal
has the suite's usual operator accounts (helpers.accounts.STAFF)."""

from __future__ import annotations

import pytest


@pytest.fixture
def journal(data_dir, clock):
    """A journal in the fresh data dir, on the fake clock, with the usual accounts."""
    from helpers.journals import open_test_journal

    j = open_test_journal(data_dir, key_store="file", clock=clock, staff=True)
    yield j
    j.close()
