"""Table-driven boundaries for every pack: ages, validity, refusal grounds, jurisdiction by
date and office, pilots' first and last days, townships, designated offices, pop-up points."""

from __future__ import annotations

import pytest
from casebuilder import codes, make_case, office, party


def _set(case, i, **over):
    case["parties"][i].update(over)
    return case


# --- legal age: the birthday counts ---------------------------------------------------------

@pytest.mark.parametrize("day, man_birth, woman_birth, expected", [
    ("2026-11-23", "2004-11-23", "2000-01-01", []),                      # man 22 today
    ("2026-11-23", "2004-11-24", "2000-01-01", ["marriage.under_age"]),  # man 22 tomorrow
    ("2026-11-23", "1990-01-01", "2006-11-23", []),                      # woman 20 today
    ("2026-11-23", "1990-01-01", "2006-11-24", ["marriage.under_age"]),  # woman 20 tomorrow
    ("2022-03-01", "2000-02-29", "1990-01-01", []),                      # leap-day birthday
    ("2022-02-28", "2000-02-29", "1990-01-01", ["marriage.under_age"]),
])
def test_legal_age_boundaries(judge, day, man_birth, woman_birth, expected):
    case = make_case(day=day)
    _set(case, 0, birth_date=man_birth)
    _set(case, 1, birth_date=woman_birth)
    for p in case["parties"]:
        p["id_number"] = party(p["role"], p["birth_date"])["id_number"]
    answer = judge(case)
    assert [c for c in codes(answer) if c == "marriage.under_age"] == expected
    assert answer["decision"] == ("refuse" if expected else "accept")


def test_retroactive_marriage_judged_on_todays_date(judge):
    case = make_case(item="retroactive_marriage", day="2026-11-23")
    _set(case, 1, birth_date="2006-11-24",
         id_number=party("woman", "2006-11-24")["id_number"])
    assert "marriage.under_age" in codes(judge(case))


# --- document validity -------------------------------------------------------------------------

@pytest.mark.parametrize("valid_until, expired", [
    ("2026-11-23", False), ("2026-11-22", True), ("long-term", False)])
def test_document_validity(judge, valid_until, expired):
    answer = judge(_set(make_case(day="2026-11-23"), 0, id_valid_until=valid_until))
    assert ("id.expired" in codes(answer)) is expired


def test_bad_id_number_refused_and_mismatch_referred(judge):
    bad = _set(make_case(), 0, id_number="110105199005011231")
    assert "id.number_invalid" in codes(judge(bad))
    mismatch = _set(make_case(), 0, birth_date="1990-05-02")
    answer = judge(mismatch)
    assert "id.number_mismatch" in codes(answer) and answer["decision"] == "refer"


# --- the four refusal grounds and 联网核对 -----------------------------------------------------

@pytest.mark.parametrize("over, code, decision", [
    ({"voluntary": False}, "marriage.not_voluntary", "refuse"),
    ({"marital_status_check": "married"}, "marriage.existing_spouse", "refuse"),
    ({"kinship_declared_none": False}, "marriage.kinship", "refuse"),
    ({"marital_status_check": "unchecked"}, "check.marital_status_unchecked", "refer"),
    ({"marital_status_check": "divorced"}, None, "accept"),
    ({"marital_status_check": "widowed"}, None, "accept"),
])
@pytest.mark.parametrize("day", ["2024-01-10", "2026-11-23"])  # national-2003 and national-2025
def test_marriage_refusal_grounds(judge, over, code, decision, day):
    answer = judge(_set(make_case(day=day), 1, **over))
    assert answer["decision"] == decision
    if code:
        assert code in codes(answer)
        assert all(r["basis"] for r in answer["reasons"])


def test_offline_needs_a_recorded_online_check(judge):
    assert judge(make_case())["offline_allowed"] is True
    answer = judge(_set(make_case(), 0, marital_status_check="unchecked"))
    assert answer["offline_allowed"] is False
    assert "offline.needs_online_check" in codes(answer)


