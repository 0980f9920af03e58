"""Case state machines: every allowed step, and illegal ones refused with a Chinese message."""

from __future__ import annotations

import pytest

from counter_app.domain.cases import (
    CASE_TYPES,
    MACHINES,
    IllegalTransitionError,
    allowed_next,
    check_transition,
)

HAPPY_PATHS = {
    "marriage": ["initial_review", "accepted", "examined", "registered"],
    "retroactive_marriage": ["initial_review", "accepted", "examined", "registered"],
    "divorce": ["applied", "accepted", "cooling_off", "examined", "registered"],
    "reissue": ["initial_review", "accepted", "examined", "issued"],
    "revocation": ["review", "notified", "decided", "served", "archived"],
    "refusal": ["drafted", "served", "archived"],
}


@pytest.mark.parametrize("case_type", CASE_TYPES)
def test_happy_path_is_allowed(case_type):
    state = None
    for to in HAPPY_PATHS[case_type]:
        check_transition(case_type, state, to)
        state = to
    assert state in MACHINES[case_type].final_states


@pytest.mark.parametrize("end", ["withdrawn", "deemed_withdrawn"])
def test_divorce_ends_in_withdrawal(end):
    check_transition("divorce", "cooling_off", end)
    assert allowed_next("divorce", end) == ()


@pytest.mark.parametrize("case_type, state, to", [
    ("marriage", None, "accepted"),                 # must start with 初审
    ("marriage", "initial_review", "registered"),   # skipping 受理 and 审查
    ("marriage", "registered", "refused"),          # final
    ("divorce", "applied", "examined"),             # no skipping the cooling-off
    ("divorce", "withdrawn", "examined"),
    ("divorce", "deemed_withdrawn", "registered"),
    ("reissue", "accepted", "issued"),
    ("revocation", "review", "decided"),
])
def test_illegal_transitions_refused(case_type, state, to):
    with pytest.raises(IllegalTransitionError) as err:
        check_transition(case_type, state, to)
    assert "不能转为" in err.value.message_zh and err.value.code == "case.illegal_transition"


def test_unknown_case_type():
    with pytest.raises(IllegalTransitionError):
        check_transition("adoption", None, "applied")
