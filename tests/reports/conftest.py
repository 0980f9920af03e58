"""A seeded demo data dir shared by the report tests that only read it (seeding takes ~20 s):
75 days from 2026-09-14 at about 6 cases a day, seed 2, through ``counter-app demo seed``.
Seed 2 was picked because its plan has every kind of case the reports count: refusals of each
sort, cross-region, foreign and HMT couples, withdrawals, completions and lapsed divorces,
reissues, spoiled booklets and a couple served after a day's closing was signed."""

from __future__ import annotations

from datetime import date

import pytest

from counter_app.cli import main

SEED_ARGS = ("--days", "75", "--per-day", "6", "--start", "2026-09-14", "--seed", "2")
START, END = date(2026, 9, 14), date(2026, 11, 27)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory):
    """The data dir of a seeded demo window (shared: tests only read it)."""
    data_dir = tmp_path_factory.mktemp("seeded") / "data"
    assert main(["--data-dir", str(data_dir), "demo", "seed", *SEED_ARGS]) == 0
    return data_dir
