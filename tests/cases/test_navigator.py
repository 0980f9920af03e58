"""Ensure the case navigator names the right stage, action, screen and home list for every
state of every item, from its facts alone (no Qt, no journal), and reads those facts right."""

from __future__ import annotations

from datetime import date

import pytest

from counter_app.cases import CaseService
from counter_app.cases.navigator import (CaseFacts, Next, case_next, decide, open_cases,
                                         read_facts)

RECEIPT = date(2026, 3, 2)     # withdrawal until 2026-04-01, then registration until 2026-05-06
ON = date(2026, 3, 10)
AWAIT, DEADLINES, READY = "awaiting_check", "divorce_deadlines", "ready_to_issue"


def facts(case_type: str, state: str, **known) -> CaseFacts:
    return CaseFacts("c1", case_type, state, **known)


def summary(nxt: Next) -> tuple:
    return nxt.stage, nxt.screen, nxt.home_list, nxt.urgent


# (facts, on, (stage, screen, home list, urgent), words the action contains)
TABLE = [
    # marriage (and 补办): intake, examination, 联网核对, registration, booklets, archive file
    (facts("marriage", "initial_review"), ON, ("intake", "marriage", AWAIT, False), "初审未完成"),
    (facts("retroactive_marriage", "initial_review"), ON, ("intake", "marriage", AWAIT, False),
     "初审未完成"),
    (facts("marriage", "accepted"), ON, ("examine", "case", AWAIT, False), "请审查材料"),
    (facts("marriage", "accepted", step="capture"), ON, ("prepare", "capture", AWAIT, False),
     "请审查材料"),
    (facts("marriage", "examined"), ON, ("check", "case", AWAIT, False), "等待联网核对"),
    (facts("marriage", "examined", check="blocked"), ON, ("blocked", "case", AWAIT, True),
     "不能登记"),
    (facts("marriage", "examined", check="clear"), ON, ("register", "case", READY, False),
     "可以登记发证"),
    (facts("marriage", "examined", check="clear", step="declare"), ON,
     ("prepare", "declare", READY, False), "可以登记发证"),
    (facts("marriage", "registered"), ON, ("print", "certificates", READY, True),
     "请打印结婚证（已确认 0/2 本）"),
    (facts("marriage", "registered", booklets=1), ON, ("print", "certificates", READY, True),
     "（已确认 1/2 本）"),
    (facts("marriage", "registered", booklets=2), ON, ("archive", "case", READY, False),
     "请生成电子档案（F12）"),
    (facts("marriage", "registered", booklets=2, archive_built=True), ON,
     ("done", "case", None, False), ""),
    (facts("marriage", "registered", step="capture"), ON, ("print", "certificates", READY, True),
     "结婚证"),
    (facts("marriage", "refused"), ON, ("done", "case", None, False), ""),
    # divorce: application, the cooling-off period and the issuance window (Civil Code art.
    # 1077), then as a marriage; an ended application owes its notice
    (facts("divorce", "applied"), ON, ("intake", "divorce", AWAIT, False), "离婚申请未受理完"),
    (facts("divorce", "accepted", receipt_date=RECEIPT), ON,
     ("cooling_off", "case", DEADLINES, False), "2026-04-01 前可撤回（还有 22 天）"),
    (facts("divorce", "accepted", receipt_date=RECEIPT, step="documents"), ON,
     ("cooling_off", "case", DEADLINES, False), "前可撤回"),
    (facts("divorce", "cooling_off", receipt_date=RECEIPT), ON,
     ("examine", "case", DEADLINES, False), "前可撤回（还有 22 天）"),
    (facts("divorce", "cooling_off", receipt_date=RECEIPT, step="documents"), ON,
     ("prepare", "documents", DEADLINES, False), "前可撤回"),
    (facts("divorce", "cooling_off", receipt_date=RECEIPT), date(2026, 3, 30),
     ("examine", "case", DEADLINES, True), "（还有 2 天）"),
    (facts("divorce", "cooling_off", receipt_date=RECEIPT), date(2026, 4, 15),
     ("examine", "case", DEADLINES, False), "可办理离婚登记：2026-05-06 前双方须到受理机关"),
    (facts("divorce", "cooling_off", receipt_date=RECEIPT), date(2026, 5, 4),
     ("examine", "case", DEADLINES, True), "（还有 2 天）"),
    (facts("divorce", "cooling_off", receipt_date=RECEIPT), date(2026, 6, 30),
     ("examine", "case", DEADLINES, True), "已超过 2026-05-06，视为撤回"),
    (facts("divorce", "cooling_off", receipt_date=RECEIPT), date(2026, 3, 1),
     ("examine", "case", None, False), ""),               # a receipt dated after today
    (facts("divorce", "cooling_off", receipt_date=RECEIPT), None,
     ("examine", "case", None, False), ""),               # no date asked: the screen only
    (facts("divorce", "cooling_off"), ON, ("examine", "case", None, False), ""),
    (facts("divorce", "examined"), ON, ("check", "case", AWAIT, False), "等待联网核对"),
    (facts("divorce", "examined", check="blocked"), ON, ("blocked", "case", AWAIT, True),
     "不能登记"),
    (facts("divorce", "examined", check="clear"), ON, ("register", "case", READY, False),
     "可以登记发证"),
    (facts("divorce", "registered", booklets=1), ON, ("print", "certificates", READY, True),
     "请打印离婚证（已确认 1/2 本）"),
    (facts("divorce", "registered", booklets=2), ON, ("archive", "case", READY, False),
     "电子档案"),
    (facts("divorce", "registered", booklets=2, archive_built=True), ON,
     ("done", "case", None, False), ""),
    (facts("divorce", "withdrawn"), ON, ("notice", "case", DEADLINES, True),
     "已撤回：请打印撤回离婚登记申请确认单"),
    (facts("divorce", "withdrawn", notice_printed=True), ON, ("done", "case", None, False), ""),
    (facts("divorce", "deemed_withdrawn"), ON, ("notice", "case", DEADLINES, True),
     "已视为撤回：请打印视为撤回告知书"),
    (facts("divorce", "deemed_withdrawn", notice_printed=True), ON,
     ("done", "case", None, False), ""),
    (facts("divorce", "refused"), ON, ("done", "case", None, False), ""),
    # reissue (补领): its own page throughout; one booklet
    (facts("reissue", "initial_review"), ON, ("intake", "reissue", AWAIT, False), "补领未办完"),
    (facts("reissue", "accepted"), ON, ("intake", "reissue", AWAIT, False), "补领未办完"),
    (facts("reissue", "examined"), ON, ("register", "reissue", READY, False), "可以登记发证"),
    (facts("reissue", "issued"), ON, ("print", "reissue", READY, True), "已补发：请打印补发的证书"),
    (facts("reissue", "issued", booklets=1), ON, ("done", "reissue", None, False), ""),
    (facts("reissue", "refused"), ON, ("done", "reissue", None, False), ""),
    # items without a counter page yet
    (facts("revocation", "review"), ON, ("done", "case", None, False), ""),
]


