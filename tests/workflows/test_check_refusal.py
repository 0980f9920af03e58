"""Ensure a case blocked at 联网核对 (the real simulator over HTTP answers a party as married) is
refused with the legal ground the rules give, and its 不予办理告知书 states reason and basis."""

from __future__ import annotations

import pytest
from people import WOMAN
from test_registration import DAY, examined, journal, province  # noqa: F401 - fixtures

from counter_app.workflows import check_refusal
from counter_app.workflows.registration import RegistrationError


def test_a_blocked_check_refuses_the_case_with_the_rules_ground(journal, province):  # noqa: F811
    case_id, flow = examined(journal, province(f"married={WOMAN['id_number']}"))
    assert check_refusal.blocked_answer(flow, case_id) is None  # not checked yet
    flow.online_check(case_id)
    refusals = check_refusal.refuse_after_check(flow, case_id, DAY)
    assert [r["code"] for r in refusals] == ["marriage.existing_spouse"]
    assert "现有配偶" in refusals[0]["message_zh"] and "第一千零四十二条" in refusals[0]["basis"]
    assert flow.cases.state(case_id).state == "refused"
    checked = [e for e in journal.entries(case_id=case_id) if e.kind == "intake.rules_checked"]
    assert checked[-1].payload["stage"] == "online_check"
    pages = check_refusal.notice_pages(flow, case_id, "北京市朝阳区婚姻登记处（示例）")
    assert len(pages) == 1
    form, data = pages[0]
    assert form.title == "不予办理告知书"
    assert "现有配偶" in data.values["refusal.reason"] and "重婚" in data.values["refusal.basis"]
    assert data.missing(form) == []
    with pytest.raises(RegistrationError):  # refused once: nothing more to refuse
        check_refusal.refuse_after_check(flow, case_id, DAY)


def test_a_clear_check_is_not_grounds_for_refusal(journal, province):  # noqa: F811
    case_id, flow = examined(journal, province())
    flow.online_check(case_id)
    with pytest.raises(RegistrationError, match="只有联网核对未通过"):
        check_refusal.refuse_after_check(flow, case_id, DAY)
    with pytest.raises(RegistrationError, match="没有被不予登记"):
        check_refusal.notice_pages(flow, case_id, "x")
    assert flow.cases.state(case_id).state == "examined"
