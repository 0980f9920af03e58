"""Signing the daily closing: the registrar signs his window's closing of a day, a supervisor
countersigns it; both are journal entries, so the province receives them with everything else
and returns the signed closings to the supervisors' counters (docs/sync-protocol.md §14).

The signature keeps the closing exactly as it was signed (``closing.signed``: the closing,
its SHA-256 and the journal position it covers). A day is signed once: entries dated that day
but written afterwards do not change it; they are listed beside it and flagged on the next
closing. The countersignature names the hash of the closing it approves
(``closing.countersigned``); the supervisor cannot countersign his own signature.

Who may sign is the permission table's (resources/permissions.toml: ``closing.sign`` for
registrars and supervisors, ``closing.countersign`` for supervisors), checked by the shared
guard (counter_app.operators ``require``: a refusal is journaled and raised as
PermissionRefused).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from counter_app.errors import CounterAppError
from counter_app.journal.canonical import canonical_json
from counter_app.operators import require
from counter_app.reports import facts
from counter_app.reports.daily import compute
from counter_app.reports.service import ReportService
from sync.kinds import KIND_CLOSING_COUNTERSIGNED, KIND_CLOSING_SIGNED


class ClosingError(CounterAppError):
    """The closing cannot be signed or countersigned now; the message says why."""

    code = "closing.refused"


def closing_hash(closing: dict[str, Any]) -> str:
    """The SHA-256 of a closing's canonical JSON (what both signatures name)."""
    return hashlib.sha256(canonical_json(closing).encode("utf-8")).hexdigest()


class DailyClosing:
    """Sign-off and countersignature of one window's closings."""

    def __init__(self, service: ReportService, today: Any = date.today) -> None:
        self.service, self.journal, self.today = service, service.journal, today

    def signatures(self, day: date) -> list[dict[str, Any]]:
        return facts.signoffs(self.journal, day.isoformat(), self.service.window)

    def sign(self, operator_id: str, day: date) -> dict[str, Any]:
        """The registrar signs the window's closing of ``day`` as the journal has it now;
        returns the closing signed."""
        require(self.journal, operator_id, "closing.sign")
        if day > self.today():
            raise ClosingError(f"{day} 还没有到，不能签字日结。")
        if any(s["role"] == "registrar" for s in self.signatures(day)):
            raise ClosingError(f"{self.service.window} 号窗口 {day} 的日结已经签字，不能再签。之后记入的"
                               "记录会在下一次日结中列出。", detail="already signed")
        through, _ = self.journal.head()   # before computing: later entries are flagged
        closing = compute(self.service, day.isoformat())
        self.journal.append(KIND_CLOSING_SIGNED, {
            "date": day.isoformat(), "window": self.service.window,
            "office": self.service.office["code"], "sha256": closing_hash(closing),
            "through_seq": through, "closing": closing}, operator=operator_id,
            entry_id=f"closing.signed:{self.service.window}:{day.isoformat()}")
        return closing

    def countersign(self, operator_id: str, day: date) -> None:
        """A supervisor countersigns the signed closing of ``day``."""
        require(self.journal, operator_id, "closing.countersign")
        signed = self.signatures(day)
        registrar = next((s for s in signed if s["role"] == "registrar"), None)
        if registrar is None:
            raise ClosingError(f"{day} 的日结还没有登记员签字，不能复核。")
        if registrar["operator"] == operator_id:
            raise ClosingError("不能复核自己签字的日结，请由另一位负责人复核。",
                               detail="countersign own closing")
        if any(s["role"] == "supervisor" for s in signed):
            raise ClosingError(f"{day} 的日结已经复核签字。", detail="already countersigned")
        self.journal.append(KIND_CLOSING_COUNTERSIGNED, {
            "date": day.isoformat(), "window": self.service.window,
            "sha256": registrar["sha256"]}, operator=operator_id,
            entry_id=f"closing.countersigned:{self.service.window}:{day.isoformat()}")
