"""MRZ parsing with check digits: the ICAO specimens (Doc 9303 Parts 4-5), a 3×30 permit, and
fuzzing (an Mrz or MrzError, nothing else)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.pcsc import mrz

TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
       "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
TD1 = ("I<UTOD231458907<<<<<<<<<<<<<<<\n"
       "7408122F1204159UTO<<<<<<<<<<<6\n"
       "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
TD2 = ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n"
       "D231458907UTO7408122F1204159<<<<<<<6")


def test_td3_passport_specimen():
    m = mrz.parse(TD3)
    assert m.valid and m.format == "TD3"
    assert (m.document_number, m.birth_date, m.expiry_date, m.sex, m.nationality) == (
        "L898902C3", "740812", "120415", "female", "UTO")
    assert (m.surname, m.given_names, m.optional_data) == ("ERIKSSON", "ANNA MARIA", "ZE184226B")


@pytest.mark.parametrize("text,fmt", [(TD1, "TD1"), (TD2, "TD2"),
                                      (TD3.replace("\n", ""), "TD3")])
def test_td1_td2_and_single_line_input(text, fmt):
    m = mrz.parse(text)
    assert m.valid and m.format == fmt and m.surname == "ERIKSSON"


def _permit_mrz() -> str:
    # A 往来港澳通行证-style 3×30 MRZ (document code CS), built with correct check digits.
    from counter_app.domain.idnumber import mrz_check_digit as cd

    l1 = "CSCHNC12345678" + cd("C12345678") + "<" * 15
    l2 = "950216" + cd("950216") + "F" + "290301" + cd("290301") + "CHN" + "<" * 11
    l2 += cd(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    return "\n".join([l1, l2, "CHEN<<JIAXIN".ljust(30, "<")])


def test_three_line_exit_entry_permit():
    m = mrz.parse(_permit_mrz())
    assert m.valid and (m.document_code, m.document_number, m.surname) == ("CS", "C12345678",
                                                                          "CHEN")


@pytest.mark.parametrize("pos,label", [(9, "证件号码"), (19, "出生日期"), (27, "有效期"),
                                       (43, "综合")])
def test_each_wrong_check_digit_is_reported_in_chinese(pos, label):
    l1, l2 = TD3.split("\n")
    wrong = str((int(l2[pos]) + 1) % 10)
    m = mrz.parse(l1 + "\n" + l2[:pos] + wrong + l2[pos + 1:])
    assert not m.valid and any(label in p for p in m.problems)


@pytest.mark.parametrize("text", ["", "P<UTO", "p<utoeriksson" * 4, "L898902C3\n" * 2,
                                  TD3.replace("<", "-")])
def test_non_mrz_text_raises(text):
    with pytest.raises(mrz.MrzError):
        mrz.parse(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ABCXYZ0123456789<\n -", max_size=100))
def test_fuzzed_text_gives_mrz_or_error(text):
    try:
        m = mrz.parse(text)
    except mrz.MrzError:
        return
    assert m.format in ("TD1", "TD2", "TD3")
