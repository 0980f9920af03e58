"""Ensure marriage intake reads both parties (card or manual), asks the registrar's questions,
checks the rules and accepts or refuses the case — resumable from the journal at every step."""

from __future__ import annotations

from datetime import date

import pytest

from counter_app.domain.idnumber import check_digit
from helpers.journals import open_test_journal
from counter_app.workflows.intake import IntakeError, MarriageIntake, party_from_card
from drivers.idcard.factory import open_reader
from drivers.idcard.simulator import SamSimulator, register, unregister

OFFICE = {"code": "110105-HY", "level": "county", "region_code": "110105",
          "foreign_designated": False, "popup": False}
TODAY = date(2026, 5, 20)


def read_card(key: str) -> dict:
    """Read a sample card through the SAM simulator, frames and all, as the counter does."""
    simulator = SamSimulator()
    simulator.insert(key)
    address = register(f"intake-{key}", simulator)
    try:
        reader = open_reader(address)
        try:
            return reader.read_card().record.as_dict()
        finally:
            reader.close()
    finally:
        unregister(f"intake-{key}")


def number(first17: str) -> str:
    return first17 + check_digit(first17)


def manual_woman(**over) -> dict:
    party = {"name": "李梅", "sex": "female", "birth_date": "1996-02-29", "id_type": "resident",
             "id_number": number("11010519960229002"), "id_valid_until": "long-term",
             "nationality": "CHN", "hukou_region_code": "110105"}
    party.update(over)
    return party


@pytest.fixture
def intake(journal):
    return MarriageIntake(journal, OFFICE, operator="demo")


def answer_both(intake, case_id, **over):
    for role in ("man", "woman"):
        answers = {"voluntary": True, "kinship_declared_none": True}
        answers.update(over.get(role, {}))
        intake.record_answers(case_id, role, **answers)


def test_two_parties_to_acceptance(intake, journal):
    case_id = intake.open()
    assert intake.state(case_id).next_step == "party_man"
    man = party_from_card(read_card("resident"))
    assert (man["name"], man["id_number"]) == ("王䶮", "11010219900307123X")
    assert intake.record_party(case_id, man, source="card") == "man"
    assert intake.state(case_id).next_step == "party_woman"
    assert intake.record_party(case_id, manual_woman(), source="manual") == "woman"
    assert intake.state(case_id).next_step == "answers"
    answer_both(intake, case_id)
    decision = intake.check(case_id, TODAY)
    # Only the online check is outstanding, and it comes before registration, not intake.
    assert decision["decision"] == "refer"
    assert {r["code"] for r in decision["reasons"]} == {"check.marital_status_unchecked",
                                                         "offline.needs_online_check"}
    assert intake.state(case_id).case_state == "accepted"
    assert intake.state(case_id).next_step == "done"
    kinds = [e.kind for e in journal.entries(case_id=case_id)]
    assert kinds == ["case.transition", "intake.party", "intake.party", "intake.answers",
                     "intake.answers", "intake.rules_checked", "case.transition"]


def test_the_typed_case_is_the_rules_check_case_file_it_stands_for(intake):
    """What the intake hands the rules equals what ``counter-app rules check`` reads from a
    case file with the same facts (docs/rules.md), so both judge alike."""
    from counter_app.rules.caseinput import parse_case

    case_id = intake.open()
    intake.record_party(case_id, party_from_card(read_card("resident")), source="card")
    intake.record_party(case_id, manual_woman(), source="manual")
    answer_both(intake, case_id, woman={"kinship_declared_none": False})
    state = intake.state(case_id)
    parties = [{**state.parties[role], "role": role, **state.answers[role]}
               for role in ("man", "woman")]
    parties[0]["ethnicity"] = parties[0]["ethnicity"]["code"]  # a card's {"code", "name"}
    case_file = {"item": "marriage", "date": TODAY.isoformat(), "office": OFFICE,
                 "parties": parties}
    assert intake.case_input(state, TODAY) == parse_case(case_file)


def test_intake_resumes_after_the_app_is_closed(data_dir, clock):
    with open_test_journal(data_dir, key_store="file", clock=clock, staff=True) as journal:
        intake = MarriageIntake(journal, OFFICE, operator="demo")
        case_id = intake.open()
        intake.record_party(case_id, party_from_card(read_card("resident")), source="card")
    with open_test_journal(data_dir, key_store="file", clock=clock, staff=True) as journal:
        state = MarriageIntake(journal, OFFICE, operator="demo").state(case_id)
        assert state.next_step == "party_woman"
        assert state.parties["man"]["name"] == "王䶮"


