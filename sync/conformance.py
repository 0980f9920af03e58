"""Does a provincial server follow docs/sync-protocol.md? The checks a province's IT team runs
before going live (``counter-app sync conformance --server URL --office CODE [--json]``).

A throwaway test machine (a fresh Ed25519 key held in memory only; the counter's own key,
journal and enrolment are never touched) enrols for the office and runs the documented
exchanges: enrolment, signed requests and replay refusal, ordering and gap refusal, idempotent
re-send, resumable attachments, reference pulls, 联网核对, the verdict feeds, and - over every
answer of the run - answer signatures, error codes and Retry-After. Each requirement is a list
of checks with the evidence seen; the run passes when every check does. The test machine and
its test entries stay on the server: the report names its machine id so the province can
revoke it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import answers, protocol, serverkey, signing
from sync.errors import NetworkError, ProtocolError, SyncError
from sync.transport import Response, Transport

log = logging.getLogger(__name__)

#: (id, title) of each requirement, in the order they run; ids are a public interface.
TITLES = {
    "enrolment": "机器登记 enrolment (§3)",
    "signed_requests": "签名请求与重放拒绝 signed requests and replay refusal (§4.1, §4.2)",
    "ordering": "顺序与缺口拒绝 ordering and gap refusal (§7.1, §7.2)",
    "idempotent_resend": "重发幂等 idempotent re-send (§7.2)",
    "attachments": "可续传附件 resumable attachments (§7.3)",
    "reference": "基础数据拉取 reference pulls (§6)",
    "marital_check": "联网核对应答 marital-status check answers (§8)",
    "verdict_feeds": "办件结论与拒收记录 verdict feeds (§9)",
    "login_verification": "账号核验应答 login verification answers (§13.2)",
    "closings": "窗口日结 the office's closings (§14)",
    "answer_signatures": "应答签名 every answer signed by the server key (§4.3)",
    "errors": "错误码与 Retry-After error codes and Retry-After (§10)",
}


@dataclass
class Check:
    check: str
    passed: bool
    evidence: str


@dataclass
class Requirement:
    id: str
    title: str
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def check(self, name: str, passed: bool, evidence: str) -> bool:
        self.checks.append(Check(name, bool(passed), evidence))
        return bool(passed)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "passed": self.passed,
                "checks": [c.__dict__ for c in self.checks]}


@dataclass
class Report:
    server: str
    office: str
    machine_id: str = ""
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.requirements)

    def as_dict(self) -> dict[str, Any]:
        return {"server": self.server, "office": self.office, "machine_id": self.machine_id,
                "passed": self.passed, "failed": [r.id for r in self.requirements
                                                  if not r.passed],
                "requirements": [r.as_dict() for r in self.requirements]}


@dataclass
class Seen:
    """One answer of the run, for the signature and error-code requirements."""

    method: str
    path: str
    answer: Response

    @property
    def what(self) -> str:
        return f"{self.method} {self.path.split('?')[0]}"

    @property
    def status(self) -> int:
        return self.answer.status

    @property
    def body(self) -> dict:
        return self.answer.body

    @property
    def retry_after(self) -> str | None:
        return self.answer.headers.get("Retry-After")


class NoAnswer(Exception):
    """A request of the run got no answer (network): its check fails with this evidence."""


class Probe:
    """The throwaway machine: its key, raw exchanges, and a log of every answer."""

    def __init__(self, transport: Transport, office: str) -> None:
        self.t, self.office = transport, office
        self.key = Ed25519PrivateKey.generate()
        self.machine_id = ""
        self.server_key: signing.PinnedKey | None = None
        self.offset = timedelta(0)
        self.seen: list[Seen] = []

    def now(self) -> str:
        return protocol.iso(protocol.utc_now() + self.offset)

    def headers(self, method: str, path: str, body: bytes, *, unsigned_payload: bool = False,
                upload_offset: str = "") -> dict[str, str]:
        """The five signature headers of the throwaway machine."""
        return signing.sign_headers(self.key, self.machine_id, method, path, body, self.now(),
                                    unsigned_payload=unsigned_payload,
                                    upload_offset=upload_offset)

    def send(self, method: str, path: str, body: bytes = b"", headers: dict | None = None,
             signed: bool = True, **sign: Any) -> Response:
        """One exchange (signed by the probe unless ``signed`` is False), logged; NoAnswer
        when the server did not answer."""
        all_headers = {"Content-Type": "application/json; charset=utf-8"} if body else {}
        if signed:
            all_headers.update(self.headers(method, path, body, **sign))
        all_headers.update(headers or {})
        all_headers.setdefault(protocol.HDR_NONCE, signing.new_nonce())
        try:
            answer = self.t.exchange(method, path, data=body or None, headers=all_headers)
        except NetworkError as err:
            raise NoAnswer(f"{method} {path.split('?')[0]}: no answer ({err.detail})") from None
        answer.body = _json(answer.raw)
        self.seen.append(Seen(method, path, answer))
        return answer

    def signed(self, method: str, path: str, answer: Response) -> bool:
        return self.server_key is not None and signing.answer_signed_by(
            self.server_key, answer.headers, answer.status, method, path, answer.nonce,
            answer.raw)

    def json(self, method: str, path: str, value: Any = None, **kwargs: Any) -> Response:
        body = b"" if value is None else protocol.canonical_json(value).encode("utf-8")
        return self.send(method, path, body, **kwargs)


def _json(raw: bytes) -> dict:
    try:
        value = json.loads(raw.decode("utf-8")) if raw else {}
    except (UnicodeDecodeError, ValueError):
        return {"_not_json": len(raw)}
    return value if isinstance(value, dict) else {"_not_an_object": True}


def error_code(answer: Response) -> str:
    error = answer.body.get("error")
    return str(error.get("code")) if isinstance(error, dict) else ""


def describe(answer: Response) -> str:
    code = error_code(answer)
    return f"HTTP {answer.status}" + (f" {code}" if code else "")


# --- the run ---------------------------------------------------------------------------------
def run(transport: Transport, office: str) -> Report:
    """Run every requirement against the server behind ``transport``."""
    probe, report = Probe(transport, office), Report(transport.base_url, office)
    state: dict[str, Any] = {}
    steps: list[tuple[str, Callable[[Probe, Requirement, dict], None]]] = [
        ("enrolment", _enrolment), ("signed_requests", _signed_requests),
        ("ordering", _ordering), ("idempotent_resend", _resend),
        ("attachments", _attachments), ("reference", _reference),
        ("marital_check", _marital_check), ("verdict_feeds", _feeds),
        ("login_verification", _login_verification), ("closings", _closings)]
    for rid, step in steps:
        requirement = Requirement(rid, TITLES[rid])
        report.requirements.append(requirement)
        if rid != "enrolment" and not probe.machine_id:
            requirement.check("enrolled", False, "not run: no usable enrolment")
            continue
        try:
            step(probe, requirement, state)
        except NoAnswer as exc:
            if not probe.seen:  # the server cannot be reached at all: nothing to judge
                raise NetworkError("无法连接省级系统，未能进行一致性检查。", detail=str(exc)) from None
            requirement.check("answered", False, str(exc))
        except SyncError as exc:
            if not probe.seen:
                raise
            requirement.check("answered", False, exc.detail or exc.message_zh)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            requirement.check("well-formed answers", False, f"malformed answer: {exc!r}")
    report.machine_id = probe.machine_id
    report.requirements.append(_answer_signatures(probe))
    report.requirements.append(_errors(probe))
    return report


# --- enrolment -------------------------------------------------------------------------------
def _enrol_body(probe: Probe, office: str, key: Ed25519PrivateKey | None = None,
                signer: Ed25519PrivateKey | None = None) -> tuple[bytes, dict[str, str]]:
    """An enrolment request for ``key`` (the probe's), signed by ``signer`` (the same)."""
    key = key or probe.key
    body = {"office_code": office, "public_key": signing.public_key_b64(key),
            "hostname": "conformance-check", "platform": "counter-app sync conformance",
            "client_version": "conformance", "requested_at": probe.now()}
    data = protocol.canonical_json(body).encode("utf-8")
    return data, {protocol.HDR_SIGNATURE: signing.b64((signer or key).sign(data))}


def _enrolment(probe: Probe, req: Requirement, state: dict) -> None:
    time = probe.send("GET", f"{protocol.API_PREFIX}/time", signed=False)
    server_time = time.body.get("server_time")
    if req.check("GET /v1/time", time.status == 200 and _wire_time(server_time)
                 and time.body.get("protocol") == protocol.PROTOCOL_VERSION,
                 f"{describe(time)} server_time {server_time!r} protocol "
                 f"{time.body.get('protocol')!r}"):
        probe.offset = protocol.parse_time(str(server_time)) - protocol.utc_now()
    data, proof = _enrol_body(probe, probe.office)
    first = probe.send("POST", f"{protocol.API_PREFIX}/machines", data, proof, signed=False)
    body = first.body
    mid = str(body.get("machine_id", ""))
    req.check("201 with a machine id", first.status == 201 and bool(
        protocol.MACHINE_ID.match(mid)), f"{describe(first)} machine_id {mid!r}")
    req.check("the office asked for", body.get("office_code") == probe.office,
              f"asked {probe.office}, answered {body.get('office_code')!r}")
    req.check("status active or pending", body.get("status") in ("active", "pending"),
              f"status {body.get('status')!r}")
    try:
        probe.server_key = signing.PinnedKey.from_b64(str(body.get("server_key_id")),
                                                      str(body.get("server_public_key")))
    except ValueError:
        req.check("a valid server key", False, "server_public_key is not an Ed25519 key")
        return
    req.check("signed by the key it presents",
              probe.signed("POST", f"{protocol.API_PREFIX}/machines", first),
              f"key {probe.server_key.key_id}, fingerprint "
              f"{serverkey.fingerprint(str(body['server_public_key']))}")
    probe.machine_id = mid if protocol.MACHINE_ID.match(mid) else ""
    again = probe.send("POST", f"{protocol.API_PREFIX}/machines",
                       *_enrol_body(probe, probe.office), signed=False)
    req.check("idempotent", again.status == 201 and again.body.get("machine_id") == mid,
              f"again: {describe(again)} machine_id {again.body.get('machine_id')!r}")
    _enrol_refusals(probe, req)


def _enrol_refusals(probe: Probe, req: Requirement) -> None:
    """An unknown office, and a body not signed by the key it names (fresh keys, so that
    nothing is enrolled by them)."""
    machines = f"{protocol.API_PREFIX}/machines"
    unknown = probe.send("POST", machines, *_enrol_body(probe, "000000",
                                                        Ed25519PrivateKey.generate()),
                         signed=False)
    _expect(req, "an unknown office refused", unknown, 404, "unknown_office")
    stranger = Ed25519PrivateKey.generate()
    forged = probe.send("POST", machines, *_enrol_body(probe, probe.office, stranger,
                                                       signer=probe.key), signed=False)
    _expect(req, "a body not signed by its key refused", forged, 401, "bad_signature")


def _wire_time(value: Any) -> bool:
    try:
        protocol.parse_time(str(value))
    except ValueError:
        return False
    return isinstance(value, str) and len(value) == 24 and value.endswith("Z")


# --- signed requests -------------------------------------------------------------------------
SELF = f"{protocol.API_PREFIX}/machines/self"


def _signed_requests(probe: Probe, req: Requirement, state: dict) -> None:
    headers = probe.headers("GET", SELF, b"")
    first = probe.send("GET", SELF, headers=headers, signed=False)
    body = first.body
    req.check("a signed request is accepted", first.status == 200, describe(first))
    req.check("the position names this machine and office", (
        body.get("machine_id"), body.get("office_code")) == (probe.machine_id, probe.office),
        f"machine {body.get('machine_id')!r} office {body.get('office_code')!r}")
    req.check("a new machine holds nothing", (body.get("acked_seq"), body.get("acked_hash"))
              == (0, protocol.GENESIS_HASH), f"acked_seq {body.get('acked_seq')!r}")
    again = probe.send("GET", SELF, headers=headers, signed=False)
    _expect(req, "the same request again is a replay", again, 401, "replay")
    cases = [
        ("a forged signature", {protocol.HDR_SIGNATURE: signing.b64(b"\0" * 64)},
         "bad_signature"),
        ("a missing signature header", {protocol.HDR_SIGNATURE: ""}, "bad_signature"),
        ("an unknown machine", {protocol.HDR_MACHINE: "CONFORMANCE-NOBODY"},
         "unknown_machine"),
    ]
    for name, override, code in cases:
        headers = {**probe.headers("GET", SELF, b""), **override}
        headers = {k: v for k, v in headers.items() if v}
        _expect(req, f"{name} refused", probe.send("GET", SELF, headers=headers,
                                                   signed=False), 401, code)
    _signed_body_cases(probe, req)
    skewed = probe.headers("GET", SELF, b"")
    old = protocol.parse_time(skewed[protocol.HDR_TIMESTAMP]) - timedelta(seconds=400)
    skewed.update(_resign(probe, "GET", SELF, b"", protocol.iso(old)))
    answer = probe.send("GET", SELF, headers=skewed, signed=False)
    _expect(req, "a timestamp 400 s off is clock_skew", answer, 401, "clock_skew")
    req.check("clock_skew says the server time", _wire_time(
        (answer.body.get("error") or {}).get("server_time")), "server_time in the error body")


def _signed_body_cases(probe: Probe, req: Requirement) -> None:
    path = f"{protocol.API_PREFIX}/entries"
    body = b'{"entries":[]}'
    tampered = probe.headers("POST", path, body)
    answer = probe.send("POST", path, b'{"entries":[ ]}', headers=tampered, signed=False)
    _expect(req, "a body that does not match its hash refused", answer, 401, "bad_signature")
    unsigned = probe.headers("POST", path, body, unsigned_payload=True)
    answer = probe.send("POST", path, body, headers=unsigned, signed=False)
    _expect(req, "UNSIGNED-PAYLOAD off the chunk endpoint refused", answer, 401,
            "bad_signature")


def _resign(probe: Probe, method: str, path: str, body: bytes, timestamp: str) -> dict:
    nonce = signing.new_nonce()
    message = protocol.string_to_sign(method, path, timestamp, nonce, protocol.sha256_hex(body))
    return {protocol.HDR_TIMESTAMP: timestamp, protocol.HDR_NONCE: nonce,
            protocol.HDR_SIGNATURE: signing.b64(probe.key.sign(message))}


def _expect(req: Requirement, name: str, answer: Response, status: int, code: str) -> bool:
    return req.check(name, (answer.status, error_code(answer)) == (status, code),
                     f"expected {status} {code}, got {describe(answer)}")


# --- entries ---------------------------------------------------------------------------------
CASE_ID = "conformance-case-1"


def _entry(seq: int, prev_hash: str, attachments: list[dict] | None = None) -> dict:
    entry = {"seq": seq, "entry_id": f"conformance-{seq}-{os.urandom(6).hex()}",
             "case_id": CASE_ID, "kind": "case.opened",
             "payload": {"conformance": True, "n": seq}, "operator": "conformance",
             "device_time": protocol.iso(protocol.utc_now()),
             "clock": {"trusted": True, "regressed_ms": 0, "monotonic_ns": seq},
             "attachments": attachments or [], "prev_hash": prev_hash}
    entry["hash"] = protocol.entry_hash(entry)
    return entry


def _chain(count: int, first: int = 1, prev: str = protocol.GENESIS_HASH) -> list[dict]:
    entries = []
    for seq in range(first, first + count):
        entries.append(_entry(seq, prev))
        prev = entries[-1]["hash"]
    return entries


ENTRIES = f"{protocol.API_PREFIX}/entries"


def _batch(probe: Probe, req: Requirement, name: str, sent: list[dict],
           held: dict[int, answers.Held]) -> Response:
    """Send a batch and check its 200 answer as the client does (§7.4)."""
    answer = probe.json("POST", ENTRIES, {"entries": sent})
    if not req.check(f"{name}: accepted", answer.status == 200, describe(answer)):
        return answer
    batch = answers.Batch(sent[0]["seq"], sent[-1]["seq"])
    try:
        answers.check_batch(answer.body, batch, held, {CASE_ID})
        ok, evidence = True, f"acked_seq {answer.body.get('acked_seq')} for seqs " \
                             f"{batch.first_seq}..{batch.last_seq}"
    except SyncError as err:
        ok, evidence = False, err.detail
    req.check(f"{name}: position, hash, results and verdicts true", ok, evidence)
    req.check(f"{name}: the whole batch acknowledged",
              answer.body.get("acked_seq") == batch.last_seq,
              f"acked_seq {answer.body.get('acked_seq')!r}, last sent {batch.last_seq}")
    return answer


def _held(entries: list[dict]) -> dict[int, answers.Held]:
    return {e["seq"]: answers.Held(e["entry_id"], e["case_id"], e["hash"]) for e in entries}


def _ordering(probe: Probe, req: Requirement, state: dict) -> None:
    chain = _chain(3)
    state["chain"] = chain
    _batch(probe, req, "entries 1..3", chain, _held(chain))
    later = _chain(2, 4, chain[-1]["hash"])
    gap = probe.json("POST", ENTRIES, {"entries": [later[1]]})
    error = gap.body.get("error") or {}
    if _expect(req, "a gap is refused", gap, 409, "sequence_gap"):
        req.check("the gap names the true position", (error.get("acked_seq"), error.get(
            "acked_hash")) == (3, chain[-1]["hash"]), f"acked_seq {error.get('acked_seq')!r}")
    split = probe.json("POST", ENTRIES, {"entries": [later[0], _entry(6, later[0]["hash"])]})
    _expect(req, "non-consecutive seqs are refused", split, 400, "bad_request")
    forged = {**later[0], "payload": {"forged": True}}
    _expect(req, "an altered entry breaks the chain",
            probe.json("POST", ENTRIES, {"entries": [forged]}), 422, "chain_broken")
    _expect(req, "more than 200 entries is too large",
            probe.json("POST", ENTRIES, {"entries": [later[0]] * 201}), 413, "too_large")


def _resend(probe: Probe, req: Requirement, state: dict) -> None:
    chain = state["chain"]
    answer = _batch(probe, req, "entries 1..3 again", chain, _held(chain))
    results = answer.body.get("results") or []
    req.check("each acknowledged again as a duplicate",
              sorted(r.get("seq") for r in results if r.get("duplicate") is True) == [1, 2, 3],
              f"duplicates {[r.get('seq') for r in results if r.get('duplicate')]}")
    following = _chain(1, 4, chain[-1]["hash"])
    _batch(probe, req, "entries 1..4 (three old, one new)", chain + following,
           _held(chain + following))
    state["chain"] = chain + following


# --- attachments -----------------------------------------------------------------------------
def _attachments(probe: Probe, req: Requirement, state: dict) -> None:
    chain = state["chain"]
    good, bad = os.urandom(100_000), os.urandom(10_000)
    refs: list[dict[str, Any]] = [{"sha256": protocol.sha256_hex(b), "size": len(b),
                                   "media_type": "application/octet-stream"}
                                  for b in (good, bad)]
    entry = _entry(len(chain) + 1, chain[-1]["hash"], refs)
    _batch(probe, req, "an entry with two attachments", [entry], _held(chain + [entry]))
    state["chain"] = chain + [entry]
    path = f"{protocol.API_PREFIX}/attachments/{refs[0]['sha256']}"
    status = probe.send("GET", path)
    req.check("nothing received yet", (status.status, status.body.get("received"),
                                       status.body.get("complete")) == (200, 0, False),
              f"{describe(status)} received {status.body.get('received')!r} complete "
              f"{status.body.get('complete')!r}")
    first = _chunk(probe, path, good, 0, 40_000)
    req.check("a first chunk counted", (first.status, first.body.get("received")) == (
        200, 40_000), f"{describe(first)} received {first.body.get('received')!r}")
    again = _chunk(probe, path, good, 0, 40_000)
    if _expect(req, "a chunk at the wrong offset refused", again, 409, "offset_mismatch"):
        error = again.body["error"]
        req.check("the refusal says where the server is", error.get("received") == 40_000,
                  f"received {error.get('received')!r} complete {error.get('complete')!r}")
    wrong_length = _chunk(probe, path, good, 40_000, 100, total=len(good) + 1)
    _expect(req, "an upload length other than the entry's refused", wrong_length, 400,
            "bad_request")
    rest = _chunk(probe, path, good, 40_000, len(good))
    req.check("the rest completes it", rest.status == 200 and rest.body.get("complete") is True
              and rest.body.get("received") == len(good), f"{describe(rest)}")
    after = _chunk(probe, path, good, 0, 10)
    req.check("a complete attachment says so", error_code(after) == "offset_mismatch" and
              (after.body.get("error") or {}).get("complete") is True, describe(after))
    _bad_bytes(probe, req, refs[1]["sha256"], bad)
    nobody = probe.send("GET", f"{protocol.API_PREFIX}/attachments/{'0' * 64}")
    _expect(req, "an attachment no entry references is not found", nobody, 404, "not_found")


def _chunk(probe: Probe, path: str, data: bytes, offset: int, end: int,
           total: int | None = None) -> Response:
    headers = {"Content-Type": "application/offset+octet-stream",
               protocol.HDR_UPLOAD_OFFSET: str(offset),
               protocol.HDR_UPLOAD_LENGTH: str(total if total is not None else len(data))}
    body = data[offset:end]
    headers.update(probe.headers("PATCH", path, body, unsigned_payload=True,
                                 upload_offset=str(offset)))
    return probe.send("PATCH", path, body, headers, signed=False)


def _bad_bytes(probe: Probe, req: Requirement, sha: str, data: bytes) -> None:
    path = f"{protocol.API_PREFIX}/attachments/{sha}"
    answer = _chunk(probe, path, bytes(len(data)), 0, len(data), total=len(data))
    if _expect(req, "bytes that do not hash to the name are refused", answer, 422,
               "hash_mismatch"):
        received = (answer.body.get("error") or {}).get("received")
        req.check("and discarded", received == 0, f"received {received!r}")


# --- reference, checks, feeds ----------------------------------------------------------------
def _pages(probe: Probe, req: Requirement, path: str) -> tuple[list, str]:
    """Every page of a cursor feed; (items, last cursor). Checks each page's shape."""
    items: list = []
    cursor, more, pages = "0", True, 0
    while more and pages < 50:
        answer = probe.send("GET", f"{path}?{_query(cursor)}")
        pages += 1
        try:
            if answer.status != 200:
                raise ProtocolError("", detail="not 200")
            page, cursor, more = answers.check_page(answer.body, path)
        except SyncError as err:
            req.check(f"{path}: pages well-formed", False, f"{describe(answer)} {err.detail}")
            return items, cursor
        items += page
    empty = probe.send("GET", f"{path}?{_query(cursor)}")
    req.check(f"{path}: an empty page keeps its cursor", empty.body == {
        "items": [], "next_cursor": cursor, "more": False},
        f"after {len(items)} items in {pages} pages: {str(empty.body)[:120]}")
    return items, cursor


def _query(cursor: str, limit: int = 200) -> str:
    return urlencode({"cursor": cursor, "limit": limit})


def _reference(probe: Probe, req: Requirement, state: dict) -> None:
    for collection in protocol.COLLECTIONS:
        items, _ = _pages(probe, req, f"{protocol.API_PREFIX}/reference/{collection}")
        req.check(f"{collection}: items with id, version, deleted and data", all(
            isinstance(i, dict) and {"id", "version", "deleted", "data"} <= set(i)
            for i in items), f"{len(items)} items")
        if collection == "number_blocks":
            divisions = {str((i.get("data") or {}).get("division_code")) for i in items}
            req.check("number blocks of the office's division", bool(items) and divisions == {
                probe.office}, f"{len(items)} blocks, divisions {sorted(divisions)}")
        if collection == "blank_ranges":
            req.check("blank ranges for the new machine", bool(items), f"{len(items)} ranges")


def _marital_check(probe: Probe, req: Requirement, state: dict) -> None:
    parties = [{"role": "male", "id_type": "resident_id", "id_number": "110101199001010012",
                "name": "测试甲"},
               {"role": "female", "id_type": "resident_id", "id_number": "110101199202020024",
                "name": "测试乙"}]
    request: dict[str, Any] = {"request_id": os.urandom(16).hex(), "case_id": CASE_ID,
                               "item": "marriage", "parties": parties}
    path = f"{protocol.API_PREFIX}/marital-checks"
    first = probe.json("POST", path, request)
    if not req.check("answered", first.status == 200, describe(first)):
        return
    answer, signature = first.body.get("answer"), first.body.get("signature")
    assert probe.server_key is not None
    signed = isinstance(answer, dict) and isinstance(signature, str) and signing.verify(
        probe.server_key.public_key, signature, protocol.answer_bytes(answer)) and \
        first.body.get("key_id") == probe.server_key.key_id
    req.check("the answer is signed by the server key", signed,
              f"key_id {first.body.get('key_id')!r}")
    got = answer if isinstance(answer, dict) else {}
    asked = {"request_id": request["request_id"], "case_id": CASE_ID,
             "machine_id": probe.machine_id, "item": "marriage"}
    differs = {k: got.get(k) for k, v in asked.items() if got.get(k) != v}
    req.check("the answer is to the request asked", not differs,
              f"differs: {differs}" if differs else "request, case, machine and item match")
    ids = [p.get("id_number") for p in got.get("parties") or [] if isinstance(p, dict)]
    req.check("the parties asked, in order", ids == [p["id_number"] for p in
                                                     request["parties"]], f"{ids}")
    req.check("an outcome", got.get("outcome") in ("clear", "blocked"),
              f"outcome {got.get('outcome')!r}")
    again = probe.json("POST", path, request)
    req.check("the same request returns the same answer", again.body == first.body,
              describe(again))
    other = {**request, "parties": request["parties"][:1]}
    _expect(req, "the request id with another body refused", probe.json("POST", path, other),
            409, "idempotency_conflict")


def _feeds(probe: Probe, req: Requirement, state: dict) -> None:
    held = _held(state["chain"])
    items, _ = _pages(probe, req, f"{protocol.API_PREFIX}/cases/status")
    try:
        answers.check_verdicts(items, {CASE_ID}, "cases/status")
        req.check("verdicts only for this machine's cases", True,
                  f"{len(items)} verdicts: {[i.get('status') for i in items]}")
    except SyncError as err:
        req.check("verdicts only for this machine's cases", False, err.detail)
    items, _ = _pages(probe, req, f"{protocol.API_PREFIX}/entries/rejected")
    try:
        answers.check_rejections(items, max(held), held)
        req.check("rejections only of this machine's entries", True, f"{len(items)} rejected")
    except SyncError as err:
        req.check("rejections only of this machine's entries", False, err.detail)


# --- province accounts and closings ----------------------------------------------------------
def _content_signed(probe: Probe, value: Any, body: dict) -> bool:
    """Whether ``body`` carries ``signature``/``key_id`` of the enrolled key over the
    canonical JSON of ``value`` (the 联网核对 and login-verdict scheme, §4.3)."""
    assert probe.server_key is not None
    signature = body.get("signature")
    return isinstance(value, dict) and isinstance(signature, str) and signing.verify(
        probe.server_key.public_key, signature, protocol.answer_bytes(value)) and \
        body.get("key_id") == probe.server_key.key_id


def _login_verification(probe: Probe, req: Requirement, state: dict) -> None:
    """A made-up account: the province must say bad_credentials, signed, about this request."""
    request = {"request_id": os.urandom(16).hex(), "operator_id": "conformance-nobody",
               "password": os.urandom(8).hex(), "requested_at": probe.now()}
    first = probe.json("POST", f"{protocol.API_PREFIX}/operators/login-verifications", request)
    if not req.check("answered", first.status == 200, describe(first)):
        return
    verdict = first.body.get("verdict")
    req.check("the verdict is signed by the server key", _content_signed(probe, verdict,
                                                                          first.body),
              f"key_id {first.body.get('key_id')!r}")
    got = verdict if isinstance(verdict, dict) else {}
    asked = {"request_id": request["request_id"], "operator_id": request["operator_id"],
             "machine_id": probe.machine_id}
    differs = {k: got.get(k) for k, v in asked.items() if got.get(k) != v}
    req.check("the verdict is about the request asked", not differs,
              f"differs: {differs}" if differs else "request, operator and machine match")
    req.check("an unknown account is bad_credentials", got.get("verified") is False
              and got.get("reason_code") == "bad_credentials" and got.get("account") is None,
              f"verified {got.get('verified')!r}, reason_code {got.get('reason_code')!r}")


def _closings(probe: Probe, req: Requirement, state: dict) -> None:
    day = probe.now()[:10]
    path = f"{protocol.API_PREFIX}/closings?" + urlencode({"date": day,
                                                           "operator_id": "conformance"})
    answer = probe.send("GET", path)
    if not req.check("answered", answer.status == 200, describe(answer)):
        return
    body = answer.body
    req.check("for the enrolled office and the day asked",
              (body.get("office_code"), body.get("date")) == (probe.office, day),
              f"office {body.get('office_code')!r}, date {body.get('date')!r}")
    req.check("closings listed", isinstance(body.get("closings"), list),
              f"{type(body.get('closings')).__name__}")
    bad = probe.send("GET", f"{protocol.API_PREFIX}/closings")
    _expect(req, "no date: 400 bad_request", bad, 400, "bad_request")


# --- over the whole run ----------------------------------------------------------------------
def _answer_signatures(probe: Probe) -> Requirement:
    req = Requirement("answer_signatures", TITLES["answer_signatures"])
    unsigned = [s for s in probe.seen if not probe.signed(s.method, s.path, s.answer)]
    req.check("every answer signed over its request's nonce", bool(probe.seen) and not unsigned,
              f"{len(probe.seen) - len(unsigned)} of {len(probe.seen)} answers signed" + (
                  "; not: " + ", ".join(f"{s.what} ({s.status})" for s in unsigned[:5])
                  if unsigned else ""))
    return req


def _errors(probe: Probe) -> Requirement:
    req = Requirement("errors", TITLES["errors"])
    errors = [s for s in probe.seen if s.status >= 400]
    wrong, no_wait, bad_wait = [], [], []
    for seen in errors:
        found = seen.body.get("error")
        error: dict[str, Any] = found if isinstance(found, dict) else {}
        code = str(error.get("code"))
        status, retryable = protocol.ERRORS.get(code, (None, None))
        if (status, retryable) != (seen.status, error.get("retryable")) or not isinstance(
                error.get("message"), str):
            wrong.append(f"{seen.what}: {seen.status} {code} retryable "
                         f"{error.get('retryable')!r}")
        if retryable and seen.retry_after is None:
            no_wait.append(f"{seen.what} {code}")
        if seen.retry_after is not None and not seen.retry_after.isdigit():
            bad_wait.append(f"{seen.what}: Retry-After {seen.retry_after!r}")
    codes = sorted({str((s.body.get("error") or {}).get("code")) for s in errors})
    req.check("error bodies: the table's status and retryable, a message",
              bool(errors) and not wrong, "; ".join(wrong[:5]) or f"{len(errors)} errors: "
              f"{', '.join(codes)}")
    req.check("Retry-After on every retryable error", not no_wait,
              "; ".join(no_wait[:5]) or "present on each")
    req.check("Retry-After in delta-seconds", not bad_wait, "; ".join(bad_wait[:5]) or "ok")
    return req
