"""The ``reports`` projection: the facts the reports count, one row per event, by day.

A report over a month must not replay the whole journal (a busy window writes a million
entries in a few years), so the events are kept here as they are appended, each with the
office's calendar day of its entry (counter_app.reports.days):

* ``report_events``: each case state change that counts as a business item (items.py), with
  the refusal grounds of a refusal (from the last rules check that refused the case);
* ``report_parties``: each case's parties as last recorded (sex, birth date, document,
  nationality, hukou): cross-region, foreign-related and age counts join them;
* ``report_grounds``: the refusing reasons of each case's last rules check;
* ``report_blanks``: blank booklets received (ranges), issued, voided and sent to the printer;
  ``report_blank_days`` their counts per day (the opening stock of any day is a short sum),
  ``report_open_prints`` the blanks sent to the printer and not yet issued or voided;
* ``report_signoffs``: the daily closings' signatures (registrar and supervisor);
* ``report_copies``: the other windows' signed closings as the province returned them.

``apply`` reads only the entry and these tables, and stores JSON canonically (a rebuild reads
the payloads back with their keys sorted). counter_app.reports.facts is the read API.
"""

from __future__ import annotations

import sqlite_utils

from counter_app.cases.kinds import KIND_CASE_TRANSITION
from counter_app.journal.canonical import canonical_json
from counter_app.journal.entry import Entry
from counter_app.journal.projections import projection
from counter_app.numbering.certno import parse_printno
from counter_app.numbering.kinds import (KIND_STOCK_BLANK_ISSUED, KIND_STOCK_BLANK_VOIDED,
                                         KIND_STOCK_RANGE_RECEIVED)
from counter_app.printing.kinds import KIND_CERTIFICATE_PRINT_SENT
from counter_app.reissue.kinds import KIND_REISSUE_CHECKED, KIND_REISSUE_PARTY
from counter_app.reports.days import day_of
from counter_app.reports.items import item_of
from sync.kinds import (KIND_CLOSING_COUNTERSIGNED, KIND_CLOSING_PROVINCE_COPIES,
                        KIND_CLOSING_SIGNED)
from counter_app.workflows.kinds import KIND_INTAKE_PARTY, KIND_INTAKE_RULES_CHECKED


@projection("reports", version=4, tables=(
    "report_events", "report_parties", "report_grounds", "report_blanks", "report_blank_days",
    "report_open_prints", "report_signoffs", "report_copies"), schema=(
    """CREATE TABLE report_events (
        seq INTEGER PRIMARY KEY, day TEXT NOT NULL, item TEXT NOT NULL, case_id TEXT,
        case_type TEXT NOT NULL, operator TEXT NOT NULL, grounds TEXT)""",
    "CREATE INDEX report_events_day ON report_events (day, item)",
    """CREATE TABLE report_parties (
        case_id TEXT NOT NULL, role TEXT NOT NULL, sex TEXT, birth_date TEXT, id_type TEXT,
        nationality TEXT, hukou TEXT, PRIMARY KEY (case_id, role))""",
    "CREATE TABLE report_grounds (case_id TEXT PRIMARY KEY, grounds TEXT NOT NULL)",
    """CREATE TABLE report_blanks (
        seq INTEGER PRIMARY KEY, day TEXT NOT NULL, event TEXT NOT NULL,
        certificate TEXT NOT NULL, serial TEXT, first TEXT, last TEXT, count INTEGER NOT NULL,
        case_id TEXT, number TEXT, holder TEXT, reason TEXT, operator TEXT NOT NULL)""",
    "CREATE INDEX report_blanks_day ON report_blanks (day, event)",
    "CREATE INDEX report_blanks_serial ON report_blanks (certificate, serial, event)",
    "CREATE INDEX report_blanks_number ON report_blanks (number, event)",
    "CREATE INDEX report_blanks_event ON report_blanks (event, day)",
    """CREATE TABLE report_blank_days (
        day TEXT NOT NULL, certificate TEXT NOT NULL, event TEXT NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (certificate, day, event))""",
    """CREATE TABLE report_open_prints (
        certificate TEXT NOT NULL, serial TEXT NOT NULL, day TEXT NOT NULL,
        PRIMARY KEY (certificate, serial))""",
    """CREATE TABLE report_signoffs (
        seq INTEGER PRIMARY KEY, day TEXT NOT NULL, window TEXT NOT NULL, role TEXT NOT NULL,
        operator TEXT NOT NULL, at TEXT NOT NULL, sha256 TEXT NOT NULL,
        through_seq INTEGER NOT NULL, closing TEXT)""",
    "CREATE INDEX report_signoffs_day ON report_signoffs (day, window)",
    """CREATE TABLE report_copies (
        day TEXT NOT NULL, machine_id TEXT NOT NULL, window TEXT NOT NULL,
        closing TEXT NOT NULL, signed_off_by TEXT NOT NULL, seq INTEGER NOT NULL,
        PRIMARY KEY (day, machine_id))""",
))
def apply_reports(db: sqlite_utils.Database, entry: Entry) -> None:
    """One row per counted event, per party, per blank event, per signature."""
    handler = _HANDLERS.get(entry.kind)
    if handler is not None:
        handler(db, entry)


