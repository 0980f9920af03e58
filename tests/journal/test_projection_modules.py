"""Ensure the journal maintains exactly the projections it is handed, and that leaving one out
of an opening never leaves its tables silently behind the entries."""

from __future__ import annotations

import json
import logging
import sys

import pytest
import sqlite_utils

from counter_app.journal import Entry, Journal, projection
from counter_app.journal.projections import defined_in
from counter_app.journal.verify import verify
from counter_app.wiring.journal import PROJECTION_MODULES


@projection("test_notes", version=1, tables=("test_notes",), schema=(
    "CREATE TABLE test_notes (n INTEGER NOT NULL)",))
def apply_notes(db: sqlite_utils.Database, entry: Entry) -> None:
    """A client's projection, defined here so the journal's tests need no client package."""
    if entry.kind == "test.note":
        db.execute("INSERT INTO test_notes VALUES (?)", [entry.payload["n"]])


NOTES = sys.modules[__name__]


def notes(journal: Journal) -> list[int]:
    return [r["n"] for r in journal.query("SELECT n FROM test_notes ORDER BY n")]


def test_without_modules_only_the_journal_s_own_projections_are_kept(data_dir, clock):
    with Journal.open(data_dir, key_store="file", clock=clock) as journal:
        assert [p.name for p in journal.projections] == ["attachments", "cases"]
        journal.append("test.note", {"n": 1}, operator="op", case_id="c1")
        assert not journal.query("SELECT 1 FROM sqlite_master WHERE name = 'test_notes'")
        assert journal.query("SELECT case_id FROM cases") == [{"case_id": "c1"}]


def test_a_handed_module_s_projection_is_maintained(data_dir, clock):
    with Journal.open(data_dir, key_store="file", clock=clock, projections=[NOTES]) as journal:
        journal.append("test.note", {"n": 1}, operator="op")
        assert notes(journal) == [1]
        assert journal.rebuild_projections() == ["attachments", "cases", "test_notes"]
        assert verify(journal).ok


def test_a_projection_left_out_is_rebuilt_when_it_is_maintained_again(data_dir, clock):
    with Journal.open(data_dir, key_store="file", clock=clock, projections=[NOTES]) as journal:
        journal.append("test.note", {"n": 1}, operator="op")
    with Journal.open(data_dir, key_store="file", clock=clock) as journal:
        journal.append("test.note", {"n": 2}, operator="op")  # not projected by this opening
    with Journal.open(data_dir, key_store="file", clock=clock, projections=[NOTES]) as journal:
        assert notes(journal) == [1, 2]
        assert verify(journal).ok


def test_the_app_s_journal_reopens_without_a_rebuild(data_dir, clock, caplog):
    with Journal.open(data_dir, key_store="file", clock=clock,
                      projections=PROJECTION_MODULES) as journal:
        journal.append("case.opened", {}, operator="op", case_id="c1")
    caplog.clear()  # only the reopening counts (an earlier test may have set INFO logging)
    with caplog.at_level(logging.INFO, logger="counter_app.journal.journal"):
        with Journal.open(data_dir, key_store="file", clock=clock,
                          projections=PROJECTION_MODULES[::-1]) as journal:
            assert verify(journal).ok
    assert not [r for r in caplog.records if "projection" in r.getMessage()]


def test_a_module_without_projections_is_a_mistake():
    with pytest.raises(AssertionError, match="json"):
        defined_in([json])
