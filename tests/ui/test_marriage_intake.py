"""Ensure a registrar takes a couple from two ID cards to an accepted case with the keyboard,
through the real reader protocol (SAM simulator frames) and the journal."""

from __future__ import annotations


import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from documents_helpers import review_and_examine, scan_documents
from steps_helpers import approve_as, sign_both, with_approval



@pytest.fixture
def window(demo_window):
    return demo_window()


def put_card(win, key):
    tray = win.intake_page.findChild(QComboBox, "demo-card-tray")
    tray.setCurrentIndex(tray.findData(key))
    tray.activated.emit(tray.currentIndex())


def read_and_confirm(qtbot, win, key, name):
    party = win.intake_page.party
    put_card(win, key)
    qtbot.waitUntil(lambda: name in party.status.text(), timeout=10_000)
    qtbot.keyClick(party.hukou, Qt.Key.Key_Return)


def answer_all(qtbot, win, check=True):
    answers = win.intake_page.answers
    qtbot.waitUntil(lambda: win.intake_page.steps.currentWidget() is answers, timeout=5000)
    for first, *others in answers.boxes.values():
        first.setChecked(check)  # 自愿 (marriage) / 已签署离婚协议书 (divorce)
        for box in others:
            box.setChecked(True)
    answers.button.click()


