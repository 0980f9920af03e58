"""From an accepted marriage case to a registration (审查 → 联网核对 → 登记).

Registering is the legal act: it needs a recorded, clear 联网核对 answer for both parties (the
online marital-status check that stops bigamy), the rules judged again with that answer, a
certificate number (字号) from this machine's reserved blocks, and a trusted clock. The
registration is written as a ``case.registered`` entry carrying the parties' ID numbers, which
the provincial system checks for conflicts (docs/sync-protocol.md), then the case moves to
``registered``. Without a link the case waits as "awaiting check" (the home page lists it) and
finishes with one click when the link is back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from collections.abc import Sequence
from typing import Any, Callable

from counter_app.cases.service import CaseService
from counter_app.domain.party import SEX_OF_ROLE
from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.operators import require
from counter_app.numbering import allocate_number
from counter_app.rules.caseinput import CaseInput
from counter_app.rules.evaluator import evaluate
from counter_app.workflows.divorce import DivorceApplication
from counter_app.workflows.intake import ROLES, MarriageIntake
from counter_app.workflows.kinds import KIND_INTAKE_PARTY
from counter_app.workflows.steps import CaseStep, next_step
from sync.kinds import KIND_CASE_REGISTERED, KIND_MARITAL_CHECK

#: How the sync protocol names the parties and the resident ID (docs/sync-protocol.md).
PROTOCOL_ROLE = SEX_OF_ROLE  # the marital-status check names a party by its sex
PROTOCOL_ID_TYPE = {"resident": "resident_id"}

Checker = Callable[..., dict]


class RegistrationError(CounterAppError):
    """The case cannot be registered now; the message says why and what to do."""

    code = "registration.refused"


@dataclass(frozen=True)
class Registered:
    """The outcome of a registration."""

    case_id: str
    certificate_number: str
    low_numbers_warning: str


class MarriageRegistration:
    """Examination, the online check and registration of accepted marriage cases."""

    #: The item registered, the rules item judged, the 字号 prefix, the state examined from.
    ITEM, RULES_ITEM, PREFIX, EXAMINE_FROM = "marriage", "marriage", "J", "accepted"
    INTAKE = MarriageIntake

    def __init__(self, journal: Journal, office: dict[str, Any], operator: str, *,
                 checker: Checker | None = None, low_water: int = 50,
                 today: Callable[[], date] = date.today,
                 steps: Sequence[CaseStep] = ()) -> None:
        self.journal, self.office, self.operator = journal, office, operator
        self.cases = CaseService(journal)
        self.intake = self.INTAKE(journal, office, operator)
        self._checker, self.low_water, self._today = checker, low_water, today
        self.steps = list(steps)   # preparation steps that must (still) be done to register

    def examine(self, case_id: str) -> None:
        """The registrar has examined the materials (审查): -> examined."""
        require(self.journal, self.operator, "case.examine", case_id=case_id)
        self.cases.transition(case_id, "examined", operator=self.operator, on=self._today(),
                              office_code=self.office["code"])

    def online_check(self, case_id: str) -> dict[str, Any]:
        """Ask the provincial system (联网核对); the signed answer is journaled by sync.

        Raises the sync layer's NetworkError when there is no link: the case then waits.
        """
        require(self.journal, self.operator, "case.online_check", case_id=case_id)
        if self._checker is None:
            raise RegistrationError("本机尚未连接省级系统，无法联网核对。请联系技术人员完成机器登记。")
        state = self.intake.state(case_id)
        request = [{"role": PROTOCOL_ROLE[role],
                    "id_type": PROTOCOL_ID_TYPE.get(party.id_type, party.id_type),
                    "id_number": party.id_number, "name": party.name}
                   for role, party in state.typed_parties()]
        return self._checker(case_id, self.ITEM, request, operator=self.operator)

    def latest_check(self, case_id: str) -> dict[str, Any] | None:
        """The last 联网核对 answer recorded for the case, or None; None too when a party's
        details were corrected after it (the province was asked about someone else)."""
        answer = None
        for entry in self.journal.entries(case_id=case_id):
            if entry.kind == KIND_MARITAL_CHECK:
                answer = entry.payload["answer"]
            elif entry.kind == KIND_INTAKE_PARTY:
                answer = None
        return answer

    def register(self, case_id: str, on: date) -> Registered:
        """Register the marriage on ``on`` (a legal act: refused on an untrusted clock)."""
        require(self.journal, self.operator, "case.register", case_id=case_id)
        case = self.cases.state(case_id)
        if case is None or case.state != "examined":
            raise RegistrationError("只有审查完毕的业务才能登记。",
                                    detail=f"state {case.state if case else None}")
        undone = next_step(self.steps, self.ITEM, case_id)
        if undone is not None:
            raise RegistrationError(f"还有一步没有完成：{undone.label}。完成后才能登记。",
                                    code="registration.step_undone", detail=undone.key)
        statuses = self._check_statuses(case_id)
        decision = self._judge(case_id, on, statuses)
        allocation = allocate_number(self.journal, case_id=case_id, prefix=self.PREFIX,
                                     division_code=self.office["region_code"], year=on.year,
                                     operator=self.operator, low_water=self.low_water)
        state = self.intake.state(case_id)
        self.journal.append(KIND_CASE_REGISTERED, {
            "item": self.ITEM, "registration_date": on.isoformat(),
            "certificate_number": allocation.number, "office_code": self.office["code"],
            "required_documents": decision["required_documents"],
            "parties": [{"role": role, "name": party.name, "id_type": party.id_type,
                         "id_number": party.id_number}
                        for role, party in state.typed_parties()],
        }, operator=self.operator, case_id=case_id, legal_act=True,
            entry_id=f"case.registered:{case_id}")
        self.cases.transition(case_id, "registered", operator=self.operator)
        return Registered(case_id, allocation.number, allocation.warning_zh or "")

    def _check_statuses(self, case_id: str) -> dict[str, str]:
        answer = self.latest_check(case_id)
        if answer is None:
            raise RegistrationError("尚未完成联网核对，不能登记。请先联网核对；网络中断时业务会在首页"
                                    "“等待联网核对”中等候。", code="registration.awaiting_check")
        if answer.get("outcome") != "clear":
            reasons = "；".join(p.get("reason") or "" for p in answer.get("parties", [])
                               if not p.get("can_register", True))
            raise RegistrationError(f"联网核对发现婚姻状况不符，不能登记：{reasons}。"
                                    "请核实后出具不予登记告知书。", code="registration.blocked")
        by_role = {p.get("role"): p.get("marital_status") for p in answer.get("parties", [])}
        return {role: by_role.get(PROTOCOL_ROLE[role], "unchecked") for role in ROLES}

    def _judge(self, case_id: str, on: date, statuses: dict[str, str]) -> dict[str, Any]:
        state = self.intake.state(case_id)
        decision = evaluate(self.case_file(case_id, state, on).with_checks(statuses))
        blocking = [r for r in decision.reasons if r.outcome in ("refuse", "refer")]
        if blocking:
            raise RegistrationError("；".join(r.message_zh for r in blocking),
                                    detail=",".join(r.code for r in blocking))
        return decision.as_json()

    def case_file(self, case_id: str, state, on: date) -> CaseInput:
        """The rules-check case of the registration on ``on``."""
        return self.intake.case_input(state, on)


class DivorceRegistration(MarriageRegistration):
    """Completing a divorce within its window at the receiving office (发给离婚证)."""

    ITEM, RULES_ITEM, PREFIX, EXAMINE_FROM = "divorce", "divorce_completion", "L", "cooling_off"

    INTAKE = DivorceApplication

    def case_file(self, case_id: str, state, on: date) -> CaseInput:
        """The divorce_completion case: the application's facts, its receipt."""
        case = self.cases.state(case_id)
        applied = self.intake.case_input(state, case.receipt_date)
        return replace(applied, item=self.RULES_ITEM, date=on, divorce={
            **applied.divorce, "receiving_office_code": case.receiving_office_code})
