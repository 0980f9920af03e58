"""Schema migrations of the journal's base tables, each in its own transaction.

Projection tables are not migrated: they are derived, so a projection whose definition changes
is simply rebuilt from the entries (see projections.py). Only the entries table and the
journal's own bookkeeping live here. Never edit a released migration; add a new one.
Fixtures made by earlier versions live in tests/journal/fixtures/ (tests/journal/make_fixtures.py).
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("counter_app.journal")

def names() -> list[str]:
    """Names of the migrations in order; the schema version is how many have been applied."""
    return [m.name for m in MIGRATIONS._migrations]


@MIGRATIONS(name="m001_entries")
def m001_entries(db: Database) -> None:
    """The append-only, hash-chained entries and the head anchor."""
    db.execute("""
        CREATE TABLE entries (
            seq INTEGER PRIMARY KEY,
            entry_id TEXT NOT NULL UNIQUE,
            case_id TEXT,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            operator TEXT NOT NULL,
            device_time TEXT NOT NULL,
            clock TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX entries_case ON entries (case_id, seq)")
    db.execute("CREATE INDEX entries_kind ON entries (kind, seq)")
    db.execute("""CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
                  BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END""")
    db.execute("""CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
                  BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END""")
    # One row: the head of the chain, written in the same transaction as each entry, so that
    # cutting entries off the end is detected too. high_water_time feeds the clock guard.
    db.execute("""
        CREATE TABLE journal_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            journal_id TEXT NOT NULL,
            head_seq INTEGER NOT NULL,
            head_hash TEXT NOT NULL,
            high_water_time TEXT
        )""")
    # Which version of each projection the tables hold; a changed definition is rebuilt.
    db.execute("CREATE TABLE projection_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL)")


@MIGRATIONS(name="m002_attachments")
def m002_attachments(db: Database) -> None:
    """Entries may reference attachments (SHA-256, size, media type)."""
    db.execute("ALTER TABLE entries ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]'")


@MIGRATIONS(name="m003_server_clock")
def m003_server_clock(db: Database) -> None:
    """The last known offset between the provincial server's time and the device clock."""
    db.execute("""
        CREATE TABLE server_clock (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            offset_ms INTEGER NOT NULL,
            observed_at TEXT NOT NULL,
            server_time TEXT NOT NULL
        )""")


def schema_version(db: Database) -> int:
    return len(MIGRATIONS.applied(db))


def latest_version() -> int:
    return len(names())
