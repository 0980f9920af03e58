"""Ensure the divorce screens take an application from two cards to a receipt, list it with its
deadlines, and end it as the law does: withdrawn by either party (confirmation printed) or,
on a fake calendar, deemed withdrawn after its window (notice printed)."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt


try:
    from tests.ui.test_marriage_intake import answer_all, read_and_confirm
except ImportError:  # tests/ is not a package when run from another directory
    from test_marriage_intake import answer_all, read_and_confirm

RECEIPT = date(2026, 3, 2)   # a Monday; the periods are on the holiday calendar


@pytest.fixture
def window(demo_window):
    calendar = [RECEIPT]
    win = demo_window(today=lambda: calendar[0])
    win.calendar = calendar
    return win


def login(qtbot, win):
    page = win.login_page
    page.password.clear()
    if not page.operator_id.isReadOnly():   # a locked screen keeps the operator
        page.operator_id.clear()
        qtbot.keyClicks(page.operator_id, "demo")
    qtbot.keyClicks(page.password, "demo")
    qtbot.keyClick(page.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is not win.login_page, timeout=5000)


def apply_for_divorce(qtbot, window) -> str:
    qtbot.keyClick(window, Qt.Key.Key_F3)
    read_and_confirm(qtbot, window, "resident", "王䶮")
    read_and_confirm(qtbot, window, "long_term", "赵㛃")
    answer_all(qtbot, window)
    result = window.intake_page.result
    qtbot.waitUntil(lambda: window.intake_page.steps.currentWidget() is result, timeout=5000)
    assert result.headline.text() == "已受理，进入离婚冷静期", result.body.text()
    assert "逾期视为撤回" in result.body.text()
    qtbot.keyClick(result.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: result.receipt.text().startswith("已打印受理回执"), timeout=10_000)
    case_id = window.intake_page.case_id
    qtbot.keyClick(result.done, Qt.Key.Key_Escape)
    return case_id


def open_from_deadlines(qtbot, window, case_id, note):
    home = window.home_page
    items = [home.lists["divorce_deadlines"].item(i) for i in range(home.lists["divorce_deadlines"].count())]
    item = next(i for i in items if note in i.text())
    home.lists["divorce_deadlines"].setCurrentItem(item)
    qtbot.keyClick(home.lists["divorce_deadlines"], Qt.Key.Key_Return)
    assert window.case_page.case_id == case_id


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return "".join(out.split())


def test_an_application_is_receipted_then_withdrawn_with_a_confirmation(qtbot, window, tmp_path):
    case_id = apply_for_divorce(qtbot, window)
    kinds = [e.kind for e in window.journal.entries(case_id=case_id)]
    assert "receipt.printed" in kinds
    window.calendar[0] = RECEIPT + timedelta(days=10)
    window.home_page.refresh()
    open_from_deadlines(qtbot, window, case_id, "冷静期")
    page = window.case_page
    assert page.withdraw_buttons["woman"].isVisible()
    page.withdraw_buttons["woman"].click()
    assert "女方已撤回离婚登记申请" in page.message.text()
    assert page.notice_button.isVisible() and not page.withdraw_buttons["man"].isVisible()
    assert page.notice_button.text() == "打印《撤回离婚登记申请确认单》（回车）"
    window.back_home()
    assert any("已撤回：请打印" in window.home_page.lists["divorce_deadlines"].item(i).text()
               for i in range(window.home_page.lists["divorce_deadlines"].count()))
    open_from_deadlines(qtbot, window, case_id, "已撤回")
    page = window.case_page
    qtbot.keyClick(page.notice_button, Qt.Key.Key_Return)
    assert page.message.text().startswith("已打印")
    text = pdf_text(next((tmp_path / "prints").glob("notice-divorce_withdrawal_confirmation-*")))
    assert "撤回离婚登记申请确认单" in text and "赵㛃" in text and "2026年03月12日" in text
    transition = [e for e in window.journal.entries(case_id=case_id)
                  if e.kind == "case.transition"][-1].payload
    assert transition["to"] == "withdrawn" and transition["data"]["withdrawn_by"] == "woman"
    window.back_home()
    texts = [window.home_page.lists["divorce_deadlines"].item(i).text()
             for i in range(window.home_page.lists["divorce_deadlines"].count())]
    assert not any(case_id[:8] in t for t in texts)      # nothing left to do for it


def test_a_window_that_ends_unused_is_deemed_withdrawn_at_login(qtbot, window, tmp_path):
    case_id = apply_for_divorce(qtbot, window)
    window.calendar[0] = RECEIPT + timedelta(days=75)    # past the 30 + 30 days (and holidays)
    window.lock()
    login(qtbot, window)                                 # expiry runs at each login
    state = window.journal.query("SELECT state FROM case_state WHERE case_id = ?", [case_id])
    assert state[0]["state"] == "deemed_withdrawn"
    open_from_deadlines(qtbot, window, case_id, "已视为撤回")
    page = window.case_page
    assert not page.action.isVisible()
    qtbot.keyClick(page.notice_button, Qt.Key.Key_Return)
    text = pdf_text(next((tmp_path / "prints").glob("notice-divorce_deemed_withdrawn-*")))
    assert "视为撤回" in text and "王䶮" in text and "2026年03月02日" in text
    printed = [e.payload for e in window.journal.entries(case_id=case_id)
               if e.kind == "notice.printed"]
    assert printed[0]["form"] == "divorce_deemed_withdrawn"


def test_a_divorce_is_completed_in_its_window_and_both_certificates_printed(
        qtbot, window, tmp_path):
    try:
        from tests.ui.documents_helpers import review_and_examine, scan_documents
    except ImportError:
        from documents_helpers import review_and_examine, scan_documents

    case_id = apply_for_divorce(qtbot, window)
    window.calendar[0] = RECEIPT + timedelta(days=35)    # inside 2026-04-02 .. 2026-05-06
    window.home_page.refresh()
    open_from_deadlines(qtbot, window, case_id, "可办理离婚登记")
    scan_documents(qtbot, window, case_id)              # the agreement and its summary
    page = review_and_examine(qtbot, window, case_id)
    assert page.action.text() == "联网核对婚姻状况（F6）"
    qtbot.waitUntil(lambda: window.journal.query(
        "SELECT count(*) AS n FROM entries WHERE kind = 'stock.range_received'")[0]["n"] > 0,
        timeout=20_000)
    qtbot.keyClick(page, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: "联网核对通过" in page.message.text(), timeout=20_000)
    qtbot.keyClick(page, Qt.Key.Key_F9)
    assert "登记完成" in page.message.text() and "L110105-2026-" in page.message.text()
    registered = [e.payload for e in window.journal.entries(case_id=case_id)
                  if e.kind == "case.registered"]
    assert registered[0]["item"] == "divorce"
    assert registered[0]["registration_date"] == "2026-04-06"
    qtbot.keyClick(page.print_button, Qt.Key.Key_Return)
    printing = window.case_page
    assert printing.title.text().startswith("打印男方离婚证")
    for _ in ("man", "woman"):
        qtbot.keyClick(printing, Qt.Key.Key_F9)
        qtbot.keyClick(printing.confirm_button, Qt.Key.Key_Return)
    assert printing.title.text().startswith("离婚证已全部打印")
    blanks = window.journal.query("SELECT status, holder FROM stock_blanks WHERE case_id = ? "
                                  "ORDER BY serial", [case_id])
    assert [(b["status"], b["holder"]) for b in blanks] == [("issued", "man"),
                                                           ("issued", "woman")]
    text = pdf_text(sorted((tmp_path / "prints").glob("*.pdf"))[-1])
    assert "赵㛃" in text and "王䶮" in text and "2026年04" in text   # data on the pre-printed 离婚证
    window.back_home()
    ready = window.home_page.lists["ready_to_issue"]
    item = next(ready.item(i) for i in range(ready.count())
                if "请生成电子档案" in ready.item(i).text())
    ready.setCurrentItem(item)
    qtbot.keyClick(ready, Qt.Key.Key_Return)
    page = window.case_page
    assert page.action.text().startswith("生成电子档案")
    qtbot.keyClick(page, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: any(e.kind == "archive.built"
                                for e in window.journal.entries(case_id=case_id)),
                    timeout=20_000)
    window.back_home()
    assert not any(case_id[:8] in ready.item(i).text() for i in range(ready.count()))


def test_after_the_receipt_the_agreement_is_photographed_right_away(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F3)
    read_and_confirm(qtbot, window, "resident", "王䶮")
    read_and_confirm(qtbot, window, "long_term", "赵㛃")
    answer_all(qtbot, window)
    result = window.intake_page.result
    qtbot.waitUntil(lambda: window.intake_page.steps.currentWidget() is result, timeout=5000)
    assert result.proceed.isVisible() and "离婚协议书" in result.proceed.text()
    case_id = window.intake_page.case_id
    qtbot.keyClick(result.proceed, Qt.Key.Key_Return)
    assert window.case_page.case_id == case_id
    assert window.case_page.action.text() == "高拍仪拍摄证件材料（F11）"


def test_a_receipt_printer_that_fails_says_so_and_prints_on_the_retry(qtbot, window):
    from drivers.printer.base import PrinterOffline

    qtbot.keyClick(window, Qt.Key.Key_F3)
    read_and_confirm(qtbot, window, "resident", "王䶮")
    read_and_confirm(qtbot, window, "long_term", "赵㛃")
    answer_all(qtbot, window)
    page = window.intake_page
    result = page.result
    qtbot.waitUntil(lambda: page.steps.currentWidget() is result, timeout=5000)
    working = page._print_receipt

    def offline(case_id):
        raise PrinterOffline("小票打印机未连接或未开机，请检查电源和连线。")

    page._print_receipt = offline
    qtbot.keyClick(result.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: result.receipt.text().startswith("回执打印失败"), timeout=10_000)
    assert "小票打印机未连接" in result.receipt.text() and "回车重打" in result.receipt.text()
    page._print_receipt = working
    qtbot.keyClick(result.receipt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: result.receipt.text().startswith("已打印受理回执"), timeout=10_000)
