"""Logging to rotating files in the data dir, with personal data kept out.

The rule: nothing that identifies a person is logged at INFO or above. Code logs case ids,
entry seqs and codes, never names or document numbers. As a second line of defence, a filter
masks anything shaped like a Chinese ID number, passport MRZ or phone number in every record
that reaches the file, whatever its level.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"

# 15/18-digit resident ID numbers (last may be X), 9-prefixed foreigner numbers included;
# mainland mobile numbers; MRZ lines (44 or 30 chars of A-Z0-9<).
_SENSITIVE = re.compile(
    r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?![0-9A-Za-z])"
    r"|[A-Z0-9<]{30,44}"
)


def redact(text: str) -> str:
    """Mask ID numbers, phone numbers and MRZ lines, keeping the last 4 characters."""
    return _SENSITIVE.sub(lambda m: "*" * (len(m.group(0)) - 4) + m.group(0)[-4:], text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with :func:`redact` before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def setup(data_dir: Path, level: str = "INFO", max_bytes: int = 5_000_000,
          backups: int = 5) -> Path:
    """Send the root logger to ``data_dir/logs/counter-app.log`` (rotating). Returns the path."""
    log_dir = Path(data_dir) / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "counter-app.log"
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_counter_app", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    handler._counter_app = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(getattr(logging, level))
    return path
