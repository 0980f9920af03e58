"""The simulator's business logic: ordered idempotent entry intake, attachments by offset,
per-case status with conflict detection, and the 联网核对 answer."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from typing import Any

from sync import protocol
from sync.simulator.store import SimStore, fsync_write, now


class LedgerError(Exception):
    """An error answer: ``code`` from protocol.ERRORS plus extra body fields."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra


def store_entries(store: SimStore, machine_id: str, entries: list[dict],
                  rejects: Callable[[str], bool]) -> dict:
    """Take a batch in order: duplicates are acknowledged again with their original verdict,
    the next seq is checked (chain, hash) and stored, a gap is refused with our position."""
    if len(entries) > protocol.BATCH_ENTRIES:
        raise LedgerError("too_large", f"{len(entries)} entries in a batch, at most "
                          f"{protocol.BATCH_ENTRIES}")
    seqs = [_int(entry, "seq") for entry in entries]
    if seqs and seqs != list(range(seqs[0], seqs[0] + len(seqs))):
        raise LedgerError("bad_request", "the seqs of a batch must be consecutive")
    with store.tx():
        acked, acked_hash = store.position(machine_id)
        if seqs and seqs[0] > acked + 1:
            # checked before anything is stored: the position in the answer is the true one
            raise LedgerError("sequence_gap", f"expected seq {acked + 1}, got {seqs[0]}",
                              acked_seq=acked, acked_hash=acked_hash)
        results: list[dict] = []
        touched: set[str] = set()
        for entry in entries:
            seq = _int(entry, "seq")
            if seq <= acked:
                results.append(_duplicate(store, machine_id, entry))
                continue
            _check_chain(entry, acked_hash)
            results.append(_store_one(store, machine_id, entry, rejects, touched))
            acked, acked_hash = seq, entry["hash"]
        cases = [_case_status(store, c) for c in sorted(touched)]
    return {"acked_seq": acked, "acked_hash": acked_hash, "results": results,
            "cases": [c for c in cases if c]}


def _int(entry: dict, key: str) -> int:
    try:
        return int(entry[key])
    except (KeyError, TypeError, ValueError):
        raise LedgerError("bad_request", f"entry without a valid {key}") from None


def _check_chain(entry: dict, prev_hash: str) -> None:
    try:
        computed = protocol.entry_hash(entry)
    except (KeyError, TypeError, ValueError) as exc:
        raise LedgerError("bad_request", f"entry {entry.get('seq')} malformed: {exc!r}")
    if entry.get("prev_hash") != prev_hash or computed != entry.get("hash"):
        raise LedgerError("chain_broken", f"entry {entry.get('seq')} does not continue the "
                          "chain", seq=entry.get("seq"))


def _duplicate(store: SimStore, machine_id: str, entry: dict) -> dict:
    row = store.db.execute("SELECT * FROM entries WHERE machine_id = ? AND seq = ?",
                           [machine_id, entry["seq"]]).fetchone()
    if row["hash"] != entry.get("hash"):
        raise LedgerError("chain_broken", f"seq {entry['seq']} differs from the stored one",
                          seq=entry["seq"])
    store.db.execute("UPDATE entries SET deliveries = deliveries + 1 WHERE machine_id = ? "
                     "AND seq = ?", [machine_id, entry["seq"]])
    return _result(row, duplicate=True)


def _result(row: sqlite3.Row, duplicate: bool = False) -> dict:
    result = {"seq": row["seq"], "entry_id": row["entry_id"], "case_id": row["case_id"],
              "status": row["status"], "duplicate": duplicate}
    if row["status"] == protocol.ENTRY_REJECTED:
        result.update(reason_code=row["reason_code"], reason=row["reason"])
    return result


def _store_one(store: SimStore, machine_id: str, entry: dict, rejects: Callable[[str], bool],
               touched: set[str]) -> dict:
    kind, case_id = str(entry["kind"]), entry.get("case_id")
    status, code, reason = protocol.ENTRY_STORED, None, None
    business = not protocol.is_bookkeeping(kind)
    if business and rejects(str(entry["entry_id"])):
        status, code = protocol.ENTRY_REJECTED, "incomplete_documents"
        reason = "材料不齐：省级系统要求补充户口簿本人页扫描件，请补录后重新提交。"
    store.db.execute("INSERT INTO entries (machine_id, seq, entry_id, case_id, kind, hash, "
                     "body, status, reason_code, reason) VALUES (?,?,?,?,?,?,?,?,?,?)",
                     [machine_id, entry["seq"], entry["entry_id"], case_id, kind,
                      entry["hash"], protocol.canonical_json(entry), status, code, reason])
    if case_id and business:
        touched.add(case_id)
        _touch_case(store, machine_id, case_id, entry, status, code, reason)
    row = store.db.execute("SELECT * FROM entries WHERE machine_id = ? AND seq = ?",
                           [machine_id, entry["seq"]]).fetchone()
    return _result(row)


