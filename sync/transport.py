"""HTTP to the provincial system: the only module that imports ``requests``.

Every call has a connect and a read timeout; every signed request gets a fresh nonce and a
timestamp on the *server's* clock (device time plus the last measured offset), so a counter
whose clock drifted can still talk to the server. Failures become typed errors: NetworkError
(retry later), ServerError (with the server's code and whether retrying helps), ProtocolError.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, NoReturn
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests

from sync import protocol, signing
from sync.errors import (
    CertificateError,
    NetworkError,
    ProtocolError,
    ServerError,
    UntrustedAnswerError,
)

log = logging.getLogger(__name__)

USER_MESSAGES = {
    "clock_skew": "本机时钟与省级系统相差过大，正在校准后重试。",
    "replay": "请求被省级系统视为重复，正在重试。",
    "unknown_machine": "本机未在省级系统登记，请技术人员重新执行“本机登记”。",
    "bad_signature": "本机签名校验失败，请技术人员重新执行“本机登记”。",
    "machine_revoked": "本机已被省级系统停用，请联系上级主管部门。",
    "machine_pending": "本机登记尚待省级系统批准，请稍后再试。",
    "unknown_office": "省级系统中没有这个登记机关代码，请核对后重试。",
    "office_conflict": "本机已在另一个登记机关登记，不能改登到这个登记机关。如本机确已调往新的"
                       "登记机关，请先由省级系统变更本机的登记机关，再重新执行本机登记。",
    "chain_broken": "本机日志与已上传的记录不一致，已停止上传，请联系技术人员。",
    "rate_limited": "省级系统繁忙，稍后自动重试。",
    "unavailable": "省级系统暂时不可用，稍后自动重试。",
    "internal": "省级系统内部错误，稍后自动重试。",
    "bad_request": "省级系统不接受本机发送的数据，已停止上传，请联系技术人员。",
    "not_found": "省级系统找不到本机请求的内容，已停止上传，请联系技术人员。",
    "too_large": "一个附件超出省级系统允许的大小，已停止上传，请联系技术人员。",
    "idempotency_conflict": "同一个请求编号已用于内容不同的请求，省级系统不予处理。请联系技术人员。",
    "sequence_gap": "正在与省级系统核对上传进度，稍后自动重试。",
    "offset_mismatch": "正在与省级系统核对上传进度，稍后自动重试。",
    "hash_mismatch": "一个附件在传输中损坏，稍后自动重新上传。",
}


@dataclass
class Response:
    status: int
    body: dict[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)
    elapsed_s: float = 0.0
    #: The body bytes as received (what the answer signature covers).
    raw: bytes = b""
    #: The request's X-CA-Nonce ('' when it had none).
    nonce: str = ""


#: The HTTP session a caller may hand in (the tests inject faults through one).
Session = requests.Session


@dataclass
class Credentials:
    machine_id: str
    key: Any  # Ed25519PrivateKey


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (localhost, 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, allow_http: bool = False) -> str:
    """``url`` if sync may talk to it: https, or plain http to this machine (the simulator)
    or in demo mode (``allow_http``). Raises CertificateError otherwise (docs §2)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname and (allow_http or is_loopback(parts.hostname)):
        return url
    raise CertificateError(f"省级系统地址 {url} 不安全或无效：必须使用 https://（只有本机回环地址和演示模式"
                           "可以用 http://）。请技术人员核对地址。", detail=f"URL not allowed: {url}",
                           code="sync.insecure_url")


def same_server(url: str, other: str) -> bool:
    """Whether two URLs name the same host and port (the path may differ)."""
    a, b = urlsplit(url), urlsplit(other)
    return ((a.hostname or "").lower(), _port(a.scheme, a.port)) == (
        (b.hostname or "").lower(), _port(b.scheme, b.port))


def _port(scheme: str, port: int | None) -> int:
    return port if port is not None else (443 if scheme == "https" else 80)


