"""The outbox, derived: what is waiting to go up, computed from the journal every time.

Pending entries are the journal entries after the server's acknowledged seq; pending
attachments are the attachments those (and earlier) entries reference that the server has not
confirmed complete. Nothing is ever "put into" an outbox, so nothing can get stuck in one
(OpenCRVS's recurring "stuck in Outbox" reports) or be lost from it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from typing import Any

from counter_app.journal import Journal
from counter_app.journal.core_projections import attachment_cases, attachments_first_referenced
from counter_app.journal.entry import Entry
from sync import protocol
from sync.answers import REQUIREMENTS, Held
from sync.decide import PendingAttachment, send_order
from sync.errors import UntrustedAnswerError
from sync.kinds import KIND_ANSWER_REFUSED
from sync.state import SyncState


def pending_entries(journal: Journal, after_seq: int, limit: int) -> list[Entry]:
    """Up to ``limit`` entries after ``after_seq``, in seq order."""
    rows = journal.query("SELECT * FROM entries WHERE seq > ? ORDER BY seq LIMIT ?",
                         [after_seq, limit])
    return [Entry.from_row(r) for r in rows]


def held(journal: Journal, seqs: Iterable[int]) -> dict[int, Held]:
    """What the journal holds at each of ``seqs`` (those it has), to check an answer with."""
    wanted = sorted(set(seqs))
    found: dict[int, Held] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start:start + 500]
        rows = journal.query(f"SELECT seq, entry_id, case_id, hash FROM entries WHERE seq IN "
                             f"({', '.join('?' * len(part))})", part)
        found.update({r["seq"]: Held(r["entry_id"], r["case_id"], r["hash"]) for r in rows})
    return found


def uploaded_cases(journal: Journal, case_ids: Iterable[str], through_seq: int) -> set[str]:
    """Those of ``case_ids`` that have an entry at or before ``through_seq`` (uploaded)."""
    found: set[str] = set()
    for case_id in set(case_ids):
        if journal.query("SELECT 1 FROM entries WHERE case_id = ? AND seq <= ? LIMIT 1",
                         [case_id, through_seq]):
            found.add(case_id)
    return found


def business_pending(journal: Journal, after_seq: int) -> bool:
    """Whether a business entry waits after the seq: anything but bookkeeping (``sync.*``
    entries and the facts the server itself sent, protocol.is_bookkeeping), which waits for
    the attachments instead of costing a round trip of its own."""
    facts = protocol.SERVER_FACT_KINDS
    return bool(journal.query(
        f"SELECT 1 FROM entries WHERE seq > ? AND kind NOT LIKE 'sync.%' AND kind NOT IN "
        f"({', '.join('?' * len(facts))}) LIMIT 1", [after_seq, *facts]))


def pending_attachments(journal: Journal, state: SyncState, through_seq: int,
                        skip: Collection[str] = frozenset()) -> list[PendingAttachment]:
    """Attachments first referenced at or before ``through_seq`` and not known complete."""
    floor = int(state.get("attachments_done_through", 0))
    rows = attachments_first_referenced(journal, floor, through_seq)
    progress = state.progress(row["sha256"] for row in rows)
    pending = []
    for row in rows:
        info = progress.get(row["sha256"], {})
        if not info.get("complete") and row["sha256"] not in skip:
            pending.append(PendingAttachment(row["sha256"], row["size"],
                                             int(info.get("received", 0)), row["first_seq"]))
    return pending


def advance_attachment_floor(state: SyncState, through_seq: int) -> None:
    """Everything up to ``through_seq`` is complete: later scans can start from there."""
    if through_seq > int(state.get("attachments_done_through", 0)):
        state.set(attachments_done_through=through_seq)


def status(journal: Journal, state: SyncState) -> dict[str, Any]:
    """What ``counter-app sync status --json`` prints and the UI shows."""
    head, head_hash = journal.head()
    acked = min(state.acked_seq, head)
    attachments = pending_attachments(journal, state, head)
    by_case = _cases(journal, acked, attachments)
    return {
        "enrolled": state.get("machine_id") is not None,
        "machine_id": state.get("machine_id"),
        "head_seq": head,
        "acked_seq": acked,
        "pending_entries": head - acked,
        # "all sent": the server's verified position is the head, with the head's hash
        "all_sent": acked == head and state.get("acked_hash") == head_hash and not attachments,
        "refused_answers": refused_answers(journal),
        "pending_attachments": len(attachments),
        "pending_attachment_bytes": sum(a.size - a.received for a in attachments),
        "last_success": state.get("last_success"),
        "last_error": state.get("last_error"),
        "clock_warning": state.get("clock_warning"),
        "stage": state.get("stage"),
        "cases": by_case,
        "attachments": _attachment_items(
            journal, state, sorted(attachments, key=send_order)[:ITEM_LIMIT]),
    }


ITEM_LIMIT = 50
REFUSAL_LIMIT = 5


def record_refusal(journal: Journal, err: UntrustedAnswerError, operator: str = "sync") -> None:
    """Journal a refused answer: what it broke, what was seen, the registrar's reason. The
    entry id is derived from the evidence, so the same lie seen again adds nothing."""
    key = f"{err.requirement}|{err.endpoint}|{err.evidence}"
    payload = {"requirement": err.requirement, "endpoint": err.endpoint,
               "evidence": err.evidence, "reason": err.message_zh,
               "rule": REQUIREMENTS.get(err.requirement, "")}
    journal.append(KIND_ANSWER_REFUSED, payload, operator=operator, case_id=err.case_id,
                   entry_id="refused-" + protocol.sha256_hex(key.encode("utf-8"))[:32])


def refused_answers(journal: Journal) -> list[dict]:
    """The latest server answers refused as untrue (``sync.answer_refused``), newest first."""
    rows = journal.query("SELECT seq, case_id, device_time, payload FROM entries WHERE kind = ? "
                         "ORDER BY seq DESC LIMIT ?", [KIND_ANSWER_REFUSED, REFUSAL_LIMIT])
    return [{"seq": r["seq"], "at": r["device_time"], "case_id": r["case_id"],
             **{k: v for k, v in json.loads(r["payload"]).items()
                if k in ("requirement", "endpoint", "evidence", "reason")}} for r in rows]


def _attachment_items(journal: Journal, state: SyncState,
                      items: list[PendingAttachment]) -> list[dict]:
    """Per pending attachment, the smallest first (the order they will go): for the UI."""
    progress = state.progress(a.sha256 for a in items)
    cases = attachment_cases(journal, (a.sha256 for a in items))
    return [{"sha256": a.sha256, "case_id": cases.get(a.sha256), "size": a.size,
             "received": a.received, "attempts": progress.get(a.sha256, {}).get("attempts", 0),
             "last_error": progress.get(a.sha256, {}).get("last_error")}
            for a in items]


def _cases(journal: Journal, acked: int, attachments: list[PendingAttachment]) -> list[dict]:
    """Per case: what waits locally and what the server said (cases needing attention)."""
    cases: dict[str, dict] = {}

    def case(case_id: str) -> dict:
        return cases.setdefault(case_id, {"case_id": case_id, "pending_entries": 0,
                                          "pending_attachments": 0, "server_status": None,
                                          "reason_code": None, "reason": None})

    for row in journal.query("SELECT case_id, count(*) AS n FROM entries WHERE seq > ? "
                             "AND case_id IS NOT NULL GROUP BY case_id", [acked]):
        case(row["case_id"])["pending_entries"] = row["n"]
    for case_id in attachment_cases(journal, (a.sha256 for a in attachments)).values():
        if case_id is not None:
            case(case_id)["pending_attachments"] += 1
    for row in journal.query("SELECT case_id, status, reason_code, reason FROM "
                             "sync_case_status WHERE status != 'accepted'"):
        item = case(row["case_id"])
        item.update(server_status=row["status"], reason_code=row["reason_code"],
                    reason=row["reason"])
    return sorted(cases.values(), key=lambda c: c["case_id"])
