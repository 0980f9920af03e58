"""Divorce: acceptance refusals, the receiving office, and the calendar-bound periods."""

from __future__ import annotations

import pytest
from casebuilder import codes, make_case, office

RECEIVING = office("110105", code="110105-HY")


@pytest.mark.parametrize("field, code", [
    ("agreement_signed", "divorce.no_agreement"),
    ("both_full_capacity", "divorce.incapacity"),
    ("marriage_registered_in_mainland", "divorce.marriage_not_registered_in_mainland"),
])
@pytest.mark.parametrize("day", ["2024-01-10", "2026-11-23"])
def test_divorce_application_refusals(judge, field, code, day):
    answer = judge(make_case(item="divorce_application", day=day, **{field: False}))
    assert answer["decision"] == "refuse" and code in codes(answer)


def test_divorce_application_accepted_with_documents(judge):
    answer = judge(make_case(item="divorce_application"))
    assert answer["decision"] == "accept", answer["reasons"]
    assert "双方共同签署的离婚协议书" in answer["required_documents"]


def test_minor_party_lacks_capacity(judge):
    case = make_case(item="divorce_application", day="2024-01-10")
    case["parties"][1]["birth_date"] = "2006-02-01"
    from casebuilder import party
    case["parties"][1]["id_number"] = party("woman", "2006-02-01")["id_number"]
    assert "divorce.incapacity" in codes(judge(case))


# receipt 2021-09-01: withdrawal until 2021-10-08 (国庆), issuance 2021-10-09 .. 2021-11-08
@pytest.mark.parametrize("day, decision, code", [
    ("2021-09-15", "refuse", "divorce.cooling_off_not_over"),
    ("2021-10-08", "refuse", "divorce.cooling_off_not_over"),
    ("2021-10-09", "accept", None),
    ("2021-11-08", "accept", None),
    ("2021-11-09", "refuse", "divorce.deemed_withdrawn"),
    ("2021-08-31", "refer", "divorce.date_before_receipt"),
])
def test_divorce_completion_window(judge, day, decision, code):
    answer = judge(make_case(item="divorce_completion", day=day, off=RECEIVING,
                             receipt_date="2021-09-01", receiving_office_code="110105-HY"))
    assert answer["decision"] == decision, answer["reasons"]
    if code:
        assert code in codes(answer)


@pytest.mark.parametrize("day, decision", [
    ("2021-09-02", "accept"), ("2021-10-08", "accept"), ("2021-10-09", "refuse")])
def test_divorce_withdrawal_deadline_holiday_extended(judge, day, decision):
    case = make_case(item="divorce_withdrawal", day=day, off=RECEIVING,
                     receipt_date="2021-09-01", receiving_office_code="110105-HY")
    case["parties"] = case["parties"][:1]
    answer = judge(case)
    assert answer["decision"] == decision, answer["reasons"]
    assert answer["offline_allowed"] is True


@pytest.mark.parametrize("item", ["divorce_completion", "divorce_withdrawal"])
def test_only_the_receiving_office_may_proceed(judge, item):
    answer = judge(make_case(item=item, day="2021-10-09", off=office("310101"),
                             receipt_date="2021-09-01", receiving_office_code="110105-HY"))
    assert "divorce.not_receiving_office" in codes(answer)


def test_completion_needs_a_recorded_online_check(judge):
    case = make_case(item="divorce_completion", day="2021-10-09", off=RECEIVING,
                     receipt_date="2021-09-01", receiving_office_code="110105-HY")
    case["parties"][0]["marital_status_check"] = "unchecked"
    answer = judge(case)
    assert answer["decision"] == "refer" and answer["offline_allowed"] is False


def test_provisional_calendar_is_referred(judge):
    answer = judge(make_case(item="divorce_completion", day="2026-12-23", off=RECEIVING,
                             receipt_date="2026-11-22", receiving_office_code="110105-HY"))
    assert "divorce.periods_unverified" in codes(answer)


def test_receipt_outside_the_calendar_is_referred(judge):
    answer = judge(make_case(item="divorce_withdrawal", day="2027-12-20", off=RECEIVING,
                             receipt_date="2027-12-10", receiving_office_code="110105-HY"))
    assert answer["decision"] == "refer" and "divorce.periods_unverified" in codes(answer)
