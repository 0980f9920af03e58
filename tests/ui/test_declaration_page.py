"""Ensure each party's declaration is signed on the (simulated) tablet, fingerprinted on the
(simulated) pad and witnessed by the registrar, from the case page and back; that pad failures
say what to do and are retried without a restart; and that Esc keeps what was done."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from steps_helpers import sign_both
from test_marriage_intake import accept_a_couple, photograph_both, window  # noqa: F401

from counter_app.domain.idnumber import check_digit
from counter_app.workflows.declarations import Declarations
from counter_app.workflows.intake import MarriageIntake
from drivers.fingerprint.simulator import SimulatorPad
from helpers.accounts import add_staff

OFFICE = {"code": "110105-HY", "level": "county", "region_code": "110105",
          "foreign_designated": True, "popup": False}


def kinds(journal, case_id):
    return [e.kind for e in journal.entries(case_id=case_id)]


def test_both_parties_sign_on_the_demo_window(qtbot, window):  # noqa: F811
    result = accept_a_couple(qtbot, window)
    case_id = window.intake_page.case_id
    result.proceed.click()
    photograph_both(qtbot, window, case_id)
    assert window.case_page.action.text() == "当事人签署声明书（F10）"
    sign_both(qtbot, window, case_id)
    page = window.case_page
    recorded = kinds(window.journal, case_id)
    for kind in ("signature.captured", "declaration.fingerprint", "declaration.witnessed"):
        assert recorded.count(kind) == 2
    later = [s for s in page.steps if s.key not in ("capture", "declare")
             and s.applies_to("marriage") and not s.done(case_id)]
    assert page.action.text() == (later[0].label if later else "审查完毕，材料齐全（F8）")
    signatures = [e for e in window.journal.entries(case_id=case_id)
                  if e.kind == "signature.captured"]
    assert {e.payload["signer"] for e in signatures} == {"man", "woman"}
    assert all('"device":"simulator"' in e.payload["signature"] for e in signatures)


@pytest.fixture
def case(journal, qapp):
    add_staff(journal)  # the intake and the declarations are a registrar's: "demo" is one
    intake = MarriageIntake(journal, OFFICE, operator="demo")
    case_id = intake.open()
    for name, sex, birth, first17 in (("王䶮", "male", "1990-03-07", "11010219900307123"),
                                      ("李梅", "female", "1996-02-29", "11010519960229002")):
        intake.record_party(case_id, {"name": name, "sex": sex, "birth_date": birth,
                                      "id_type": "resident",
                                      "id_number": first17 + check_digit(first17),
                                      "id_valid_until": "long-term", "nationality": "CHN",
                                      "hukou_region_code": first17[:6]}, source="card")
    for role in ("man", "woman"):
        intake.record_answers(case_id, role, voluntary=True, kinship_declared_none=True)
    intake.check(case_id, date(2026, 5, 20))
    return case_id


@pytest.fixture
def make_page(qtbot, journal, case):
    import forms.qt.signing
    from counter_app.ui.case.declaration_page import DeclarationPage

    pages = []

    def make(pad):
        flow = Declarations(journal, "demo", forms.qt.signing, OFFICE, "朝阳区婚姻登记处")
        page = DeclarationPage(flow, case, lambda: pad, demo=True, replay_speed=0)
        qtbot.addWidget(page)
        page.show()
        page.activateWindow()  # its shortcuts (F4, F6, Esc) work in the active window
        qtbot.waitUntil(page.isActiveWindow, timeout=5000)
        page.begin()
        pages.append(page)
        return page

    yield make
    import shiboken6

    for page in pages:
        if shiboken6.isValid(page):  # not deleted by the test
            page.leave()


def sign_current(qtbot, page):
    qtbot.keyClick(page, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: bool(page.signing.pad.strokes()) and not page._busy(), timeout=5000)
    qtbot.keyClick(page.confirm, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.press.isVisible(), timeout=5000)


def test_pad_failures_say_what_to_do_and_are_retried(qtbot, journal, case, make_page):
    pad = SimulatorPad(fault="unplugged")
    page = make_page(pad)
    sign_current(qtbot, page)
    qtbot.keyClick(page.press, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "插好指纹仪" in page.status.text(), timeout=5000)
    assert "按回车重试" in page.status.text() and page.press.isVisible()
    pad.fault, pad.placement = None, 0.3  # plugged in; the finger barely touches
    qtbot.keyClick(page.press, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "指纹不清晰" in page.status.text(), timeout=5000)
    assert "不清晰" in page.quality.text()
    pad.placement, pad.fault = 1.0, "no_finger"
    from counter_app.ui.case import declaration_page
    declaration_page.CAPTURE_TIMEOUT_S, saved = 0.05, declaration_page.CAPTURE_TIMEOUT_S
    try:
        qtbot.keyClick(page.press, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "没有检测到手指" in page.status.text(), timeout=5000)
    finally:
        declaration_page.CAPTURE_TIMEOUT_S = saved
    pad.fault = None
    qtbot.keyClick(page.press, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.witness.isVisible(), timeout=5000)
    assert "合格" in page.quality.text()
    assert kinds(journal, case).count("declaration.fingerprint") == 1  # only the good print


def test_an_empty_signature_is_refused(qtbot, journal, case, make_page):
    page = make_page(SimulatorPad())
    qtbot.keyClick(page.confirm, Qt.Key.Key_Return)
    assert "没有采集到签名" in page.status.text() and "用鼠标在签名区签名" in page.status.text()
    assert page.confirm.isVisible() and "signature.captured" not in kinds(journal, case)


def test_esc_keeps_what_was_done_and_the_page_resumes_there(qtbot, journal, case, make_page):
    import forms.qt.signing

    page = make_page(SimulatorPad())
    sign_current(qtbot, page)
    qtbot.keyClick(page.press, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.witness.isVisible(), timeout=5000)
    qtbot.keyClick(page.witness, Qt.Key.Key_Return)  # the man is done
    sign_current(qtbot, page)  # the woman signed, then the registrar is called away
    with qtbot.waitSignal(page.finished) as left:
        qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert left.args == [case]
    again = make_page(SimulatorPad())
    assert again.role == "woman" and again.press.isVisible()
    qtbot.keyClick(again, Qt.Key.Key_F4)  # 清除重签: she signs again
    assert again.confirm.isVisible()
    sign_current(qtbot, again)
    qtbot.keyClick(again.press, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: again.witness.isVisible(), timeout=5000)
    with qtbot.waitSignal(again.finished):
        qtbot.keyClick(again.witness, Qt.Key.Key_Return)
    assert Declarations(journal, "demo", forms.qt.signing).done(case)
    assert kinds(journal, case).count("signature.captured") == 3


def test_a_page_dropped_without_esc_releases_the_pad(qtbot, journal, case):
    from PySide6.QtWidgets import QStackedWidget

    import forms.qt.signing
    from counter_app.ui.case.declaration_page import DeclarationPage

    stack = QStackedWidget()  # as the main window holds its pages
    qtbot.addWidget(stack)
    pad = SimulatorPad()
    flow = Declarations(journal, "demo", forms.qt.signing, OFFICE, "朝阳区婚姻登记处")
    page = DeclarationPage(flow, case, lambda: pad, demo=True, replay_speed=0)
    stack.addWidget(page)
    stack.show()
    page.begin()
    page.replay_demo()
    qtbot.waitUntil(lambda: bool(page.signing.pad.strokes()) and not page._busy(), timeout=5000)
    page.sign()
    page.capture()
    qtbot.waitUntil(lambda: page.witness.isVisible(), timeout=5000)
    assert pad.opened
    session = page._session
    stack.removeWidget(page)
    page.deleteLater()  # the window locked or another case was opened, without Esc
    qtbot.waitUntil(lambda: session.released and not pad.opened, timeout=5000)


def test_the_page_speaks_english_when_asked(qtbot, journal, case, make_page):
    from counter_app.ui.application import create_application
    from counter_app.ui.i18n import install_translation

    app = create_application([])
    translator = install_translation(app, "en")
    try:
        page = make_page(SimulatorPad())
        assert page.confirm.text() == "Confirm signature (Enter)"
        assert page.title.text().endswith(": declaration for marriage registration")
        assert page.marital.currentText() == "Never married"
    finally:
        app.removeTranslator(translator)
