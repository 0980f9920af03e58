"""Request routing, authentication and fault injection for the simulator's endpoints."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta

from sync import protocol, signing
from sync.simulator import accounts, ledger
from sync.simulator.ledger import LedgerError
from sync.simulator.store import OFFICES
from sync.simulator.server import (
    ATTACHMENT_CONTENT_PATH,
    ATTACHMENT_PATH,
    MAX_CHUNK_BYTES,
    MAX_JSON_BYTES,
    REFERENCE_PATH,
    Dropped,
    Handler,
    Simulator,
    query,
)

PIECE = 64 * 1024
NONCE = re.compile(r"^[0-9a-f]{32}$")
WIRE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def dispatch(h: Handler, method: str) -> tuple[int, dict]:
    """(status, body) for one request, or raises LedgerError / Dropped."""
    path, params = query(h)
    sim = h.sim
    if method == "POST" and path == "/v1/machines":
        return enrol(h)
    _before(h, sim)
    if method == "GET" and path == "/v1/time":
        # time_skew_s: a server whose time endpoint runs on another clock than its signature
        # check (a non-conforming server; the signature clock wins, docs §5)
        told = sim.server_now() + timedelta(seconds=sim.faults.time_skew_s)
        return 200, {"server_time": protocol.iso(told), "protocol": protocol.PROTOCOL_VERSION}
    match = ATTACHMENT_PATH.match(path)
    if method == "PATCH" and match:
        return upload_chunk(h, match.group(1))
    body = _read_json(h) if method == "POST" else b""
    machine = authenticate(h, method, protocol.sha256_hex(body))
    mid = machine["machine_id"]
    if method == "GET" and path == "/v1/machines/self":
        seq, digest = sim.store.position(mid)
        return 200, {"machine_id": mid, "office_code": _office(sim, machine["office_code"]),
                     "status": machine["status"], "acked_seq": seq, "acked_hash": digest,
                     "server_time": protocol.iso(sim.server_now())}
    if method == "POST" and path == "/v1/entries":
        return _after(h, sim, _entries(sim, mid, _json(body)), dup_key=mid)
    if method == "GET" and match:
        return 200, ledger.attachment_status(sim.store, mid, match.group(1))
    if method == "GET" and path == "/v1/machines/self/entries":
        cursor, limit = _page(params)
        return _after(h, sim, ledger.entries_page(sim.store, mid, cursor, limit))
    content = ATTACHMENT_CONTENT_PATH.match(path)
    if method == "GET" and content:
        return 200, ledger.attachment_content(sim.store, mid, content.group(1), _offset(params))
    if method == "GET" and path == "/v1/cases/status":
        cursor, limit = _page(params)
        return _after(h, sim, ledger.case_status_page(sim.store, mid, cursor, limit))
    if method == "GET" and path == "/v1/entries/rejected":
        cursor, limit = _page(params)
        return _after(h, sim, ledger.rejections_page(sim.store, mid, cursor, limit))
    ref = REFERENCE_PATH.match(path)
    if method == "GET" and ref:
        return _after(h, sim, _reference(sim, machine, ref.group(1), params))
    if method == "POST" and path == "/v1/marital-checks":
        return _after(h, sim, _marital_check(sim, mid, _json(body)))
    if method == "POST" and path == "/v1/operators/login-verifications":
        return _after(h, sim, accounts.verify_login(sim.store, machine, _json(body), sim.sign))
    if method == "GET" and path == "/v1/closings":   # §14: the office's windows' closings
        from sync.simulator.closings import closings

        return _after(h, sim, closings(sim.store, machine, params))
    raise LedgerError("not_found", f"no endpoint {method} {path}")


def _office(sim: Simulator, office_code: str) -> str:
    """The machine's office, or another one when the simulator lies about offices."""
    if not sim.faults.lies_about("wrong_office"):
        return office_code
    return next(code for code in sorted(OFFICES) if code != office_code)


def _marital_check(sim: Simulator, mid: str, body: dict) -> dict:
    response = ledger.marital_check(sim.store, mid, body, sim.sign)
    if sim.faults.lies_about("wrong_request_id"):
        # a genuine, validly signed answer - to another request
        answer = {**response["answer"], "request_id": "x" + str(response["answer"]["request_id"])}
        response = {"answer": answer, **sim.sign(protocol.answer_bytes(answer))}
    return response


