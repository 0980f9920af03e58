"""Ensure a reissue goes from an archive record to a BJ/BL certificate only for a party of the
record, with the declaration, the rules, the photo and a legal-act entry, and that the printed
booklet carries the original registration date and the reissue remark."""

from __future__ import annotations

import subprocess
from datetime import date

import numpy as np
import pytest

from counter_app.cases.service import CaseService
from counter_app.domain.cases import IllegalTransitionError
from counter_app.numbering import receive_block, receive_range
from counter_app.reissue import ReissueError, ReissueFlow, open_archive
from counter_app.reissue.certificate import certificate_pages
from counter_app.resources import resource_path
from counter_app.vision.quality import QualityReport
from forms.qt.pdf import render_pdf

OFFICE = {"code": "110105-HY", "level": "county", "region_code": "110105",
          "foreign_designated": True, "popup": False}
DAY = date(2026, 5, 20)
LIU = {"name": "刘秀英", "sex": "female", "birth_date": "1960-11-02", "id_type": "resident",
       "id_number": "11010519601102042X", "id_valid_until": "long-term", "nationality": "CHN",
       "hukou_region_code": "110105"}
HUANG = {"name": "黄志明", "sex": "male", "birth_date": "1980-01-01", "id_type": "resident",
         "id_number": "445202198001014516", "id_valid_until": "long-term", "nationality": "CHN",
         "hukou_region_code": "445202"}


@pytest.fixture
def flow(journal):
    archive = open_archive(journal, "admin")  # importing is a supervisor's act
    archive.import_file(resource_path("archive_demo", "archive-demo.csv"))
    archive.operator = "reg01"                # the registrar looks records up
    for prefix in ("BJ", "BL"):
        receive_block(journal, block_id=prefix.lower(), prefix=prefix, division_code="110105",
                      year=2026, first_serial=1, last_serial=100, operator="admin")
    for kind, first, last in (("marriage", "A0000001", "A0000009"),
                              ("divorce", "B0000001", "B0000009")):
        receive_range(journal, range_id=kind, certificate=kind, first=first, last=last,
                      operator="admin")
    yield ReissueFlow(journal, archive, OFFICE, "reg01", today=lambda: DAY)
    archive.index.close()


def open_case(flow, query):
    return flow.open(flow.archive.search(query).hits[0].record.ref)


def photograph(flow, case_id, role, decision="manual"):
    flow.capture.take_photo(case_id, role, np.full((480, 640, 3), 128, np.uint8),
                            QualityReport())
    flow.capture.decide(case_id, role, decision, None)
    return flow.after_capture(case_id)


