"""The signed login verification: the province checks a province account's password.

A province account's first login on a machine (docs/sync-protocol.md §13.2): the operator id
and password go to the province over the signed request channel; the answer is signed twice
by the key this machine pinned at enrolment, exactly as a 联网核对 answer is (§4.3): the whole
answer over this request's nonce (X-CA-Answer-Signature, checked by the transport), and the
verdict itself over its canonical JSON (``signature``/``key_id`` in the body: the proof kept
with the account). The verdict is used only when both signatures, the key id, request id,
operator id and machine id all check out, so a forged or replayed answer cannot make the
counter keep a verifier for a password nobody checked; a refused answer is journaled
(``sync.answer_refused``). The password is never logged or journaled (the operators service
keeps only a scrypt verifier).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from counter_app.journal import Journal
from counter_app.operators.province import (REASON_CODES, LinkUnavailable, LoginVerdict,
                                            parse_account)
from sync import enrolment as enrol
from sync import outbox, protocol, signing
from sync.answers import refuse
from sync.enrolment import Enrolment
from sync.errors import (NetworkError, NotEnrolledError, ProtocolError, ServerError,
                         UntrustedAnswerError)
from sync.transport import Transport

PATH = f"{protocol.API_PREFIX}/operators/login-verifications"
WHERE = f"POST {PATH}"


def verify_login(data_dir: Path, journal: Journal, operator_id: str, password: str, *,
                 server_url: str | None = None, offset_ms: int = 0,
                 connect_timeout_s: float = 5.0, read_timeout_s: float = 10.0,
                 ca_bundle: str = "", allow_http: bool = False) -> LoginVerdict:
    """Ask the province about one password with this machine's enrolment; LinkUnavailable
    when the province cannot be asked now (not enrolled, no network, server down)."""
    try:
        enrolment, key = enrol.load(data_dir, journal)
    except NotEnrolledError as err:
        raise LinkUnavailable(err.message_zh, detail=err.detail) from None
    transport = enrol.pinned_transport(enrolment, key, server_url, ca_bundle=ca_bundle,
                                       allow_http=allow_http,
                                       connect_timeout_s=connect_timeout_s,
                                       read_timeout_s=read_timeout_s)
    transport.offset_ms = offset_ms
    try:
        return request_verification(transport, enrolment, operator_id, password)
    except UntrustedAnswerError as err:
        outbox.record_refusal(journal, err)   # sync's own bookkeeping: internal, unguarded
        raise
    except NetworkError as err:
        raise LinkUnavailable(err.message_zh, detail=err.detail) from None
    except ServerError as err:
        if err.retryable:   # the server is down or busy: like no link at all
            raise LinkUnavailable(err.message_zh, detail=err.detail) from None
        raise
    finally:
        transport.close()


def request_verification(transport: Transport, enrolment: Enrolment, operator_id: str,
                         password: str, request_id: str | None = None) -> LoginVerdict:
    """POST the check and return the verified verdict (ProtocolError when it is not one)."""
    request_id = request_id or uuid.uuid4().hex
    body = {"request_id": request_id, "operator_id": operator_id, "password": password,
            "requested_at": protocol.iso(transport.server_now())}
    response = _post(transport, body)
    verdict = verify_verdict(response, enrolment, request_id, operator_id)
    return LoginVerdict(request_id=request_id, verified=verdict["verified"],
                        reason_code=verdict.get("reason_code"), account=verdict.get("account"),
                        proof={"verdict": verdict, "signature": response["signature"],
                               "key_id": response["key_id"]})


def _post(transport: Transport, body: dict[str, Any]) -> dict[str, Any]:
    """The answer; a clock-skew refusal is retried once on the server's clock."""
    return transport.on_server_clock(lambda: transport.post_json(PATH, body)).body


def verify_verdict(response: dict[str, Any], enrolment: Enrolment, request_id: str,
                   operator_id: str) -> dict[str, Any]:
    """The verdict if the enrolled server key signed it and it answers this request."""
    verdict, signature = response.get("verdict"), response.get("signature")
    if not isinstance(verdict, dict) or not isinstance(signature, str):
        raise ProtocolError("省级系统的账号核验应答不完整，请重试。",
                            detail="verdict/signature missing")
    key = signing.load_public_key(enrolment.server_public_key)
    if response.get("key_id") != enrolment.server_key_id or not signing.verify(
            key, signature, protocol.answer_bytes(verdict)):
        # not signed by the pinned key: no proof to keep with the account
        raise refuse("answer.signature", f"verdict signature by key {response.get('key_id')!r} "
                     "does not verify with the pinned key",
                     "账号核验应答签名无效，不能采用，已记入日志。请联系技术人员。", endpoint=WHERE)
    asked = (request_id, operator_id, enrolment.machine_id)
    got = (verdict.get("request_id"), verdict.get("operator_id"), verdict.get("machine_id"))
    if got != asked:
        # a genuine verdict - about another request, operator or machine
        raise refuse("login.match", f"verdict for {got!r}, asked {asked!r}",
                     "账号核验应答与本次请求不符，不能采用，已记入日志。请联系技术人员。",
                     endpoint=WHERE)
    _check_shape(verdict, operator_id)
    return verdict


def _check_shape(verdict: dict[str, Any], operator_id: str) -> None:
    verified, reason = verdict.get("verified"), verdict.get("reason_code")
    account = verdict.get("account")
    try:
        if not isinstance(verified, bool) or (reason is not None and reason not in REASON_CODES):
            raise ValueError(f"verified {verified!r}, reason_code {reason!r}")
        if verified and (reason is not None or not isinstance(account, dict)
                         or account.get("active") is not True):
            raise ValueError("a verified verdict needs the active account and no reason")
        if not verified and reason is None:
            raise ValueError("a refusal needs its reason_code")
        if isinstance(account, dict):
            parse_account(account, operator_id, int(account.get("version", 0)))
    except (KeyError, TypeError, ValueError) as exc:
        raise ProtocolError("省级系统的账号核验应答格式不对，请联系技术人员。",
                            detail=f"verdict: {exc!r}") from None