# --- jurisdiction under national-2003 and national-2025 ----------------------------------------

@pytest.mark.parametrize("day, man, woman, decision", [
    ("2021-03-01", "110105", "310101", "accept"),   # 2003: one party's hukou office
    ("2021-03-01", "310101", "440301", "refuse"),   # 2003: neither
    ("2025-05-09", "310101", "440301", "refuse"),   # last day of 2003 rules, no Beijing permit
    ("2025-05-10", "310101", "440301", "accept"),   # first day of 全国通办
])
def test_hukou_jurisdiction_then_nationwide(judge, day, man, woman, decision):
    answer = judge(make_case(day=day, man_hukou=man, woman_hukou=woman))
    assert answer["decision"] == decision, answer["reasons"]
    if decision == "refuse":
        assert "jurisdiction.not_hukou_office" in codes(answer)


def test_huji_booklet_required_before_2025_not_after(judge):
    before = judge(make_case(day="2025-05-09"))["required_documents"]
    after = judge(make_case(day="2025-05-10"))["required_documents"]
    assert "户口簿（男方）" in before and not any("户口簿" in d for d in after)


def _foreign_case(day, off):
    case = make_case(day=day, off=off, man_hukou="445222")
    case["parties"][1] = party("woman", "1992-06-02", None, id_type="passport",
                               id_number="E12345678", nationality="USA")
    return case


@pytest.mark.parametrize("day, designated, decision, code", [
    ("2026-11-23", False, "refuse", "jurisdiction.foreign_not_designated"),
    ("2026-11-23", True, "accept", None),
])
def test_foreign_related_needs_a_designated_office(judge, day, designated, decision, code):
    answer = judge(_foreign_case(day, office("110105", foreign=designated)))
    assert answer["decision"] == decision, answer["reasons"]
    if code:
        assert code in codes(answer)
    else:
        assert any("无配偶证明" in d for d in answer["required_documents"])


def test_neither_party_mainland_is_referred_under_2025(judge):
    case = _foreign_case("2026-11-23", office("110105", foreign=True))
    case["parties"][0] = party("man", "1990-05-01", None, id_type="hk_macau_permit",
                               id_number="H12345678", nationality="CHN")
    answer = judge(case)
    assert "jurisdiction.no_mainland_party" in codes(answer)


# --- Beijing 跨省通办 (accepting 2023-06-01 to 2025-05-11) -------------------------------------

def _beijing(day, permit="110108", man="310101", woman="440301"):
    case = make_case(day=day, man_hukou=man, woman_hukou=woman, off=office("110105"))
    case["parties"][0]["residence_permit_region_code"] = permit
    return case


@pytest.mark.parametrize("day, decision", [
    ("2023-05-31", "refuse"), ("2023-06-01", "accept"), ("2025-05-09", "accept")])
def test_beijing_pilot_first_day(judge, day, decision):
    answer = judge(_beijing(day))
    assert answer["decision"] == decision, answer["reasons"]
    if decision == "accept":
        assert "一方有效的北京市居住证或工作居住证" in answer["required_documents"]
        assert "beijing-kuasheng-2023" in answer["packs"]


def test_beijing_pilot_last_day_and_after(judge):
    assert "beijing-kuasheng-2023" in judge(_beijing("2025-05-11"))["packs"]
    assert "beijing-kuasheng-2023" not in judge(_beijing("2025-05-12"))["packs"]


def test_beijing_without_permit_refused_with_the_pilot_reason(judge):
    answer = judge(_beijing("2024-01-10", permit=None))
    assert "jurisdiction.beijing_permit_required" in codes(answer)


def test_beijing_no_permit_needed_when_one_has_beijing_hukou(judge):
    answer = judge(_beijing("2024-01-10", permit=None, man="110108"))
    assert answer["decision"] == "accept", answer["reasons"]
    assert not any("居住证" in d for d in answer["required_documents"])


