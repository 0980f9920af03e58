"""Names and rules both sides of the exchange protocol share (docs/sync-protocol.md).

Nothing here does I/O: the client (``sync.transport``) and the provincial simulator
(``sync.simulator``) both import these constants and the string-to-sign, so the two cannot
drift apart silently. Everything a provincial IT team needs is also spelled out in the doc.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

from counter_app.numbering.kinds import KIND_NUMBERING_BLOCK_RECEIVED, KIND_STOCK_RANGE_RECEIVED
from counter_app.operators.kinds import (KIND_OPERATOR_ACCOUNTS_CONFIRMED,
                                         KIND_OPERATOR_PROVINCE_ACCOUNT,
                                         KIND_OPERATOR_PROVINCE_REMOVED)
from sync.kinds import KIND_CASE_REGISTERED, KIND_CLOSING_PROVINCE_COPIES, KIND_REFERENCE

PROTOCOL_VERSION = 1
API_PREFIX = "/v1"

# --- request signing (Ed25519) ------------------------------------------------------------
HDR_MACHINE = "X-CA-Machine"
HDR_TIMESTAMP = "X-CA-Timestamp"
HDR_NONCE = "X-CA-Nonce"
HDR_CONTENT_SHA = "X-CA-Content-SHA256"
HDR_SIGNATURE = "X-CA-Signature"
HDR_UPLOAD_OFFSET = "X-CA-Upload-Offset"
HDR_UPLOAD_LENGTH = "X-CA-Upload-Length"
HDR_SERVER_TIME = "X-CA-Server-Time"
SIGNATURE_SCHEME = "CA1-ED25519"
#: Attachment chunks are not covered by the request signature (the server may keep a partial
#: body after a dropped connection); the SHA-256 of the whole attachment protects them.
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
#: How far a request timestamp may be from the server's clock, and how long nonces are kept.
MAX_SKEW_S = 300
#: The server signs every answer to a request that carries a nonce (docs §4.3).
HDR_ANSWER_SIGNATURE = "X-CA-Answer-Signature"
HDR_KEY_ID = "X-CA-Key-Id"
ANSWER_SCHEME = "CA1-ED25519-ANSWER"
#: A machine id: opaque to the client, at most 64 letters, digits, '-' or '_'.
MACHINE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
#: The hash before entry 1, and the acknowledged hash of a machine the server holds nothing of.
GENESIS_HASH = "0" * 64

# --- reference data -----------------------------------------------------------------------
COLLECTIONS = ("rule_packs", "offices", "operators", "appointments", "number_blocks",
               "blank_ranges")
BLOCK_PREFIXES = ("J", "L", "BJ", "BL")

# --- server-side case status --------------------------------------------------------------
CASE_PENDING, CASE_ACCEPTED, CASE_REJECTED, CASE_CONFLICT = (
    "pending", "accepted", "rejected", "conflict")
CASE_STATUSES = (CASE_PENDING, CASE_ACCEPTED, CASE_REJECTED, CASE_CONFLICT)
ENTRY_STORED, ENTRY_DUPLICATE, ENTRY_REJECTED = "stored", "duplicate", "rejected"
#: Entry kinds the server reads as "the registration was made" and checks for conflicts.
REGISTRATION_KINDS = (KIND_CASE_REGISTERED,)
#: Bookkeeping entries (docs §7.2): besides every ``sync.*`` kind, the facts the server itself
#: sent (reference data, blocks, ranges, the province's operator accounts, the closings it
#: returned), and the counter's own operator administration (``operator.*``: accounts,
#: log-ins, refusals, approvals). The server stores them, never rejects them, and they touch
#: no case verdict; every other kind is a business entry.
SERVER_FACT_KINDS = (KIND_REFERENCE, KIND_NUMBERING_BLOCK_RECEIVED, KIND_STOCK_RANGE_RECEIVED,
                     KIND_OPERATOR_PROVINCE_ACCOUNT, KIND_OPERATOR_PROVINCE_REMOVED,
                     KIND_OPERATOR_ACCOUNTS_CONFIRMED, KIND_CLOSING_PROVINCE_COPIES)
BOOKKEEPING_PREFIXES = ("sync.", "operator.")
#: At most this many entries per batch (more: 413 too_large); the client also cuts a batch at
#: BATCH_BYTES of canonical entry JSON (a larger single entry goes alone).
BATCH_ENTRIES, BATCH_BYTES = 200, 256 * 1024
#: The smallest request bodies a server must accept (larger ones may get 413 too_large).
MIN_ENTRIES_BODY, MIN_CHUNK_BODY = 8 * 1024 * 1024, 16 * 1024 * 1024


def is_bookkeeping(kind: str) -> bool:
    """Whether an entry kind is bookkeeping (never rejected, no verdict) - docs §7.2."""
    return kind.startswith(BOOKKEEPING_PREFIXES) or kind in SERVER_FACT_KINDS

# --- errors: code -> (HTTP status, retryable) ---------------------------------------------
ERRORS: dict[str, tuple[int, bool]] = {
    "bad_request": (400, False),
    "bad_signature": (401, False),
    "clock_skew": (401, True),
    "replay": (401, True),
    "unknown_machine": (401, False),
    "machine_revoked": (403, False),
    "machine_pending": (403, True),
    "not_found": (404, False),
    "unknown_office": (404, False),
    "office_conflict": (409, False),
    "idempotency_conflict": (409, False),
    "sequence_gap": (409, True),
    "offset_mismatch": (409, True),
    "too_large": (413, False),
    "chain_broken": (422, False),
    "hash_mismatch": (422, True),
    "rate_limited": (429, True),
    "internal": (500, True),
    "unavailable": (503, True),
}


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with milliseconds and a Z, the only time format on the wire."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_time(text: str) -> datetime:
    """Parse a wire timestamp; raises ValueError when it is not one."""
    moment = datetime.fromisoformat(str(text))
    if moment.tzinfo is None:
        raise ValueError("timestamp without a time zone")
    return moment


def canonical_json(value: Any) -> str:
    """UTF-8 JSON, keys sorted, no whitespace, non-ASCII as is (the journal's hash input)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def string_to_sign(method: str, path: str, timestamp: str, nonce: str, content_sha: str,
                   upload_offset: str = "") -> bytes:
    """The exact bytes a machine signs for one request (see "Signed requests" in the doc).

    ``path`` includes the query string as sent, e.g. ``/v1/reference/offices?cursor=0``.
    """
    lines = [SIGNATURE_SCHEME, method.upper(), path, timestamp, nonce, content_sha,
             upload_offset]
    return "\n".join(lines).encode("utf-8")


