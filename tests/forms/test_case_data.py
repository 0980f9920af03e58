"""The typed case the forms print: read from a case file, or built by a workflow."""

from __future__ import annotations

import json
from dataclasses import replace

from formcheck import DATA

from counter_app.domain.party import PartyRecord
from forms.case_data import CaseFile, Particulars, case_values


def marriage() -> CaseFile:
    return CaseFile.from_json(json.loads((DATA / "marriage.json").read_text(encoding="utf-8")))


def test_a_case_file_keeps_what_only_forms_print_with_each_party():
    case_file = marriage()
    (man, his), (woman, hers) = case_file.each_party()
    assert (man.role, woman.role) == ("man", "woman")
    values = case_values(case_file)
    assert values["man.occupation"] == his.occupation and values["woman.phone"] == hers.phone
    assert values["man.address"] == man.party.address != ""


def test_a_workflow_adds_one_partys_declared_details():
    declared = Particulars(marital_status="divorced", occupation="教师")
    values = case_values(marriage().with_particulars("woman", declared))
    assert (values["woman.marital_status"], values["woman.occupation"]) == ("离婚", "教师")
    assert values["man.occupation"] == case_values(marriage())["man.occupation"]


def test_an_archived_party_is_printed_as_the_archive_has_them():
    case_file = marriage()
    only_man = CaseFile(replace(case_file.case, parties=case_file.case.parties[:1]),
                        archived=(PartyRecord("woman", "李梅", "", "1996-02-29"),))
    values = case_values(only_man)
    assert (values["woman.name"], values["woman.sex"], values["woman.nationality"]) == \
        ("李梅", "女", "中国")
    assert values["woman.birth_date"] == "1996-02-29" and "woman.id_type" not in values
