"""Ensure journals made by earlier schema versions open, migrate and verify with today's code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.journals import open_test_journal
from counter_app.journal import migrations
from counter_app.journal.verify import verify

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(params=["v1", "v2"])
def old_journal(request, tmp_path) -> tuple[str, Path]:
    target = tmp_path / request.param
    shutil.copytree(FIXTURES / f"journal_{request.param}", target)
    return request.param, target


def test_an_old_journal_migrates_and_keeps_every_entry(old_journal, clock):
    version, data_dir = old_journal
    with open_test_journal(data_dir, key_store="file", clock=clock) as journal:
        assert journal.schema_version() == migrations.latest_version()
        entries = list(journal.entries())
        assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
        assert entries[2].payload["name"] == "阿依古丽·买买提"
        assert all(e.computed_hash() == e.hash for e in entries)
        # Projections did not exist in the old file: they are built from its entries.
        cases = journal.query("SELECT case_id, entry_count FROM cases ORDER BY case_id")
        assert cases == [{"case_id": "case-1", "entry_count": 4},
                         {"case_id": "case-2", "entry_count": 1}]
        if version == "v2":
            ref = entries[1].attachments[0]
            assert journal.get_attachment(ref["sha256"]) == b"photo of man"
        report = verify(journal)
        assert report.ok, report.problems
        new = journal.append("case.note", {"after": "migration"}, operator="op",
                             case_id="case-2", attachments=[(b"new scan", "image/png")])
        assert new.seq == 7 and new.prev_hash == entries[-1].hash
        assert verify(journal).ok


def test_migrations_each_run_in_their_own_transaction(tmp_path):
    """A failing migration leaves the journal at the previous version, not half-migrated."""
    from sqlite_utils.migrations import Migrations

    data_dir = tmp_path / "d"
    shutil.copytree(FIXTURES / "journal_v1", data_dir)
    broken = Migrations("counter_app.journal")
    broken._migrations = list(migrations.MIGRATIONS._migrations)

    @broken(name="m999_broken")
    def m999_broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    original = migrations.MIGRATIONS
    migrations.MIGRATIONS = broken
    try:
        with pytest.raises(RuntimeError, match="boom"):
            open_test_journal(data_dir, key_store="file")
    finally:
        migrations.MIGRATIONS = original
    with open_test_journal(data_dir, key_store="file") as journal:
        assert journal.schema_version() == migrations.latest_version()
        assert not journal.query("SELECT name FROM sqlite_master WHERE name = 'half_done'")
        assert verify(journal).ok
