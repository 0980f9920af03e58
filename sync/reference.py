"""Reference data pulled from the server becomes journal entries (delta pull with cursors).

Every item gets a deterministic ``entry_id`` (collection, id, version), so pulling the same
page twice - after a crash before the cursor was saved, or after the sync state was lost -
appends nothing twice. Certificate-number blocks and blank-stock ranges use the exact kinds
and payloads ``counter_app.numbering`` reads; operators become the counter's accounts
(``sync.operator_accounts``); everything else is ``reference.updated``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from counter_app.journal import Journal
from counter_app.numbering.kinds import KIND_NUMBERING_BLOCK_RECEIVED, KIND_STOCK_RANGE_RECEIVED
from sync import operator_accounts, protocol
from sync.errors import ProtocolError
from sync.kinds import KIND_REFERENCE
from sync.state import SyncState
from sync.transport import Transport

PAGE_LIMIT = 200
SYNC_OPERATOR = "sync"
OPERATORS = "operators"


def entry_for(collection: str, item: dict[str, Any]) -> tuple[str, dict, str]:
    """(kind, payload, entry_id) for one pulled item; ProtocolError when it is malformed."""
    try:
        item_id, version = str(item["id"]), int(item["version"])
        data = item.get("data") or {}
        if collection == "number_blocks":
            payload = {"block_id": str(data["block_id"]), "prefix": data["prefix"],
                       "division_code": str(data["division_code"]), "year": int(data["year"]),
                       "first_serial": int(data["first_serial"]),
                       "last_serial": int(data["last_serial"]), "source": "server"}
            if payload["prefix"] not in protocol.BLOCK_PREFIXES:
                raise ValueError(f"prefix {payload['prefix']!r}")
            kind = KIND_NUMBERING_BLOCK_RECEIVED
        elif collection == "blank_ranges":
            payload = {"range_id": str(data["range_id"]), "certificate": data["certificate"],
                       "first": str(data["first"]), "last": str(data["last"]),
                       "source": "server"}
            if payload["certificate"] not in ("marriage", "divorce"):
                raise ValueError(f"certificate {payload['certificate']!r}")
            kind = KIND_STOCK_RANGE_RECEIVED
        else:
            payload = {"collection": collection, "id": item_id, "version": version,
                       "deleted": bool(item.get("deleted", False)), "data": data}
            kind = KIND_REFERENCE
    except (KeyError, TypeError, ValueError) as exc:
        raise ProtocolError("省级系统下发的基础数据格式不对，已跳过本次更新。",
                            detail=f"{collection} item: {exc!r}") from None
    digest = hashlib.sha256(f"{collection}|{item_id}|{version}".encode()).hexdigest()[:32]
    return kind, payload, f"ref-{digest}"


def fetch_page(transport: Transport, collection: str, cursor: str) -> dict[str, Any]:
    """One page of a collection after ``cursor``; ProtocolError when it is not a page."""
    response = transport.get(f"{protocol.API_PREFIX}/reference/{collection}",
                             {"cursor": cursor, "limit": PAGE_LIMIT})
    body = response.body
    if not isinstance(body.get("items"), list) or "next_cursor" not in body:
        raise ProtocolError("省级系统下发的基础数据格式不对，稍后重试。",
                            detail=f"{collection} page without items/next_cursor")
    return body


def pull_page(transport: Transport, journal: Journal, state: SyncState, collection: str) -> bool:
    """Fetch one page after the saved cursor and append its items; True when more remain.
    The operators collection is read whole every cycle instead (sync.operator_accounts)."""
    if collection == OPERATORS:
        return operator_accounts.pull_page(transport, journal, state,
                                           lambda cursor: fetch_page(transport, OPERATORS,
                                                                     cursor))
    cursor = state.get(f"cursor:{collection}", "0")
    body = fetch_page(transport, collection, cursor)
    for item in body["items"]:
        kind, payload, entry_id = entry_for(collection, item)
        journal.append(kind, payload, operator=SYNC_OPERATOR, entry_id=entry_id)
    # the cursor is saved only after every item of the page is durably in the journal
    state.set(**{f"cursor:{collection}": str(body["next_cursor"])})
    return bool(body.get("more"))
