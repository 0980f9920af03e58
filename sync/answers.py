"""Is the server's answer true? Every answer is checked against what this machine sent and
what its journal holds before anything of it is believed.

Pure functions in the style of ``sync.decide`` (no I/O, no clock): the caller first reads the
few facts a check needs from the journal (``Held`` entries at the seqs the answer names, the
case ids this machine has uploaded) and a check returns the answer's validated parts or raises
UntrustedAnswerError naming the requirement (``REQUIREMENTS``, docs/sync-protocol.md §7.4) it
broke. A malformed answer (a missing field) is a ProtocolError instead: retried, not refused.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from sync import protocol
from sync.errors import ProtocolError, UntrustedAnswerError

#: Every requirement a server answer is held to: id -> what it says (docs §7.4 lists the same;
#: the conformance checker reports by these ids too).
REQUIREMENTS: dict[str, str] = {
    "answer.signature": "every answer to a request with a nonce is signed by the pinned server "
                        "key over that nonce (X-CA-Answer-Signature)",
    "position.identity": "GET /v1/machines/self names this machine and its enrolled office",
    "batch.position": "a batch answer's acked_seq lies between the seq before the batch's first "
                      "entry and the batch's last entry",
    "batch.hash": "a batch answer's acked_hash is the client's hash of the entry at acked_seq",
    "batch.results": "each result names an entry this machine sent (seq, entry_id, case_id) at "
                     "or before acked_seq, with status stored or rejected",
    "gap.position": "a sequence_gap names a position before the batch, within the journal, "
                    "with the client's hash at that seq",
    "verdict.case": "each case verdict names a case of this machine's uploaded entries, with a "
                    "known status and a version >= 0",
    "attachment.progress": "an attachment answer names the attachment sent and counts no byte "
                           "that was not sent; complete only when every byte arrived",
    "feed.page": "a page has items, a next_cursor and more; an empty page has more = false",
    "feed.rejection": "each rejection names an uploaded entry of this machine by seq, entry_id "
                      "and case_id",
    "check.match": "a 联网核对 answer names the request, case, machine, item and parties asked",
    "login.match": "a login verification verdict names the request, operator and machine asked",
    "closings.office": "a closings answer is for the enrolled office and the day asked",
    "restore.chain": "the entries handed back for a restore run from seq 1 without a gap, each "
                     "hashing right and continuing the chain, up to the acknowledged position",
    "enrolment.office": "the enrolment answer is for the office asked for",
    "reference.office": "number blocks are for the division of the enrolled office",
}

UNTRUSTED_ZH = "省级系统的应答与本机记录不符，已拒收并记入日志，未当作已上传。请联系技术人员。"


@dataclass(frozen=True)
class Held:
    """What the journal holds at one seq."""

    entry_id: str
    case_id: str | None
    hash: str


@dataclass(frozen=True)
class Batch:
    """The seqs of one uploaded batch (consecutive)."""

    first_seq: int
    last_seq: int


@dataclass(frozen=True)
class BatchAnswer:
    """The parts of a batch answer that passed every check."""

    acked_seq: int
    acked_hash: str
    rejections: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)


def refuse(requirement: str, evidence: str, reason_zh: str = UNTRUSTED_ZH, *,
           endpoint: str = "", case_id: str | None = None) -> UntrustedAnswerError:
    """The error that refuses an answer (raise it)."""
    return UntrustedAnswerError(reason_zh, requirement=requirement, evidence=evidence,
                                endpoint=endpoint, case_id=case_id)


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError("省级系统的应答格式不对，稍后重试。", detail=f"{what} {value!r}")
    return value


def _list(value: Any, what: str) -> list:
    if not isinstance(value, list):
        raise ProtocolError("省级系统的应答格式不对，稍后重试。", detail=f"{what} not a list")
    return value


def hash_at(held: Mapping[int, Held], seq: int) -> str | None:
    """The journal's hash at ``seq`` (the genesis hash at 0), None when not held."""
    if seq == 0:
        return protocol.GENESIS_HASH
    entry = held.get(seq)
    return entry.hash if entry else None


# --- what to read from the journal first ---------------------------------------------------
def seqs_named(body: dict) -> set[int]:
    """The seqs an answer (batch answer, gap error, rejection page) names."""
    seqs = {body.get("acked_seq")}
    for item in body.get("results") or body.get("items") or []:
        if isinstance(item, dict):
            seqs.add(item.get("seq"))
    return {s for s in seqs if isinstance(s, int) and not isinstance(s, bool) and s > 0}


