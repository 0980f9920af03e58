"""``counter-app journal restore --from-province``: this machine's journal as the province holds it.

The provincial system keeps every entry this machine uploaded, exactly as it was (seq, hashes),
and the attachments it completed. With the machine key and the enrolment (``sync/`` in the data
dir: the signing key is encrypted with a password derived from the machine key), the restore
pages through ``GET /v1/machines/self/entries`` and fetches each referenced attachment with
``GET /v1/attachments/{sha256}/content`` (docs/sync-protocol.md §7.5), and stages a new journal
from them (``counter_app.journal.restore``). Nothing is believed unchecked: every answer must be
signed by the server key pinned at enrolment over its request's nonce (§4.3, the transport
checks), the entries must run from seq 1 without a gap, each hashing right and continuing the
chain, up to the position the province acknowledges (GET /v1/machines/self), and every
attachment must hash to its SHA-256. Entries this
machine wrote after the province's last acknowledgement are not there: the restore says how far
it got, and the journaled restore entry records it.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable

from counter_app.config import Config
from counter_app.journal.entry import Entry
from counter_app.journal.keys import MachineKey
from counter_app.journal.restore import RestoreError, stage_entries
from sync import answers
from sync import enrolment as enrol
from sync import protocol
from sync.errors import NotEnrolledError, ServerError
from sync.transport import Transport

PAGE = 500


def stage_from_province(data_dir: Path, key: MachineKey, projections: Iterable[ModuleType], *,
                        server_url: str | None, config: Config,
                        allow_http: bool = False) -> tuple[Path, dict[str, Any]]:
    """Stage the province's copy of this machine's journal; (staged file, what it came from)."""
    try:
        enrolment, signing_key = enrol.load(data_dir, key)
    except NotEnrolledError as err:
        raise RestoreError("这个数据目录没有（或已损坏）本机在省级系统的登记信息（sync/ 文件夹），无法从省级系统"
                           "取回日志。请从备份恢复；没有备份时见 docs/security.md。",
                           detail=err.detail) from None
    url = server_url or config["sync.server_url"] or enrolment.server_url
    transport = enrol.pinned_transport(enrolment, signing_key, url,
                                       ca_bundle=config["sync.ca_bundle"], allow_http=allow_http,
                                       connect_timeout_s=config["sync.connect_timeout_s"],
                                       read_timeout_s=config["sync.read_timeout_s"])
    try:
        _adopt_server_time(transport)
        entries = fetch_entries(transport, enrolment.machine_id)
        staged, missing = stage_entries(entries, lambda sha: fetch_attachment(transport, sha),
                                        data_dir, key, projections)
    finally:
        transport.close()
    return staged, {"source": "province", "from": url, "machine_id": enrolment.machine_id,
                    "entries": len(entries), "missing_attachments": missing}


def _adopt_server_time(transport: Transport) -> None:
    """Requests are dated on the server's clock (a restored PC's clock may be anything)."""
    answer = transport.get(f"{protocol.API_PREFIX}/time", signed=False)
    server = protocol.parse_time(answer.body["server_time"])
    transport.offset_ms = int((server - transport.now()).total_seconds() * 1000)


def fetch_entries(transport: Transport, machine_id: str | None = None) -> list[Entry]:
    """Every entry the province holds for this machine, in seq order: a chain from seq 1 up
    to the position it acknowledges, each entry hashing right (else a refusal)."""
    acked_seq, acked_hash = _position(transport, machine_id)
    entries: list[Entry] = []
    cursor, more = "0", True
    while more:
        body = transport.get(f"{protocol.API_PREFIX}/machines/self/entries",
                             {"cursor": cursor, "limit": PAGE}).body
        items, cursor, more = answers.check_page(body, "GET /v1/machines/self/entries")
        for item in items:
            entries.append(_chained(_entry(item), entries[-1] if entries else None))
    if not entries:
        raise RestoreError("省级系统没有本机上传过的记录，无法从省级系统恢复。请改用备份文件恢复。",
                           detail="province holds no entries for this machine")
    if (entries[-1].seq, entries[-1].hash) != (acked_seq, acked_hash):
        raise _broken(f"entries end at seq {entries[-1].seq} {entries[-1].hash[:12]}, the "
                      f"province acknowledges seq {acked_seq} {acked_hash[:12]}")
    return entries


def _position(transport: Transport, machine_id: str | None) -> tuple[int, str]:
    """(acked_seq, acked_hash) of GET /v1/machines/self, which must name this machine."""
    body = transport.get(f"{protocol.API_PREFIX}/machines/self").body
    if machine_id is not None and body.get("machine_id") != machine_id:
        raise answers.refuse("position.identity", f"machine {body.get('machine_id')!r}, "
                             f"enrolled as {machine_id!r}", endpoint="GET /v1/machines/self")
    seq, digest = body.get("acked_seq"), body.get("acked_hash")
    if not isinstance(seq, int) or not isinstance(digest, str):
        raise RestoreError("省级系统返回的上传进度格式不对，恢复已中止。",
                           detail=f"position {seq!r} {digest!r}")
    return seq, digest


def _chained(entry: Entry, previous: Entry | None) -> Entry:
    """``entry`` if it follows ``previous`` (or is seq 1) and hashes to its own hash."""
    seq, prev_hash = (previous.seq, previous.hash) if previous else (0, protocol.GENESIS_HASH)
    if entry.seq != seq + 1 or entry.prev_hash != prev_hash:
        raise _broken(f"seq {entry.seq} prev {entry.prev_hash[:12]} after seq {seq} "
                      f"{prev_hash[:12]}")
    if protocol.entry_hash(_wire(entry)) != entry.hash:
        raise _broken(f"seq {entry.seq} does not hash to {entry.hash[:12]}")
    return entry


def _wire(entry: Entry) -> dict[str, Any]:
    return {"seq": entry.seq, "entry_id": entry.entry_id, "case_id": entry.case_id,
            "kind": entry.kind, "payload": entry.payload, "operator": entry.operator,
            "device_time": entry.device_time, "clock": entry.clock,
            "prev_hash": entry.prev_hash, "attachments": entry.attachments}


def _broken(evidence: str) -> Exception:
    return answers.refuse("restore.chain", evidence,
                          "省级系统返回的记录链不完整或与其哈希不符，不能用来恢复，恢复已中止。"
                          "请改用备份文件恢复，并联系技术人员。",
                          endpoint="GET /v1/machines/self/entries")


def _entry(item: dict) -> Entry:
    try:
        return Entry(seq=int(item["seq"]), entry_id=str(item["entry_id"]),
                     case_id=item.get("case_id"), kind=str(item["kind"]),
                     payload=dict(item["payload"]), operator=str(item["operator"]),
                     device_time=str(item["device_time"]), clock=dict(item["clock"]),
                     prev_hash=str(item["prev_hash"]), hash=str(item["hash"]),
                     attachments=list(item.get("attachments") or []))
    except (KeyError, TypeError, ValueError) as exc:
        raise RestoreError("省级系统返回的记录格式不对，恢复已中止。",
                           detail=f"entry from province: {exc!r}") from None


def fetch_attachment(transport: Transport, sha256: str) -> bytes | None:
    """The attachment's bytes from the province, checked against its SHA-256; None when the
    province does not have it complete."""
    data, offset = b"", 0
    while True:
        try:
            body = transport.get(f"{protocol.API_PREFIX}/attachments/{sha256}/content",
                                 {"offset": offset}).body
        except ServerError as err:
            if err.server_code == "not_found":
                return None
            raise
        piece = base64.b64decode(body.get("data") or "")
        data, offset = data + piece, offset + len(piece)
        if body.get("complete") or not piece:
            break
    if hashlib.sha256(data).hexdigest() != sha256:
        raise RestoreError("从省级系统取回的附件与记录不符，恢复已中止。",
                           detail=f"attachment {sha256[:12]} hash mismatch")
    return data
