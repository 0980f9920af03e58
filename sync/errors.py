"""Errors the sync layer raises; each carries a Chinese message a registrar can act on."""

from __future__ import annotations

from counter_app.errors import CounterAppError


class SyncError(CounterAppError):
    """Base of sync errors. ``retryable`` says whether trying again later may succeed."""

    code = "sync.error"
    retryable = False


class NotEnrolledError(SyncError):
    code = "sync.not_enrolled"


class NetworkError(SyncError):
    """The server could not be reached or did not answer in time."""

    code = "sync.network"
    retryable = True


class ServerError(SyncError):
    """The server answered with an error (``server_code`` from its error body)."""

    code = "sync.server"

    def __init__(self, message_zh: str, *, status: int, server_code: str, body: dict,
                 retryable: bool, retry_after_s: float | None = None, detail: str = "") -> None:
        super().__init__(message_zh, detail=detail or f"HTTP {status} {server_code}")
        self.status = status
        self.server_code = server_code
        self.body = body
        self.retryable = retryable
        self.retry_after_s = retry_after_s
        #: Set by the engine when the answer let it fix its own state (retry at once).
        self.corrected = False


class ProtocolError(SyncError):
    """The server's answer does not follow the protocol (bad JSON, bad signature, ...)."""

    code = "sync.protocol"
    retryable = True


class LocalDataError(SyncError):
    """Something on this machine prevents syncing (e.g. the server holds more than we do)."""

    code = "sync.local_data"


class UntrustedAnswerError(SyncError):
    """The server's answer contradicts what this machine sent or what its journal holds, or is
    not signed by the pinned server key. Nothing of it is believed: the caller refuses it,
    journals the refusal (``sync.answer_refused``) and stops syncing until a person looks.

    ``requirement`` names the rule of docs/sync-protocol.md the answer broke (e.g.
    ``batch.position``); ``evidence`` says what was seen, in English, for the technician.
    """

    code = "sync.untrusted_answer"

    def __init__(self, message_zh: str, *, requirement: str, evidence: str,
                 endpoint: str = "", case_id: str | None = None) -> None:
        super().__init__(message_zh, detail=f"{requirement}: {evidence}")
        self.requirement = requirement
        self.evidence = evidence
        self.endpoint = endpoint
        self.case_id = case_id


class ServerKeyChangedError(SyncError):
    """At enrolment the server presented a signing key other than the pinned one, with no
    rotation statement signed by the pinned key and no confirmation of its fingerprint."""

    code = "sync.new_server_key"

    def __init__(self, message_zh: str, *, fingerprint: str, detail: str = "") -> None:
        super().__init__(message_zh, detail=detail or f"new server key {fingerprint}")
        self.fingerprint = fingerprint


class CertificateError(SyncError):
    """The server's TLS certificate cannot be verified (or the URL is not allowed): talking
    to it again will not help until a technician fixes the address or the CA bundle."""

    code = "sync.certificate"