def _before(h: Handler, sim: Simulator) -> None:
    """Faults that strike before any work is done."""
    if sim.faults.roll("5xx"):
        raise LedgerError("unavailable", "simulated outage (fault 5xx)", retry_after_s=1)
    if sim.faults.roll("timeout"):
        time.sleep(sim.faults.hang_s)
        raise Dropped()


def _after(h: Handler, sim: Simulator, body: dict,
           dup_key: str | None = None) -> tuple[int, dict]:
    """Faults that strike after the work is committed: the answer is lost, late or doubled."""
    if sim.faults.roll("lost_ack"):
        raise Dropped()
    if sim.faults.roll("slow"):
        time.sleep(sim.faults.slow_s)
    if dup_key is not None:
        previous = sim.last_results.get(dup_key, [])
        sim.last_results[dup_key] = body["results"]
        if previous and sim.faults.roll("dup_ack"):
            body = {**body, "results": previous + body["results"]}
    return 200, body


def _entries(sim: Simulator, mid: str, body: dict) -> dict:
    entries = body.get("entries")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise LedgerError("bad_request", "entries must be a list of objects")
    answer = ledger.store_entries(sim.store, mid, entries, sim.faults.rejects)
    answer["server_time"] = protocol.iso(sim.server_now())
    if entries and sim.faults.lies_about("ack_beyond"):
        # acknowledge a seq the client never sent, with a made-up hash
        beyond = max(_int_seq(e) for e in entries) + 1
        answer.update(acked_seq=beyond, acked_hash=protocol.sha256_hex(b"made up %d" % beyond))
        answer["results"] = [*answer["results"], {"seq": beyond, "entry_id": f"made-up-{beyond}",
                                                  "case_id": None, "status": "stored",
                                                  "duplicate": False}]
    if sim.faults.lies_about("wrong_case"):
        answer["cases"] = [*answer["cases"], {"case_id": "c-never-sent", "status": "rejected",
                                              "version": 1, "reason_code": "made_up",
                                              "reason": "虚构的结论"}]
    return answer


def _int_seq(entry: dict) -> int:
    seq = entry.get("seq")
    return seq if isinstance(seq, int) else 0


def _reference(sim: Simulator, machine: dict, collection: str, params: dict) -> dict:
    if collection not in protocol.COLLECTIONS:
        raise LedgerError("not_found", f"unknown collection {collection}")
    cursor, limit = _page(params)
    with sim.store.lock:
        return sim.store.reference_page(collection, machine["machine_id"], cursor, limit,
                                        machine["office_code"])


def _page(params: dict) -> tuple[int, int]:
    try:
        return int(params.get("cursor", "0")), max(1, min(1000, int(params.get("limit", 200))))
    except ValueError:
        raise LedgerError("bad_request", "cursor and limit must be integers") from None


def _offset(params: dict) -> int:
    try:
        return max(0, int(params.get("offset", "0")))
    except ValueError:
        raise LedgerError("bad_request", "offset must be an integer") from None


