"""Ensure a divorce application is taken in, receipted with calendar-correct dates, can be
withdrawn by either party within 30 days at the receiving office only, and expires."""

from __future__ import annotations

from datetime import date

import pytest

from counter_app.cases.service import CaseService
from counter_app.domain.cases import IllegalTransitionError
from counter_app.workflows.divorce import DivorceApplication
from counter_app.workflows.intake import IntakeError
from counter_app.workflows.today import overview
from people import MAN, OFFICE, WOMAN

OTHER_OFFICE = dict(OFFICE, code="445202-HY", region_code="445202")
RECEIPT = date(2026, 3, 2)


def apply(journal, office=OFFICE, **answers) -> tuple[DivorceApplication, str, dict]:
    flow = DivorceApplication(journal, office, operator="demo")
    case_id = flow.open()
    assert flow.state(case_id).next_step == "party_man"
    for party in (MAN, WOMAN):
        flow.record_party(case_id, party, source="manual")
    for role in ("man", "woman"):
        given = {"agreement_signed": True, "full_capacity": True,
                 "certificate_from_mainland": True}
        given.update(answers.get(role, {}))
        flow.record_answers(case_id, role, **given)
    return flow, case_id, flow.check(case_id, RECEIPT)


def test_an_application_is_receipted_and_cools_off(journal):
    flow, case_id, decision = apply(journal)
    assert decision["decision"] == "accept", decision["reasons"]
    case = CaseService(journal).state(case_id)
    assert case.state == "cooling_off" and case.receipt_date == RECEIPT
    assert case.receiving_office_code == "110105-HY"
    periods = flow.periods(case_id)
    assert periods.withdrawal_deadline == date(2026, 4, 1)
    lines = overview(journal, date(2026, 3, 10)).divorce_deadlines
    assert [line.case_id for line in lines] == [case_id] and "可撤回" in lines[0].note


def test_no_agreement_is_refused_with_its_basis(journal):
    flow, case_id, decision = apply(journal, woman={"agreement_signed": False})
    assert decision["decision"] == "refuse"
    assert CaseService(journal).state(case_id).state == "refused"
    assert all(r["basis"] for r in decision["reasons"])


def test_either_party_withdraws_within_the_period_at_the_receiving_office(journal):
    flow, case_id, _ = apply(journal)
    elsewhere = DivorceApplication(journal, OTHER_OFFICE, operator="demo")
    with pytest.raises(IllegalTransitionError, match="只能在该机关办理"):
        elsewhere.withdraw(case_id, "woman", date(2026, 3, 20))
    flow.withdraw(case_id, "woman", date(2026, 3, 20))
    case = CaseService(journal).state(case_id)
    assert case.state == "withdrawn"


def test_withdrawal_after_the_deadline_is_refused(journal):
    flow, case_id, _ = apply(journal)
    with pytest.raises(IllegalTransitionError, match="撤回期限"):
        flow.withdraw(case_id, "man", date(2026, 4, 2))
    with pytest.raises(IntakeError, match="未知的当事人"):
        flow.withdraw(case_id, "judge", date(2026, 3, 3))


def test_an_application_past_its_window_is_deemed_withdrawn(journal):
    flow, case_id, _ = apply(journal)
    assert flow.expire(date(2026, 4, 20)) == []  # still inside the completion window
    assert flow.expire(date(2026, 6, 30)) == [case_id]
    assert CaseService(journal).state(case_id).state == "deemed_withdrawn"
    assert flow.expire(date(2026, 7, 1)) == []  # safe to run again


def test_answers_are_frozen_once_receipted(journal):
    flow, case_id, _ = apply(journal)
    with pytest.raises(IntakeError, match="已经受理"):
        flow.record_answers(case_id, "man", agreement_signed=False, full_capacity=True,
                            certificate_from_mainland=True)