@pytest.mark.parametrize(("known", "on", "expected", "words"), TABLE,
                         ids=[f"{f.case_type}-{f.state}-{i}" for i, (f, *_) in enumerate(TABLE)])
def test_the_next_step_of_each_case(known, on, expected, words):
    nxt = decide(known, on)
    assert summary(nxt) == expected
    assert words in nxt.action if words else nxt.action == ""
    assert (nxt.case_id, nxt.case_type, nxt.state) == ("c1", known.case_type, known.state)


@pytest.mark.parametrize(("known", "issued"), [
    (facts("marriage", "registered"), False), (facts("marriage", "registered", booklets=1), False),
    (facts("marriage", "registered", booklets=2), True),
    (facts("marriage", "registered", archive_built=True), True),   # built only after both
    (facts("reissue", "issued"), False), (facts("reissue", "issued", booklets=1), True)])
def test_both_booklets_issued_is_one_fact(known, issued):
    assert known.booklets_issued is issued


# --- reading the facts from a journal ------------------------------------------------------

def registered(cases: CaseService, case_type: str = "marriage") -> str:
    case_id = cases.open(case_type, operator="reg01").case_id
    for to in ("accepted", "examined", "registered"):
        cases.transition(case_id, to, operator="reg01")
    return case_id


def issue(journal, case_id: str, serial: str, holder: str) -> None:
    from counter_app.numbering import issue_blank

    issue_blank(journal, certificate="marriage", serial=serial, case_id=case_id,
                certificate_number="BJ110105-2026-000001", operator="reg01", holder=holder)


def test_facts_are_read_from_the_journal(journal):
    from counter_app.numbering import receive_range

    cases = CaseService(journal)
    case_id = registered(cases)
    receive_range(journal, range_id="r1", certificate="marriage", first="A0000001",
                  last="A0000009", operator="admin")
    assert case_next(journal, case_id).screen == "certificates"
    issue(journal, case_id, "A0000001", "man")
    assert read_facts(journal, case_id).booklets == 1
    issue(journal, case_id, "A0000002", "woman")
    assert read_facts(journal, case_id).booklets_issued
    assert case_next(journal, case_id).stage == "archive"
    journal.append("archive.built", {"materials": 1}, operator="reg01", case_id=case_id)
    assert read_facts(journal, case_id).archive_built
    assert case_next(journal, case_id).stage == "done"
    assert case_next(journal, "no-such-case") is None and read_facts(journal, "x") is None


def test_the_check_that_counts_and_the_pending_step_are_asked_only_where_they_count(journal):
    cases = CaseService(journal)
    done = registered(cases)
    examined = cases.open("marriage", operator="reg01").case_id
    for to in ("accepted", "examined"):
        cases.transition(examined, to, operator="reg01")
    journal.append("sync.marital_check", {"request_id": "r-1", "answer": {
        "outcome": "clear", "checked_at": "2026-05-20T01:00:00Z"}},
        operator="reg01", case_id=examined)
    assert read_facts(journal, examined).check == "clear"        # the latest one recorded
    assert read_facts(journal, examined, check=lambda: None).check is None   # the page's own

    def never() -> str:
        raise AssertionError("asked for a fact that does not count in this state")

    assert case_next(journal, done, pending_step=never, check=never).screen == "certificates"
    assert case_next(journal, examined, pending_step=lambda: "declare").screen == "declare"


def test_open_cases_leave_out_what_needs_nothing(journal):
    cases = CaseService(journal)
    waiting = cases.open("marriage", operator="reg01").case_id
    refused = cases.open("marriage", operator="reg01").case_id
    cases.transition(refused, "refused", operator="reg01", reason="不符合条件")
    printed = registered(cases)
    journal.append("archive.built", {"materials": 1}, operator="reg01", case_id=printed)
    listed = open_cases(journal, ON)
    assert [(n.case_id, n.home_list) for n in listed] == [(waiting, AWAIT)]
