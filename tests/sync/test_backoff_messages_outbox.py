"""Ensure retries keep going after a long outage, every server error code has a message a
registrar can read, and the outbox lists the attachments in the order they will be sent."""

from __future__ import annotations

import random
import re

from sync import protocol
from sync.backoff import Backoff
from sync.engine import state_label_key
from sync.outbox import ITEM_LIMIT, status
from sync.state import SyncState
from sync.transport import USER_MESSAGES


def test_a_weekend_offline_never_overflows_the_backoff():
    backoff = Backoff(base_s=1.0, cap_s=300.0, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(1100)]  # ~2 days of failures at the cap
    assert max(delays) <= 300.0
    assert backoff.next_delay(retry_after_s=10_000) == 300.0


def test_every_server_error_code_has_a_chinese_message():
    missing = set(protocol.ERRORS) - set(USER_MESSAGES)
    assert not missing
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in USER_MESSAGES.values())


def test_the_outbox_lists_the_smallest_attachments_first_even_beyond_its_limit(journal,
                                                                              tmp_path):
    sizes = list(range(ITEM_LIMIT + 20, 0, -1))          # the oldest are the largest
    for size in sizes:
        ref = journal.put_attachment(bytes([size % 251]) * size, "application/octet-stream")
        journal.append("document.scanned", {"n": size}, operator="t", case_id="c1",
                       attachments=[ref])
    state = SyncState(tmp_path / "state.db", label_key=state_label_key(journal))
    try:
        listed = status(journal, state)["attachments"]
    finally:
        state.close()
    assert len(listed) == ITEM_LIMIT
    assert [a["size"] for a in listed] == list(range(1, ITEM_LIMIT + 1))


def test_the_outbox_counts_each_case_s_waiting_attachments(journal, tmp_path):
    for n, case_id in enumerate(("c1", "c1", "c2", None)):
        journal.append("document.scanned", {"n": n}, operator="t", case_id=case_id,
                       attachments=[(bytes([n]) * 10, "application/octet-stream")])
    state = SyncState(tmp_path / "state.db", label_key=state_label_key(journal))
    try:
        result = status(journal, state)
    finally:
        state.close()
    assert {c["case_id"]: c["pending_attachments"] for c in result["cases"]} == {"c1": 2, "c2": 1}
    assert sorted(a["case_id"] or "" for a in result["attachments"]) == ["", "c1", "c1", "c2"]
