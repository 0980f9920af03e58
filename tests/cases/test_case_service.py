"""The journal-backed case service: transitions as entries, projection, divorce gating."""

from __future__ import annotations

from datetime import date

import pytest

from counter_app.cases import CaseService
from counter_app.domain.cases import IllegalTransitionError
from counter_app.journal.verify import verify

D = date.fromisoformat


@pytest.fixture
def svc(journal):
    return CaseService(journal)


def test_marriage_path_is_journaled_and_projected(svc, journal):
    case = svc.open("marriage", operator="reg01", case_id="m1")
    assert case.state == "initial_review"
    for to in ("accepted", "examined", "registered"):
        case = svc.transition("m1", to, operator="reg01")
    assert case.state == "registered" and case.transitions == 4
    entries = [e for e in journal.entries(case_id="m1") if e.kind == "case.transition"]
    assert [(e.payload["from"], e.payload["to"]) for e in entries] == [
        (None, "initial_review"), ("initial_review", "accepted"), ("accepted", "examined"),
        ("examined", "registered")]
    assert verify(journal).ok


def test_illegal_transition_refused_and_nothing_written(svc, journal):
    svc.open("marriage", operator="reg01", case_id="m1")
    seq = journal.head()[0]
    with pytest.raises(IllegalTransitionError) as err:
        svc.transition("m1", "registered", operator="reg01")
    assert "不能转为" in err.value.message_zh
    assert journal.head()[0] == seq


def test_refusal_needs_a_reason(svc):
    svc.open("reissue", operator="reg01", case_id="r1")
    with pytest.raises(IllegalTransitionError):
        svc.transition("r1", "refused", operator="reg01")
    assert svc.last_reason("r1") == ""  # opened, no reason yet
    assert svc.transition("r1", "refused", operator="reg01", reason="婚姻状况已改变").state == \
        "refused"
    assert svc.last_reason("r1") == "婚姻状况已改变"


def test_unknown_and_duplicate_cases(svc):
    with pytest.raises(IllegalTransitionError):
        svc.transition("nope", "accepted", operator="reg01")
    svc.open("marriage", operator="reg01", case_id="m1")
    with pytest.raises(IllegalTransitionError):
        svc.open("marriage", operator="reg01", case_id="m1")


def _divorce(svc, receipt="2021-09-01", office="110105-HY"):
    svc.open("divorce", operator="reg01", case_id="d1")
    svc.transition("d1", "accepted", operator="reg01",
                   data={"receipt_date": receipt, "receiving_office_code": office})
    return svc.transition("d1", "cooling_off", operator="reg01")


def test_divorce_acceptance_needs_receipt_data(svc):
    svc.open("divorce", operator="reg01", case_id="d1")
    with pytest.raises(IllegalTransitionError):
        svc.transition("d1", "accepted", operator="reg01", data={"receipt_date": "soon"})


@pytest.mark.parametrize("to, on, office, ok", [
    ("withdrawn", "2021-10-08", "110105-HY", True),     # holiday-extended last day
    ("withdrawn", "2021-10-09", "110105-HY", False),
    ("withdrawn", "2021-09-10", "310101-HY", False),    # not the receiving office
    ("examined", "2021-10-08", "110105-HY", False),     # cooling-off not over
    ("examined", "2021-10-09", "110105-HY", True),
    ("examined", "2021-11-08", "110105-HY", True),
    ("examined", "2021-11-09", "110105-HY", False),
    ("examined", "2021-10-20", "310101-HY", False),
    ("deemed_withdrawn", "2021-11-08", None, False),
    ("deemed_withdrawn", "2021-11-09", None, True),
])
def test_divorce_steps_follow_the_calendar_and_office(svc, to, on, office, ok):
    case = _divorce(svc)
    assert case.periods.withdrawal_deadline == D("2021-10-08")
    if ok:
        assert svc.transition("d1", to, operator="reg01", on=D(on), office_code=office).state \
            == to
    else:
        with pytest.raises(IllegalTransitionError):
            svc.transition("d1", to, operator="reg01", on=D(on), office_code=office)


def test_divorce_registration_is_a_legal_act(svc, journal, clock):
    _divorce(svc)
    svc.transition("d1", "examined", operator="reg01", on=D("2021-10-20"),
                   office_code="110105-HY")
    clock.advance(seconds=-3600)  # the clock went back: no legal act
    with pytest.raises(Exception) as err:
        svc.transition("d1", "registered", operator="reg01")
    assert err.value.code == "journal.clock_untrusted"
    clock.advance(seconds=3600 + 1)
    assert svc.transition("d1", "registered", operator="reg01").state == "registered"


def test_projection_rebuild_matches(svc, journal):
    _divorce(svc)
    before = journal.query("SELECT * FROM case_state")
    journal.rebuild_projections()
    assert journal.query("SELECT * FROM case_state") == before


def test_overdue_divorces_are_deemed_withdrawn_once(svc):
    _divorce(svc)
    assert svc.expire_overdue(on=D("2021-11-08"), operator="system") == []
    assert svc.expire_overdue(on=D("2021-11-09"), operator="system") == ["d1"]
    assert svc.state("d1").state == "deemed_withdrawn"
    assert svc.expire_overdue(on=D("2021-12-01"), operator="system") == []


def test_a_failed_save_is_not_reported_as_another_windows_change(svc, journal, monkeypatch):
    """Only an entry-id conflict means 'another window changed it'; a disk or database
    failure keeps its own message (保存失败…), which tells the registrar what happened."""
    from counter_app.journal.errors import JournalWriteError

    case = svc.open("marriage", operator="reg01")

    def disk_full(*args, **kwargs):
        raise JournalWriteError("保存失败：磁盘已满。")

    monkeypatch.setattr(journal, "append", disk_full)
    with pytest.raises(JournalWriteError, match="磁盘已满"):
        svc.transition(case.case_id, "accepted", operator="reg01")


def test_cases_in_states_are_listed_the_one_changed_longest_ago_first(svc):
    for case_id in ("m1", "m2", "m3"):
        svc.open("marriage", operator="reg01", case_id=case_id)
    svc.transition("m1", "accepted", operator="reg01")
    listed = svc.in_states(["initial_review", "accepted"])
    assert [(c.case_id, c.state) for c in listed] == [
        ("m2", "initial_review"), ("m3", "initial_review"), ("m1", "accepted")]
    assert svc.in_states(["registered"]) == []
