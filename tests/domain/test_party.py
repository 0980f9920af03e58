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
