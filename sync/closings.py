"""A supervisor's counter reads the office's windows' signed daily closings from the province
(docs/sync-protocol.md §14): a window never reads another window's journal.

The answer is believed only when signed by the pinned server key over this request's nonce
(docs §4.3, checked by the transport) and for this machine's office and the day asked (a
refusal is journaled, ``sync.answer_refused``). Each closing comes back with the SHA-256 its
registrar signed; a copy whose closing does not
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
from sync import outbox, protocol
from sync.answers import refuse
from sync.errors import ProtocolError, UntrustedAnswerError
from sync.kinds import KIND_CLOSING_PROVINCE_COPIES
from sync.transport import Transport

PATH = f"{protocol.API_PREFIX}/closings"


def fetch_closings(data_dir: Path, journal: Journal, day: str, operator_id: str, *,
                   server_url: str | None = None, offset_ms: int = 0,
                   connect_timeout_s: float = 5.0,
                   read_timeout_s: float = 30.0, ca_bundle: str = "",
                   allow_http: bool = False) -> list[dict[str, Any]]:
    """Ask the province for ``day``'s closings of this machine's office, check and record
    them; returns them. NotEnrolledError, NetworkError or ServerError when it cannot."""
    enrolment, key = enrol.load(data_dir, journal)
    transport = enrol.pinned_transport(enrolment, key, server_url, ca_bundle=ca_bundle,
                                       allow_http=allow_http,
                                       connect_timeout_s=connect_timeout_s,
                                       read_timeout_s=read_timeout_s)
    transport.offset_ms = offset_ms
    try:
        answer = _get(transport, {"date": day, "operator_id": operator_id})
        closings = checked(answer, day, enrolment.office_code)
    except UntrustedAnswerError as err:
        outbox.record_refusal(journal, err)   # sync's own bookkeeping: internal, unguarded
        raise
    finally:
        transport.close()
    payload = {"date": day, "operator_id": operator_id, "closings": closings}
    digest = protocol.sha256_hex(protocol.canonical_json(payload).encode("utf-8"))
    journal.append(KIND_CLOSING_PROVINCE_COPIES, payload, operator=operator_id,
                   entry_id=f"closing.province_copies:{day}:{digest[:32]}")
    return closings


def _get(transport: Transport, params: dict[str, str]) -> dict[str, Any]:
    """The answer; a clock-skew refusal is retried once on the server's clock."""
    return transport.on_server_clock(lambda: transport.get(PATH, params)).body


def checked(answer: dict[str, Any], day: str,
            office_code: str | None = None) -> list[dict[str, Any]]:
    """The closings of the answer (for ``office_code`` and ``day``), each hashing to the
    SHA-256 its registrar signed."""
    closings = answer.get("closings")
    if not isinstance(closings, list):
        raise ProtocolError("省级系统返回的日结格式不对，请稍后重试。", detail="closings answer shape")
    if answer.get("date") != day or (office_code is not None
                                     and answer.get("office_code") != office_code):
        # a genuine answer about another office or day must not pass for this one
        raise refuse("closings.office", f"closings of {answer.get('office_code')!r} on "
                     f"{answer.get('date')!r}, asked {office_code!r} on {day!r}",
                     "省级系统返回的日结不是本登记机关这一天的，不能采用，已记入日志。请联系技术人员。",
                     endpoint=f"GET {PATH}")
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
