"""Whatever the case file holds, rules check answers or names a field: never a traceback."""

from __future__ import annotations

from casebuilder import make_case
from hypothesis import given, settings
from hypothesis import strategies as st

from counter_app.rules.caseinput import CaseInputError, parse_case
from counter_app.rules.evaluator import evaluate

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    | st.sampled_from(["2021-10-08", "long-term", "110105", "male", "resident", "CHN"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6)

ITEMS = ["marriage", "divorce_application", "divorce_completion", "divorce_withdrawal",
         "reissue", "retroactive_marriage"]


def _paths(case):
    yield from [(k,) for k in case]
    yield from [("office", k) for k in case["office"]]
    for i, p in enumerate(case["parties"]):
        yield from [("parties", i, k) for k in p]


@given(st.sampled_from(ITEMS), st.data(), json_values, st.booleans())
@settings(max_examples=300, deadline=None)
def test_mutated_case_is_judged_or_refused_cleanly(item, data, value, delete):
    case = make_case(item=item)
    path = data.draw(st.sampled_from(list(_paths(case))))
    target = case
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    try:
        answer = evaluate(parse_case(case)).as_json()
    except CaseInputError as err:
        assert "案件文件字段" in err.message_zh
        return
    assert answer["decision"] in ("accept", "refuse", "refer")
