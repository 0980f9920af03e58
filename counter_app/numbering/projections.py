"""Projections of certificate-number blocks, allocated numbers, blank ranges and used blanks.

Entry kinds (payload shapes are public, see docs/rules.md):

* ``numbering.block_received`` {block_id, prefix, division_code, year, first_serial,
  last_serial, source} — written by the sync service (or a manual entry);
* ``numbering.allocated`` {number, prefix, division_code, year, serial, block_id} (case_id set);
* ``numbering.released`` {number, reason} — an allocated number whose registration did not
  happen returns to the pool;
* ``stock.range_received`` {range_id, certificate, first, last, source};
* ``stock.blank_issued`` {certificate, serial, range_id, certificate_number, who, when,
  holder (optional: "man" | "woman" | "applicant")};
* ``stock.blank_voided`` {certificate, serial, range_id, reason, who, when,
  certificate_number (optional)}.

A blank issued with a certificate number marks that number ``used``. Projections record facts
as they come (they never refuse an entry); the services in blocks.py/stock.py check first.
"""

from __future__ import annotations

import sqlite_utils

from counter_app.journal.entry import Entry
from counter_app.journal.projections import projection
from counter_app.numbering.certno import parse_printno
from counter_app.numbering.kinds import (KIND_NUMBERING_ALLOCATED, KIND_NUMBERING_BLOCK_RECEIVED,
                                         KIND_NUMBERING_RELEASED, KIND_STOCK_BLANK_ISSUED,
                                         KIND_STOCK_BLANK_VOIDED, KIND_STOCK_RANGE_RECEIVED)


@projection("number_blocks", version=1, tables=("number_blocks", "cert_numbers"), schema=(
    """CREATE TABLE number_blocks (
        block_id TEXT PRIMARY KEY, prefix TEXT NOT NULL, division_code TEXT NOT NULL,
        year INTEGER NOT NULL, first_serial INTEGER NOT NULL, last_serial INTEGER NOT NULL,
        source TEXT NOT NULL, seq INTEGER NOT NULL)""",
    """CREATE TABLE cert_numbers (
        number TEXT PRIMARY KEY, prefix TEXT NOT NULL, division_code TEXT NOT NULL,
        year INTEGER NOT NULL, serial INTEGER NOT NULL, block_id TEXT, case_id TEXT,
        status TEXT NOT NULL, generation INTEGER NOT NULL, seq INTEGER NOT NULL)""",
    "CREATE INDEX cert_numbers_series ON cert_numbers (prefix, division_code, year, serial)",
))
def apply_numbers(db: sqlite_utils.Database, entry: Entry) -> None:
    """Blocks received, numbers allocated/released/used."""
    p = entry.payload
    if entry.kind == KIND_NUMBERING_BLOCK_RECEIVED:
        db.execute(
            """INSERT OR REPLACE INTO number_blocks VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [p["block_id"], p["prefix"], p["division_code"], int(p["year"]),
             int(p["first_serial"]), int(p["last_serial"]), p.get("source", "manual"),
             entry.seq])
    elif entry.kind == KIND_NUMBERING_ALLOCATED:
        db.execute(
            """INSERT INTO cert_numbers VALUES (?, ?, ?, ?, ?, ?, ?, 'allocated', 1, ?)
               ON CONFLICT (number) DO UPDATE SET case_id = excluded.case_id,
                 block_id = excluded.block_id, status = 'allocated',
                 generation = generation + 1, seq = excluded.seq""",
            [p["number"], p["prefix"], p["division_code"], int(p["year"]), int(p["serial"]),
             p.get("block_id"), entry.case_id, entry.seq])
    elif entry.kind == KIND_NUMBERING_RELEASED:
        db.execute("UPDATE cert_numbers SET status = 'released', seq = ? WHERE number = ?",
                   [entry.seq, p["number"]])
    elif entry.kind == KIND_STOCK_BLANK_ISSUED and p.get("certificate_number"):
        db.execute("UPDATE cert_numbers SET status = 'used', seq = ? WHERE number = ?",
                   [entry.seq, p["certificate_number"]])


@projection("stock", version=2, tables=("stock_ranges", "stock_blanks"), schema=(
    """CREATE TABLE stock_ranges (
        range_id TEXT PRIMARY KEY, certificate TEXT NOT NULL, prefix TEXT NOT NULL,
        width INTEGER NOT NULL, first_n INTEGER NOT NULL, last_n INTEGER NOT NULL,
        first TEXT NOT NULL, last TEXT NOT NULL, source TEXT NOT NULL, seq INTEGER NOT NULL)""",
    """CREATE TABLE stock_blanks (
        certificate TEXT NOT NULL, serial TEXT NOT NULL, range_id TEXT, status TEXT NOT NULL,
        case_id TEXT, certificate_number TEXT, reason TEXT, who TEXT, at TEXT,
        seq INTEGER NOT NULL, holder TEXT, PRIMARY KEY (certificate, serial))""",
))
def apply_stock(db: sqlite_utils.Database, entry: Entry) -> None:
    """Blank ranges received; blanks issued or voided (a voided blank stays voided)."""
    p = entry.payload
    if entry.kind == KIND_STOCK_RANGE_RECEIVED:
        first, last = parse_printno(p["first"]), parse_printno(p["last"])
        db.execute("INSERT OR REPLACE INTO stock_ranges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [p["range_id"], p["certificate"], first.prefix, first.width, first.number,
                    last.number, str(first), str(last), p.get("source", "manual"), entry.seq])
    elif entry.kind in (KIND_STOCK_BLANK_ISSUED, KIND_STOCK_BLANK_VOIDED):
        status = "issued" if entry.kind == KIND_STOCK_BLANK_ISSUED else "voided"
        serial = str(parse_printno(p["serial"]))
        db.execute(
            """INSERT INTO stock_blanks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (certificate, serial) DO UPDATE SET status = CASE
                 WHEN stock_blanks.status = 'voided' THEN 'voided' ELSE excluded.status END,
                 reason = COALESCE(excluded.reason, stock_blanks.reason),
                 who = excluded.who, at = excluded.at, seq = excluded.seq""",
            [p["certificate"], serial, p.get("range_id"), status, entry.case_id,
             p.get("certificate_number"), p.get("reason"), p.get("who", entry.operator),
             p.get("when", entry.device_time), entry.seq, p.get("holder")])