def _touch_case(store: SimStore, machine_id: str, case_id: str, entry: dict, status: str,
                code: str | None, reason: str | None) -> None:
    store.db.execute("INSERT OR IGNORE INTO cases VALUES (?, ?, 'pending', NULL, NULL, 0, 0)",
                     [case_id, machine_id])
    for ref in entry.get("attachments") or []:
        store.db.execute("INSERT OR IGNORE INTO attachments VALUES (?, ?, 0, 0, 0)",
                         [ref["sha256"], int(ref["size"])])
        store.db.execute("INSERT OR IGNORE INTO attachment_refs VALUES (?, ?, ?)",
                         [ref["sha256"], case_id, machine_id])
    if status == protocol.ENTRY_REJECTED:
        _set_case(store, case_id, protocol.CASE_REJECTED, code, reason)
    elif entry["kind"] in protocol.REGISTRATION_KINDS:
        _register(store, machine_id, case_id, entry.get("payload") or {})
    _settle(store, case_id)


def _register(store: SimStore, machine_id: str, case_id: str, payload: dict) -> None:
    """A marriage made at the counter: conflict if a party is married in another case (the
    emergency offline registration case, MZ/T 024-2011 应急单机版)."""
    if payload.get("item") != "marriage":
        return
    machine = store.machine(machine_id)
    assert machine is not None  # the request was authenticated as this machine
    office = machine["office_code"]
    ids = [str(p.get("id_number")) for p in payload.get("parties") or [] if p.get("id_number")]
    for role, id_number in zip(("一方", "另一方"), ids):
        row = store.db.execute("SELECT * FROM persons WHERE id_number = ?",
                               [id_number]).fetchone()
        if row and row["status"] == "married" and row["case_id"] != case_id:
            _set_case(store, case_id, protocol.CASE_CONFLICT, "party_already_married",
                      f"当事人{role}在其他登记机关已有有效的结婚登记，本次登记与之冲突，"
                      "请立即联系上级民政部门处理。")
            return
    for id_number in ids:
        store.db.execute("INSERT OR REPLACE INTO persons VALUES (?, 'married', ?, ?)",
                         [id_number, case_id, office])


def _set_case(store: SimStore, case_id: str, status: str, code: str | None,
              reason: str | None) -> None:
    row = store.db.execute("SELECT status, reason_code FROM cases WHERE case_id = ?",
                           [case_id]).fetchone()
    if row["status"] in (protocol.CASE_REJECTED, protocol.CASE_CONFLICT):
        return  # a negative verdict stays until a person resolves it on the server
    if (row["status"], row["reason_code"]) == (status, code):
        return
    store.db.execute("UPDATE cases SET status = ?, reason_code = ?, reason = ?, "
                     "version = version + 1, change = ? WHERE case_id = ?",
                     [status, code, reason, store.counter("change", 1), case_id])


def _settle(store: SimStore, case_id: str) -> None:
    """pending -> accepted once every attachment the case references is complete."""
    missing = store.db.execute(
        "SELECT count(*) FROM attachment_refs r JOIN attachments a USING (sha256) "
        "WHERE r.case_id = ? AND a.complete = 0", [case_id]).fetchone()[0]
    _set_case(store, case_id, protocol.CASE_PENDING if missing else protocol.CASE_ACCEPTED,
              None, None)


def _case_status(store: SimStore, case_id: str) -> dict | None:
    row = store.db.execute("SELECT * FROM cases WHERE case_id = ?", [case_id]).fetchone()
    if row is None:
        return None
    return {"case_id": row["case_id"], "status": row["status"], "version": row["version"],
            "reason_code": row["reason_code"], "reason": row["reason"]}


def case_status_page(store: SimStore, machine_id: str, cursor: int, limit: int) -> dict:
    with store.lock:
        rows = store.db.execute("SELECT case_id, change FROM cases WHERE machine_id = ? AND "
                                "change > ? ORDER BY change LIMIT ?",
                                [machine_id, cursor, limit + 1]).fetchall()
        items = [_case_status(store, r["case_id"]) for r in rows[:limit]]
    last = rows[:limit][-1]["change"] if rows else cursor
    return {"items": items, "next_cursor": str(last), "more": len(rows) > limit}


