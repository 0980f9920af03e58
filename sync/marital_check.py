"""联网核对: the online marital-status check, its signed answer, and its journal entry.

The server signs the answer with its Ed25519 key (learnt at enrolment); the client checks the
signature, that the answer is for this request and case, and records answer and signature in
the journal (``sync.marital_check``) so that the proof travels with the case. Without a link
this raises NetworkError and the case waits in "awaiting check" (PRODUCT.md §4).
"""

from __future__ import annotations

import uuid
from typing import Any

from counter_app.journal import Journal
from sync import protocol, signing
from sync.answers import refuse
from sync.enrolment import Enrolment
from sync.errors import ProtocolError
from sync.kinds import KIND_MARITAL_CHECK
from sync.transport import Transport

OUTCOMES = ("clear", "blocked")


def request_check(transport: Transport, journal: Journal, enrolment: Enrolment, case_id: str,
                  item: str, parties: list[dict[str, str]], *, operator: str,
                  request_id: str | None = None) -> dict[str, Any]:
    """Ask the server, verify its signed answer, record it; returns the answer.

    ``parties``: ``[{"role": "male"|"female", "id_type": "resident_id", "id_number": ...,
    "name": ...}]``. Passing the same ``request_id`` again is idempotent on both sides.
    """
    request_id = request_id or uuid.uuid4().hex
    body = {"request_id": request_id, "case_id": case_id, "item": item, "parties": parties}
    response = transport.post_json(f"{protocol.API_PREFIX}/marital-checks", body).body
    answer = verify_answer(response, enrolment, request_id, case_id, item, parties)
    journal.append(KIND_MARITAL_CHECK,
                   {"request_id": request_id, "answer": answer,
                    "signature": response["signature"], "key_id": response["key_id"]},
                   operator=operator, case_id=case_id, entry_id=f"mc-{request_id}")
    return answer


def verify_answer(response: dict, enrolment: Enrolment, request_id: str, case_id: str,
                  item: str | None = None, parties: list[dict[str, str]] | None = None) -> dict:
    """The answer if it is signed by the enrolled server key and matches the request: its
    request id, case, machine, item and parties (by ID number, in the order asked)."""
    answer, signature = response.get("answer"), response.get("signature")
    where = "POST /v1/marital-checks"
    if not isinstance(answer, dict) or not isinstance(signature, str):
        raise ProtocolError("联网核对应答不完整，请重试。", detail="answer/signature missing")
    key = signing.load_public_key(enrolment.server_public_key)
    if response.get("key_id") != enrolment.server_key_id or not signing.verify(
            key, signature, protocol.answer_bytes(answer)):
        # not signed by the pinned key: no proof to keep with the case
        raise refuse("answer.signature", f"answer signature by key {response.get('key_id')!r} "
                     "does not verify with the pinned key",
                     "联网核对应答签名无效，结果不能采用，已记入日志。请联系技术人员。",
                     endpoint=where, case_id=case_id)
    mismatch = _mismatch(answer, request_id, case_id, enrolment.machine_id, item, parties)
    if mismatch:
        # a true answer, but to another question: it must not decide this case
        raise refuse("check.match", mismatch,
                     "联网核对应答与本次请求不符，结果不能采用，已记入日志。请联系技术人员。",
                     endpoint=where, case_id=case_id)
    if answer.get("outcome") not in OUTCOMES:
        raise ProtocolError("联网核对应答格式不对。", detail=f"outcome {answer.get('outcome')!r}")
    return answer


def _mismatch(answer: dict, request_id: str, case_id: str, machine_id: str, item: str | None,
              parties: list[dict[str, str]] | None) -> str:
    """What in the answer differs from the request ('' when nothing does)."""
    asked = {"request_id": request_id, "case_id": case_id, "machine_id": machine_id}
    if item is not None:
        asked["item"] = item
    for name, value in asked.items():
        if answer.get(name) != value:
            return f"{name} {answer.get(name)!r}, asked {value!r}"
    got = [str(p.get("id_number")) for p in answer.get("parties") or [] if isinstance(p, dict)]
    if parties is not None and got != [str(p.get("id_number")) for p in parties]:
        return f"parties {len(got)} answered for {len(parties)} asked, or other ID numbers"
    return ""
