"""Ensure the home page's lists come from the journal: awaiting check, divorce deadlines,
ready to issue."""

from __future__ import annotations

from datetime import date


from counter_app.cases.service import CaseService
from counter_app.workflows.today import overview


def examined(cases, case_type="marriage"):
    case = cases.open(case_type, operator="reg01")
    for step in ("accepted", "examined"):
        cases.transition(case.case_id, step, operator="reg01")
    return case.case_id


def test_examined_marriage_waits_for_the_online_check_until_recorded(journal):
    cases = CaseService(journal)
    waiting = examined(cases)
    checked = examined(cases)
    blocked = examined(cases)
    for case_id, outcome in ((checked, "clear"), (blocked, "blocked")):
        journal.append("sync.marital_check",
                       {"request_id": f"r-{case_id}", "answer": {
                           "outcome": outcome, "checked_at": "2026-05-20T01:00:00Z"}},
                       operator="reg01", case_id=case_id)
    reissue = examined(cases, "reissue")
    today = overview(journal, date(2026, 5, 20))
    assert [line.case_id for line in today.awaiting_check] == [waiting, blocked]
    assert "等待联网核对" in today.awaiting_check[0].note
    assert "不能登记" in today.awaiting_check[1].note and today.awaiting_check[1].urgent
    assert [line.case_id for line in today.ready_to_issue] == [checked, reissue]


def test_divorce_lines_follow_the_calendar(journal):
    cases = CaseService(journal)
    case = cases.open("divorce", operator="reg01")
    receipt = date(2026, 3, 2)
    cases.transition(case.case_id, "accepted", operator="reg01", on=receipt, office_code="445202",
                     data={"receipt_date": receipt.isoformat(), "receiving_office_code": "445202"})
    cases.transition(case.case_id, "cooling_off", operator="reg01", on=receipt,
                     office_code="445202")
    early = overview(journal, date(2026, 3, 10)).divorce_deadlines
    assert len(early) == 1 and "可撤回" in early[0].note and not early[0].urgent
    late = overview(journal, date(2026, 4, 1)).divorce_deadlines
    assert "撤回" in late[0].note and late[0].urgent
    issuing = overview(journal, date(2026, 4, 15)).divorce_deadlines
    assert "可办理离婚登记" in issuing[0].note
    expired = overview(journal, date(2026, 6, 30)).divorce_deadlines
    assert "视为撤回" in expired[0].note and expired[0].urgent


def test_an_empty_journal_has_nothing_to_do(journal):
    today = overview(journal, date(2026, 5, 20))
    assert (today.awaiting_check, today.divorce_deadlines, today.ready_to_issue) == ([], [], [])


def test_reissues_show_until_their_booklet_is_confirmed(journal):
    from counter_app.numbering import issue_blank, receive_range

    cases = CaseService(journal)
    open_one = cases.open("reissue", operator="reg01").case_id
    issued = examined(cases, "reissue")
    cases.transition(issued, "issued", operator="reg01")
    today = overview(journal, date(2026, 5, 6))
    assert [(line.case_id, line.note) for line in today.awaiting_check] == [
        (open_one, "补领未办完：请继续（核验、拍照、发证）")]
    assert [(line.case_id, line.note) for line in today.ready_to_issue] == [
        (issued, "已补发：请打印补发的证书")]
    receive_range(journal, range_id="r1", certificate="marriage", first="A0000001",
                  last="A0000002", operator="admin")
    issue_blank(journal, certificate="marriage", serial="A0000001", case_id=issued,
                certificate_number="BJ110105-2026-000001", operator="reg01", holder="man")
    assert overview(journal, date(2026, 5, 6)).ready_to_issue == []
