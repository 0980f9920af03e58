"""The case service: move a case through its procedure, one journal entry per step.

``CaseService(journal).open("marriage", operator="reg01")`` starts a case in its initial state;
``transition(case_id, "accepted", operator=...)`` moves it on. Every step is checked against the
state machine (counter_app.domain.cases) and, for a divorce, against the calendar and the
receiving office (only the office that received the application may take a withdrawal or
complete the registration; withdrawal only within the 30 days; completion only within the
following 30; deemed withdrawn only after that). Registering and issuing are legal acts: the
journal refuses them while the device clock is untrusted.

Two registrars moving the same case at once cannot both succeed: each step's entry id is the
case id and the step number, so the journal rejects the second one.

``state(case_id)`` and ``in_states(states)`` are the read API of the ``case_state`` projection:
other packages ask them instead of naming the table.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from counter_app.cases.kinds import KIND_CASE_TRANSITION
from counter_app.domain.cases import (
    CASE_TYPE_ZH,
    LEGAL_ACT_STATES,
    IllegalTransitionError,
    check_transition,
    machine,
)
from counter_app.journal import Journal
from counter_app.journal.errors import EntryIdConflictError
from counter_app.rules.calendar import DivorcePeriods, divorce_periods


@dataclass(frozen=True)
class CaseState:
    """A case as the ``case_state`` projection has it."""

    case_id: str
    case_type: str
    state: str
    transitions: int
    receipt_date: date | None
    receiving_office_code: str | None

    @property
    def periods(self) -> DivorcePeriods | None:
        """The divorce periods (computed from the receipt date and the holiday calendar)."""
        return divorce_periods(self.receipt_date) if self.receipt_date else None


class CaseService:
    """State changes of cases, written to ``journal``."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def state(self, case_id: str) -> CaseState | None:
        rows = self.journal.query("SELECT * FROM case_state WHERE case_id = ?", [case_id])
        return _case_state(rows[0]) if rows else None

    def in_states(self, states: Iterable[str]) -> list[CaseState]:
        """The cases now in one of ``states``, the least recently moved first."""
        wanted = list(states)
        marks = ", ".join("?" * len(wanted))
        return [_case_state(r) for r in self.journal.query(
            f"SELECT * FROM case_state WHERE state IN ({marks}) ORDER BY updated_seq", wanted)]

    def last_reason(self, case_id: str) -> str:
        """The reason recorded with the case's last state change ("" when it gave none)."""
        last = None
        for entry in self.journal.entries(case_id=case_id):
            if entry.kind == KIND_CASE_TRANSITION:
                last = entry
        return (last.payload.get("reason") or "") if last is not None else ""

    def open(self, case_type: str, *, operator: str, case_id: str | None = None,
             data: dict | None = None) -> CaseState:
        """Create a case in its procedure's first state."""
        case_id = case_id or uuid.uuid4().hex
        if self.state(case_id) is not None:
            raise IllegalTransitionError(f"业务 {case_id} 已经存在。", detail="case exists")
        self._append(case_type, case_id, None, machine(case_type).initial, operator, 1,
                     None, data)
        return self.state(case_id)  # type: ignore[return-value]

    def transition(self, case_id: str, to: str, *, operator: str, reason: str | None = None,
                   data: dict | None = None, on: date | None = None,
                   office_code: str | None = None) -> CaseState:
        """Move the case to ``to``; ``on``/``office_code`` matter for divorces (default today)."""
        current = self.state(case_id)
        if current is None:
            raise IllegalTransitionError(f"找不到业务 {case_id}。", detail="unknown case")
        check_transition(current.case_type, current.state, to)
        if to == "refused" and not (reason or "").strip():
            raise IllegalTransitionError("不予受理或不予登记必须写明理由。", detail="no reason")
        if current.case_type == "divorce":
            data = _divorce_step(current, to, data or {}, on or date.today(), office_code)
        self._append(current.case_type, case_id, current.state, to, operator,
                     current.transitions + 1, reason, data)
        return self.state(case_id)  # type: ignore[return-value]

    def expire_overdue(self, *, on: date, operator: str) -> list[str]:
        """Mark as deemed withdrawn (视为撤回) every divorce whose issuance window ended
        before ``on``; returns their case ids. Safe to run repeatedly (e.g. at start-up)."""
        rows = self.journal.query("SELECT case_id FROM case_state WHERE case_type = 'divorce' "
                                  "AND state = 'cooling_off' AND receipt_date IS NOT NULL")
        expired = []
        for row in rows:
            case = self.state(row["case_id"])
            if case is not None and case.periods and on > case.periods.issuance_until:
                self.transition(case.case_id, "deemed_withdrawn", operator=operator, on=on,
                                reason="冷静期届满后三十日内未申请发给离婚证")
                expired.append(case.case_id)
        return expired

    def _append(self, case_type: str, case_id: str, frm: str | None, to: str, operator: str,
                step: int, reason: str | None, data: dict | None) -> None:
        payload: dict = {"case_type": case_type, "from": frm, "to": to}
        if reason:
            payload["reason"] = reason
        if data:
            payload["data"] = data
        try:
            self.journal.append(KIND_CASE_TRANSITION, payload, operator=operator, case_id=case_id,
                                legal_act=to in LEGAL_ACT_STATES,
                                entry_id=f"case.transition:{case_id}:{step}")
        except EntryIdConflictError:
            raise IllegalTransitionError(
                f"{CASE_TYPE_ZH[case_type]}业务刚被另一窗口更改，请刷新后重试。",
                detail=f"concurrent step {step} on {case_id}") from None


def _case_state(r: dict[str, Any]) -> CaseState:
    receipt = date.fromisoformat(r["receipt_date"]) if r["receipt_date"] else None
    return CaseState(r["case_id"], r["case_type"], r["state"], r["transitions"], receipt,
                     r["receiving_office_code"])


def _divorce_step(current: CaseState, to: str, data: dict, on: date,
                  office_code: str | None) -> dict:
    """Check a divorce step against the receipt, the calendar and the receiving office."""
    if to == "accepted":
        try:
            date.fromisoformat(data["receipt_date"])
            assert data["receiving_office_code"]
        except (KeyError, ValueError, TypeError, AssertionError):
            raise IllegalTransitionError("受理离婚登记申请须记录受理日期和受理机关。",
                                         detail="accepted without receipt data") from None
        return data
    periods = current.periods
    if periods is None or to == "refused":
        return data
    if to in ("withdrawn", "examined") and office_code != current.receiving_office_code:
        raise IllegalTransitionError(
            f"该离婚登记申请由 {current.receiving_office_code} 受理，只能在该机关办理撤回或发证。",
            detail="not the receiving office")
    if to == "withdrawn" and on > periods.withdrawal_deadline:
        raise IllegalTransitionError(f"撤回期限已于 {periods.withdrawal_deadline} 届满。",
                                     detail="withdrawal too late")
    if to == "examined" and not periods.issuance_from <= on <= periods.issuance_until:
        raise IllegalTransitionError(
            f"只能在 {periods.issuance_from} 至 {periods.issuance_until} 期间申请发给离婚证。",
            detail="outside issuance window")
    if to == "deemed_withdrawn" and on <= periods.issuance_until:
        raise IllegalTransitionError(
            f"{periods.issuance_until} 之前不能视为撤回。", detail="deemed withdrawn too early")
    if to in ("withdrawn", "deemed_withdrawn"):
        data = {**data, "on": on.isoformat()}   # the date its notice states
    return data