class Transport:
    """Signed JSON and byte requests to one server, with timeouts everywhere."""

    def __init__(self, base_url: str, credentials: Credentials | None = None, *,
                 connect_timeout_s: float = 5.0, read_timeout_s: float = 30.0,
                 session: requests.Session | None = None,
                 now: Callable = protocol.utc_now,
                 server_key: signing.PinnedKey | None = None,
                 ca_bundle: str = "", allow_http: bool = False) -> None:
        self.base_url = check_url(base_url, allow_http=allow_http).rstrip("/")
        self.credentials = credentials
        #: The pinned server key: with it, every answer must be signed by it (docs §4.3).
        self.server_key = server_key
        self.timeout = (connect_timeout_s, read_timeout_s)
        self.session = session or requests.Session()
        if ca_bundle and not Path(ca_bundle).is_file():
            raise CertificateError(f"配置的省级系统 CA 证书文件 {ca_bundle} 不存在，请技术人员核对 "
                                   "sync.ca_bundle 配置。", detail=f"no CA bundle {ca_bundle}")
        # Given with every request: a pinned CA (only the province's CA then passes) must not
        # be replaced by REQUESTS_CA_BUNDLE, which requests prefers to a session's setting.
        self.verify: str | bool = ca_bundle or True
        self.now = now
        #: Server time minus device time, in ms, as last measured (used to date requests).
        self.offset_ms = 0

    def close(self) -> None:
        self.session.close()

    def server_now(self) -> datetime:
        return self.now() + timedelta(milliseconds=self.offset_ms)

    def on_server_clock(self, call: Callable[[], Response]) -> Response:
        """``call()``; a clock-skew refusal adopts the server time it names and retries once
        (the one-off exchanges outside the sync loop: login verification, closings)."""
        try:
            return call()
        except ServerError as err:
            if err.server_code != "clock_skew" or "server_time" not in err.body:
                raise
            server_time = protocol.parse_time(err.body["server_time"])
            self.offset_ms = int((server_time - self.now()).total_seconds() * 1000)
            return call()

    def get(self, path: str, params: dict | None = None, *, signed: bool = True) -> Response:
        if params:
            path = f"{path}?{urlencode(params)}"
        return self.send("GET", path, signed=signed)

    def post_json(self, path: str, body: dict, *, signed: bool = True,
                  headers: dict | None = None) -> Response:
        data = protocol.canonical_json(body).encode("utf-8")
        extra = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        return self.send("POST", path, data=data, headers=extra, signed=signed)

    def patch_bytes(self, path: str, data: bytes, offset: int, total: int) -> Response:
        headers = {"Content-Type": "application/offset+octet-stream",
                   protocol.HDR_UPLOAD_OFFSET: str(offset),
                   protocol.HDR_UPLOAD_LENGTH: str(total)}
        # urllib3 applies the connect timeout to sending the body too: on a slow, lossy link
        # a chunk would be abandoned after a few seconds without progress, and the server
        # would go on receiving what the kernel had queued while the client retried - a
        # chunk gets the read timeout for both
        return self.send("PATCH", path, data=data, headers=headers, unsigned_payload=True,
                         upload_offset=str(offset), timeout=(self.timeout[1], self.timeout[1]))

    def send(self, method: str, path: str, *, data: bytes | None = None,
             headers: dict | None = None, signed: bool = True,
             unsigned_payload: bool = False, upload_offset: str = "",
             timeout: tuple[float, float] | None = None) -> Response:
        """One request; returns the 2xx response or raises a typed SyncError. Every request
        carries a nonce; with a pinned server key the answer must be signed over it."""
        all_headers = dict(headers or {})
        if signed:
            all_headers.update(self._auth(method, path, data, unsigned_payload, upload_offset))
        else:
            all_headers.setdefault(protocol.HDR_NONCE, signing.new_nonce())
        response = self.exchange(method, path, data=data, headers=all_headers, timeout=timeout)
        if self.server_key is not None and not self._signed(method, path, response):
            self._unsigned(method, path, response)
        response.body = _parse_body(response.raw, response.status)
        if response.status >= 300:
            raise _server_error(method, path, response)
        return response

    def exchange(self, method: str, path: str, *, data: bytes | None = None,
                 headers: dict | None = None,
                 timeout: tuple[float, float] | None = None) -> Response:
        """One request exactly as given, and its answer whatever its status, unchecked and
        unparsed (``body`` empty): for ``send`` and the conformance checker. Raises only
        when there is no answer (NetworkError) or TLS fails (CertificateError)."""
        headers = dict(headers or {})
        started = time.monotonic()
        try:
            raw = self.session.request(method, self.base_url + path, data=data,
                                       headers=headers, timeout=timeout or self.timeout,
                                       verify=self.verify)
            content = raw.content  # read the whole body inside the try: it may be cut
        except requests.exceptions.SSLError as exc:
            if _certificate_failed(exc):
                raise _certificate_error(exc) from None
            # a TLS connection cut (e.g. closed by the server mid-request) is only a network
            # failure: retried like any other
            raise NetworkError("无法连接省级系统或连接中断，稍后自动重试。",
                               detail=f"{method} {path}: {exc!r}") from None
        except requests.RequestException as exc:
            log.info("sync %s %s failed: %s", method, path.split("?")[0], type(exc).__name__)
            raise NetworkError("无法连接省级系统或连接中断，稍后自动重试。",
                               detail=f"{method} {path}: {exc!r}") from None
        return Response(raw.status_code, {}, raw.headers, time.monotonic() - started, content,
                        str(headers.get(protocol.HDR_NONCE, "")))

    def _signed(self, method: str, path: str, response: Response) -> bool:
        assert self.server_key is not None
        return signing.answer_signed_by(self.server_key, response.headers, response.status,
                                        method, path, response.nonce, response.raw)

    def _unsigned(self, method: str, path: str, response: Response) -> NoReturn:
        """An answer not signed by the pinned key. A 5xx or 429 may come from a proxy in
        front of the server: it only means "later" and nothing in it is read but
        Retry-After. Anything else is refused (answer.signature)."""
        where = f"{method} {path.split('?')[0]}"
        if response.status >= 500 or response.status == 429:
            code = "rate_limited" if response.status == 429 else "unavailable"
            raise ServerError(USER_MESSAGES[code], status=response.status, server_code=code,
                              body={}, retryable=True,
                              retry_after_s=_retry_after(response.headers.get("Retry-After"),
                                                         None),
                              detail=f"{where} -> unsigned {response.status}")
        raise UntrustedAnswerError(
            "省级系统的应答没有有效的签名（或省级系统已更换签名密钥），已拒收并记入日志。"
            "请联系技术人员；如省级系统已更换密钥，请重新执行 counter-app enroll。",
            requirement="answer.signature", endpoint=where,
            evidence=f"HTTP {response.status} answer signed by key "
                     f"{response.headers.get(protocol.HDR_KEY_ID)!r}, not verifiable with the "
                     f"pinned key {self.server_key.key_id if self.server_key else None!r}")

    def _auth(self, method: str, path: str, data: bytes | None, unsigned_payload: bool,
              upload_offset: str) -> dict[str, str]:
        if self.credentials is None:
            raise ProtocolError("本机尚未登记，不能签名请求。", detail="no credentials")
        timestamp = protocol.iso(self.server_now())
        return signing.sign_headers(self.credentials.key, self.credentials.machine_id,
                                    method, path, data, timestamp,
                                    unsigned_payload=unsigned_payload,
                                    upload_offset=upload_offset)


