"""Counting a journal's entries directly, independently of counter_app.reports: what the
report tests compare the reports with. Days are Beijing-time dates of the entries."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from counter_app.cases.kinds import KIND_CASE_TRANSITION
from counter_app.numbering.kinds import (KIND_STOCK_BLANK_ISSUED, KIND_STOCK_BLANK_VOIDED,
                                         KIND_STOCK_RANGE_RECEIVED)
from counter_app.workflows.kinds import KIND_INTAKE_PARTY

#: (case type, state reached) -> the item the statistics name it (refusals by where from).
ITEM = {("marriage", "registered"): "结婚", ("retroactive_marriage", "registered"): "补办",
        ("divorce", "registered"): "离婚登记", ("divorce", "accepted"): "离婚申请",
        ("divorce", "withdrawn"): "撤回", ("divorce", "deemed_withdrawn"): "视为撤回",
        ("reissue", "issued"): "补领", ("revocation", "decided"): "撤销"}


def day(device_time: str) -> str:
    moment = datetime.fromisoformat(device_time.replace("Z", "+00:00"))
    return (moment + timedelta(hours=8)).date().isoformat()


def items_by_day(entries) -> dict[str, Counter]:
    counted: dict[str, Counter] = defaultdict(Counter)
    for e in entries:
        if e.kind != KIND_CASE_TRANSITION:
            continue
        p = e.payload
        if p["to"] == "refused":
            item = "不予受理" if p["from"] in ("initial_review", "applied") else "不予登记"
        else:
            item = ITEM.get((p["case_type"], p["to"]))
        if item:
            counted[day(e.device_time)][item] += 1
    return counted


def registrations(entries, first: str, last: str) -> list[tuple[str, str, list[dict]]]:
    """(day, item, parties) of the registrations from ``first`` to ``last``."""
    parties: dict[str, dict[str, dict]] = defaultdict(dict)
    found = []
    for e in entries:
        if e.kind == KIND_INTAKE_PARTY:
            parties[e.case_id][e.payload["role"]] = e.payload["party"]
        elif e.kind == KIND_CASE_TRANSITION and e.payload["to"] == "registered" and \
                first <= day(e.device_time) <= last:
            item = ITEM[(e.payload["case_type"], "registered")]
            found.append((day(e.device_time), item, list(parties[e.case_id].values())))
    return found


def blanks_by_day(entries) -> dict[str, Counter]:
    counted: dict[str, Counter] = defaultdict(Counter)
    for e in entries:
        d = day(e.device_time)
        if e.kind == KIND_STOCK_BLANK_ISSUED:
            counted[d]["issued"] += 1
            counted[d]["numbers:" + e.payload["certificate_number"]] = 1
        elif e.kind == KIND_STOCK_BLANK_VOIDED:
            counted[d]["voided"] += 1
        elif e.kind == KIND_STOCK_RANGE_RECEIVED:
            first, last = e.payload["first"], e.payload["last"]
            counted[d]["received"] += int(last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) - \
                int(first.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) + 1
    return counted


def days_between(first: date, last: date) -> list[str]:
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
