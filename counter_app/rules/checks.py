"""The checks rule packs name. Each is pure: ``fn(case, params, ctx) -> list of findings``.

A finding is a dict of values for the rule's ``message_zh`` template (``{role_zh}``,
``{age}``...); an empty list means the check does not fire. Grants return ``[{}]`` when they
grant jurisdiction. Document conditions return one finding per party (or ``[{}]`` for the case)
the documents are required for. A finding may carry ``_outcome`` to override the rule's outcome.
A grant that does not concern the case at all (e.g. the foreign-related route for two mainland
residents, or a pilot of another province) returns ``NOT_APPLICABLE`` so that its message is not
listed among the reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from counter_app.domain.idnumber import IdNumberResult
from counter_app.domain.idnumber import validate as _validate
from counter_app.domain.party import ID_TYPE_ZH, ROLE_OF_SEX, Applicant
from counter_app.rules.calendar import (
    CalendarRangeError,
    DivorcePeriods,
    HolidayCalendar,
    default_calendar,
    divorce_periods,
)
from counter_app.rules.caseinput import CaseInput

Finding = dict[str, Any]
Params = dict[str, Any]  # a check's parameters, as its rule pack gives them


@lru_cache(maxsize=256)
def validate_id(number: str, id_type: str) -> IdNumberResult:
    """ID validation, cached: three checks ask about the same number (results not mutated)."""
    return _validate(number, id_type)


CheckFn = Callable[[CaseInput, Params, "Ctx"], list[Finding]]
CHECKS: dict[str, CheckFn] = {}
NOT_APPLICABLE: list[Finding] = [{"_na": True}]


@dataclass
class Ctx:
    """What checks may know beyond the case: the flags of the packs in force."""

    flags: dict[str, Any] = field(default_factory=dict)
    calendar: Any = None

    @property
    def emergency(self) -> bool:
        return bool(self.flags.get("emergency_standalone"))


def check(name: str) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        CHECKS[name] = fn
        return fn
    return register


def _who(a: Applicant) -> Finding:
    return {"role_zh": a.role_zh}


def _matches(code: str | None, target: str, level: str) -> bool:
    """Region codes equal at ``level``: province (2 digits), city (4) or county (6)."""
    n = {"province": 2, "city": 4, "county": 6}[level]
    return code is not None and code[:n] == target[:n]


def _in_regions(code: str | None, prefixes: list[str]) -> bool:
    return code is not None and any(code.startswith(p) for p in prefixes)


def _all_mainland(case: CaseInput) -> bool:
    return all(a.party.is_mainland_resident for a in case.parties)


# --- eligibility ---------------------------------------------------------------------------

@check("legal_age")
def legal_age(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    out = []
    for a in case.parties:
        minimum = params[ROLE_OF_SEX[a.party.sex]]
        age = a.party.age_on(case.date)
        if age < minimum:
            out.append(_who(a) | {"age": age, "min_age": minimum, "date": case.date})
    return out


@check("flag_false")
def flag_false(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    """A recorded boolean party field (``params.field``) is False."""
    return [_who(a) for a in case.parties if getattr(a, params["field"]) is False]


@check("flag_missing")
def flag_missing(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    """A party field (``params.field``) was not recorded (None)."""
    return [_who(a) for a in case.parties if getattr(a, params["field"]) is None]


@check("marital_status_is")
def marital_status_is(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    return [_who(a) for a in case.parties if a.marital_status_check in params["values"]]


@check("marital_status_unchecked")
def marital_status_unchecked(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    """No recorded 联网核对 result; only a note in the pack's emergency standalone mode."""
    out = [_who(a) for a in case.parties if a.marital_status_check == "unchecked"]
    if ctx.emergency:
        for f in out:
            f["_outcome"] = "note"
    return out


# --- identity documents --------------------------------------------------------------------