def _read_json(h: Handler) -> bytes:
    length = _length(h, MAX_JSON_BYTES)
    if h.sim.faults.roll("drop"):
        h.rfile.read(length // 2)
        raise Dropped()
    body = h.rfile.read(length)
    if len(body) != length:
        raise Dropped()
    h.body_consumed = True
    return body


def _json(body: bytes) -> dict:
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise LedgerError("bad_request", "body is not JSON") from None
    if not isinstance(value, dict):
        raise LedgerError("bad_request", "body is not a JSON object")
    return value


def _length(h: Handler, limit: int) -> int:
    try:
        length = int(h.headers.get("Content-Length", ""))
    except ValueError:
        raise LedgerError("bad_request", "Content-Length required") from None
    if length > limit:
        h.close_connection = True
        raise LedgerError("too_large", f"body over {limit} bytes")
    return length


def authenticate(h: Handler, method: str, content_sha: str, upload_offset: str = "") -> dict:
    """The machine that signed this request; LedgerError when anything is off."""
    sim, hd = h.sim, h.headers
    fields = [hd.get(n) or "" for n in (protocol.HDR_MACHINE, protocol.HDR_TIMESTAMP,
                                        protocol.HDR_NONCE, protocol.HDR_CONTENT_SHA,
                                        protocol.HDR_SIGNATURE)]
    if not all(fields):
        raise LedgerError("bad_signature", "missing authentication headers")
    machine_id, timestamp, nonce, claimed_sha, signature = fields
    if not NONCE.match(nonce) or not _wire_time(timestamp):
        raise LedgerError("bad_signature", "malformed nonce or timestamp header")
    machine = sim.store.machine(machine_id)
    if machine is None:
        raise LedgerError("unknown_machine", "machine not enrolled")
    if claimed_sha != content_sha:
        raise LedgerError("bad_signature", "content hash does not match the body")
    message = protocol.string_to_sign(method, h.path, timestamp, nonce, claimed_sha,
                                      upload_offset)
    if not signing.verify(signing.load_public_key(machine["public_key"]), signature, message):
        raise LedgerError("bad_signature", "signature does not verify")
    _check_time(sim, timestamp)
    if not sim.fresh_nonce(nonce):
        raise LedgerError("replay", "nonce already used")
    if machine["status"] == "revoked":
        raise LedgerError("machine_revoked", "machine revoked")
    if machine["status"] == "pending":
        raise LedgerError("machine_pending", "machine awaiting approval")
    return machine


def _wire_time(text: str) -> bool:
    try:
        protocol.parse_time(text)
    except ValueError:
        return False
    return bool(WIRE_TIME.match(text))


def _check_time(sim: Simulator, timestamp: str) -> None:
    skew = abs((protocol.parse_time(timestamp) - sim.server_now()).total_seconds())
    if skew > protocol.MAX_SKEW_S:
        raise LedgerError("clock_skew", f"timestamp {skew:.0f} s from server time",
                          server_time=protocol.iso(sim.server_now()))


def enrol(h: Handler) -> tuple[int, dict]:
    """Register a machine key for an office; the key proves possession by signing the body."""
    body = _read_json(h)
    request = _json(body)
    try:
        key = signing.load_public_key(str(request.get("public_key")))
    except ValueError:
        raise LedgerError("bad_request", "public_key must be a base64 raw Ed25519 key")
    if not signing.verify(key, h.headers.get(protocol.HDR_SIGNATURE, ""), body):
        raise LedgerError("bad_signature", "enrolment body not signed by the key")
    office = str(request.get("office_code"))
    with h.sim.store.tx() as store:
        machine = store.enrol(str(request["public_key"]), office)
    if machine is None:
        raise LedgerError("unknown_office", "unknown office code")
    if machine["office_code"] != office:
        raise LedgerError("office_conflict", "this key is enrolled for another office",
                          office_code=machine["office_code"])
    answer = {"machine_id": machine["machine_id"],
              "office_code": _office(h.sim, machine["office_code"]),
              "status": machine["status"], "server_key_id": h.sim.key_id,
              "server_public_key": h.sim.public_key,
              "server_time": protocol.iso(h.sim.server_now())}
    if h.sim.key_rotations:
        answer["key_rotations"] = h.sim.key_rotations
    return 201, answer


def upload_chunk(h: Handler, sha256: str) -> tuple[int, dict]:
    """PATCH: append the body at the offset, piece by piece, keeping what arrived even when
    the connection is cut half-way (the client learns the offset from the next 409)."""
    sim = h.sim
    try:
        offset = int(h.headers.get(protocol.HDR_UPLOAD_OFFSET, ""))
        total = int(h.headers.get(protocol.HDR_UPLOAD_LENGTH, ""))
    except ValueError:
        raise LedgerError("bad_request", "upload offset and length headers required") from None
    length = _length(h, MAX_CHUNK_BYTES)
    try:
        machine = authenticate(h, "PATCH", protocol.UNSIGNED_PAYLOAD, str(offset))
        mid = machine["machine_id"]
        ledger.check_offset(sim.store, mid, sha256, offset, total)
    except LedgerError:
        # refused before reading: read and discard the body, so that the answer reaches a
        # client still sending it (through TLS a close would cut the answer off, docs §7.3)
        if len(h.rfile.read(length)) == length:
            h.body_consumed = True
        raise
    cut_at = length // 2 if sim.faults.roll("drop") else None
    answer, done = None, 0
    while done < length:
        want = min(PIECE, length - done, (cut_at - done) if cut_at is not None else PIECE)
        piece = h.rfile.read(want) if want > 0 else b""
        if piece:
            h.body_consumed = done + len(piece) == length
            answer = ledger.append_chunk(sim.store, mid, sha256, offset + done, piece)
            done += len(piece)
        if len(piece) < want or (cut_at is not None and done >= cut_at):
            raise Dropped()
    h.body_consumed = True
    if length == 0:  # an empty attachment is complete with an empty body
        answer = ledger.append_chunk(sim.store, mid, sha256, offset, b"")
    answer = answer or ledger.attachment_status(sim.store, mid, sha256)
    return _after(h, sim, answer)