def test_a_party_gets_a_reissued_marriage_certificate(flow, journal, tmp_path, qapp):
    case_id = open_case(flow, "刘秀英")
    assert flow.state(case_id).next_step == "verify"
    assert flow.verify(case_id, LIU, "card") == "woman"
    decision = flow.declare(case_id, cause="lost", status_unchanged=True)
    assert decision["decision"] == "accept"
    assert flow.state(case_id).next_step == "photo"
    assert photograph(flow, case_id, "woman") == "issue"
    issued = flow.issue(case_id, DAY)
    assert issued.certificate_number == "BJ110105-2026-000001"
    assert flow.issue(case_id, DAY).certificate_number == issued.certificate_number  # twice
    state = flow.state(case_id)
    assert (state.case_state, state.next_step) == ("issued", "print")
    reissued = [e for e in journal.entries(case_id=case_id) if e.kind == "case.reissued"]
    assert len(reissued) == 1 and reissued[0].payload["original_registration_date"] == \
        "1986-05-20"
    assert reissued[0].payload["original_certificate_number"] == "J110105-1986-000123"
    assert reissued[0].payload["holder"] == "woman"
    kinds = [e.kind for e in journal.entries(case_id=case_id)]
    assert kinds[:3] == ["case.transition", "archive.viewed", "reissue.record"]
    assert kinds.count("case.transition") == 4  # 初审 受理 审查 发证

    pages = certificate_pages(journal, flow, case_id, "北京市朝阳区婚姻登记处")
    assert [role for role, _ in pages] == ["woman"]
    values = pages[0][1][1].values
    assert values["certificate.registration_date"] == "1986-05-20"
    assert values["certificate.remark"] == "结婚证遗失，补发此证。2026年05月20日"
    assert values["man.name"] == "张建国" and values["man.id_number"] == "110105195803140310"
    # The painter needs a Q(Gui)Application: pytest-qt's ``qapp``, a QApplication, because a
    # bare QGuiApplication would break the widget tests that run after this one.
    pdf = tmp_path / "reissued.pdf"
    pdf.write_bytes(render_pdf([page for _, page in pages], "补发结婚证"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                          text=True).stdout.replace(" ", "")
    assert "结婚证遗失，补发此证" in text and "1986年05月20日" in text
    assert "BJ110105-2026-000001" in text and "刘秀英" in text


def test_someone_who_is_not_a_party_is_refused(flow):
    case_id = open_case(flow, "刘秀英")
    with pytest.raises(ReissueError, match="都不一致，不能补领"):
        flow.verify(case_id, dict(HUANG), "card")
    with pytest.raises(ReissueError, match="校验位"):
        flow.verify(case_id, dict(LIU, id_number="110105196011020421"), "manual")
    assert flow.state(case_id).next_step == "verify"


def test_the_applicant_passes_the_checks_of_any_recorded_party(flow):
    """The same validation as at intake: dates readable, and the ID number agreeing with the
    birth date (a typo is caught at the counter, not when the rules are checked)."""
    case_id = open_case(flow, "刘秀英")
    with pytest.raises(ReissueError, match="出生日期格式不对"):
        flow.verify(case_id, dict(LIU, birth_date="1960/11/02"), "manual")
    with pytest.raises(ReissueError, match="出生日期（1960-11-02）与填写的出生日期不一致"):
        flow.verify(case_id, dict(LIU, birth_date="1960-11-03"), "manual")
    assert flow.state(case_id).next_step == "verify"


def test_a_record_without_id_numbers_cannot_be_verified_by_card(flow):
    case_id = open_case(flow, "徐阿根")
    with pytest.raises(ReissueError, match="没有当事人身份证号"):
        flow.verify(case_id, dict(LIU), "card")


def test_a_marriage_dissolved_later_is_not_reissued(flow):
    case_id = open_case(flow, "单志刚 1988")
    party = {"name": "单志刚", "sex": "male", "birth_date": "1962-07-05",
             "id_type": "resident", "id_number": "11010219620705151X",
             "id_valid_until": "long-term", "nationality": "CHN", "hukou_region_code": "110102"}
    assert flow.verify(case_id, party, "card") == "man"
    flow.declare(case_id, cause="damaged", status_unchanged=True)  # the archive knows better
    state = flow.state(case_id)
    assert state.case_state == "refused"
    reason = CaseService(flow.journal).journal.query(
        "SELECT payload FROM entries WHERE case_id = ? AND kind = 'case.transition' "
        "ORDER BY seq DESC LIMIT 1", [case_id])[0]["payload"]
    assert "2012-03-15 离婚" in reason
    with pytest.raises(ReissueError):
        flow.issue(case_id, DAY)


def test_a_declared_change_of_status_is_refused_with_the_basis(flow):
    case_id = open_case(flow, "刘秀英")
    flow.verify(case_id, LIU, "card")
    decision = flow.declare(case_id, cause="lost", status_unchanged=False)
    assert "reissue.status_changed" in [r["code"] for r in decision["reasons"]]
    assert flow.state(case_id).case_state == "refused"


def test_a_divorce_certificate_gets_a_bl_number_and_the_photo(flow, journal):
    case_id = open_case(flow, "黄志明")
    flow.verify(case_id, HUANG, "manual")
    flow.declare(case_id, cause="damaged", status_unchanged=True)
    with pytest.raises(ReissueError, match="审查完毕"):
        flow.issue(case_id, DAY)  # no photo yet
    photograph(flow, case_id, "man")
    assert flow.issue(case_id, DAY).certificate_number == "BL110105-2026-000001"
    (role, (form, data)), = certificate_pages(journal, flow, case_id, "朝阳区")
    assert form.form_id == "divorce_certificate" and role == "man"
    assert data.values["certificate.remark"] == "离婚证损毁，补发此证。2026年05月20日"
    assert data.images["party.photo"][:2] == b"\xff\xd8"  # the JPEG taken at the counter


def test_an_applicant_rejected_at_the_camera_is_refused(flow):
    case_id = open_case(flow, "刘秀英")
    flow.verify(case_id, LIU, "card")
    flow.declare(case_id, cause="lost", status_unchanged=True)
    assert photograph(flow, case_id, "woman", decision="rejected") == "refused"


def test_steps_out_of_order_are_refused(flow):
    case_id = open_case(flow, "刘秀英")
    with pytest.raises(ReissueError, match="核验申请人"):
        flow.declare(case_id, cause="lost", status_unchanged=True)
    flow.verify(case_id, LIU, "card")
    with pytest.raises(ReissueError, match="遗失或损毁"):
        flow.declare(case_id, cause="stolen", status_unchanged=True)
    flow.declare(case_id, cause="lost", status_unchanged=True)
    with pytest.raises(ReissueError):
        flow.verify(case_id, LIU, "card")  # accepted: the applicant is settled
    with pytest.raises(IllegalTransitionError):
        CaseService(flow.journal).transition(case_id, "issued", operator="reg01")


def test_issuing_waits_for_a_trusted_clock_and_keeps_the_number(flow, journal, clock):
    from counter_app.journal import ClockUntrustedError

    case_id = open_case(flow, "刘秀英")
    flow.verify(case_id, LIU, "card")
    flow.declare(case_id, cause="lost", status_unchanged=True)
    photograph(flow, case_id, "woman")
    clock.advance(minutes=-10)  # the PC's clock was set back: no legal act on it
    with pytest.raises(ClockUntrustedError):
        flow.issue(case_id, DAY)
    assert flow.state(case_id).case_state == "examined"
    assert not [e for e in journal.entries(case_id=case_id) if e.kind == "case.reissued"]
    clock.advance(minutes=11)
    assert flow.issue(case_id, DAY).certificate_number == "BJ110105-2026-000001"


def test_an_issue_cut_off_before_its_last_step_finishes_on_the_retry(flow, monkeypatch):
    """A crash between the legal-act entry and the step to 'issued' must not strand the
    case at 'issue' for ever: issuing again finishes it, with the same number."""
    case_id = open_case(flow, "刘秀英")
    flow.verify(case_id, LIU, "card")
    flow.declare(case_id, cause="lost", status_unchanged=True)
    photograph(flow, case_id, "woman")
    real = flow.cases.transition

    def power_cut(case, to, **kwargs):
        if to == "issued":
            raise OSError("the machine went off")
        return real(case, to, **kwargs)

    monkeypatch.setattr(flow.cases, "transition", power_cut)
    with pytest.raises(OSError):
        flow.issue(case_id, DAY)
    monkeypatch.setattr(flow.cases, "transition", real)
    assert flow.state(case_id).case_state == "examined"
    assert flow.issue(case_id, DAY).certificate_number == "BJ110105-2026-000001"
    assert flow.state(case_id).next_step == "print"
