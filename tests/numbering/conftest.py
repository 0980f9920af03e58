"""A journal in a fresh data dir with a fake clock."""

from __future__ import annotations

import pytest
from helpers.stubs import FakeClock

from counter_app.journal import Journal


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def journal(data_dir, clock):
    j = Journal.open(data_dir, key_store="file", clock=clock)
    yield j
    j.close()