def _certificate_failed(exc: Exception) -> bool:
    """Whether a TLS error is the certificate's (not trusted, expired, another name)."""
    text = repr(exc)
    return any(sign in text for sign in ("CERTIFICATE_VERIFY_FAILED",
                                         "certificate verify failed", "Hostname mismatch",
                                         "SSLCertVerificationError"))


def _certificate_error(exc: Exception) -> CertificateError:
    return CertificateError("省级系统的证书无法验证（证书不受信任、已过期或与地址不符），已停止连接。"
                            "请技术人员核对省级系统地址和 sync.ca_bundle 配置。",
                            detail=f"TLS: {exc!r}")


def _parse_body(content: bytes, status: int) -> dict[str, Any]:
    if not content:
        return {}
    try:
        body = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        if status >= 500:
            return {}
        raise ProtocolError("省级系统的应答无法解析，稍后自动重试。",
                            detail=f"HTTP {status}: non-JSON body of {len(content)} bytes")
    if not isinstance(body, dict):
        raise ProtocolError("省级系统的应答格式不对，稍后自动重试。", detail="body not an object")
    return body


def _server_error(method: str, path: str, response: Response) -> ServerError:
    error = response.body.get("error")
    err: dict[str, Any] = error if isinstance(error, dict) else {}
    code = str(err.get("code") or ("unavailable" if response.status >= 500 else "bad_request"))
    # the table of docs §10 rules for the codes it lists; `retryable` only for others
    retryable = (protocol.ERRORS[code][1] if code in protocol.ERRORS
                 else bool(err.get("retryable", response.status >= 500)))
    retry_after = _retry_after(response.headers.get("Retry-After"), err.get("retry_after_s"))
    message = USER_MESSAGES.get(code) or (
        f"省级系统拒绝了请求（{code}）：{err.get('message') or response.status}")
    log.info("sync %s %s -> HTTP %s %s", method, path.split("?")[0], response.status, code)
    return ServerError(message, status=response.status, server_code=code, body=err,
                       retryable=retryable, retry_after_s=retry_after,
                       detail=f"{method} {path.split('?')[0]} -> {response.status} {code}")


def _retry_after(header: str | None, field_value: Any) -> float | None:
    """Seconds to wait: the body's ``retry_after_s``, else the Retry-After header (delta
    seconds, or an HTTP date as RFC 9110 allows)."""
    for value in (field_value, header):
        try:
            if value is not None:
                return max(0.0, float(value))
        except (TypeError, ValueError):
            continue
    try:
        when = parsedate_to_datetime(str(header)) if header else None
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, (when - protocol.utc_now()).total_seconds())