def rejections_page(store: SimStore, machine_id: str, cursor: int, limit: int) -> dict:
    """Rejected entries of this machine after seq ``cursor`` (the feed that makes a rejection
    visible even when the batch answer carrying it was lost)."""
    with store.lock:
        rows = store.db.execute("SELECT * FROM entries WHERE machine_id = ? AND seq > ? AND "
                                "status = ? ORDER BY seq LIMIT ?",
                                [machine_id, cursor, protocol.ENTRY_REJECTED, limit + 1]).fetchall()
    items = [_result(r) for r in rows[:limit]]
    last = rows[:limit][-1]["seq"] if rows else cursor
    return {"items": items, "next_cursor": str(last), "more": len(rows) > limit}


def _refusal(item: str, status: str, marriages: int, parties: int) -> str | None:
    """Why a party may not register this item (None: may), docs §8. A divorce is not refused
    by the simulator: it holds only what counters uploaded, not the province's older records
    [M: how the province answers a divorce check is unverified]."""
    if item == "marriage" and status == "married":
        return "已有有效的结婚登记"
    return None  # divorce and reissue: the statuses inform, they do not refuse


# --- attachments ---------------------------------------------------------------------------
def attachment_status(store: SimStore, machine_id: str, sha256: str) -> dict:
    with store.lock:
        row = _attachment_row(store, machine_id, sha256)
    return {"sha256": sha256, "size": row["size"], "received": row["received"],
            "complete": bool(row["complete"])}


def _attachment_row(store: SimStore, machine_id: str, sha256: str) -> sqlite3.Row:
    row = store.db.execute(
        "SELECT a.* FROM attachments a JOIN attachment_refs r USING (sha256) "
        "WHERE a.sha256 = ? AND r.machine_id = ?", [sha256, machine_id]).fetchone()
    if row is None:
        raise LedgerError("not_found", "no acknowledged entry of this machine references "
                          "this attachment", sha256=sha256)
    return row


def check_offset(store: SimStore, machine_id: str, sha256: str, offset: int,
                 total: int) -> None:
    """Refuse a chunk that does not start where we are (the answer says where we are)."""
    with store.lock:
        row = _attachment_row(store, machine_id, sha256)
        if total != row["size"]:
            raise LedgerError("bad_request", f"upload length {total} != size {row['size']}")
        if row["complete"] or offset != row["received"]:
            raise LedgerError("offset_mismatch", "offset does not match", sha256=sha256,
                              received=row["received"], complete=bool(row["complete"]))


def append_chunk(store: SimStore, machine_id: str, sha256: str, offset: int,
                 data: bytes) -> dict:
    """Append bytes at ``offset`` (possibly a partial chunk from a cut connection); verify the
    SHA-256 when the attachment is whole. Returns the new status and cases that changed."""
    with store.tx():
        row = _attachment_row(store, machine_id, sha256)
        if row["complete"] or offset != row["received"]:
            raise LedgerError("offset_mismatch", "offset does not match", sha256=sha256,
                              received=row["received"], complete=bool(row["complete"]))
        data = data[:row["size"] - offset]
        fsync_write(store.blob_path(sha256, partial=True), data, append=offset > 0)
        received = offset + len(data)
        complete, cases = False, []
        if received == row["size"]:
            complete = _finish(store, sha256)
            if not complete:
                raise LedgerError("hash_mismatch", "the assembled bytes do not hash to the "
                                  "name; start again at 0", sha256=sha256, received=0)
            cases = _settle_all(store, sha256)
        store.db.execute("UPDATE attachments SET received = ?, complete = ?, "
                         "completions = completions + ? WHERE sha256 = ?",
                         [received, int(complete), int(complete), sha256])
    return {"sha256": sha256, "received": received, "complete": complete, "cases": cases}


def _finish(store: SimStore, sha256: str) -> bool:
    part = store.blob_path(sha256, partial=True)
    digest = hashlib.sha256(part.read_bytes()).hexdigest()
    if digest != sha256:
        part.unlink()
        store.db.execute("UPDATE attachments SET received = 0 WHERE sha256 = ?", [sha256])
        store.db.execute("COMMIT")  # keep the reset although the request fails
        store.db.execute("BEGIN IMMEDIATE")
        return False
    part.replace(store.blob_path(sha256))
    return True