@check("document_expired")
def document_expired(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    return [_who(a) | {"doc_zh": ID_TYPE_ZH[a.party.id_type], "valid_until": a.party.id_valid_until}
            for a in case.parties if not a.party.document_valid_on(case.date)]


@check("id_number_invalid")
def id_number_invalid(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    out = []
    for a in case.parties:
        result = validate_id(a.party.id_number, a.party.id_type)
        if result.errors:
            out.append(_who(a) | {"problem": "；".join(p.message_zh for p in result.errors)})
    return out


@check("id_number_warning")
def id_number_warning(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    out: list[Finding] = []
    for a in case.parties:
        result = validate_id(a.party.id_number, a.party.id_type)
        out.extend(_who(a) | {"problem": w.message_zh} for w in result.warnings)
    return out


@check("id_number_mismatch")
def id_number_mismatch(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    """Birth date or sex in the number disagrees with the recorded ones."""
    out = []
    for a in case.parties:
        result = validate_id(a.party.id_number, a.party.id_type)
        if result.errors:
            continue
        if result.birth_date and result.birth_date != a.party.birth_date:
            out.append(_who(a) | {"what": f"出生日期（号码中为 {result.birth_date}）"})
        if result.sex and result.sex != a.party.sex:
            out.append(_who(a) | {"what": "性别"})
    return out


@check("serviceman")
def serviceman(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    return [_who(a) for a in case.parties if a.party.serviceman]


@check("party_category")
def party_category(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    return [_who(a) | {"doc_zh": ID_TYPE_ZH[a.party.id_type]} for a in case.parties
            if a.party.category in params["categories"]]


@check("always")
def always(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    return [{}]


@check("no_mainland_party")
def no_mainland_party(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    return [] if any(a.party.is_mainland_resident for a in case.parties) else [{}]


@check("adult_capacity")
def adult_capacity(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    """Recorded lack of full civil capacity, or a party under 18 (Civil Code arts. 17-22)."""
    if case.divorce.get("both_full_capacity") is False:
        return [{}]
    minors: list[Finding] = [{} for a in case.parties if a.party.age_on(case.date) < 18]
    return minors[:1]


@check("divorce_fact_false")
def divorce_fact_false(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    return [{}] if case.divorce.get(params["field"]) is False else []


@check("reissue_fact_false")
def reissue_fact_false(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    return [{}] if case.reissue.get(params["field"]) is False else []


# --- office and jurisdiction ----------------------------------------------------------------

@check("popup_office")
def popup_office(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    return [{}] if case.office.popup else []


@check("office_not_original")
def office_not_original(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    """Reissue at an office other than the original one (and, if allowed, the hukou one)."""
    if case.office.code == case.reissue.get("original_office_code"):
        return []
    if params.get("or_hukou") and any(_matches(a.party.hukou_region_code, case.office.region_code,
                                               "county") for a in case.parties):
        return []
    return [{"original": case.reissue.get("original_office_code")}]


@check("grant_hukou")
def grant_hukou(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    """Mainland residents at the office of one party's 常住户口所在地 (2003 arts. 4, 10)."""
    if not _all_mainland(case):
        return NOT_APPLICABLE
    ok = any(_matches(a.party.hukou_region_code, case.office.region_code, "county")
             for a in case.parties)
    return [{}] if ok else []


@check("grant_original_or_hukou")
def grant_original_or_hukou(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    return [] if office_not_original(case, {"or_hukou": True}, ctx) else [{}]


@check("grant_foreign_designated")
def grant_foreign_designated(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    """Foreign/HMT/overseas-Chinese cases at a designated office (of the mainland party's
    province when ``params.same_province``)."""
    if _all_mainland(case):
        return NOT_APPLICABLE
    if not case.office.foreign_designated:
        return []
    mainland = [a for a in case.parties if a.party.is_mainland_resident]
    if params.get("require_mainland_party") and not mainland:
        return []
    if params.get("same_province") and not any(
            _matches(a.party.hukou_region_code, case.office.region_code, "province")
            for a in mainland):
        return []
    return [{}]


@check("grant_nationwide")
def grant_nationwide(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    """全国通办: mainland residents at any office."""
    return [{}] if _all_mainland(case) else NOT_APPLICABLE


@check("grant_pilot")
def grant_pilot(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    """A pilot's widening of jurisdiction; see docs/rules.md for the parameters."""
    office = case.office
    if params.get("regions") and not _in_regions(office.region_code, params["regions"]):
        return NOT_APPLICABLE
    mainland = [a for a in case.parties if a.party.is_mainland_resident]
    if params.get("mainland_only", True) and len(mainland) != len(case.parties):
        return NOT_APPLICABLE
    if not params.get("mainland_only", True) and (_all_mainland(case) or not mainland):
        return NOT_APPLICABLE
    if office.level not in params.get("levels", ("county",)):
        return []
    hukou_in = params.get("hukou_in")  # "regions" | "province" | None
    if hukou_in == "regions" and any(_in_regions(a.party.hukou_region_code, params["regions"])
                                     for a in mainland):
        return [{}]
    if hukou_in == "province" and any(_matches(a.party.hukou_region_code, office.region_code,
                                               "province") for a in mainland):
        return [{}]
    permit = params.get("permit_match")  # "province" | "city" | "county" | None
    if permit and any(_matches(a.party.residence_permit_region_code, office.region_code, permit)
                      for a in mainland):
        return [{}]
    return []


@check("no_party_hukou_in")
def no_party_hukou_in(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    """No party's hukou is in ``params.regions``, or (``params.level``) in the office's
    province/city/county: then a local 居住证 is required."""
    for a in case.parties:
        code = a.party.hukou_region_code
        if "regions" in params and _in_regions(code, params["regions"]):
            return []
        if "level" in params and _matches(code, case.office.region_code, params["level"]):
            return []
    return [{}]


# --- divorce periods ------------------------------------------------------------------------

def _periods(case: CaseInput) -> DivorcePeriods | None:
    receipt = case.divorce.get("receipt_date")
    if receipt is None:
        return None
    try:
        return divorce_periods(receipt, ctx_calendar(case))
    except CalendarRangeError:
        return None


def ctx_calendar(case: CaseInput) -> HolidayCalendar:
    return default_calendar()


def _fmt(p: DivorcePeriods) -> Finding:
    return {"receipt_date": p.receipt_date, "withdrawal_deadline": p.withdrawal_deadline,
            "issuance_from": p.issuance_from, "issuance_until": p.issuance_until}


@check("divorce_not_receiving_office")
def divorce_not_receiving_office(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    code = case.divorce.get("receiving_office_code")
    return [{"receiving": code}] if code is not None and code != case.office.code else []


@check("divorce_phase")
def divorce_phase_check(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    """Fires when the case date is in one of ``params.phases`` of the divorce periods."""
    p = _periods(case)
    if p is None:
        return []
    day = case.date
    phase = ("before_receipt" if day < p.receipt_date else "cooling_off"
             if day <= p.withdrawal_deadline else "issuance" if day <= p.issuance_until
             else "expired")
    return [_fmt(p)] if phase in params["phases"] else []


@check("divorce_periods_unknown")
def divorce_periods_unknown(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    """The receipt date's periods cannot be computed (outside the calendar) or are provisional."""
    receipt: date | None = case.divorce.get("receipt_date")
    if receipt is None:
        return []
    try:
        p = divorce_periods(receipt, ctx_calendar(case))
    except CalendarRangeError as exc:
        return [{"why": exc.message_zh}]
    if p.provisional:
        return [{"why": "所涉年份的国务院放假调休通知尚未收录，期限按法定节假日暂算"} | _fmt(p)]
    return []


@check("archive_missing")
def archive_missing(case: CaseInput, params: Params, ctx: Ctx) -> list[Finding]:
    return [{}] if case.reissue.get("archive_record_found") is False else []
