"""The ``operators`` collection, read whole every cycle, becomes the counter's accounts.

Unlike the other collections (a delta pull that keeps its cursor), operators are read from
cursor "0" to ``more: false`` in every cycle (docs/sync-protocol.md §13): only a complete
read can confirm an account (the offline grace counts from it) or notice one that is gone
(absent, or a tombstone). The read in progress (cursor, start time, the ids and versions seen)
is kept in the sync state, so a restart continues it; it is cleared once the pull is complete
and its entries are in the journal. ``counter_app.operators.province`` turns what was seen
into entries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from counter_app.journal import Journal
from counter_app.operators import province
from sync import protocol
from sync.errors import ProtocolError
from sync.state import SyncState
from sync.transport import Transport

SYNC_OPERATOR = "sync"
#: The sync-state key of the read in progress.
SNAPSHOT_KEY = "operators_snapshot"

#: ``fetch(cursor) -> page body`` (checked: it has items and next_cursor).
Fetch = Callable[[str], dict[str, Any]]


def pull_page(transport: Transport, journal: Journal, state: SyncState, fetch: Fetch) -> bool:
    """Read one page of the collection; True while more remain in this complete read."""
    snap = state.get(SNAPSHOT_KEY) or {"cursor": "0", "seen": {}, "changed": False,
                                       "started_at": protocol.iso(transport.server_now())}
    started_at = protocol.parse_time(snap["started_at"])
    body = fetch(snap["cursor"])
    for item in body["items"]:
        item_id, version, account = _parse(item)
        if account is None:
            snap["seen"].pop(item_id, None)   # a tombstone: removed at the end of the read
            continue
        snap["seen"][item_id] = version
        if province.record_account(journal, account, started_at, operator=SYNC_OPERATOR):
            snap["changed"] = True
    snap["cursor"] = str(body["next_cursor"])
    if body.get("more"):
        state.set(**{SNAPSHOT_KEY: snap})
        return True
    province.finish_pull(journal, snap["seen"], started_at, snap["changed"],
                         operator=SYNC_OPERATOR)
    state.set(**{SNAPSHOT_KEY: None})   # only after the entries are durable
    return False


def _parse(item: Any) -> tuple[str, int, province.ProvinceAccount | None]:
    try:
        return province.parse_item(item)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProtocolError("省级系统下发的账号数据格式不对，已跳过本次更新。",
                            detail=f"operators item: {exc!r}") from None