def cases_named(items: Any) -> set[str]:
    """The case ids a list of verdicts names."""
    return {str(c.get("case_id")) for c in items or [] if isinstance(c, dict)}


# --- the checks ----------------------------------------------------------------------------
def check_batch(body: dict, batch: Batch, held: Mapping[int, Held],
                uploaded: Collection[str]) -> BatchAnswer:
    """A ``POST /v1/entries`` answer, checked against the batch sent and the journal."""
    acked = _int(body.get("acked_seq"), "acked_seq")
    acked_hash = body.get("acked_hash")
    results = _list(body.get("results"), "results")
    where = "POST /v1/entries"
    if not batch.first_seq - 1 <= acked <= batch.last_seq:
        # it acknowledges seqs this machine never sent, or goes back behind the batch
        raise refuse("batch.position", f"acked_seq {acked} outside {batch.first_seq - 1}.."
                     f"{batch.last_seq} (the batch sent)",
                     "省级系统确认收到了本机并未发送的记录，应答已拒收并记入日志，未当作已上传。"
                     "请联系技术人员。", endpoint=where)
    if acked_hash != hash_at(held, acked):
        # it claims to hold entry acked_seq with other content than ours
        raise refuse("batch.hash", f"acked_hash at seq {acked} is {str(acked_hash)[:16]}…, "
                     f"the journal's is {str(hash_at(held, acked))[:16]}…",
                     "省级系统确认的记录内容与本机日志不一致，应答已拒收并记入日志。请联系技术人员。",
                     endpoint=where)
    rejections = [r for r in results if _check_result(r, acked, held, where)]
    cases = check_verdicts(body.get("cases") or [], uploaded, where)
    return BatchAnswer(acked, str(acked_hash), rejections, cases)


def _check_result(result: Any, acked: int, held: Mapping[int, Held], where: str) -> bool:
    """Whether a result is a rejection; refuses one that names no entry of ours."""
    if not isinstance(result, dict):
        raise ProtocolError("省级系统的应答格式不对，稍后重试。", detail="result not an object")
    seq = _int(result.get("seq"), "result seq")
    mine = held.get(seq)
    if seq > acked or mine is None:
        # a result for a seq beyond the position, or one this journal never had
        raise refuse("batch.results", f"result for seq {seq}, acked_seq {acked}", endpoint=where)
    if (result.get("entry_id"), result.get("case_id")) != (mine.entry_id, mine.case_id):
        # the seq is ours but the entry named is not the one we sent there
        raise refuse("batch.results", f"result for seq {seq} names entry "
                     f"{result.get('entry_id')!r} of case {result.get('case_id')!r}",
                     endpoint=where)
    if result.get("status") not in (protocol.ENTRY_STORED, protocol.ENTRY_REJECTED):
        # a verdict the protocol does not have
        raise refuse("batch.results", f"status {result.get('status')!r} at seq {seq}",
                     endpoint=where)
    return result.get("status") == protocol.ENTRY_REJECTED


def check_verdicts(items: Any, uploaded: Collection[str], where: str) -> list[dict]:
    """Case verdicts (batch answers, attachment answers, the status feed)."""
    checked = []
    for case in _list(items, "cases"):
        if not isinstance(case, dict):
            raise ProtocolError("省级系统的应答格式不对，稍后重试。", detail="case not an object")
        case_id = str(case.get("case_id"))
        if case_id not in uploaded:
            # a verdict about a case this machine never sent: it must not change our cases
            raise refuse("verdict.case", f"verdict for case {case_id!r}, not uploaded here",
                         "省级系统发来了本机没有的办件的结论，已拒收并记入日志。请联系技术人员。",
                         endpoint=where)
        version = case.get("version")
        if case.get("status") not in protocol.CASE_STATUSES or not (
                isinstance(version, int) and not isinstance(version, bool) and version >= 0):
            # an unknown status or version: nothing to record faithfully
            raise refuse("verdict.case", f"case {case_id!r} status {case.get('status')!r} "
                         f"version {version!r}", endpoint=where)
        checked.append(case)
    return checked


def check_gap(error: dict, batch: Batch, held: Mapping[int, Held]) -> tuple[int, str]:
    """A ``409 sequence_gap``: the server's position, where the client continues from."""
    acked = _int(error.get("acked_seq"), "gap acked_seq")
    where = "POST /v1/entries"
    if not 0 <= acked < batch.first_seq - 1:
        # not a gap at all: the server holds the seq before the batch (or claims more)
        raise refuse("gap.position", f"sequence_gap at acked_seq {acked}, batch from "
                     f"{batch.first_seq}", endpoint=where)
    if error.get("acked_hash") != hash_at(held, acked):
        # the position it names does not hold our entry
        raise refuse("gap.position", f"sequence_gap hash at seq {acked} differs from the "
                     "journal's", endpoint=where)
    return acked, str(error["acked_hash"])


