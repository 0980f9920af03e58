"""Party facts: completed age (birthday counts), document validity, category."""

from __future__ import annotations

from datetime import date

import pytest

from counter_app.domain.party import LONG_TERM, Party


def _p(**over):
    base = {"sex": "male", "birth_date": date(2000, 2, 29), "id_type": "resident",
                "id_number": "x", "id_valid_until": LONG_TERM, "nationality": "CHN",
                "hukou_region_code": "110105"}
    base.update(over)
    return Party(**base)


@pytest.mark.parametrize("day, age", [
    (date(2022, 2, 28), 21), (date(2022, 3, 1), 22), (date(2024, 2, 29), 24),
    (date(2000, 2, 29), 0)])
def test_age_on_leap_day_birthday(day, age):
    assert _p().age_on(day) == age


@pytest.mark.parametrize("valid, day, ok", [
    (LONG_TERM, date(2099, 1, 1), True), (date(2026, 1, 1), date(2026, 1, 1), True),
    (date(2026, 1, 1), date(2026, 1, 2), False)])
def test_document_validity(valid, day, ok):
    assert _p(id_valid_until=valid).document_valid_on(day) is ok


@pytest.mark.parametrize("id_type, nationality, category", [
    ("resident", "CHN", "mainland"), ("hmt_residence_permit", "CHN", "hmt"),
    ("hk_macau_permit", "CHN", "hmt"), ("taiwan_permit", "CHN", "hmt"),
    ("passport", "CHN", "overseas_chinese"), ("passport", "USA", "foreign"),
    ("foreign_permanent", "USA", "foreign")])
def test_category(id_type, nationality, category):
    assert _p(id_type=id_type, nationality=nationality).category == category


def test_a_recorded_party_reads_back_typed():
    """An intake record (as a card fills it) becomes the party the rules and forms use."""
    record = {"name": "王䶮", "sex": "male", "birth_date": "1990-03-07", "id_type": "resident",
              "id_number": "11010219900307123X", "id_valid_until": "long-term",
              "nationality": "CHN", "hukou_region_code": "110102",
              "residence_permit_region_code": None, "address": None,
              "ethnicity": {"code": "01", "name": "汉"}}
    party = Party.from_record(record)
    assert (party.birth_date, party.id_valid_until) == (date(1990, 3, 7), LONG_TERM)
    assert (party.ethnicity, party.address, party.hukou_region_code) == ("01", "", "110102")
    dated = Party.from_record({**record, "id_valid_until": "2030-01-01", "id_type": "passport",
                               "nationality": "USA", "hukou_region_code": None})
    assert dated.id_valid_until == date(2030, 1, 1) and dated.category == "foreign"
