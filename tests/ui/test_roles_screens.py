"""Ensure the screens leave the permission checks to the services and say their answers: the
负责人确认 dialog of a misprint (keyboard only, no default reason, a wrong password or a
registrar's account approves nothing), the supervisor's audit screen (F12, refused to others)
and a technician who can open no case."""

from __future__ import annotations

from functools import partial

import pytest
from PySide6.QtCore import Qt

from counter_app.numbering import receive_block, receive_range
from counter_app.operators import OperatorService
from counter_app.operators.approvals import approve
from counter_app.printing.booklets import BookletPrinting
from counter_app.printing.calibration import NOMINAL_MARKS, calibrate
from counter_app.workflows.intake import MarriageIntake
from helpers.accounts import PASSWORD, add_staff
from workflows.people import MAN, WOMAN
from steps_helpers import approve_as, with_approval
from test_main_window import log_in, make_window


class FakePrinter:
    name = "证书打印机1"

    def __init__(self):
        self.pages = []

    def print_page(self, page, calibration):
        self.pages.append(page)


@pytest.fixture
def certificates(qtbot, journal):
    """The certificates page of case c1 for registrar reg01, its man's booklet printed."""
    from counter_app.ui.application import create_application
    from counter_app.ui.case.certificates_page import CertificatesPage
    from forms.model import FormData, load_form

    create_application([])
    add_staff(journal)
    receive_range(journal, range_id="r1", certificate="marriage", first="A0000101",
                  last="A0000110", operator="admin")
    receive_block(journal, block_id="b1", prefix="J", division_code="110105", year=2026,
                  first_serial=1, last_serial=10, operator="admin")
    calibrate(journal, "证书打印机1", NOMINAL_MARKS, operator="tech")
    form = load_form("marriage_certificate")
    data = FormData({"party.name": "王䶮", "certificate.number": "J110105-2026-000001",
                     "certificate.registration_date": "2026-05-20",
                     "office.name": "北京市朝阳区婚姻登记处"}, {}, {})
    flow = BookletPrinting(journal, case_id="c1", operator="reg01", certificate="marriage",
                           number="J110105-2026-000001",
                           pages=[("man", (form, data)), ("woman", (form, data))],
                           printer=FakePrinter(), approve=partial(approve,
                                                                  OperatorService(journal)))
    page = CertificatesPage(flow)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=5000)
    page.print_current()
    assert flow.awaiting_confirmation
    return page


def voids(journal):
    return [e for e in journal.entries(case_id="c1") if e.kind == "stock.blank_voided"]


def test_cancelling_the_approval_voids_nothing(qtbot, certificates, journal):
    page = certificates
    with_approval(qtbot, page, lambda dialog: qtbot.keyClick(dialog, Qt.Key.Key_Escape))
    assert voids(journal) == [] and page.flow.awaiting_confirmation
    assert "请检查刚打印的男方结婚证" in page.message.text()


