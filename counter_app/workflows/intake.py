"""Marriage intake (初审 → 受理): both parties identified, the registrar's questions answered,
the rules checked, and the case accepted or refused — every step a journal entry.

The workflow's state is read back from the journal, so a case left half-way (or a PC switched
off) resumes at the same step: ``MarriageIntake.state(case_id).next_step``. Recording a party
again replaces the earlier record (a misread card, a typo in manual entry) until the case is
accepted. The 联网核对 comes later, before registration: at intake a missing check is expected
and does not hold the case back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from counter_app.cases.service import CaseService
from counter_app.domain.idnumber import validate
from counter_app.domain.party import LONG_TERM, ROLE_OF_SEX, ROLE_ZH, Applicant, Party
from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.operators import require
from counter_app.rules.caseinput import CaseInput, parse_office
from counter_app.rules.evaluator import evaluate
from counter_app.workflows.kinds import (KIND_INTAKE_ANSWERS, KIND_INTAKE_PARTY,
                                         KIND_INTAKE_RULES_CHECKED)

ROLES = ("man", "woman")
#: Findings that are expected at intake and settled before registration (the online check).
SETTLED_LATER = frozenset({"check.marital_status_unchecked"})
#: What a party record must hold for the rules (the rules-check party fields, docs/rules.md).
PARTY_FIELDS = ("name", "sex", "birth_date", "id_type", "id_number", "id_valid_until",
                "nationality", "hukou_region_code")
FIELD_ZH = {"name": "姓名", "sex": "性别", "birth_date": "出生日期", "id_type": "证件类型",
            "id_number": "证件号码", "id_valid_until": "证件有效期", "nationality": "国籍",
            "hukou_region_code": "户籍地区划代码"}


class IntakeError(CounterAppError):
    """A party record or an answer cannot be used; the message says what to fix."""

    code = "intake.invalid"


@dataclass
class IntakeState:
    """Where a marriage case stands in intake, read from the journal."""

    case_id: str
    #: The party records by role, as journaled (``intake.party``); :meth:`party` types one.
    parties: dict[str, dict[str, Any]] = field(default_factory=dict)
    answers: dict[str, dict[str, bool]] = field(default_factory=dict)
    decision: dict[str, Any] | None = None
    #: The refusing reasons of the last check (what a 不予受理告知书 states), and its date.
    refusals: list[dict[str, str]] = field(default_factory=list)
    checked_on: str | None = None
    case_state: str = "initial_review"
    #: The state in which the case is still being taken in (初审; 申请 for a divorce).
    open_state: str = "initial_review"

    def party(self, role: str) -> Party:
        """The party recorded for ``role``, typed."""
        return Party.from_record(self.parties[role])

    def typed_parties(self) -> list[tuple[str, Party]]:
        """(role, party) of the man, then the woman."""
        return [(role, self.party(role)) for role in ROLES]

    @property
    def next_step(self) -> str:
        """``party_man``, ``party_woman``, ``answers``, ``rules_check`` or ``done``: the step
        of the intake page while the case navigator has the case at its ``intake`` stage
        (counter_app.cases.navigator), ``done`` once it has moved on."""
        if self.case_state != self.open_state:
            return "done"
        for role in ROLES:
            if role not in self.parties:
                return f"party_{role}"
        if set(self.answers) != set(ROLES):
            return "answers"
        return "rules_check"


def party_from_card(card: dict[str, Any]) -> dict[str, Any]:
    """A rules-check party from ``IdCardRecord.as_dict()`` of a resident ID card.

    The card does not carry a hukou region code; the first six digits of the ID number (the
    region where the number was issued) are proposed, and the registrar confirms or corrects
    them — they differ for people who moved (assumption [M]: no card field gives the code).
    """
    if card.get("card_type") != "resident":
        raise IntakeError("目前只有居民身份证可以自动填写，请改为手工录入。",
                          detail=f"card type {card.get('card_type')}")
    number = card.get("id_number") or ""
    return {"name": card.get("name"), "sex": card.get("sex"), "birth_date": card.get("birth_date"),
            "id_type": "resident", "id_number": number,
            "id_valid_until": card.get("valid_until"), "nationality": "CHN",
            "hukou_region_code": number[:6] or None, "residence_permit_region_code": None,
            "address": card.get("address"), "ethnicity": card.get("ethnicity")}


def validate_party(party: dict[str, Any]) -> str:
    """The validation of an entered party record (the one a record passes before it is
    journaled; nothing judges it again): complete, dates, region code, and the ID number
    agreeing with them. Returns the party's role, from their sex."""
    # A passport or permit holder has no hukou (docs/rules.md: only resident-card parties).
    missing = [f for f in PARTY_FIELDS if not party.get(f) and not
               (f == "hukou_region_code" and party.get("id_type") not in (None, "resident"))]
    if missing:
        raise IntakeError(f"当事人信息不完整，请补充：{'、'.join(FIELD_ZH[f] for f in missing)}",
                          detail=f"missing {missing}")
    role = ROLE_OF_SEX.get(party["sex"])
    if role is None:
        raise IntakeError("无法确定当事人性别，请核对证件。", detail=f"sex {party['sex']}")
    _check_party(role, party)
    return role


