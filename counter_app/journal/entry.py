"""The journal entry as the rest of the application sees it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from counter_app.journal.canonical import canonical_json, entry_hash


@dataclass(frozen=True)
class Entry:
    """One committed, hash-chained journal entry. Never changed once written."""

    seq: int
    entry_id: str
    case_id: str | None
    kind: str
    payload: dict[str, Any]
    operator: str
    device_time: str
    clock: dict[str, Any]
    prev_hash: str
    hash: str
    attachments: list[dict[str, Any]] = field(default_factory=list)

    def computed_hash(self) -> str:
        """The hash this entry's fields give now (equal to ``hash`` unless it was altered)."""
        return entry_hash(seq=self.seq, entry_id=self.entry_id, case_id=self.case_id,
                          kind=self.kind, payload=self.payload, operator=self.operator,
                          device_time=self.device_time, clock=self.clock,
                          attachments=self.attachments, prev_hash=self.prev_hash)

    def as_row(self) -> dict[str, Any]:
        return {"seq": self.seq, "entry_id": self.entry_id, "case_id": self.case_id,
                "kind": self.kind, "payload": canonical_json(self.payload),
                "operator": self.operator, "device_time": self.device_time,
                "clock": canonical_json(self.clock), "prev_hash": self.prev_hash,
                "hash": self.hash, "attachments": canonical_json(self.attachments)}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Entry":
        return cls(seq=row["seq"], entry_id=row["entry_id"], case_id=row["case_id"],
                   kind=row["kind"], payload=json.loads(row["payload"]),
                   operator=row["operator"], device_time=row["device_time"],
                   clock=json.loads(row["clock"]), prev_hash=row["prev_hash"],
                   hash=row["hash"], attachments=json.loads(row.get("attachments") or "[]"))
