"""Property: the legal-age rule refuses exactly when the completed age is below 22 / 20."""

from __future__ import annotations

from datetime import date

from casebuilder import make_case, party
from hypothesis import given, settings
from hypothesis import strategies as st

from counter_app.rules.caseinput import parse_case
from counter_app.rules.evaluator import evaluate


@given(st.dates(min_value=date(1995, 1, 1), max_value=date(2010, 12, 31)),
       st.dates(min_value=date(2021, 1, 1), max_value=date(2027, 12, 31)),
       st.sampled_from(["man", "woman"]))
@settings(max_examples=200, deadline=None)
def test_under_age_iff_completed_years_below_minimum(birth, day, role):
    case = make_case(day=day.isoformat())
    index = 0 if role == "man" else 1
    case["parties"][index] = party(role, birth.isoformat())
    answer = evaluate(parse_case(case)).as_json()
    years = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    minimum = 22 if role == "man" else 20
    refused = any(r["code"] == "marriage.under_age" for r in answer["reasons"])
    assert refused == (years < minimum)