def entry_hash(entry: dict[str, Any]) -> str:
    """Recompute a journal entry's hash from its wire form (the server checks the chain)."""
    fields = {k: entry[k] for k in ("seq", "entry_id", "case_id", "kind", "payload",
                                     "operator", "device_time", "clock", "prev_hash")}
    if entry.get("attachments"):
        fields["attachments"] = entry["attachments"]
    return sha256_hex(canonical_json(fields).encode("utf-8"))


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The JSON body of every error response."""
    _status, retryable = ERRORS.get(code, (500, True))
    body = {"code": code, "message": message, "retryable": retryable}
    body.update(extra)
    return {"error": body}


def answer_to_sign(status: int, method: str, path: str, nonce: str, server_time: str,
                   body: bytes) -> bytes:
    """The exact bytes the server signs for one answer (docs §4.3): bound to the request by
    its method, path and nonce, so an old answer cannot be replayed for a new request."""
    lines = [ANSWER_SCHEME, str(int(status)), method.upper(), path, nonce, server_time,
             sha256_hex(body)]
    return "\n".join(lines).encode("utf-8")


def answer_bytes(answer: dict[str, Any]) -> bytes:
    """What the server signs in a 联网核对 answer: the canonical JSON of ``answer``."""
    return canonical_json(answer).encode("utf-8")