def check_position(body: dict, machine_id: str, office_code: str) -> None:
    """``GET /v1/machines/self``: the answer is about this machine and its office."""
    if (body.get("machine_id"), body.get("office_code")) != (machine_id, office_code):
        # an answer about another machine or office (a wrong server, a mix-up, a forgery)
        raise refuse("position.identity", f"machine {body.get('machine_id')!r} office "
                     f"{body.get('office_code')!r}, enrolled {machine_id} office {office_code}",
                     "省级系统的应答不是关于本机（机器号或登记机关不符），已拒收并记入日志。"
                     "请联系技术人员。", endpoint="GET /v1/machines/self")


def check_chunk(body: dict, sha256: str, offset: int, sent: int, size: int) -> tuple[int, bool]:
    """A ``PATCH /v1/attachments/{sha256}`` answer: (received, complete)."""
    received = _int(body.get("received"), "received")
    complete = body.get("complete") is True
    where = f"PATCH /v1/attachments/{sha256[:12]}…"
    if body.get("sha256") != sha256 or not offset <= received <= min(offset + sent, size):
        # it counts bytes that were never sent, or answers for another attachment
        raise refuse("attachment.progress", f"received {received} after sending "
                     f"{offset}..{offset + sent} of {size}", endpoint=where)
    if complete != (received == size):
        # complete without every byte, or every byte and not complete
        raise refuse("attachment.progress", f"complete={complete} at {received}/{size}",
                     endpoint=where)
    return received, complete


def check_offset_error(error: dict, sha256: str, size: int) -> tuple[int, bool]:
    """A ``409 offset_mismatch`` or ``422 hash_mismatch``: where the server stands."""
    received = _int(error.get("received", 0), "received")
    complete = error.get("complete") is True
    if error.get("sha256") != sha256 or not 0 <= received <= size or (
            complete and received != size):
        # a position the attachment cannot have
        raise refuse("attachment.progress", f"server at {received}/{size} complete={complete}",
                     endpoint=f"PATCH /v1/attachments/{sha256[:12]}…")
    return received, complete


def check_page(body: dict, where: str) -> tuple[list, str, bool]:
    """A cursor page (reference data, verdict feeds): (items, next_cursor, more)."""
    items = _list(body.get("items"), "items")
    cursor = body.get("next_cursor")
    if not isinstance(cursor, str):
        raise ProtocolError("省级系统的应答格式不对，稍后重试。", detail=f"{where} next_cursor")
    more = body.get("more") is True
    if more and not items:
        # "more" with nothing in it would make the client ask forever
        raise refuse("feed.page", f"{where}: an empty page with more=true", endpoint=where)
    return items, cursor, more


def check_rejections(items: list, acked: int, held: Mapping[int, Held]) -> list[dict]:
    """``GET /v1/entries/rejected`` items: each one an uploaded entry of ours."""
    where = "GET /v1/entries/rejected"
    for item in items:
        seq = _int(item.get("seq") if isinstance(item, dict) else None, "rejection seq")
        mine = held.get(seq)
        if seq > acked or mine is None or (item.get("entry_id"), item.get("case_id")) != (
                mine.entry_id, mine.case_id):
            # a rejection of an entry not uploaded, or of another entry than ours at that seq
            raise refuse("feed.rejection", f"rejection of seq {seq} entry "
                         f"{item.get('entry_id')!r} (acked {acked})", endpoint=where)
        if item.get("status") != protocol.ENTRY_REJECTED:
            # the rejection feed carries rejections only
            raise refuse("feed.rejection", f"status {item.get('status')!r} at seq {seq}",
                         endpoint=where)
    return items


def check_block_office(item: Any, office_code: str) -> None:
    """A number block must be for the enrolled office's division (its 字号 carry the code)."""
    data = item.get("data") if isinstance(item, dict) else None
    division = data.get("division_code") if isinstance(data, dict) else None
    if division is not None and str(division) != office_code:
        # 字号 of another division would be printed on this office's certificates
        raise refuse("reference.office", f"number block for division {division}, enrolled "
                     f"office {office_code}",
                     "省级系统下发了其他登记机关的字号段，已拒收并记入日志。请联系技术人员。",
                     endpoint="GET /v1/reference/number_blocks")