def _check_party(role: str, party: dict[str, Any]) -> None:
    """Dates, region code and the ID number, and that the number agrees with them."""
    who = ROLE_ZH[role]
    birth = _iso_date(party["birth_date"], f"{who}出生日期")
    if party["id_valid_until"] != LONG_TERM:
        if _iso_date(party["id_valid_until"], f"{who}证件有效期") < birth:
            raise IntakeError(f"{who}证件有效期早于出生日期，请核对。")
    if (party["id_type"] == "resident" or party.get("hukou_region_code")) and \
            not re.fullmatch(r"[0-9]{6}", party.get("hukou_region_code") or ""):
        raise IntakeError(f"{who}户籍地区划代码应为 6 位数字，请核对。")
    result = validate(party["id_number"], party["id_type"])
    if not result.ok:
        problem = result.errors[0]
        raise IntakeError(f"{who}证件号码有误：{problem.message_zh}",
                          detail=f"id number: {problem.code}")
    if result.birth_date and result.birth_date != birth:
        raise IntakeError(f"{who}证件号码中的出生日期（{result.birth_date}）与填写的出生日期不一致，"
                          "请核对。")
    if result.sex and result.sex != party["sex"]:
        raise IntakeError(f"{who}证件号码中的性别与填写的性别不一致，请核对。")


def _iso_date(value: Any, what: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise IntakeError(f"{what}格式不对，应写成 年-月-日，例如 1990-03-07。",
                          detail=f"bad date {value!r}") from None


class MarriageIntake:
    """Intake of marriage cases at one office, journaled under the operator's name."""

    #: The case type opened, the rules item judged, the state while taking in.
    CASE_TYPE, ITEM, OPEN_STATE = "marriage", "marriage", "initial_review"

    def __init__(self, journal: Journal, office: dict[str, Any], operator: str) -> None:
        self.journal, self.office, self.operator = journal, office, operator
        self.cases = CaseService(journal)

    def open(self) -> str:
        """Start a case (初审, or 申请 for a divorce) and return its id."""
        require(self.journal, self.operator, "case.intake")
        return self.cases.open(self.CASE_TYPE, operator=self.operator).case_id

    def record_party(self, case_id: str, party: dict[str, Any], source: str) -> str:
        """Record one party (from a card, a chip or manual entry); returns its role."""
        require(self.journal, self.operator, "case.intake", case_id=case_id)
        self._require_open(case_id)
        role = validate_party(party)
        self.journal.append(KIND_INTAKE_PARTY, {"role": role, "source": source, "party": party},
                            operator=self.operator, case_id=case_id)
        return role

    def record_answers(self, case_id: str, role: str, *, voluntary: bool,
                       kinship_declared_none: bool) -> None:
        """The registrar's initial-review questions, as the party answered them."""
        self._record_answers(case_id, role, {"voluntary": voluntary,
                                             "kinship_declared_none": kinship_declared_none})

    def _record_answers(self, case_id: str, role: str, answers: dict[str, bool]) -> None:
        require(self.journal, self.operator, "case.intake", case_id=case_id)
        self._require_open(case_id)
        if role not in ROLES:
            raise IntakeError(f"未知的当事人：{role}")
        self.journal.append(KIND_INTAKE_ANSWERS, {"role": role, **answers},
                            operator=self.operator, case_id=case_id)

    def state(self, case_id: str) -> IntakeState:
        """The case's intake state, from its entries."""
        case = self.cases.state(case_id)
        if case is None:
            raise IntakeError(f"找不到业务 {case_id}。")
        state = IntakeState(case_id, case_state=case.state, open_state=self.OPEN_STATE)
        for entry in self.journal.entries(case_id=case_id):
            if entry.kind == KIND_INTAKE_PARTY:
                state.parties[entry.payload["role"]] = entry.payload["party"]
            elif entry.kind == KIND_INTAKE_ANSWERS:
                state.answers[entry.payload["role"]] = {
                    k: v for k, v in entry.payload.items() if k != "role"}
            elif entry.kind == KIND_INTAKE_RULES_CHECKED:
                state.decision = entry.payload["decision"]
                state.refusals = entry.payload.get("refusals", [])
                state.checked_on = entry.payload["on"]
        return state

    def check(self, case_id: str, on: date) -> dict[str, Any]:
        """Judge the case on ``on``; accept it (受理) or refuse it (不予受理) accordingly.

        Returns the rules-check decision (the ``rules check --json`` shape). A finding that
        refers the case to the supervisor (other than the online check, which comes later)
        leaves it in initial review.
        """
        require(self.journal, self.operator, "case.intake", case_id=case_id)
        state = self.state(case_id)
        if state.next_step != "rules_check":
            raise IntakeError("还有未完成的步骤，不能进行审查。", detail=state.next_step)
        decision = evaluate(self.case_input(state, on))
        refusing = [r for r in decision.reasons if r.outcome == "refuse"]
        self.journal.append(KIND_INTAKE_RULES_CHECKED,
                            {"on": on.isoformat(), "decision": decision.as_json(),
                             "refusals": [r.as_json() for r in refusing]},
                            operator=self.operator, case_id=case_id)
        refusals = [r.message_zh for r in refusing]
        referrals = [r for r in decision.reasons
                     if r.outcome == "refer" and r.code not in SETTLED_LATER]
        if refusals:
            self.cases.transition(case_id, "refused", operator=self.operator,
                                  reason="；".join(refusals))
        elif not referrals:
            self._accept(case_id, on)
        return decision.as_json()

    def _accept(self, case_id: str, on: date) -> None:
        self.cases.transition(case_id, "accepted", operator=self.operator)

    def case_input(self, state: IntakeState, on: date) -> CaseInput:
        """The rules-check case of this intake on ``on`` (docs/rules.md's case, typed)."""
        parties = tuple(Applicant(role, party, **state.answers[role])
                        for role, party in state.typed_parties())
        return CaseInput("marriage", on, parse_office(self.office), parties)

    def _require_open(self, case_id: str) -> None:
        case = self.cases.state(case_id)
        if case is None:
            raise IntakeError(f"找不到业务 {case_id}。")
        if case.state != self.OPEN_STATE:
            raise IntakeError("该业务已经受理或已不予受理，不能再修改初审信息。",
                              detail=f"state {case.state}")