# --- Jieyang 全城通办 (from 2021-06-21; any level; foreign-related county only) -----------------

JY_TOWN = office("445222", level="township", code="445222-XZ01")
JY_COUNTY = office("445202", code="445202-HY")


@pytest.mark.parametrize("day, decision", [
    ("2021-06-20", "refuse"), ("2021-06-21", "accept"), ("2025-05-09", "accept")])
def test_jieyang_first_and_last_day_at_a_township(judge, day, decision):
    answer = judge(make_case(day=day, off=JY_TOWN, man_hukou="445202", woman_hukou="440301"))
    assert answer["decision"] == decision, answer["reasons"]
    assert ("jieyang-quancheng-2021" in answer["packs"]) is (day >= "2021-06-21")


def test_jieyang_pack_ends_when_order_804_begins(judge):
    answer = judge(make_case(day="2025-05-10", off=JY_TOWN, man_hukou="445202"))
    assert "jieyang-quancheng-2021" not in answer["packs"]


def test_jieyang_not_for_couples_without_jieyang_hukou(judge):
    answer = judge(make_case(day="2022-01-10", off=JY_COUNTY, man_hukou="440301",
                             woman_hukou="440106"))
    assert "jurisdiction.jieyang_hukou_required" in codes(answer)


@pytest.mark.parametrize("off, decision", [(JY_COUNTY, "accept"), (JY_TOWN, "refuse")])
def test_jieyang_foreign_related_county_level_only(judge, off, decision):
    answer = judge(_foreign_case("2022-01-10", off))
    assert answer["decision"] == decision, answer["reasons"]
    if decision == "refuse":
        assert "jurisdiction.jieyang_foreign_county_only" in codes(answer)


def test_jieyang_reissue_not_cross_region(judge):
    case = make_case(item="reissue", day="2022-01-10", off=JY_COUNTY, man_hukou="445222",
                     woman_hukou="445222", original_office_code="445222-XZ01")
    answer = judge(case)
    assert "reissue.not_cross_region" in codes(answer) and answer["decision"] == "refuse"
    ok = make_case(item="reissue", day="2022-01-10", off=JY_COUNTY, man_hukou="445202",
                   woman_hukou="445222", original_office_code="445222-XZ01")
    assert judge(ok)["decision"] == "accept"  # the hukou-place office may reissue


# --- Chuxiong 州内通办 (from 2022-04-20; county offices only; marriage only) --------------------

CX_COUNTY = office("532301", code="532301-HY")
CX_TOWN = office("532322", level="township", code="532322-XZ01")


@pytest.mark.parametrize("day, off, decision", [
    ("2022-04-19", CX_COUNTY, "refuse"),
    ("2022-04-20", CX_COUNTY, "accept"),
    ("2025-05-09", CX_COUNTY, "accept"),
    ("2023-01-10", CX_TOWN, "refuse"),     # township excluded
])
def test_chuxiong_boundaries(judge, day, off, decision):
    answer = judge(make_case(day=day, off=off, man_hukou="532326", woman_hukou="530102"))
    assert answer["decision"] == decision, answer["reasons"]
    if off is CX_TOWN:
        assert any("乡镇" in r["message_zh"] for r in answer["reasons"])


def test_chuxiong_divorce_not_in_pilot(judge):
    answer = judge(make_case(item="divorce_application", day="2023-01-10", off=CX_COUNTY,
                             man_hukou="532326", woman_hukou="530102"))
    assert answer["decision"] == "refuse"


def test_chuxiong_reissue_only_at_original_office(judge):
    case = make_case(item="reissue", day="2023-01-10", off=CX_COUNTY, man_hukou="532301",
                     original_office_code="532326-HY")
    answer = judge(case)
    assert "reissue.original_office_only" in codes(answer)


