"""Ensure text from outside is refused for control, format and separator characters, and kept
for every character a name can hold."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from counter_app.domain.text import _FORBIDDEN, describe_char, forbidden_char

REFUSED_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")


def test_the_class_is_exactly_the_refused_categories():
    refused = {c for c in range(sys.maxunicode + 1) if _FORBIDDEN.fullmatch(chr(c))}
    for c in refused:   # never anything else, whatever the Python's Unicode version
        assert unicodedata.category(chr(c)) in REFUSED_CATEGORIES, hex(c)
    if unicodedata.unidata_version == "14.0.0":   # the version the class was written from
        expected = {c for c in range(sys.maxunicode + 1)
                    if unicodedata.category(chr(c)) in REFUSED_CATEGORIES}
        assert refused == expected


@pytest.mark.parametrize("name", ["吉𠮷·买买提", "王䶮㛃", "阿依古丽·买买提", "Jean-Luc O'Neil",
                                  "葛\U000e0100", "\ue000明", "张 三"])
def test_every_character_a_name_can_hold_is_kept(name):
    assert forbidden_char(name) is None


@pytest.mark.parametrize("text, char", [("王\x1b@五", "\x1b"), ("a\rb", "\r"), ("\ufeff王", "\ufeff"),
                                        ("王\u202e五", "\u202e"), ("王\u2028五", "\u2028"),
                                        ("王\ud800", "\ud800"), ("x\x9b", "\x9b")])
def test_control_format_and_separator_characters_are_found(text, char):
    assert forbidden_char(text) == char


def test_allowed_characters_and_names_in_messages():
    assert forbidden_char("第一行\n第二行", allow="\n") is None
    assert forbidden_char("第一行\n第二行\x07", allow="\n") == "\x07"
    assert describe_char("\r") == "回车符（U+000D）" and describe_char("\x07") == "U+0007"