def _transition(db: sqlite_utils.Database, entry: Entry) -> None:
    p = entry.payload
    item = item_of(str(p.get("case_type", "")), p.get("from"), str(p.get("to", "")))
    if item is None or entry.case_id is None:
        return
    grounds = None
    if p.get("to") == "refused":
        row = db.execute("SELECT grounds FROM report_grounds WHERE case_id = ?",
                         [entry.case_id]).fetchone()
        # the reasons of the last check that refused it, else the reason the refusal gave
        grounds = row[0] if row else canonical_json(
            [{"code": "", "message_zh": p.get("reason") or "", "basis": ""}])
    db.execute("INSERT INTO report_events VALUES (?, ?, ?, ?, ?, ?, ?)",
               [entry.seq, day_of(entry.device_time), item, entry.case_id,
                p.get("case_type", ""), entry.operator, grounds])


def _party(db: sqlite_utils.Database, entry: Entry) -> None:
    party = entry.payload.get("party") or {}
    if entry.case_id is None:
        return
    db.execute("INSERT OR REPLACE INTO report_parties VALUES (?, ?, ?, ?, ?, ?, ?)",
               [entry.case_id, entry.payload.get("role", ""), party.get("sex"),
                party.get("birth_date"), party.get("id_type") or "resident",
                party.get("nationality"), party.get("hukou_region_code")])


def _checked(db: sqlite_utils.Database, entry: Entry) -> None:
    refusals = entry.payload.get("refusals") or []
    if entry.case_id is None:
        return
    if refusals:
        grounds = [{"code": r.get("code", ""), "message_zh": r.get("message_zh", ""),
                    "basis": r.get("basis", "")} for r in refusals]
        db.execute("INSERT OR REPLACE INTO report_grounds VALUES (?, ?)",
                   [entry.case_id, canonical_json(grounds)])
    else:
        db.execute("DELETE FROM report_grounds WHERE case_id = ?", [entry.case_id])


def _blank(db: sqlite_utils.Database, entry: Entry) -> None:
    p = entry.payload
    event = {KIND_STOCK_BLANK_ISSUED: "issued", KIND_STOCK_BLANK_VOIDED: "voided",
             KIND_CERTIFICATE_PRINT_SENT: "sent"}[entry.kind]
    if not p.get("serial") or not p.get("certificate"):
        return
    serial = str(parse_printno(p["serial"]))
    holder = p.get("holder")
    if holder is None and event == "voided":
        # a void does not say whose booklet it was; the print it spoiled does
        row = db.execute("SELECT holder FROM report_blanks WHERE event = 'sent' AND "
                         "certificate = ? AND serial = ? ORDER BY seq DESC LIMIT 1",
                         [p["certificate"], serial]).fetchone()
        holder = row[0] if row else None
    day = day_of(entry.device_time)
    db.execute("INSERT INTO report_blanks VALUES (?, ?, ?, ?, ?, NULL, NULL, 1, ?, ?, ?, ?, ?)",
               [entry.seq, day, event, p["certificate"], serial,
                entry.case_id, p.get("certificate_number"), holder, p.get("reason"),
                entry.operator])
    if event == "sent":
        db.execute("INSERT OR IGNORE INTO report_open_prints VALUES (?, ?, ?)",
                   [p["certificate"], serial, day])
    else:
        db.execute("DELETE FROM report_open_prints WHERE certificate = ? AND serial = ?",
                   [p["certificate"], serial])
        _count_day(db, day, p["certificate"], event, 1)


def _range(db: sqlite_utils.Database, entry: Entry) -> None:
    p = entry.payload
    first, last = parse_printno(p["first"]), parse_printno(p["last"])
    day, count = day_of(entry.device_time), last.number - first.number + 1
    db.execute("INSERT INTO report_blanks VALUES (?, ?, 'received', ?, NULL, ?, ?, ?, NULL, "
               "NULL, NULL, NULL, ?)",
               [entry.seq, day, p["certificate"], str(first), str(last), count, entry.operator])
    _count_day(db, day, p["certificate"], "received", count)


def _count_day(db: sqlite_utils.Database, day: str, certificate: str, event: str,
               n: int) -> None:
    db.execute("INSERT INTO report_blank_days VALUES (?, ?, ?, ?) ON CONFLICT "
               "(certificate, day, event) DO UPDATE SET n = n + excluded.n",
               [day, certificate, event, n])


def _signed(db: sqlite_utils.Database, entry: Entry) -> None:
    p = entry.payload
    role = "registrar" if entry.kind == KIND_CLOSING_SIGNED else "supervisor"
    closing = canonical_json(p["closing"]) if "closing" in p else None
    db.execute("INSERT INTO report_signoffs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [entry.seq, p["date"], str(p["window"]), role, entry.operator,
                entry.device_time, p["sha256"], int(p.get("through_seq", entry.seq)), closing])


def _copies(db: sqlite_utils.Database, entry: Entry) -> None:
    p = entry.payload
    for copy in p.get("closings", []):
        db.execute("INSERT OR REPLACE INTO report_copies VALUES (?, ?, ?, ?, ?, ?)",
                   [p["date"], copy["machine_id"], str(copy["window"]),
                    canonical_json(copy["closing"]),
                    canonical_json(copy.get("signed_off_by", [])), entry.seq])


_HANDLERS = {
    KIND_CASE_TRANSITION: _transition,
    KIND_INTAKE_PARTY: _party, KIND_REISSUE_PARTY: _party,
    KIND_INTAKE_RULES_CHECKED: _checked, KIND_REISSUE_CHECKED: _checked,
    KIND_STOCK_BLANK_ISSUED: _blank, KIND_STOCK_BLANK_VOIDED: _blank,
    KIND_CERTIFICATE_PRINT_SENT: _blank, KIND_STOCK_RANGE_RECEIVED: _range,
    KIND_CLOSING_SIGNED: _signed, KIND_CLOSING_COUNTERSIGNED: _signed,
    KIND_CLOSING_PROVINCE_COPIES: _copies,
}
