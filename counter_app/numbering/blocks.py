"""Certificate 字号 from the number blocks reserved for this machine (journal-backed).

The provincial system reserves blocks of serials per machine (``numbering.block_received``).
:func:`allocate_number` binds the lowest free serial to a case — idempotently: asking again for
the same case and prefix returns the same number, so a failed print and its reprint share one
字号 and nothing is silently consumed. A number becomes ``used`` when a blank is issued with it
(stock.issue_blank); :func:`release_number` returns an allocated, never-printed number to the
pool (e.g. the registration was refused after all). Concurrent allocations cannot duplicate a
number: each allocation's entry id is derived from the number and its generation, so a second
writer of the same number is rejected by the journal and retries with the next serial.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from counter_app.journal import Entry, Journal
from counter_app.journal.errors import EntryIdConflictError
from counter_app.numbering.certno import PREFIX_ZH, PREFIXES, format_certno, parse_certno
from counter_app.numbering.errors import NumbersExhaustedError, NumberStateError
from counter_app.numbering.kinds import (KIND_NUMBERING_ALLOCATED, KIND_NUMBERING_BLOCK_RECEIVED,
                                         KIND_NUMBERING_RELEASED)
from counter_app.operators import require

log = logging.getLogger(__name__)

DEFAULT_LOW_WATER = 50  # mirrors the numbering.low_water setting's default
# Within one process allocations take turns (the journal's entry ids guard across processes).
_ALLOCATION_LOCK = threading.Lock()


@dataclass(frozen=True)
class Allocation:
    """A 字号 bound to a case, and how many are left after it."""

    number: str
    block_id: str | None
    remaining: int
    low: bool  # remaining is at or below the low-water mark
    warning_zh: str | None
    reused: bool  # the case already held this number (a reprint)


def receive_block(journal: Journal, *, block_id: str, prefix: str, division_code: str,
                  year: int, first_serial: int, last_serial: int, operator: str,
                  source: str = "manual") -> Entry:
    """Record a reserved block received by hand (a supervisor's act; the sync service
    writes the province's blocks as the same entry kind)."""
    require(journal, operator, "numbers.receive", record=block_id)
    format_certno(prefix, division_code, year, first_serial)  # validates the parts
    format_certno(prefix, division_code, year, last_serial)
    if last_serial < first_serial or source not in ("server", "manual"):
        raise NumberStateError(f"号段 {block_id} 的起止序号或来源无效。",
                               detail=f"block {block_id}: {first_serial}-{last_serial} {source}")
    payload = {"block_id": block_id, "prefix": prefix, "division_code": division_code,
               "year": year, "first_serial": first_serial, "last_serial": last_serial,
               "source": source}
    return journal.append(KIND_NUMBERING_BLOCK_RECEIVED, payload, operator=operator,
                          entry_id=f"numbering.block_received:{block_id}")


def remaining(journal: Journal, prefix: str, division_code: str, year: int) -> int:
    """Free numbers left in the blocks for this series (released numbers count as free)."""
    total = journal.query(
        "SELECT COALESCE(SUM(last_serial - first_serial + 1), 0) AS n FROM number_blocks "
        "WHERE prefix = ? AND division_code = ? AND year = ?", [prefix, division_code, year])
    taken = journal.query(
        "SELECT COUNT(*) AS n FROM cert_numbers c JOIN number_blocks b ON c.block_id = b.block_id"
        " WHERE c.prefix = ? AND c.division_code = ? AND c.year = ? AND c.status != 'released'",
        [prefix, division_code, year])
    return int(total[0]["n"]) - int(taken[0]["n"])


def remaining_by_series(journal: Journal, year: int) -> list[dict]:
    """Every series with a block for ``year``: {prefix, division_code, year, remaining}, for
    `counter-app doctor`."""
    series = journal.query("SELECT DISTINCT prefix, division_code, year FROM number_blocks "
                           "WHERE year = ? ORDER BY prefix, division_code", [year])
    return [{**row, "remaining": remaining(journal, row["prefix"], row["division_code"], year)}
            for row in series]


def number_of_case(journal: Journal, case_id: str, prefix: str) -> dict | None:
    rows = journal.query("SELECT * FROM cert_numbers WHERE case_id = ? AND prefix = ? AND "
                         "status != 'released' ORDER BY seq DESC LIMIT 1", [case_id, prefix])
    return rows[0] if rows else None


def _candidates(journal: Journal, prefix: str, division_code: str,
                year: int) -> Iterator[tuple[int, str | None, int]]:
    """Free serials, lowest first: released ones, then never-used ones in block order."""
    series = [prefix, division_code, year]
    for row in journal.query("SELECT serial, block_id, generation FROM cert_numbers WHERE "
                             "prefix = ? AND division_code = ? AND year = ? AND "
                             "status = 'released' ORDER BY serial", series):
        yield row["serial"], row["block_id"], row["generation"]
    blocks = journal.query("SELECT * FROM number_blocks WHERE prefix = ? AND division_code = ?"
                           " AND year = ? ORDER BY first_serial", series)
    for block in blocks:
        first, last = block["first_serial"], block["last_serial"]
        where = ("FROM cert_numbers WHERE prefix = ? AND division_code = ? AND year = ? "
                 "AND serial BETWEEN ? AND ?")
        agg = journal.query(f"SELECT COUNT(*) AS n, MAX(serial) AS top {where}",
                            series + [first, last])[0]
        if agg["n"] == 0 or agg["n"] == agg["top"] - first + 1:
            # the usual case: serials taken contiguously from the block's start
            start = first if agg["n"] == 0 else agg["top"] + 1
            if start <= last:
                yield start, block["block_id"], 0
            continue
        taken = {r["serial"] for r in journal.query(f"SELECT serial {where}",
                                                    series + [first, last])}
        for serial in range(first, last + 1):
            if serial not in taken:
                yield serial, block["block_id"], 0


def allocate_number(journal: Journal, *, case_id: str, prefix: str, division_code: str,
                    year: int, operator: str, low_water: int = DEFAULT_LOW_WATER) -> Allocation:
    """The case's 字号 for ``prefix`` (the same one again on a reprint), or a new one."""
    if prefix not in PREFIXES:
        raise NumberStateError(f"证书字头应为 J、L、BJ 或 BL，实际为 {prefix!r}。")
    with _ALLOCATION_LOCK:
        return _allocate(journal, case_id, prefix, division_code, year, operator, low_water)


def _allocate(journal: Journal, case_id: str, prefix: str, division_code: str, year: int,
              operator: str, low_water: int) -> Allocation:
    held = number_of_case(journal, case_id, prefix)
    if held is not None:
        return _result(journal, held["number"], held["block_id"], low_water, reused=True)
    for _attempt in range(5):  # another writer may take the same serial; then try again
        candidate = next(_candidates(journal, prefix, division_code, year), None)
        if candidate is None:
            raise NumbersExhaustedError(
                f"{PREFIX_ZH[prefix]}字号已用完（{division_code}，{year}年）：本机预留的号段中"
                "没有可用号码。请联网向省级系统申领新号段后再发证，已录入的业务不会丢失。",
                detail=f"no free {prefix} {division_code} {year}")
        serial, block_id, generation = candidate
        number = format_certno(prefix, division_code, year, serial)
        payload = {"number": number, "prefix": prefix, "division_code": division_code,
                   "year": year, "serial": serial, "block_id": block_id}
        try:
            journal.append(KIND_NUMBERING_ALLOCATED, payload, operator=operator, case_id=case_id,
                           entry_id=f"numbering.allocated:{number}:{generation}")
        except EntryIdConflictError:
            log.info("number %s taken concurrently; retrying", number)
            continue
        return _result(journal, number, block_id, low_water, reused=False)
    raise NumberStateError("分配证书字号时发生冲突，请重试。", detail="allocation retries exhausted")


def _result(journal: Journal, number: str, block_id: str | None, low_water: int,
            reused: bool) -> Allocation:
    cert = parse_certno(number)
    left = remaining(journal, cert.prefix, cert.division_code, cert.year)
    warning = None
    if left <= low_water:
        warning = (f"{PREFIX_ZH[cert.prefix]}字号仅剩 {left} 个（预警线 {low_water} 个），"
                   "请尽快联网申领新号段。")
    return Allocation(number, block_id, left, left <= low_water, warning, reused)


def release_number(journal: Journal, *, number: str, reason: str, operator: str) -> Entry:
    """Return an allocated, never-printed number to the pool (it will be allocated again)."""
    rows = journal.query("SELECT * FROM cert_numbers WHERE number = ?", [number])
    if not rows or rows[0]["status"] != "allocated":
        state = rows[0]["status"] if rows else "未分配"
        raise NumberStateError(f"字号 {number} 当前状态为 {state}，不能退回。",
                               detail=f"release {number} in state {state}")
    return journal.append(KIND_NUMBERING_RELEASED, {"number": number, "reason": reason},
                          operator=operator, case_id=rows[0]["case_id"],
                          entry_id=f"numbering.released:{number}:{rows[0]['generation']}")
