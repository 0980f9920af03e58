"""A supervisor's counter reads the office's windows' signed daily closings from the province
(docs/sync-protocol.md §14): a window never reads another window's journal.

Each closing comes back with the SHA-256 its registrar signed; a copy whose closing does not
hash to it is refused (ProtocolError), so what the supervisor sees is what was signed. The
answer is recorded as a ``closing.province_copies`` entry (everything learnt from the server
becomes a journal entry), with an id made from its content: fetching the same again appends
nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from counter_app.journal import Journal
from sync import enrolment as enrol
from sync import protocol
from sync.errors import ProtocolError, ServerError
from sync.kinds import KIND_CLOSING_PROVINCE_COPIES
from sync.transport import Credentials, Transport

PATH = f"{protocol.API_PREFIX}/closings"


def fetch_closings(data_dir: Path, journal: Journal, day: str, operator_id: str, *,
                   server_url: str | None = None, offset_ms: int = 0,
                   connect_timeout_s: float = 5.0,
                   read_timeout_s: float = 30.0) -> list[dict[str, Any]]:
    """Ask the province for ``day``'s closings of this machine's office, check and record
    them; returns them. NotEnrolledError, NetworkError or ServerError when it cannot."""
    enrolment, key = enrol.load(data_dir, journal)
    transport = Transport(server_url or enrolment.server_url,
                          Credentials(enrolment.machine_id, key),
                          connect_timeout_s=connect_timeout_s, read_timeout_s=read_timeout_s)
    transport.offset_ms = offset_ms
    try:
        answer = _get(transport, {"date": day, "operator_id": operator_id})
    finally:
        transport.close()
    closings = checked(answer, day)
    payload = {"date": day, "operator_id": operator_id, "closings": closings}
    digest = protocol.sha256_hex(protocol.canonical_json(payload).encode("utf-8"))
    journal.append(KIND_CLOSING_PROVINCE_COPIES, payload, operator=operator_id,
                   entry_id=f"closing.province_copies:{day}:{digest[:32]}")
    return closings


def _get(transport: Transport, params: dict[str, str]) -> dict[str, Any]:
    """The answer; a clock-skew refusal is retried once on the server's clock."""
    try:
        return transport.get(PATH, params).body
    except ServerError as err:
        if err.server_code != "clock_skew" or "server_time" not in err.body:
            raise
        server_time = protocol.parse_time(err.body["server_time"])
        transport.offset_ms = int((server_time - transport.now()).total_seconds() * 1000)
        return transport.get(PATH, params).body


def checked(answer: dict[str, Any], day: str) -> list[dict[str, Any]]:
    """The closings of the answer, each hashing to the SHA-256 its registrar signed."""
    closings = answer.get("closings")
    if answer.get("date") != day or not isinstance(closings, list):
        raise ProtocolError("省级系统返回的日结格式不对，请稍后重试。", detail="closings answer shape")
    for copy in closings:
        try:
            digest = protocol.sha256_hex(protocol.canonical_json(copy["closing"]).encode("utf-8"))
            ok = digest == copy["sha256"] and copy["closing"].get("date") == day and \
                isinstance(copy["signed_off_by"], list) and copy["machine_id"] and copy["window"]
        except (KeyError, TypeError, AttributeError, ValueError):
            ok = False
        if not ok:
            raise ProtocolError("省级系统返回的某个窗口日结与其签字时的内容不符，不能采用，请联系技术人员。",
                                detail=f"closing copy of {day} fails its hash")
    return closings
