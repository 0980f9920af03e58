"""The printed papers of a case, built from the journal (no typing): the certificate pages of
a registered marriage or divorce, and the notices: 不予受理告知书 (a refused intake),
撤回离婚登记申请确认单 (a withdrawn divorce application) and 视为撤回告知书 (one whose window
ended).

The page data is the forms package's case file (docs/forms.md) assembled from the intake's
party records and the ``case.registered`` entry (字号, registration date), so what is printed
is exactly what was registered. The photo slot stays empty until the capture step exists.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from counter_app.cases.kinds import KIND_CASE_TRANSITION
from counter_app.cases.service import CaseService
from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.workflows.intake import ROLES, MarriageIntake
from forms.case_data import CaseFile, pages_for
from forms.model import load_form
from sync.kinds import KIND_CASE_REGISTERED


def registration_of(journal: Journal, case_id: str) -> dict[str, Any]:
    """The ``case.registered`` payload of the case (CounterAppError if it is not registered)."""
    for entry in journal.entries(case_id=case_id):
        if entry.kind == KIND_CASE_REGISTERED:
            return entry.payload
    raise CounterAppError("该业务尚未登记，不能打印结婚证。", code="certificates.not_registered")


def certificate_case_file(journal: Journal, case_id: str, office: dict[str, Any],
                          office_name: str) -> CaseFile:
    """The forms case for the certificates (结婚证 or 离婚证) of ``case_id``."""
    registered = registration_of(journal, case_id)
    on = date.fromisoformat(registered["registration_date"])
    if registered["item"] == "divorce":
        from counter_app.workflows.registration import DivorceRegistration

        flow = DivorceRegistration(journal, office, operator="")
        case = flow.case_file(case_id, flow.intake.state(case_id), on)
    else:
        intake = MarriageIntake(journal, office, operator="")
        case = intake.case_input(intake.state(case_id), on)
    status = "married" if registered["item"] == "divorce" else "unmarried"
    return CaseFile(case.with_checks(dict.fromkeys(ROLES, status)), {
        "office_name": office_name, "certificate": {
            "kind": registered["item"], "number": registered["certificate_number"],
            "registration_date": registered["registration_date"]}})


def certificate_pages(journal: Journal, case_id: str, office: dict[str, Any],
                      office_name: str) -> list[tuple[str, Any]]:
    """[("man", (form, data)), ("woman", (form, data))]: the booklets in printing order."""
    case_file = certificate_case_file(journal, case_id, office, office_name)
    form = load_form(f"{case_file.forms['certificate']['kind']}_certificate")
    return list(zip(ROLES, pages_for(form, case_file)))



def refusal_notice_pages(journal: Journal, case_id: str, office: dict[str, Any],
                         office_name: str) -> list[Any]:
    """The 不予受理告知书 of a refused intake: the reasons and legal bases of the rules check
    that refused it, on the date of that check."""
    intake = MarriageIntake(journal, office, operator="")
    state = intake.state(case_id)
    if state.case_state != "refused" or state.decision is None:
        raise CounterAppError("该业务没有被不予受理，不能出具告知书。", code="certificates.not_refused")
    case = intake.case_input(state, date.fromisoformat(state.checked_on))
    return pages_for(load_form("refusal_acceptance"),
                     CaseFile(case, refusal_forms(case_id, office_name, state.refusals)))


def refusal_forms(case_id: str, office_name: str, refusals: list[dict]) -> dict[str, Any]:
    """The ``forms`` part of a refusal notice stating the recorded reasons and their bases."""
    return {"office_name": office_name, "refusal": {
        "number": case_id[:8], "reason": "；".join(r["message_zh"] for r in refusals),
        "basis": "；".join(dict.fromkeys(r["basis"] for r in refusals))}}


#: The notice a case in each state gets, and its title.
NOTICE_FORMS = {"refused": ("refusal_acceptance", "不予受理告知书"),
                "withdrawn": ("divorce_withdrawal_confirmation", "撤回离婚登记申请确认单"),
                "deemed_withdrawn": ("divorce_deemed_withdrawn", "离婚登记申请视为撤回告知书")}


def notice_for(journal: Journal, case_id: str) -> tuple[str, str] | None:
    """(form_id, title) of the notice the case's state calls for, or None."""
    case = CaseService(journal).state(case_id)
    return NOTICE_FORMS.get(case.state) if case is not None else None


def notice_pages(journal: Journal, case_id: str, office: dict[str, Any],
                 office_name: str) -> list[Any]:
    """The pages of the notice the case's state calls for (see ``NOTICE_FORMS``)."""
    case = CaseService(journal).state(case_id)
    if case is not None and case.state in ("withdrawn", "deemed_withdrawn"):
        return _divorce_notice_pages(journal, case, office, office_name)
    return refusal_notice_pages(journal, case_id, office, office_name)


def _divorce_notice_pages(journal: Journal, case, office: dict[str, Any],
                          office_name: str) -> list[Any]:
    from counter_app.workflows.divorce import DivorceApplication

    ended = [e.payload.get("data", {}) for e in journal.entries(case_id=case.case_id)
             if e.kind == KIND_CASE_TRANSITION and e.payload.get("to") == case.state][-1]
    flow = DivorceApplication(journal, office, operator="")
    applied = flow.case_input(flow.state(case.case_id), case.receipt_date)
    ended_on = date.fromisoformat(ended["on"]) if ended.get("on") else case.receipt_date
    forms: dict[str, Any] = {"office_name": office_name}
    if case.state == "withdrawn":
        forms["withdrawal"] = {"party": ended.get("withdrawn_by"), "date": ended_on.isoformat()}
    form = load_form(NOTICE_FORMS[case.state][0])
    return pages_for(form, CaseFile(replace(applied, date=ended_on), forms))
