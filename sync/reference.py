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
from sync import answers, operator_accounts, protocol
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
    """One page of a collection after ``cursor``, believed only as a whole: the transport has
    verified the server's signature on the answer (docs §4.3) and the page has items, a
    next_cursor and more (answers.check_page: ProtocolError or a refusal otherwise)."""
    where = f"GET /v1/reference/{collection}"
    response = transport.get(f"{protocol.API_PREFIX}/reference/{collection}",
                             {"cursor": cursor, "limit": PAGE_LIMIT})
    items, next_cursor, more = answers.check_page(response.body, where)
    return {**response.body, "items": items, "next_cursor": next_cursor, "more": more}


def pull_page(transport: Transport, journal: Journal, state: SyncState, collection: str, *,
              office_code: str | None = None) -> bool:
    """Fetch one page after the saved cursor and append its items; True when more remain.

    Every item is turned into its entry (and number blocks checked against ``office_code``)
    before the first one is appended. The operators collection is read whole every cycle
    instead (sync.operator_accounts), through the same signed, checked fetch_page.
    """
    if collection == OPERATORS:
        return operator_accounts.pull_page(transport, journal, state,
                                           lambda cursor: fetch_page(transport, OPERATORS,
                                                                     cursor))
    cursor = state.get(f"cursor:{collection}", "0")
    body = fetch_page(transport, collection, cursor)
    items, next_cursor, more = body["items"], body["next_cursor"], body["more"]
    if collection == "number_blocks" and office_code is not None:
        for item in items:
            answers.check_block_office(item, office_code)
    for kind, payload, entry_id in [entry_for(collection, item) for item in items]:
        journal.append(kind, payload, operator=SYNC_OPERATOR, entry_id=entry_id)
    # the cursor is saved only after every item of the page is durably in the journal
    state.set(**{f"cursor:{collection}": next_cursor})
    return more
