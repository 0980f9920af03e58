"""The office's windows' signed daily closings, served to a machine of that office
(docs/sync-protocol.md §14): read from the closing.signed and closing.countersigned entries the
machines uploaded."""

from __future__ import annotations

import json
import re

from sync import protocol
from sync.kinds import KIND_CLOSING_COUNTERSIGNED, KIND_CLOSING_SIGNED
from sync.simulator.ledger import LedgerError
from sync.simulator.store import SimStore

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def closings(store: SimStore, machine: dict, params: dict[str, str]) -> dict:
    """GET /v1/closings?date=D&operator_id=ID: every window's signed closing of that day at
    the requesting machine's office, with its signatures."""
    day, operator = params.get("date", ""), params.get("operator_id", "")
    if not _DAY.fullmatch(day) or not operator:
        raise LedgerError("bad_request", "date (YYYY-MM-DD) and operator_id are required")
    with store.lock:
        rows = store.db.execute(
            "SELECT e.machine_id, e.kind, e.body FROM entries e JOIN machines m "
            "ON e.machine_id = m.machine_id WHERE m.office_code = ? AND e.kind IN (?, ?) "
            "AND e.status = ? ORDER BY e.machine_id, e.seq",
            [machine["office_code"], KIND_CLOSING_SIGNED, KIND_CLOSING_COUNTERSIGNED,
             protocol.ENTRY_STORED]).fetchall()
    found: dict[str, dict] = {}
    for row in rows:
        entry = json.loads(row["body"])
        payload = entry["payload"]
        if payload.get("date") != day:
            continue
        signer = {"operator_id": entry["operator"], "at": entry["device_time"],
                  "sha256": payload["sha256"]}
        if row["kind"] == KIND_CLOSING_SIGNED:
            found[row["machine_id"]] = {
                "machine_id": row["machine_id"], "window": str(payload["window"]),
                "sha256": payload["sha256"], "closing": payload["closing"], "seq": entry["seq"],
                "signed_off_by": [{**signer, "role": "registrar"}]}
        elif row["machine_id"] in found and found[row["machine_id"]]["sha256"] == payload["sha256"]:
            found[row["machine_id"]]["signed_off_by"].append({**signer, "role": "supervisor"})
    return {"office_code": machine["office_code"], "date": day, "operator_id": operator,
            "closings": sorted(found.values(), key=lambda c: (c["window"], c["machine_id"]))}
