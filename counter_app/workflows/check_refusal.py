"""不予登记 after a blocked 联网核对: the rules judge the case with the province's answer, the
refusal is journaled with its reasons and legal bases, and the 不予办理告知书 states them.

The answer alone is the province's fact (e.g. "已有有效的结婚登记"); the legal ground and its
basis come from the rules in force (a party with a spouse: 《民法典》第一千零四十二条), so the
notice says the same as a refusal at intake would. The judgement is recorded as an
``intake.rules_checked`` entry (``stage: online_check``), which is what the intake state and
its notices read, before the case moves to ``refused``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from counter_app.operators import require
from counter_app.rules.evaluator import evaluate
from counter_app.workflows.kinds import KIND_INTAKE_RULES_CHECKED
from counter_app.workflows.registration import (PROTOCOL_ROLE, MarriageRegistration,
                                                RegistrationError)

NOTICE_FORM = "refusal_processing"  # 不予办理告知书: refused after acceptance


def blocked_answer(flow: MarriageRegistration, case_id: str) -> dict[str, Any] | None:
    """The case's latest 联网核对 answer when it blocks registration, else None."""
    answer = flow.latest_check(case_id)
    return answer if answer and answer.get("outcome") == "blocked" else None


def refuse_after_check(flow: MarriageRegistration, case_id: str, on: date) -> list[dict]:
    """Refuse an examined case whose 联网核对 blocked it; returns the refusing reasons
    (``message_zh``, ``basis``, ...). RegistrationError when the answer does not block or the
    rules find no ground (the registrar then asks the supervisor)."""
    require(flow.journal, flow.operator, "case.refuse", case_id=case_id)
    case = flow.cases.state(case_id)
    if case is None or case.state != "examined":
        raise RegistrationError("只有审查完毕、等待登记的业务才能据联网核对结果不予登记。",
                                detail=f"state {case.state if case else None}")
    answer = blocked_answer(flow, case_id)
    if answer is None:
        raise RegistrationError("只有联网核对未通过的业务才能据此不予登记。",
                                detail="no blocked marital check")
    statuses = {p.get("role"): p.get("marital_status") for p in answer.get("parties", [])}
    state = flow.intake.state(case_id)
    case = flow.case_file(case_id, state, on)
    decision = evaluate(case.with_checks({a.role: statuses.get(PROTOCOL_ROLE[a.role])
                                          for a in case.parties}))
    refusing = [r.as_json() for r in decision.reasons if r.outcome == "refuse"]
    if not refusing:
        raise RegistrationError("联网核对未通过，但规则中没有对应的不予登记情形，请报负责人处理。",
                                detail="blocked answer, no refusing rule")
    flow.journal.append(KIND_INTAKE_RULES_CHECKED, {
        "on": on.isoformat(), "decision": decision.as_json(), "refusals": refusing,
        "stage": "online_check", "check_request_id": answer.get("request_id")},
        operator=flow.operator, case_id=case_id)
    flow.cases.transition(case_id, "refused", operator=flow.operator,
                          reason="；".join(r["message_zh"] for r in refusing))
    return refusing


def notice_pages(flow: MarriageRegistration, case_id: str, office_name: str) -> list[Any]:
    """The 不予办理告知书 of a case refused after its 联网核对, with the recorded reasons."""
    from counter_app.workflows.certificates import refusal_forms
    from forms.case_data import CaseFile, pages_for
    from forms.model import load_form

    state = flow.intake.state(case_id)
    if state.case_state != "refused" or not state.refusals:
        raise RegistrationError("该业务没有被不予登记，不能出具告知书。", detail="not refused")
    case = flow.intake.case_input(state, date.fromisoformat(state.checked_on))
    return pages_for(load_form(NOTICE_FORM),
                     CaseFile(case, refusal_forms(case_id, office_name, state.refusals)))


def refusal_state(flow: MarriageRegistration, case_id: str) -> str | None:
    """What the case page may offer: ``"can_refuse"`` (examined, 联网核对 blocked),
    ``"refused"`` (refused after its check: the notice may be printed again) or None."""
    if flow.ITEM != "marriage":
        return None
    case = flow.cases.state(case_id)
    if case is None:
        return None
    if case.state == "examined":
        return "can_refuse" if blocked_answer(flow, case_id) else None
    if case.state == "refused":
        checks = [e for e in flow.journal.entries(case_id=case_id)
                  if e.kind == KIND_INTAKE_RULES_CHECKED]
        if checks and checks[-1].payload.get("stage") == "online_check":
            return "refused"
    return None
