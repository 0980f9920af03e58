"""Divorce by agreement at the counter: application (申请 -> 受理 with a receipt), the 30-day
cooling-off period (冷静期), withdrawal by either party, and expiry (视为撤回).

Both parties apply in person at one office, which becomes the receiving office: only it may
take a withdrawal or, after the cooling-off period, register the divorce. The dates on the
receipt come from the holiday-aware calendar (counter_app.rules.calendar); the case service
enforces them. Completion (审查 -> 联网核对 -> 登记) follows the marriage registration pattern
and is the next step of this module.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from counter_app.domain.party import Applicant
from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.operators import require
from counter_app.rules.calendar import DivorcePeriods, divorce_periods
from counter_app.rules.caseinput import CaseInput, parse_office
from counter_app.workflows.intake import ROLE_ZH, ROLES, IntakeError, IntakeState, MarriageIntake

log = logging.getLogger(__name__)


class DivorceApplication(MarriageIntake):
    """Taking in a divorce application; the same party steps as a marriage intake."""

    CASE_TYPE, ITEM, OPEN_STATE = "divorce", "divorce_application", "applied"

    def record_answers(self, case_id: str, role: str, *, agreement_signed: bool,  # type: ignore[override]
                       full_capacity: bool, certificate_from_mainland: bool) -> None:
        """What the registrar establishes for each party: signed the agreement (离婚协议书),
        of full civil capacity, holds a marriage certificate issued in mainland China."""
        self._record_answers(case_id, role, {"agreement_signed": agreement_signed,
                                             "full_capacity": full_capacity,
                                             "certificate_from_mainland": certificate_from_mainland})

    def case_input(self, state: IntakeState, on: date) -> CaseInput:
        """The rules-check case (item divorce_application; receipt dated ``on``)."""
        answers = [state.answers[role] for role in ROLES]
        parties = tuple(Applicant(role, party) for role, party in state.typed_parties())
        facts = {"agreement_signed": all(a["agreement_signed"] for a in answers),
                 "both_full_capacity": all(a["full_capacity"] for a in answers),
                 "marriage_registered_in_mainland": all(a["certificate_from_mainland"]
                                                        for a in answers),
                 "receipt_date": on, "receiving_office_code": self.office["code"]}
        return CaseInput(self.ITEM, on, parse_office(self.office), parties, facts)

    def _accept(self, case_id: str, on: date) -> None:
        """受理: the receipt date and this office are recorded; the cooling-off period starts."""
        receipt = {"receipt_date": on.isoformat(), "receiving_office_code": self.office["code"]}
        self.cases.transition(case_id, "accepted", operator=self.operator, on=on,
                              office_code=self.office["code"], data=receipt)
        self.cases.transition(case_id, "cooling_off", operator=self.operator, on=on,
                              office_code=self.office["code"])

    def periods(self, case_id: str) -> DivorcePeriods:
        """The receipt's dates: withdrawal deadline and the window to complete."""
        case = self.cases.state(case_id)
        if case is None or case.receipt_date is None:
            raise IntakeError("该离婚登记申请尚未受理，没有受理回执。")
        return divorce_periods(case.receipt_date)

    def withdraw(self, case_id: str, role: str, on: date) -> None:
        """Either party withdraws (撤回) within the 30 days, at the receiving office."""
        require(self.journal, self.operator, "case.withdraw", case_id=case_id)
        if role not in ROLES:
            raise IntakeError(f"未知的当事人：{role}")
        self.cases.transition(case_id, "withdrawn", operator=self.operator, on=on,
                              office_code=self.office["code"],
                              reason=f"{ROLE_ZH[role]}申请撤回离婚登记申请",
                              data={"withdrawn_by": role})

    def expire(self, on: date) -> list[str]:
        """Mark every application whose completion window ended before ``on`` as deemed
        withdrawn (视为撤回); safe to run at every start and refresh."""
        return self.cases.expire_overdue(on=on, operator=self.operator)


def expire_due(journal: Journal, office: dict[str, Any], operator: str, on: date) -> list[str]:
    """At each login: applications whose completion window has ended become deemed withdrawn
    (视为撤回), so the home page shows them for their notice. Never blocks a login: a failure
    is logged and nothing expires until the next one."""
    try:
        return DivorceApplication(journal, office, operator).expire(on)
    except CounterAppError as err:
        log.warning("divorce expiry not run: %s", err.code)
        return []

