"""GB/T 3304 ethnicity table (identity.md §4.2) and its unknown-code fallback."""

from __future__ import annotations

import pytest

from counter_app.domain.ethnicity import ETHNICITIES, lookup


def test_table_has_the_56_groups_and_the_two_special_codes():
    assert len(ETHNICITIES) == 58
    assert (ETHNICITIES["01"], ETHNICITIES["46"], ETHNICITIES["56"]) == ("汉", "德昂", "基诺")
    assert (ETHNICITIES["97"], ETHNICITIES["98"]) == ("其他", "外国血统中国籍人士")


@pytest.mark.parametrize("raw,code,name", [("01", "01", "汉"), ("1", "01", "汉"),
                                           (" 05 ", "05", "维吾尔"), ("29", "29", "柯尔克孜")])
def test_lookup_normalises_codes(raw, code, name):
    e = lookup(raw)
    assert (e.code, e.name, e.known) == (code, name, True)


@pytest.mark.parametrize("raw", ["59", "60", "00", "ab", "", "123"])
def test_unknown_codes_fall_back_without_raising(raw):
    e = lookup(raw)
    assert not e.known and e.name.startswith("未识别的民族代码")


def test_display_names():
    assert lookup("02").display_name == "蒙古族"
    assert lookup("97").display_name == "其他"
    assert lookup("58").display_name == lookup("58").name