def test_chuxiong_foreign_related_not_in_pilot(judge):
    assert judge(_foreign_case("2023-01-10", CX_COUNTY))["decision"] == "refuse"


# --- national 跨省通办 pilots #1 (2021-06-01..2023-05-31) and #2 (2023-06-01..2025-05-11) --------

def _chengdu(day, item="marriage", region="510104"):
    case = make_case(item=item, day=day, off=office(region), man_hukou="110105",
                     woman_hukou="310101")
    case["parties"][1]["residence_permit_region_code"] = region
    return case


@pytest.mark.parametrize("day, decision", [
    ("2021-05-31", "refuse"), ("2021-06-01", "accept"), ("2023-05-31", "accept"),
    ("2023-06-01", "accept"), ("2025-05-09", "accept")])
def test_kuasheng_pilots_sichuan(judge, day, decision):
    answer = judge(_chengdu(day))
    assert answer["decision"] == decision, answer["reasons"]


def test_kuasheng_pilot1_wuhan_marriage_only(judge):
    assert judge(_chengdu("2022-03-01", region="420102"))["decision"] == "accept"
    divorce = judge(_chengdu("2022-03-01", item="divorce_application", region="420102"))
    assert divorce["decision"] == "refuse"
    later = judge(_chengdu("2023-06-01", item="divorce_application", region="420102"))
    assert later["decision"] == "accept", later["reasons"]


@pytest.mark.parametrize("level, decision", [("county", "accept"), ("township", "refuse")])
def test_kuasheng_pilot2_province_hukou_county_only(judge, level, decision):
    answer = judge(make_case(day="2024-03-01", off=office("320102", level=level),
                             man_hukou="320583", woman_hukou="110105"))
    assert answer["decision"] == decision, answer["reasons"]


# --- pop-up reissue points ---------------------------------------------------------------------

POPUP = office("330281", level="township", code="330281-BZ01", popup=True)


@pytest.mark.parametrize("item", ["marriage", "retroactive_marriage", "divorce_application"])
def test_popup_point_refuses_everything_but_reissue(judge, item):
    answer = judge(make_case(item=item, off=POPUP, man_hukou="330281"))
    assert "office.popup_reissue_only" in codes(answer) and answer["decision"] == "refuse"


def test_popup_point_reissues_offline_with_an_archive_record(judge):
    ok = judge(make_case(item="reissue", off=POPUP, man_hukou="330281"))
    assert ok["decision"] == "accept" and ok["offline_allowed"] is True
    missing = judge(make_case(item="reissue", off=POPUP, man_hukou="330281",
                              archive_record_found=False))
    assert missing["decision"] == "refer" and missing["offline_allowed"] is False


def test_reissue_refused_when_status_changed(judge):
    answer = judge(make_case(item="reissue", status_unchanged=False))
    assert "reissue.status_changed" in codes(answer)


# --- servicemen, no rules ----------------------------------------------------------------------

def test_serviceman_needs_military_certificate(judge):
    answer = judge(_set(make_case(), 0, serviceman=True))
    assert "团级以上政治机关出具的军人婚姻登记证明（男方）" in answer["required_documents"]


def test_date_before_any_pack_is_referred(judge):
    answer = judge(make_case(day="2003-09-30"))
    assert answer["decision"] == "refer" and codes(answer) == ["rules.no_pack"]
    assert answer["packs"] == []


def test_a_pilot_permit_is_not_asked_for_when_another_grant_covers_the_case(judge):
    """A Jieyang man registering at a Jieyang township office in 2022 is covered by 全城通办;
    the 跨省通办 pilot's 居住证 must not be added to his documents."""
    case = make_case(day="2022-01-10", off=JY_TOWN, man_hukou="445202", woman_hukou="440301")
    answer = judge(case)
    assert answer["decision"] == "accept", answer["reasons"]
    assert "jieyang-quancheng-2021" in answer["packs"]
    assert not any("居住证" in d for d in answer["required_documents"])
