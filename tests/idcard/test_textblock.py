"""The 256-byte text block of all four card types (identity.md §1.7, §2): fields, rare
characters, long-term validity, ethnicity fallback, ID-number checks, and fuzzing."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.idcard.samples import SAMPLES, encode_text_block
from drivers.idcard.textblock import CardDataError, UnknownCardType, parse_text_block

JSON_FIELDS = ["card_type", "name", "name_en", "sex", "ethnicity", "birth_date", "address",
               "id_number", "issuer", "valid_from", "valid_until", "nationality",
               "permit_number", "issue_count", "warnings"]


def parse(key):
    return parse_text_block(SAMPLES[key].files.text)


def test_resident_card_with_rare_characters():
    r = parse("resident")
    assert r.as_dict() == {
        "card_type": "resident", "name": "王䶮", "name_en": None, "sex": "male",
        "ethnicity": {"code": "01", "name": "汉"}, "birth_date": "1990-03-07",
        "address": "北京市西城区㛃园胡同12号院3号楼2单元501室", "id_number": "11010219900307123X",
        "issuer": "北京市公安局西城分局", "valid_from": "2015-06-01", "valid_until": "2035-06-01",
        "nationality": None, "permit_number": None, "issue_count": None, "warnings": []}
    assert list(r.as_dict()) == JSON_FIELDS


def test_long_term_validity_and_minority_name_with_middle_dot():
    assert parse("long_term").valid_until == "long-term"
    assert parse("long_term").as_dict()["valid_until"] == "long-term"
    m = parse("minority")
    assert m.name == "阿依古丽·买买提"
    assert m.ethnicity.as_dict() == {"code": "05", "name": "维吾尔"}
    assert m.ethnicity.display_name == "维吾尔族"
    assert m.sex == "female" and not m.warnings


def test_hmt_permit_fields():
    r = parse("hmt")
    assert (r.card_type, r.permit_number, r.issue_count, r.ethnicity) == (
        "hmt_residence_permit", "H12345678", 1, None)
    assert r.id_number.startswith("810000") and not r.warnings


def test_foreign_2017_card_uses_its_own_layout():
    r = parse("foreign_2017")
    assert (r.card_type, r.name_en, r.name, r.nationality) == (
        "foreign_2017", "SMITH, JOHN WILLIAM", "史密斯", "USA")
    assert (r.birth_date, r.valid_from, r.valid_until) == (
        date(1985, 3, 14), date(2017, 8, 1), date(2027, 8, 1))
    assert r.extra == {"card_version": "1", "authority_code": "3100"}
    assert r.address is None and not r.warnings


def test_foreign_2023_english_name_spans_both_slots():
    r = parse("foreign_2023")
    assert r.name_en == "MUELLER-LUEDENSCHEIDT, MAXIMILIAN ALEXANDER"
    assert len(r.name_en) > 35
    assert (r.name, r.id_number, r.nationality, r.issue_count) == (
        "穆勒", "911276198503140014", "DEU", 0)
    assert not r.warnings


def test_a_boundary_space_in_the_2023_english_name_survives():
    name = "A" * 34 + " " + "BCDEF"  # the space is character 35, the last of the first slot
    block = encode_text_block("foreign_2023", name="甲", sex="1", birth="19850314",
                              name_en=name, id_number="911276198503140014")
    assert parse_text_block(block).name_en == name


def test_unknown_card_type_gives_a_typed_error_with_hex_dump():
    block = bytearray(SAMPLES["resident"].files.text)
    block[248:250] = "Z".encode("utf-16-le")
    with pytest.raises(UnknownCardType) as err:
        parse_text_block(bytes(block))
    assert "5A 00" in err.value.message_zh
    dump = err.value.hex_dump.splitlines()
    assert len(dump) == 16 and dump[15].startswith("00f0  ") and "5a 00" in dump[15]
    assert "8b 73" in dump[0]  # 王 (U+738B): the whole block is there for the technician
    assert "5a00" in err.value.detail and "8b73" not in err.value.detail.replace(" ", "")


@pytest.mark.parametrize("data", [b"", b"\x20\x00" * 127, b"\x20\x00" * 129, "text"])
def test_wrong_size_is_a_typed_error(data):
    with pytest.raises(CardDataError):
        parse_text_block(data)


def test_unknown_ethnicity_code_falls_back_with_a_warning():
    block = encode_text_block("resident", name="张三", sex="1", ethnicity="59",
                              birth="19900307", id_number="11010219900307123X")
    r = parse_text_block(block)
    assert r.ethnicity.as_dict() == {"code": "59", "name": "未识别的民族代码 59"}
    assert any("59" in w for w in r.warnings)


def test_bad_dates_and_sex_become_warnings_not_errors():
    block = encode_text_block("resident", name="李四", sex="7", ethnicity="01",
                              birth="19900230", valid_from="2015XX01", valid_until="20350601",
                              id_number="11010219900307123X")
    r = parse_text_block(block)
    assert r.birth_date is None and r.valid_from is None and r.sex == "unknown"
    assert any("19900230" in w for w in r.warnings)
    assert any("性别" in w for w in r.warnings)


def test_id_number_problems_come_from_the_shared_validator():
    block = encode_text_block("resident", name="王五", sex="1", ethnicity="01",
                              birth="19900307", id_number="110102199003071231")
    r = parse_text_block(block)
    assert any("校验位" in w for w in r.warnings)


def test_id_number_disagreeing_with_printed_fields_is_flagged():
    block = encode_text_block("resident", name="赵六", sex="2", ethnicity="01",
                              birth="19910307", id_number="11010219900307123X")
    warnings = parse_text_block(block).warnings
    assert any("出生日期" in w for w in warnings) and any("性别" in w for w in warnings)


def test_hmt_permit_with_a_mainland_number_is_flagged():
    block = encode_text_block("hmt_residence_permit", name="陈七", sex="1", birth="19900307",
                              id_number="11010219900307123X")
    assert any("810000" in w for w in parse_text_block(block).warnings)


def test_supplementary_plane_characters_and_nul_padding():
    block = bytearray(encode_text_block("resident", name="吉𠮷", sex="1", ethnicity="01",
                                        birth="19900307", id_number="11010219900307123X"))
    block[8:30] = bytes(22)  # NUL padding after the name instead of spaces
    r = parse_text_block(bytes(block))
    assert r.name == "吉𠮷" and not r.warnings


def test_private_use_and_lone_surrogates_are_flagged_not_dropped():
    block = bytearray(encode_text_block("resident", name="王\ue816", sex="1", ethnicity="01",
                                        birth="19900307", id_number="11010219900307123X"))
    r = parse_text_block(bytes(block))
    assert r.name == "王\ue816" and any("PUA" in w for w in r.warnings)
    block[2:4] = b"\x00\xd8"  # a high surrogate with no partner
    r = parse_text_block(bytes(block))
    assert r.name.startswith("王\ufffd") and any("代理" in w for w in r.warnings)


def test_empty_fields_are_none_and_warned():
    r = parse_text_block(encode_text_block("resident"))
    assert r.name is None and r.ethnicity is None
    assert any("证件号码" in w for w in r.warnings)


@settings(max_examples=400, deadline=None)
@given(st.binary(min_size=256, max_size=256), st.sampled_from([b" \x00", b"J\x00", b"I\x00",
                                                                b"Y\x00", b"Q\x00", None]))
def test_fuzzed_blocks_parse_or_raise_a_typed_error(block, flag):
    if flag is not None:
        block = block[:248] + flag + block[250:]
    try:
        record = parse_text_block(block)
    except CardDataError:
        return
    data = record.as_dict()
    assert list(data) == JSON_FIELDS
    assert data["sex"] in ("male", "female", "unknown")