def _settle_all(store: SimStore, sha256: str) -> list[dict]:
    store.db.execute("UPDATE attachments SET complete = 1 WHERE sha256 = ?", [sha256])
    case_ids = [r[0] for r in store.db.execute(
        "SELECT case_id FROM attachment_refs WHERE sha256 = ?", [sha256])]
    for case_id in case_ids:
        _settle(store, case_id)
    return [c for c in (_case_status(store, cid) for cid in case_ids) if c]


# --- handing a machine's journal back (docs/sync-protocol.md §7.5) --------------------------
#: Bytes of attachment content per answer (base64 in JSON).
CONTENT_PIECE = 512 * 1024


def entries_page(store: SimStore, machine_id: str, cursor: int, limit: int) -> dict:
    """This machine's stored entries after seq ``cursor``, exactly as they were uploaded."""
    with store.lock:
        rows = store.db.execute("SELECT seq, body FROM entries WHERE machine_id = ? AND seq > ? "
                                "ORDER BY seq LIMIT ?", [machine_id, cursor, limit + 1]).fetchall()
        acked, acked_hash = store.position(machine_id)
    items = [json.loads(r["body"]) for r in rows[:limit]]
    last = rows[:limit][-1]["seq"] if rows else cursor
    return {"items": items, "next_cursor": str(last), "more": len(rows) > limit,
            "acked_seq": acked, "acked_hash": acked_hash}


def attachment_content(store: SimStore, machine_id: str, sha256: str, offset: int) -> dict:
    """Up to CONTENT_PIECE bytes of a complete attachment this machine uploaded."""
    import base64

    with store.lock:
        row = _attachment_row(store, machine_id, sha256)
        if not row["complete"]:
            raise LedgerError("not_found", "the attachment was never completely uploaded",
                              sha256=sha256)
        with open(store.blob_path(sha256), "rb") as fh:
            fh.seek(offset)
            data = fh.read(CONTENT_PIECE)
    return {"sha256": sha256, "size": row["size"], "offset": offset,
            "data": base64.b64encode(data).decode("ascii"),
            "complete": offset + len(data) >= row["size"]}


# --- 联网核对 -------------------------------------------------------------------------------
def marital_check(store: SimStore, machine_id: str, body: dict,
                  sign: Callable[[bytes], dict]) -> dict:
    """The signed answer for one request (the same answer again for the same request id)."""
    request_id = str(body.get("request_id") or "")
    parties = body.get("parties")
    if not request_id or not isinstance(parties, list) or not parties:
        raise LedgerError("bad_request", "request_id and parties are required")
    if body.get("item") not in ("marriage", "divorce", "reissue"):
        raise LedgerError("bad_request", "item must be marriage, divorce or reissue")
    digest = protocol.sha256_hex(protocol.canonical_json(body).encode("utf-8"))
    with store.tx():
        row = store.db.execute("SELECT c.machine_id, c.response, r.sha256 FROM checks c "
                               "LEFT JOIN check_requests r USING (request_id) "
                               "WHERE c.request_id = ?", [request_id]).fetchone()
        if row and (row["machine_id"], row["sha256"] or digest) != (machine_id, digest):
            raise LedgerError("idempotency_conflict", "this request_id was used with another "
                              "request body", request_id=request_id)
        if row:
            return json.loads(row["response"])
        answer = _answer(store, machine_id, request_id, body, parties)
        response = {"answer": answer, **sign(protocol.answer_bytes(answer))}
        store.db.execute("INSERT INTO checks VALUES (?, ?, ?)",
                         [request_id, machine_id, json.dumps(response, ensure_ascii=False)])
        store.db.execute("INSERT INTO check_requests VALUES (?, ?)", [request_id, digest])
    return response


def _answer(store: SimStore, machine_id: str, request_id: str, body: dict,
            parties: list) -> dict:
    results = []
    rows = [store.db.execute("SELECT status, case_id FROM persons WHERE id_number = ?",
                             [str(p.get("id_number"))]).fetchone() for p in parties]
    marriages = {r["case_id"] for r in rows if r is not None and r["status"] == "married"}
    for party, row in zip(parties, rows):
        status = row["status"] if row else "unmarried"
        reason = _refusal(str(body.get("item")), status, len(marriages), len(parties))
        results.append({"role": party.get("role"), "id_number": party.get("id_number"),
                        "marital_status": status, "can_register": reason is None,
                        "reason": reason})
    return {"request_id": request_id, "case_id": body.get("case_id"), "machine_id": machine_id,
            "item": body.get("item"), "checked_at": protocol.iso(now()), "parties": results,
            "outcome": "blocked" if any(not r["can_register"] for r in results) else "clear"}
