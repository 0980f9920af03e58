"""The read API of the ``reports`` projection (counter_app.reports.projections): the only
module that names its tables in SQL. Days are ``YYYY-MM-DD`` strings of the office calendar.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from counter_app.journal import Journal


@dataclass(frozen=True)
class Event:
    """One counted event: a case's state change that is a business item."""

    seq: int
    day: str
    item: str
    case_id: str
    case_type: str
    operator: str
    grounds: list[dict[str, str]]


def _event(row: dict[str, Any]) -> Event:
    return Event(row["seq"], row["day"], row["item"], row["case_id"], row["case_type"],
                 row["operator"], json.loads(row["grounds"]) if row["grounds"] else [])


def item_counts(journal: Journal, first: str, last: str) -> list[dict[str, Any]]:
    """(day, item, operator, n) of the events from ``first`` to ``last``."""
    return journal.query(
        "SELECT day, item, operator, count(*) AS n FROM report_events WHERE day BETWEEN ? AND ?"
        " GROUP BY day, item, operator", [first, last])


def events(journal: Journal, first: str, last: str,
           items: Iterable[str] | None = None) -> list[Event]:
    """The events from ``first`` to ``last`` (of ``items`` only, when given), in seq order."""
    wanted = list(items or [])
    where = f" AND item IN ({', '.join('?' * len(wanted))})" if wanted else ""
    return [_event(r) for r in journal.query(
        f"SELECT * FROM report_events WHERE day BETWEEN ? AND ?{where} ORDER BY seq",
        [first, last, *wanted])]