def test_the_supervisor_approves_a_misprint_with_the_keyboard(qtbot, certificates, journal):
    page = certificates
    serial = page.flow.current.serial

    def act(dialog):
        assert dialog.reason.currentText() == ""  # no default reason
        assert dialog.focusWidget() in (dialog.reason, dialog.reason.lineEdit())
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert dialog.isVisible() and dialog.error.text() == "请填写：原因、负责人工号、密码"
        dialog.reason.lineEdit().insert("墨盒漏墨")  # a reason of one's own (as an IME commits)
        qtbot.keyClicks(dialog.supervisor, "boss")
        qtbot.keyClicks(dialog.password, "wrong")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert dialog.isVisible() and "工号或密码不正确" in dialog.error.text()
        assert dialog.password.text() == "" and dialog.focusWidget() is dialog.password
        dialog.supervisor.clear()
        qtbot.keyClicks(dialog.supervisor, "reg02")  # a registrar's password: no approval
        qtbot.keyClicks(dialog.password, PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert dialog.isVisible() and "没有权限：“作废空白证”只能由负责人办理" in dialog.error.text()
        dialog.supervisor.clear()
        qtbot.keyClicks(dialog.supervisor, "boss")
        qtbot.keyClicks(dialog.password, PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert not dialog.isVisible()

    with_approval(qtbot, page, act)
    assert f"空白证 {serial} 已作废（墨盒漏墨），负责人已确认" in page.message.text()
    [voided] = voids(journal)
    assert (voided.operator, voided.payload["approved_by"], voided.payload["reason"]) == (
        "reg01", "boss", "墨盒漏墨")
    refused = [(e.operator, e.payload["action"]) for e in journal.entries()
               if e.kind == "operator.action_refused"]
    assert refused == [("reg02", "blank.void")]
    # F9 prints the man's booklet again on the next blank, under the same approval
    qtbot.keyClick(page, Qt.Key.Key_F9)
    assert page.flow.awaiting_confirmation and page.flow.current.serial != serial
    sent = [e for e in journal.entries(case_id="c1") if e.kind == "certificate.print_sent"]
    assert sent[-1].payload["reprint_approved_by"] == "boss"


def test_a_listed_reason_is_recorded_in_chinese(qtbot, certificates, journal):
    with_approval(qtbot, certificates, approve_as(qtbot, "admin", PASSWORD, reason_keys=2))
    [voided] = voids(journal)
    assert (voided.payload["reason"], voided.payload["approved_by"]) == ("打印错位", "admin")


@pytest.fixture
def kept():
    """The windows a test makes, alive until its end (qtbot only holds weak references, and a
    window collected mid-test takes its pending events with it)."""
    windows = []
    yield windows
    for win in windows:
        win.back_home()  # stops the pages' devices (an intake page's card reader)


def logged_in(qtbot, journal, kept, user, password):
    win = make_window(qtbot, journal)
    kept.append(win)
    log_in(qtbot, win, user, password)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.home_page, timeout=5000)
    # the device lights' detection runs in the background: let it finish before going on
    qtbot.waitUntil(lambda: bool(win.home_page.devices.statuses), timeout=20_000)
    return win


def test_the_audit_screen_is_the_supervisors(qtbot, journal, kept):
    registrar = logged_in(qtbot, journal, kept, "demo", "demo")
    assert "F12" not in registrar.home_page.greeting.text()
    qtbot.keyClick(registrar, Qt.Key.Key_F12)
    assert registrar.stack.currentWidget() is registrar.home_page
    assert "没有权限：“查看审计记录”只能由负责人办理" in registrar.home_page.notice.text()

    boss = logged_in(qtbot, journal, kept, "boss", "boss")
    assert "F12 审计记录" in boss.home_page.greeting.text()
    qtbot.keyClick(boss, Qt.Key.Key_F12)
    page = boss.case_page
    assert page.__class__.__name__ == "AuditPage" and boss.stack.currentWidget() is page
    assert page.since.hasFocus()
    page.since.clear()
    qtbot.keyClicks(page.since, "2026-05-20")  # the suite's clock
    qtbot.keyClick(page.since, Qt.Key.Key_Return)
    rows = [[page.table.item(r, c).text() for c in range(page.table.columnCount())]
            for r in range(page.table.rowCount())]
    assert ["demo", "被拒绝：查看审计记录"] == rows[0][1:3]  # newest first
    assert page.message.text() == f"共 {len(rows)} 条（最新的在前）"
    qtbot.keyClick(page.since, Qt.Key.Key_Tab)
    qtbot.keyClicks(page.operator.lineEdit(), "boss")
    qtbot.keyClick(page.operator.lineEdit(), Qt.Key.Key_Return)
    assert page.table.rowCount() == 0 and page.message.text() == "共 0 条（最新的在前）"
    page.since.setText("2026-13-01")
    qtbot.keyClick(page.since, Qt.Key.Key_Return)
    assert "格式不对" in page.message.text()
    qtbot.keyClick(page.since, Qt.Key.Key_Escape)  # where the keyboard is
    assert boss.stack.currentWidget() is boss.home_page


def test_a_technician_opens_no_case_and_takes_none_in(qtbot, journal, kept):
    tech = logged_in(qtbot, journal, kept, "tech", "tech")
    case_id = MarriageIntake(journal, tech.services.office(), "demo").open()
    tech.open_case(case_id)
    assert tech.stack.currentWidget() is tech.home_page
    assert "没有权限：“打开业务（查看当事人信息）”" in tech.home_page.notice.text()
    qtbot.keyClick(tech, Qt.Key.Key_F2)  # a new marriage: the service refuses to open it
    assert tech.stack.currentWidget() is tech.home_page and tech.intake_page is None
    assert "没有权限：“初审与受理”" in tech.home_page.notice.text()
    refused = [(e.operator, e.payload["action"], e.case_id) for e in journal.entries()
               if e.kind == "operator.action_refused"]
    assert refused == [("tech", "case.view", case_id), ("tech", "case.intake", None)]
    assert not [e for e in journal.entries() if e.kind == "audit.case_opened"]


def test_opening_a_case_is_audited_once_while_it_is_on_screen(qtbot, journal, kept):
    registrar = logged_in(qtbot, journal, kept, "demo", "demo")
    office = registrar.services.office()
    intake = MarriageIntake(journal, office, "demo")
    case_id = intake.open()
    for party in (MAN, WOMAN):
        intake.record_party(case_id, party, source="manual")
    for role in ("man", "woman"):
        intake.record_answers(case_id, role, voluntary=True, kinship_declared_none=True)
    intake.check(case_id, registrar.services.today())
    registrar.open_case(case_id)   # the case page (photos next)
    assert registrar.case_page.__class__.__name__ == "RegistrationPage"
    registrar.open_case(case_id)   # still on screen (a step page returning): no new opening
    registrar.back_home()
    registrar.open_case(case_id)   # opened again from home
    opened = [(e.operator, e.case_id, e.payload["screen"]) for e in journal.entries()
              if e.kind == "audit.case_opened"]
    assert opened == [("demo", case_id, "case")] * 2