def test_completion_in_the_window_registers_the_divorce_with_an_l_number(tmp_path, data_dir):
    """On the real clock (registering is a legal act checked against the server's time)."""
    from helpers.journals import open_test_journal
    from counter_app.numbering import receive_block
    from counter_app.workflows.registration import DivorceRegistration, RegistrationError
    from sync import enrolment
    from sync.engine import EngineSettings, SyncEngine
    from sync.simulator.server import SimulatorServer
    from sync.transport import Transport

    server = SimulatorServer(tmp_path / "sim").start()
    with open_test_journal(data_dir, key_store="file", staff=True) as journal:
        enrolment.enroll(data_dir, journal, lambda u, c: Transport(u, c), server.url, "110105")
        engine = SyncEngine(journal, data_dir, settings=EngineSettings(read_timeout_s=2.0))
        try:
            receive_block(journal, block_id="l1", prefix="L", division_code="110105",
                          year=2026, first_serial=1, last_serial=10, operator="admin")
            flow, case_id, _ = apply(journal)
            too_early = DivorceRegistration(journal, OFFICE, "demo", checker=engine.marital_check,
                                            today=lambda: date(2026, 3, 20))
            with pytest.raises(IllegalTransitionError, match="期间申请发给离婚证"):
                too_early.examine(case_id)
            completion = DivorceRegistration(journal, OFFICE, "demo",
                                             checker=engine.marital_check,
                                             today=lambda: date(2026, 4, 10))
            completion.examine(case_id)
            with pytest.raises(RegistrationError, match="联网核对"):
                completion.register(case_id, date(2026, 4, 10))
            completion.online_check(case_id)
            done = completion.register(case_id, date(2026, 4, 10))
        finally:
            engine.close()
            server.stop()
        assert done.certificate_number == "L110105-2026-000001"
        assert CaseService(journal).state(case_id).state == "registered"
        registered = [e for e in journal.entries(case_id=case_id) if e.kind == "case.registered"]
        assert registered[0].payload["item"] == "divorce"
        from counter_app.workflows.certificates import certificate_pages
        pages = certificate_pages(journal, case_id, OFFICE, "北京市朝阳区婚姻登记处")
        assert [(h, f.form_id) for h, (f, _) in pages] == [("man", "divorce_certificate"),
                                                          ("woman", "divorce_certificate")]
        assert all(d.values["certificate.number"] == "L110105-2026-000001" for _, (_, d) in pages)
        assert all(d.missing(f) == [] for _, (f, d) in pages)


def notice_text(journal, case_id, tmp_path) -> str:
    import subprocess

    from counter_app.workflows.certificates import notice_pages
    from forms.qt.pdf import render_pdf
    pages = notice_pages(journal, case_id, OFFICE, "北京市朝阳区婚姻登记处")
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(render_pdf(pages, pages[0][0].title))
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    return "".join(out.split())


def test_a_withdrawal_confirmation_names_who_withdrew_and_when(qapp, journal, tmp_path):
    from counter_app.workflows.certificates import notice_for

    flow, case_id, _ = apply(journal)
    flow.withdraw(case_id, "woman", date(2026, 3, 20))
    assert notice_for(journal, case_id) == ("divorce_withdrawal_confirmation",
                                           "撤回离婚登记申请确认单")
    text = notice_text(journal, case_id, tmp_path)
    assert "撤回离婚登记申请确认单" in text and WOMAN["name"] in text
    assert WOMAN["id_number"] in text and "2026年03月20日" in text
    assert "2026年03月02日" in text            # the application it withdraws


def test_a_deemed_withdrawn_notice_states_the_window_that_ended(qapp, journal, tmp_path):
    flow, case_id, _ = apply(journal)
    assert flow.expire(date(2026, 5, 20)) == [case_id]
    text = notice_text(journal, case_id, tmp_path)
    assert "视为撤回" in text and "第一千零七十七条" in text
    assert MAN["name"] in text and WOMAN["name"] in text
    assert "2026年05月20日" in text               # the day it was found overdue
    window = flow.periods(case_id)
    assert f"{window.issuance_until.year}年{window.issuance_until.month:02d}月" in text