def test_two_cards_to_an_accepted_case(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert window.stack.currentWidget() is window.intake_page
    party = window.intake_page.party
    assert party.title.text() == "第 1 位当事人"
    read_and_confirm(qtbot, window, "resident", "王䶮")
    qtbot.waitUntil(lambda: party.title.text() == "第 2 位当事人", timeout=5000)
    read_and_confirm(qtbot, window, "long_term", "赵㛃")
    answer_all(qtbot, window)
    result = window.intake_page.result
    qtbot.waitUntil(lambda: window.intake_page.steps.currentWidget() is result, timeout=5000)
    assert result.headline.text() == "已受理"
    assert "联网核对将在登记前进行" in result.body.text()
    case_id = window.intake_page.case_id
    kinds = [e.kind for e in window.journal.entries(case_id=case_id)]
    assert kinds[-1] == "case.transition" and kinds.count("intake.party") == 2
    qtbot.keyClick(result.done, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.home_page


def test_a_foreign_card_asks_for_manual_entry(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F2)
    read_and_confirm(qtbot, window, "resident", "王䶮")
    party = window.intake_page.party
    qtbot.waitUntil(lambda: party.title.text() == "第 2 位当事人", timeout=5000)
    put_card(window, "foreign_2023")
    qtbot.waitUntil(lambda: "手工录入" in party.status.text(), timeout=10_000)


def test_the_same_party_twice_is_caught(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F2)
    read_and_confirm(qtbot, window, "resident", "王䶮")
    party = window.intake_page.party
    qtbot.waitUntil(lambda: party.title.text() == "第 2 位当事人", timeout=5000)
    qtbot.keyClick(party, Qt.Key.Key_F4)
    party.m_name.setText("张三")  # a second man
    party.m_birth.setText("1990-03-07")
    party.m_number.setText("11010219900307123X")
    party.m_valid.setText("长期")
    party.hukou.setText("110102")
    qtbot.keyClick(party.m_valid, Qt.Key.Key_Return)
    assert party.status.text() == "已经读取了男方，请换女方的身份证。"
    assert party.title.text() == "第 2 位当事人"


def test_not_voluntary_is_refused_with_the_basis(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F2)
    read_and_confirm(qtbot, window, "resident", "王䶮")
    read_and_confirm(qtbot, window, "minority", "阿依古丽·买买提")
    answer_all(qtbot, window, check=False)
    result = window.intake_page.result
    qtbot.waitUntil(lambda: window.intake_page.steps.currentWidget() is result, timeout=5000)
    assert result.headline.text() == "不予受理"
    assert "依据" in result.body.text() and "不予受理告知书" in result.body.text()
    qtbot.keyClick(result.notice, Qt.Key.Key_Return)
    assert result.notice.text().startswith("已打印《不予受理告知书》")
    import subprocess
    pdf = next((window.journal.path.parent / "prints").glob("notice-*.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "不予受理告知书" in text.replace(" ", "") and "自愿" in text
    kinds = [e.kind for e in window.journal.entries(case_id=window.intake_page.case_id)]
    assert kinds[-1] == "notice.printed"


def test_manual_entry_when_the_card_will_not_read(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F2)
    read_and_confirm(qtbot, window, "resident", "王䶮")
    party = window.intake_page.party
    qtbot.waitUntil(lambda: party.title.text() == "第 2 位当事人", timeout=5000)
    qtbot.keyClick(party, Qt.Key.Key_F4)
    assert party.manual.isVisible()
    party.m_name.setText("李梅")
    party.m_sex.setCurrentIndex(1)
    qtbot.keyClicks(party.m_birth, "1996-02-29")
    qtbot.keyClicks(party.m_number, "11010519960229002")  # one digit short
    qtbot.keyClicks(party.m_valid, "2036-01-01")
    qtbot.keyClicks(party.hukou, "110105")
    qtbot.keyClick(party.m_valid, Qt.Key.Key_Return)
    assert "号码有误" in party.status.text()
    from counter_app.domain.idnumber import check_digit
    party.m_number.setText("11010519960229002" + check_digit("11010519960229002"))
    qtbot.keyClick(party.m_valid, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.intake_page.steps.currentWidget()
                    is window.intake_page.answers, timeout=5000)


def test_home_explains_an_unset_office(qtbot, window):
    window.intake_page = None
    code = window.services.ctx.config.values["office.code"]
    window.services.ctx.config.values["office.code"] = ""  # a counter not yet set up
    try:
        qtbot.keyClick(window, Qt.Key.Key_F2)
    finally:
        window.services.ctx.config.values["office.code"] = code
    assert "office.code" in window.home_page.notice.text()
    assert window.stack.currentWidget() is window.home_page


def accept_a_couple(qtbot, window):
    """F2, two cards, both questions: returns the result step showing 已受理."""
    qtbot.keyClick(window, Qt.Key.Key_F2)
    read_and_confirm(qtbot, window, "resident", "王䶮")
    read_and_confirm(qtbot, window, "long_term", "赵㛃")
    answer_all(qtbot, window)
    result = window.intake_page.result
    qtbot.waitUntil(lambda: window.intake_page.steps.currentWidget() is result, timeout=5000)
    return result


def photograph_both(qtbot, window, case_id):
    """F7 on the case page: the simulated camera's face, Enter to take it, Enter to confirm the
    identity in person, for the man then the woman; then back to the case page."""
    qtbot.keyClick(window.case_page, Qt.Key.Key_F7)
    capture = window.case_page
    for _ in ("man", "woman"):
        qtbot.waitUntil(lambda: capture.shoot.isEnabled(), timeout=30_000)
        qtbot.keyClick(capture.shoot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: capture.confirm.isVisible(), timeout=10_000)
        qtbot.keyClick(capture.confirm, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: getattr(window.case_page, "flow", None) is not None, timeout=10_000)
    assert window.case_page.case_id == case_id


def test_from_two_cards_to_a_registered_marriage(qtbot, window):
    result = accept_a_couple(qtbot, window)
    case_id = window.intake_page.case_id
    qtbot.keyClick(result.proceed, Qt.Key.Key_Return)
    assert window.case_page.action.text() == "现场拍照与人证核验（F7）"
    photograph_both(qtbot, window, case_id)
    assert window.case_page.action.text() == "当事人签署声明书（F10）"
    sign_both(qtbot, window, case_id)
    assert window.case_page.action.text() == "高拍仪拍摄证件材料（F11）"
    scan_documents(qtbot, window, case_id)
    page = window.case_page
    assert window.stack.currentWidget() is page
    assert page.action.text() == "审查完毕，材料齐全（F8）"
    page = review_and_examine(qtbot, window, case_id)  # F8: the review page, F8 there
    assert page.action.text() == "联网核对婚姻状况（F6）"
    # The demo sync thread enrols and pulls this machine's number blocks from the simulator.
    qtbot.waitUntil(lambda: window.journal.query(
        "SELECT count(*) AS n FROM entries WHERE kind = 'numbering.block_received'")[0]["n"] > 0,
        timeout=20_000)
    qtbot.keyClick(page, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: "联网核对通过" in page.message.text(), timeout=20_000)
    page.run_action()
    page.run_action()  # a double click registers once
    assert "登记完成" in page.message.text()
    assert f"J110105-{window.ctx.today().year}-" in page.message.text()
    assert window.journal.query("SELECT state FROM case_state WHERE case_id = ?",
                                [case_id])[0]["state"] == "registered"
    kinds = [e.kind for e in window.journal.entries(case_id=case_id)]
    assert kinds.count("case.registered") == 1 and "sync.marital_check" in kinds
    assert not page.action.isVisible()


def test_an_accepted_case_is_continued_from_home(qtbot, window):
    result = accept_a_couple(qtbot, window)
    qtbot.keyClick(result.done, Qt.Key.Key_Return)
    home = window.home_page
    assert window.stack.currentWidget() is home
    item = home.lists["awaiting_check"].item(0)
    assert "已受理：请审查材料" in item.text()
    home.lists["awaiting_check"].setCurrentItem(item)
    qtbot.keyClick(home.lists["awaiting_check"], Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.case_page
    assert window.case_page.action.text() == "现场拍照与人证核验（F7）"


def register_a_couple(qtbot, window) -> str:
    result = accept_a_couple(qtbot, window)
    case_id = window.intake_page.case_id
    result.proceed.click()
    photograph_both(qtbot, window, case_id)
    sign_both(qtbot, window, case_id)
    scan_documents(qtbot, window, case_id)
    page = review_and_examine(qtbot, window, case_id)
    qtbot.waitUntil(lambda: window.journal.query(
        "SELECT count(*) AS n FROM entries WHERE kind = 'stock.range_received'")[0]["n"] > 0,
        timeout=20_000)
    page.run_action()
    qtbot.waitUntil(lambda: "联网核对通过" in page.message.text(), timeout=20_000)
    page.run_action()
    assert "登记完成" in page.message.text()
    return case_id


def test_certificates_printed_confirmed_and_a_misprint_voided(qtbot, window, tmp_path):
    case_id = register_a_couple(qtbot, window)
    qtbot.keyClick(window.case_page.print_button, Qt.Key.Key_Return)
    page = window.case_page
    assert page.title.text().startswith("打印男方结婚证")
    qtbot.keyClick(page, Qt.Key.Key_F9)
    first_serial = page.flow.current.serial
    # jammed: the 负责人 approves on the spot (demo: boss / boss), then print on the next blank
    with_approval(qtbot, page, approve_as(qtbot, "boss", "boss"))
    assert f"空白证 {first_serial} 已作废（卡纸），负责人已确认" in page.message.text()
    qtbot.keyClick(page, Qt.Key.Key_F9)
    qtbot.keyClick(page, Qt.Key.Key_F9)  # a second F9 while checking changes nothing
    qtbot.keyClick(page.confirm_button, Qt.Key.Key_Return)
    assert page.title.text().startswith("打印女方结婚证")
    page.print_current()
    page.confirm()
    assert page.title.text().startswith("结婚证已全部打印")
    blanks = window.journal.query(
        "SELECT serial, status, reason, holder FROM stock_blanks WHERE case_id = ? "
        "ORDER BY serial", [case_id])
    assert [(b["status"], b["holder"]) for b in blanks] == [
        ("voided", "man"), ("issued", "man"), ("issued", "woman")]
    assert blanks[0]["reason"] == "卡纸"
    prints = sorted((tmp_path / "prints").glob("*.pdf"))
    assert len(prints) == 3  # jammed, man's, woman's
    import subprocess
    text = subprocess.run(["pdftotext", str(prints[-1]), "-"], capture_output=True,
                          text=True).stdout
    assert "赵㛃" in text


def test_a_registered_case_on_home_goes_to_printing(qtbot, window):
    case_id = register_a_couple(qtbot, window)
    window.back_home()
    home = window.home_page
    item = next(home.lists["ready_to_issue"].item(i) for i in range(home.lists["ready_to_issue"].count())
                if "请打印结婚证" in home.lists["ready_to_issue"].item(i).text())
    home.lists["ready_to_issue"].setCurrentItem(item)
    qtbot.keyClick(home.lists["ready_to_issue"], Qt.Key.Key_Return)
    assert window.case_page.flow.case_id == case_id


def test_an_unfinished_intake_resumes_from_home(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F2)
    read_and_confirm(qtbot, window, "resident", "王䶮")
    party = window.intake_page.party
    qtbot.waitUntil(lambda: party.title.text() == "第 2 位当事人", timeout=5000)
    case_id = window.intake_page.case_id
    qtbot.keyClick(window.intake_page, Qt.Key.Key_Escape)  # called away from the counter
    home = window.home_page
    assert window.stack.currentWidget() is home
    item = home.lists["awaiting_check"].item(0)
    assert "初审未完成" in item.text()
    home.lists["awaiting_check"].setCurrentItem(item)
    qtbot.keyClick(home.lists["awaiting_check"], Qt.Key.Key_Return)
    page = window.intake_page
    assert page.case_id == case_id
    assert page.party.title.text() == "第 2 位当事人"
    read_and_confirm(qtbot, window, "long_term", "赵㛃")
    qtbot.waitUntil(lambda: page.steps.currentWidget() is page.answers, timeout=5000)


def test_without_a_link_the_check_waits_and_says_so(qtbot, window):
    result = accept_a_couple(qtbot, window)
    case_id = window.intake_page.case_id
    result.proceed.click()
    photograph_both(qtbot, window, case_id)
    sign_both(qtbot, window, case_id)
    scan_documents(qtbot, window, case_id)
    page = review_and_examine(qtbot, window, case_id)
    qtbot.waitUntil(lambda: window.background.engine is not None, timeout=20_000)
    window.background._demo.server.stop()  # the provincial system becomes unreachable
    qtbot.keyClick(page, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: "网络不通" in page.message.text(), timeout=30_000)
    assert page.action.text() == "联网核对婚姻状况（F6）"  # still the next step, nothing lost
    window.back_home()
    assert "等待联网核对" in window.home_page.lists["awaiting_check"].item(0).text()


def test_a_divorce_application_is_receipted_and_waits_in_cooling_off(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F3)
    page = window.intake_page
    assert page.answers.questions[0][0] == "agreement_signed"
    read_and_confirm(qtbot, window, "resident", "王䶮")
    read_and_confirm(qtbot, window, "long_term", "赵㛃")
    answer_all(qtbot, window)
    result = page.result
    qtbot.waitUntil(lambda: page.steps.currentWidget() is result, timeout=5000)
    assert result.headline.text() == "已受理，进入离婚冷静期"
    assert "前任何一方可撤回" in result.body.text()
    qtbot.keyClick(result.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: result.receipt.text().startswith("已打印受理回执"), timeout=5000)
    case_id = page.case_id
    kinds = [e.kind for e in window.journal.entries(case_id=case_id)]
    assert "receipt.requested" in kinds and kinds.count("case.transition") == 3
    qtbot.keyClick(result.done, Qt.Key.Key_Return)
    lines = [window.home_page.lists["divorce_deadlines"].item(i).text()
             for i in range(window.home_page.lists["divorce_deadlines"].count())]
    assert any("冷静期" in line for line in lines)


def test_a_divorce_in_cooling_off_cannot_complete_early_and_can_be_withdrawn(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F3)
    read_and_confirm(qtbot, window, "resident", "王䶮")
    read_and_confirm(qtbot, window, "long_term", "赵㛃")
    answer_all(qtbot, window)
    page = window.intake_page
    qtbot.waitUntil(lambda: page.steps.currentWidget() is page.result, timeout=5000)
    case_id = page.case_id
    qtbot.keyClick(page.result.done, Qt.Key.Key_Return)
    window.open_case(case_id)
    case_page = window.case_page
    assert case_page.title.text().startswith("离婚登记")
    assert case_page.withdraw_buttons["woman"].isVisible()
    scan_documents(qtbot, window, case_id)  # the agreement, with its summary
    qtbot.keyClick(window.case_page, Qt.Key.Key_F8)
    review = window.case_page
    qtbot.keyClick(review, Qt.Key.Key_F8)  # the cooling-off period has not ended
    assert "期间申请发给离婚证" in review.message.text()
    qtbot.keyClick(review, Qt.Key.Key_Escape)
    case_page = window.case_page
    case_page.withdraw_buttons["woman"].click()
    assert "女方已撤回" in case_page.message.text()
    state = window.journal.query("SELECT state FROM case_state WHERE case_id = ?", [case_id])
    assert state[0]["state"] == "withdrawn"
    assert not case_page.withdraw_buttons["man"].isVisible()


def test_an_old_application_is_deemed_withdrawn_at_login(qtbot, window):
    from datetime import date

    from counter_app.domain.idnumber import check_digit
    from counter_app.workflows.divorce import DivorceApplication

    office = {"code": "110105-HY", "level": "county", "region_code": "110105",
              "foreign_designated": True, "popup": False}
    flow = DivorceApplication(window.journal, office, operator="demo")
    case_id = flow.open()
    for name, sex, birth, first17 in (("王䶮", "male", "1990-03-07", "11010219900307123"),
                                      ("李梅", "female", "1996-02-29", "11010519960229002")):
        flow.record_party(case_id, {"name": name, "sex": sex, "birth_date": birth,
                                    "id_type": "resident",
                                    "id_number": first17 + check_digit(first17),
                                    "id_valid_until": "long-term", "nationality": "CHN",
                                    "hukou_region_code": first17[:6]}, source="manual")
    for role in ("man", "woman"):
        flow.record_answers(case_id, role, agreement_signed=True, full_capacity=True,
                            certificate_from_mainland=True)
    flow.check(case_id, date(2026, 3, 2))
    window.lock()
    qtbot.keyClicks(window.login_page.password, "demo")
    qtbot.keyClick(window.login_page.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, timeout=5000)
    state = window.journal.query("SELECT state FROM case_state WHERE case_id = ?", [case_id])
    assert state[0]["state"] == "deemed_withdrawn"
