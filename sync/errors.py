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