def parties(journal: Journal, case_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The recorded parties of each case (role, sex, birth_date, id_type, nationality, hukou)."""
    ids = sorted(set(case_ids))
    found: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(ids), 500):   # SQLite's limit on bound parameters
        chunk = ids[start:start + 500]
        for row in journal.query("SELECT * FROM report_parties WHERE case_id IN "
                                 f"({', '.join('?' * len(chunk))}) ORDER BY role", chunk):
            found.setdefault(row["case_id"], []).append(row)
    return found


def blank_events(journal: Journal, first: str, last: str) -> list[dict[str, Any]]:
    """Blank booklets received (ranges), sent to the printer, issued and voided, in order."""
    return journal.query("SELECT * FROM report_blanks WHERE day BETWEEN ? AND ? ORDER BY seq",
                         [first, last])


def blank_totals_before(journal: Journal, day: str, certificate: str) -> dict[str, int]:
    """Blanks of ``certificate`` received, issued and voided on the days before ``day`` (the
    opening stock is the first less the others)."""
    rows = journal.query("SELECT event, sum(n) AS n FROM report_blank_days WHERE "
                         "certificate = ? AND day < ? GROUP BY event", [certificate, day])
    return {r["event"]: int(r["n"]) for r in rows}


def first_voids(journal: Journal, numbers: Iterable[str]) -> dict[tuple[str, str, str], int]:
    """(case, 字号, holder) -> seq of the first blank voided for that booklet, for ``numbers``."""
    wanted = sorted(set(numbers))
    found: dict[tuple[str, str, str], int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for r in journal.query(
                "SELECT case_id, number, holder, min(seq) AS seq FROM report_blanks WHERE "
                f"event = 'voided' AND number IN ({', '.join('?' * len(chunk))}) "
                "GROUP BY case_id, number, holder", chunk):
            found[(r["case_id"], r["number"], r["holder"])] = r["seq"]
    return found



def unsettled_sent(journal: Journal, through: str) -> list[dict[str, Any]]:
    """Blanks sent to the printer on or before ``through`` and not issued or voided since
    (certificate, serial)."""
    return journal.query("SELECT certificate, serial FROM report_open_prints WHERE day <= ? "
                         "ORDER BY certificate, serial", [through])


def settled_in(journal: Journal, certificate: str, first: str, last: str,
               through: str) -> tuple[int, str | None]:
    """How many blanks of the range ``first``-``last`` were issued or voided on or before
    ``through``, and the highest of them (印制号 of one range share prefix and width, so they
    sort as their numbers do)."""
    row = journal.query(
        "SELECT count(DISTINCT serial) AS n, max(serial) AS top FROM report_blanks WHERE "
        "certificate = ? AND serial BETWEEN ? AND ? AND event IN ('issued', 'voided') "
        "AND day <= ?", [certificate, first, last, through])[0]
    return int(row["n"]), row["top"]


def settled_serials_in(journal: Journal, certificate: str, first: str, last: str,
                       through: str) -> set[str]:
    """The 印制号 of the range issued or voided on or before ``through``."""
    return {r["serial"] for r in journal.query(
        "SELECT DISTINCT serial FROM report_blanks WHERE certificate = ? AND serial BETWEEN "
        "? AND ? AND event IN ('issued', 'voided') AND day <= ?",
        [certificate, first, last, through])}


def ranges_through(journal: Journal, through: str) -> list[dict[str, Any]]:
    """The blank ranges received on or before ``through`` (certificate, first, last)."""
    return journal.query("SELECT certificate, first, last FROM report_blanks WHERE day <= ? "
                         "AND event = 'received' ORDER BY seq", [through])


def numbers_used_between(journal: Journal, first: str, last: str, through: str) -> set[str]:
    """The 字号 from ``first`` to ``last`` (one series: they sort as their serials) on a
    blank issued on or before ``through``."""
    return {r["number"] for r in journal.query(
        "SELECT DISTINCT number FROM report_blanks WHERE number BETWEEN ? AND ? AND "
        "event = 'issued' AND day <= ?", [first, last, through])}


def later_rows(journal: Journal, day: str, after_seq: int) -> list[dict[str, Any]]:
    """Counted events and blank events dated ``day`` but appended after ``after_seq``."""
    return journal.query(
        "SELECT seq, day, item AS what, case_id, operator FROM report_events "
        "WHERE day = ? AND seq > ? UNION ALL "
        "SELECT seq, day, event AS what, case_id, operator FROM report_blanks "
        "WHERE day = ? AND seq > ? AND event != 'sent' ORDER BY seq",
        [day, after_seq, day, after_seq])


def signoffs(journal: Journal, day: str, window: str) -> list[dict[str, Any]]:
    """The signatures of ``window``'s closing of ``day``, in order (role, operator, at,
    sha256, through_seq, closing: the closing as signed, on the registrar's signature)."""
    rows = journal.query("SELECT * FROM report_signoffs WHERE day = ? AND window = ? "
                         "ORDER BY seq", [day, window])
    return [{**r, "closing": json.loads(r["closing"]) if r["closing"] else None} for r in rows]


def signed_days(journal: Journal, window: str, before: str) -> list[dict[str, Any]]:
    """The registrar's signature of each signed day of ``window`` before ``before``."""
    rows = journal.query("SELECT * FROM report_signoffs WHERE window = ? AND day < ? AND "
                         "role = 'registrar' ORDER BY day", [window, before])
    return [{**r, "closing": json.loads(r["closing"]) if r["closing"] else None} for r in rows]


def province_copies(journal: Journal, day: str) -> list[dict[str, Any]]:
    """The other windows' closings of ``day`` as the province last returned them."""
    rows = journal.query("SELECT * FROM report_copies WHERE day = ? ORDER BY window", [day])
    return [{"machine_id": r["machine_id"], "window": r["window"],
             "closing": json.loads(r["closing"]),
             "signed_off_by": json.loads(r["signed_off_by"])} for r in rows]


def province_copies_between(journal: Journal, first: str, last: str) -> list[dict[str, Any]]:
    """The returned closings of the days from ``first`` to ``last``."""
    rows = journal.query("SELECT * FROM report_copies WHERE day BETWEEN ? AND ? "
                         "ORDER BY day, window", [first, last])
    return [{"day": r["day"], "window": r["window"], "closing": json.loads(r["closing"])}
            for r in rows]
