"""The error every layer raises when a registrar (or technician) must be told something.

Each error carries a stable ``code`` (for logs, support and tests) and a Chinese message
(``message_zh``) that says what happened and what to do next. ``str(err)`` is the Chinese
message, so a CLI or a dialog can show it as it is.
"""

from __future__ import annotations


class CounterAppError(Exception):
    """Base of all expected errors. Subclasses set ``code``; instances carry the message."""

    #: Stable machine-readable code, e.g. ``"journal.wrong_key"``.
    code: str = "counter_app.error"

    def __init__(self, message_zh: str, *, detail: str = "", code: str | None = None) -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh
        #: Technical detail for logs and technicians (English, no personal data).
        self.detail = detail
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message_zh


class ConfigError(CounterAppError):
    """A configuration file or an environment override is malformed."""

    code = "config.invalid"