def test_an_under_age_party_is_refused_with_the_legal_basis(intake):
    case_id = intake.open()
    intake.record_party(case_id, party_from_card(read_card("resident")), source="card")
    intake.record_party(case_id, manual_woman(birth_date="2006-05-21",
                                              id_number=number("11010520060521002")),
                        source="manual")
    answer_both(intake, case_id)
    decision = intake.check(case_id, TODAY)
    assert decision["decision"] == "refuse"
    under_age = next(r for r in decision["reasons"] if r["code"] == "marriage.under_age")
    assert "民法典" in under_age["basis"]
    case = intake.cases.state(case_id)
    assert case.state == "refused"
    assert intake.state(case_id).next_step == "done"


def test_not_voluntary_is_refused(intake):
    case_id = intake.open()
    intake.record_party(case_id, party_from_card(read_card("resident")), source="card")
    intake.record_party(case_id, manual_woman(), source="manual")
    answer_both(intake, case_id, woman={"voluntary": False})
    assert intake.check(case_id, TODAY)["decision"] == "refuse"


def test_a_misread_party_is_replaced_before_acceptance_and_frozen_after(intake):
    case_id = intake.open()
    intake.record_party(case_id, party_from_card(read_card("resident")), source="card")
    intake.record_party(case_id, manual_woman(name="李每"), source="manual")
    intake.record_party(case_id, manual_woman(), source="manual")
    assert intake.state(case_id).parties["woman"]["name"] == "李梅"
    answer_both(intake, case_id)
    intake.check(case_id, TODAY)
    with pytest.raises(IntakeError, match="已经受理"):
        intake.record_party(case_id, manual_woman(name="别人"), source="manual")


@pytest.mark.parametrize("party, message", [
    (manual_woman(id_number="11010519960229002" + ("1" if check_digit("11010519960229002") != "1"
                                                   else "2")), "证件号码有误"),
    (manual_woman(name=""), "请补充：姓名"),
    (manual_woman(sex="unknown"), "性别"),
    (manual_woman(birth_date="1996-02-30"), "出生日期格式不对"),
    (manual_woman(birth_date="1996-03-01"), "出生日期.*不一致"),
    (manual_woman(id_valid_until="1990-01-01"), "有效期早于出生日期"),
    (manual_woman(hukou_region_code="11010"), "6 位数字"),
    (manual_woman(sex="male"), "性别"),
])
def test_bad_party_records_are_refused_in_words(intake, party, message):
    case_id = intake.open()
    with pytest.raises(IntakeError, match=message):
        intake.record_party(case_id, party, source="manual")
    assert intake.state(case_id).next_step == "party_man"


def test_the_check_waits_for_every_step(intake):
    case_id = intake.open()
    intake.record_party(case_id, party_from_card(read_card("resident")), source="card")
    with pytest.raises(IntakeError, match="未完成"):
        intake.check(case_id, TODAY)


def test_only_resident_cards_fill_the_form_automatically():
    with pytest.raises(IntakeError, match="手工录入"):
        party_from_card(read_card("foreign_2023"))


def test_a_referral_leaves_the_case_for_the_supervisor(intake):
    case_id = intake.open()
    intake.record_party(case_id, party_from_card(read_card("resident")), source="card")
    intake.record_party(case_id, manual_woman(), source="manual")
    answer_both(intake, case_id)
    decision = intake.check(case_id, date(2002, 1, 7))  # before any rule pack in force
    assert decision["decision"] == "refer"
    assert "rules.no_pack" in {r["code"] for r in decision["reasons"]}
    assert intake.cases.state(case_id).state == "initial_review"
    assert intake.state(case_id).decision["decision"] == "refer"


def test_the_refusal_notice_states_the_recorded_reasons_and_bases(intake, journal):
    from counter_app.workflows.certificates import refusal_notice_pages
    case_id = intake.open()
    intake.record_party(case_id, party_from_card(read_card("resident")), source="card")
    intake.record_party(case_id, manual_woman(), source="manual")
    answer_both(intake, case_id, woman={"voluntary": False})
    intake.check(case_id, TODAY)
    [(form, data)] = refusal_notice_pages(journal, case_id, OFFICE, "北京市朝阳区婚姻登记处")
    assert form.form_id == "refusal_acceptance"
    assert "自愿" in data.values["refusal.reason"]
    assert "民法典" in data.values["refusal.basis"]
    assert data.missing(form) == []


def test_no_notice_for_an_accepted_case(intake, journal):
    from counter_app.workflows.certificates import refusal_notice_pages
    case_id = intake.open()
    intake.record_party(case_id, party_from_card(read_card("resident")), source="card")
    intake.record_party(case_id, manual_woman(), source="manual")
    answer_both(intake, case_id)
    intake.check(case_id, TODAY)
    with pytest.raises(Exception, match="没有被不予受理"):
        refusal_notice_pages(journal, case_id, OFFICE, "x")
