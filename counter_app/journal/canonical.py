"""Canonical JSON and the entry hash that chains the journal.

Canonical JSON here is: UTF-8, keys sorted, no insignificant whitespace, non-ASCII kept as is,
no NaN or infinity. Python's float repr is the shortest round-trip form, so a float hashes the
same on every machine; payloads should still prefer integers and strings (money in fen, dates
as ISO strings).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """Serialise ``value`` canonically. Raises ValueError for NaN/inf or non-JSON types."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)


def hashed_fields(seq: int, entry_id: str, case_id: str | None, kind: str, payload: Any,
                  operator: str, device_time: str, clock: dict, attachments: list[dict],
                  prev_hash: str) -> dict:
    """The exact object whose canonical JSON is hashed. ``attachments`` is omitted when empty,
    so entries written before attachments existed (schema v1) keep their hashes."""
    fields = {
        "seq": seq, "entry_id": entry_id, "case_id": case_id, "kind": kind,
        "payload": payload, "operator": operator, "device_time": device_time,
        "clock": clock, "prev_hash": prev_hash,
    }
    if attachments:
        fields["attachments"] = attachments
    return fields


def entry_hash(**fields: Any) -> str:
    """SHA-256 (hex) over the canonical JSON of :func:`hashed_fields`."""
    return hashlib.sha256(canonical_json(hashed_fields(**fields)).encode("utf-8")).hexdigest()
