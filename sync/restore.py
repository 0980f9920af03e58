"""``counter-app journal restore --from-province``: this machine's journal as the province holds it.

The provincial system keeps every entry this machine uploaded, exactly as it was (seq, hashes),
and the attachments it completed. With the machine key and the enrolment (``sync/`` in the data
dir: the signing key is encrypted with a password derived from the machine key), the restore
pages through ``GET /v1/machines/self/entries`` and fetches each referenced attachment with
``GET /v1/attachments/{sha256}/content`` (docs/sync-protocol.md §7.4), checking the chain and
every SHA-256, and stages a new journal from them (``counter_app.journal.restore``). Entries this
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
from sync import enrolment as enrol
from sync import protocol
from sync.errors import NotEnrolledError, ServerError
from sync.transport import Credentials, Transport

PAGE = 500


def stage_from_province(data_dir: Path, key: MachineKey, projections: Iterable[ModuleType], *,
                        server_url: str | None, config: Config) -> tuple[Path, dict[str, Any]]:
    """Stage the province's copy of this machine's journal; (staged file, what it came from)."""
    try:
        enrolment, signing_key = enrol.load(data_dir, key)
    except NotEnrolledError as err:
        raise RestoreError("这个数据目录没有（或已损坏）本机在省级系统的登记信息（sync/ 文件夹），无法从省级系统"
                           "取回日志。请从备份恢复；没有备份时见 docs/security.md。",
                           detail=err.detail) from None
    url = server_url or config["sync.server_url"] or enrolment.server_url
    transport = Transport(url, Credentials(enrolment.machine_id, signing_key),
                          connect_timeout_s=config["sync.connect_timeout_s"],
                          read_timeout_s=config["sync.read_timeout_s"])
    try:
        _adopt_server_time(transport)
        entries = fetch_entries(transport)
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


def fetch_entries(transport: Transport) -> list[Entry]:
    """Every entry the province holds for this machine, in seq order."""
    entries: list[Entry] = []
    cursor, more = "0", True
    while more:
        body = transport.get(f"{protocol.API_PREFIX}/machines/self/entries",
                             {"cursor": cursor, "limit": PAGE}).body
        entries.extend(_entry(item) for item in body.get("items") or [])
        cursor, more = str(body.get("next_cursor", cursor)), bool(body.get("more"))
    if not entries:
        raise RestoreError("省级系统没有本机上传过的记录，无法从省级系统恢复。请改用备份文件恢复。",
                           detail="province holds no entries for this machine")
    return entries


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
