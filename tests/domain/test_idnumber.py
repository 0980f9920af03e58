"""ID number validation: known vectors (identity.md §3), every failure path, properties."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.idnumber import (
    ID_TYPES,
    check_digit,
    mrz_check_digit,
    upgrade_15_to_18,
    validate,
)


@pytest.mark.parametrize("number", [
    "11010519491231002X", "440524188001010014", "360426199101010071",
])
def test_known_valid_resident_numbers(number):
    result = validate(number, "resident")
    assert result.ok, result.problems
    assert result.normalized == number
    assert result.region_code == number[:6]


def test_fields_of_a_resident_number():
    result = validate("11010519491231002X", "resident")
    assert result.birth_date == date(1949, 12, 31)
    assert result.sex == "female"  # 17th digit 2 is even
    assert validate("360426199101010071", "resident").sex == "male"


@pytest.mark.parametrize("number15, number18", [
    ("340524800101001", "34052419800101001X"),
    ("310112850409522", "310112198504095227"),
])
def test_upgrade_15_to_18_known_vectors(number15, number18):
    assert upgrade_15_to_18(number15) == number18
    result = validate(number15, "resident")
    assert result.ok and result.normalized == number18
    assert "idnumber.upgraded_15" in [p.code for p in result.warnings]


def test_normalization_full_width_lowercase_and_spaces():
    result = validate("１１０１０５ 19491231002x", "resident")
    assert result.ok and result.normalized == "11010519491231002X"


@pytest.mark.parametrize("number, code", [
    ("110105194912310021", "idnumber.check_digit"),
    ("11010519491331002X", "idnumber.birth_date"),
    ("1101051949123100", "idnumber.format"),
    ("11010519491231002Y", "idnumber.format"),
    ("", "idnumber.empty"),
    ("580105194912310025", "idnumber.region"),
    ("810000199408230021", "idnumber.type_mismatch"),
])
def test_resident_failures(number, code):
    if code == "idnumber.region":  # make the check digit right so only the region is wrong
        number = number[:17] + check_digit(number[:17])
    result = validate(number, "resident")
    assert not result.ok
    assert code in [p.code for p in result.errors]
    assert all(p.message_zh for p in result.problems)


def test_unknown_type_is_an_error():
    result = validate("11010519491231002X", "driving_licence")
    assert not result.ok and result.problems[0].code == "idnumber.unknown_type"


@pytest.mark.parametrize("number", ["810000199408230021", "830000199201300022"])
def test_hmt_residence_permits(number):
    result = validate(number, "hmt_residence_permit")
    assert result.ok and result.region_code in ("810000", "830000")
    assert result.sex == "female"


def test_hmt_permit_with_mainland_prefix_refused():
    result = validate("11010519491231002X", "hmt_residence_permit")
    assert [p.code for p in result.errors] == ["idnumber.hmt_prefix"]


def test_stdnum_disagreement_is_only_a_warning():
    # 密云区 code 110118 did not exist in 2010 per stdnum's table (identity.md §3.5).
    first17 = "11011820100101123"
    number = first17 + check_digit(first17)
    result = validate(number, "resident")
    assert result.ok
    assert [p.code for p in result.warnings] == ["idnumber.stdnum_disagrees"]


def test_foreign_2023_number():
    first17 = "911156" + "19850315" + "123"
    number = first17 + check_digit(first17)
    result = validate(number, "foreign_permanent")
    assert result.ok, result.problems
    assert result.birth_date == date(1985, 3, 15) and result.sex == "male"
    assert result.region_code == "110000"
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    assert "idnumber.check_digit" in [p.code for p in validate(bad, "foreign_permanent").errors]
    assert not validate(number, "resident").ok  # a 9-number is not a citizen number


def test_foreign_2017_number():
    first14 = "USA" + "1100" + "850315" + "1"
    number = first14 + mrz_check_digit(first14)
    result = validate(number, "foreign_permanent")
    assert result.ok, result.problems
    assert result.birth_date == date(1985, 3, 15)
    wrong = first14 + str((int(mrz_check_digit(first14)) + 1) % 10)
    assert not validate(wrong, "foreign_permanent").ok
    assert not validate("US11100850315", "foreign_permanent").ok


def test_mrz_check_digit_icao_example():
    # ICAO 9303 specimen document number L898902C3 has check digit 6.
    assert mrz_check_digit("L898902C3") == "6"


@pytest.mark.parametrize("id_type, good, bad", [
    ("hk_macau_permit", "H12345678", "X12345678"),
    ("taiwan_permit", "12345678", "1234"),
    ("passport", "E12345678", "E1"),
])
def test_travel_documents_format_only(id_type, good, bad):
    assert validate(good, id_type).ok
    result = validate(bad, id_type)
    assert not result.ok and result.problems[0].code == "idnumber.format"


def test_check_digit_rejects_bad_input():
    with pytest.raises(ValueError):
        check_digit("123")
    with pytest.raises(ValueError):
        upgrade_15_to_18("12345678901234X")


_PROVINCE_CODES = ["110105", "440524", "360426", "532301", "445202", "650102"]


@st.composite
def resident_numbers(draw):
    region = draw(st.sampled_from(_PROVINCE_CODES))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 12, 31)))
    seq = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17), born, seq


@given(resident_numbers())
def test_property_generated_numbers_validate_and_round_trip(sample):
    number, born, seq = sample
    result = validate(number, "resident")
    assert not result.errors, result.problems
    assert result.birth_date == born
    assert result.sex == ("male" if seq % 2 else "female")


@given(resident_numbers(), st.integers(min_value=0, max_value=16),
       st.integers(min_value=1, max_value=9))
def test_property_any_single_digit_change_is_caught(sample, pos, delta):
    number = sample[0]
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1:]
    assert not validate(changed, "resident").ok


@given(st.text(max_size=25), st.sampled_from(ID_TYPES))
def test_property_never_raises(text, id_type):
    result = validate(text, id_type)
    assert result.ok == (not result.errors)


@given(st.from_regex(r"\A[0-9]{6}[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}\Z"))
def test_property_15_digit_upgrade_is_valid_and_from_1900s(number15):
    number18 = upgrade_15_to_18(number15)
    assert number18[6:8] == "19" and len(number18) == 18
    assert number18[17] == check_digit(number18[:17])
