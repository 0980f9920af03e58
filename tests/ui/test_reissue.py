"""Ensure a registrar reissues a certificate with the keyboard in the demo window: F4 on the
home page, search the demo archive, the applicant's ID card through the real reader protocol,
the declaration, the photo from the simulated camera, a BJ 字号 and the printed booklet."""

from __future__ import annotations

import json
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from counter_app.cli import build_parser, make_context
from counter_app.wiring.journal import open_journal


@pytest.fixture
def window(demo_window):
    return demo_window()  # its sync thread pulls the BJ/BL number blocks


def search(qtbot, page, text):
    page.search.query.setText(text)  # QTest types ASCII only
    qtbot.keyClick(page.search.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "找到" in page.search.status.text()
                    or "没有找到" in page.search.status.text(), timeout=10_000)


def put_card(page, key):
    tray = page.findChild(QComboBox, "demo-card-tray")
    tray.setCurrentIndex(tray.findData(key))
    tray.activated.emit(tray.currentIndex())


def test_f4_searches_the_demo_archive_by_pinyin_and_id(qtbot, window):
    qtbot.keyClick(window.home_page, Qt.Key.Key_F4)
    page = window.intake_page
    assert window.stack.currentWidget() is page
    search(qtbot, page, "lxy 1986")
    assert page.search.results.count() == 1
    assert "刘秀英" in page.search.results.item(0).text()
    search(qtbot, page, "110105601102042")  # her old 15-digit number finds the same record
    assert "J110105-1986-000123" in page.search.results.item(0).text()
    search(qtbot, page, "无此人")
    assert "没有找到" in page.search.status.text()
    kinds = [e.kind for e in window.journal.entries()]
    assert kinds.count("archive.searched") == 3 and "archive.imported" in kinds
    searched = [e.payload for e in window.journal.entries() if e.kind == "archive.searched"]
    assert "110105601102042" not in json.dumps(searched)  # the query itself is not kept
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.home_page


def test_reissue_from_search_to_printed_certificate(qtbot, window, tmp_path):
    qtbot.keyClick(window.home_page, Qt.Key.Key_F4)
    page = window.intake_page
    search(qtbot, page, "刘秀英")
    qtbot.keyClick(page.search.query, Qt.Key.Key_Down)
    qtbot.keyClick(page.search.results, Qt.Key.Key_Return)
    assert page.steps.currentWidget() is page.party
    case_id = page.case_id
    put_card(page, "resident")  # 王䶮 is not a party of this record: refused with the reason
    qtbot.waitUntil(lambda: "王䶮" in page.party.status.text(), timeout=10_000)
    qtbot.keyClick(page.party.hukou, Qt.Key.Key_Return)
    assert "都不一致，不能补领" in page.party.status.text()
    put_card(page, "reissue")
    qtbot.waitUntil(lambda: "刘秀英" in page.party.status.text(), timeout=10_000)
    qtbot.keyClick(page.party.hukou, Qt.Key.Key_Return)
    assert page.steps.currentWidget() is page.declare
    page.declare.unchanged.setChecked(True)
    qtbot.keyClick(page.declare.button, Qt.Key.Key_Return)
    capture = page.capture_page
    assert page.steps.currentWidget() is capture
    assert "女方" in capture.title.text()
    qtbot.waitUntil(lambda: capture.shoot.isEnabled(), timeout=30_000)
    qtbot.keyClick(capture.shoot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: capture.confirm.isVisible(), timeout=10_000)
    qtbot.keyClick(capture.confirm, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.steps.currentWidget() is page.issue, timeout=10_000)
    assert "1986-05-20" in page.issue.body.text()
    qtbot.waitUntil(lambda: window.journal.query(
        "SELECT count(*) AS n FROM entries WHERE kind = 'stock.range_received'")[0]["n"] > 0,
        timeout=20_000)
    qtbot.keyClick(page.issue, Qt.Key.Key_F9)
    qtbot.keyClick(page.issue, Qt.Key.Key_F9)  # a second F9 issues nothing more
    printing = page.certificates
    assert page.steps.currentWidget() is printing
    assert printing.title.text().startswith("打印女方结婚证（字号 BJ110105-")
    qtbot.keyClick(printing, Qt.Key.Key_F9)
    qtbot.keyClick(printing.confirm_button, Qt.Key.Key_Return)
    assert printing.title.text().startswith("补发的结婚证已打印")

    kinds = [e.kind for e in window.journal.entries(case_id=case_id)]
    assert kinds.count("case.reissued") == 1 and kinds.count("reissue.party") == 1
    assert {"archive.viewed", "reissue.record", "reissue.declared", "reissue.checked",
            "capture.photo", "capture.identity", "certificate.print_sent"} <= set(kinds)
    blanks = window.journal.query("SELECT status, holder FROM stock_blanks WHERE case_id = ?",
                                  [case_id])
    assert [(b["status"], b["holder"]) for b in blanks] == [("issued", "woman")]
    reissued = next(e for e in window.journal.entries(case_id=case_id)
                    if e.kind == "case.reissued").payload
    assert reissued["certificate_number"].startswith("BJ110105-")
    assert reissued["original_registration_date"] == "1986-05-20"
    assert reissued["holder"] == "woman"
    state = window.journal.query("SELECT state FROM case_state WHERE case_id = ?", [case_id])
    assert state[0]["state"] == "issued"
    pdf = sorted((tmp_path / "prints").glob("certificate-*.pdf"))[-1]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                          text=True).stdout.replace(" ", "")
    assert "补发此证" in text and "结婚证遗失" in text
    # The original registration date (Qt's PDF text layer maps 月/日 to radicals, and loses
    # the 字号's digits: the 字号 is checked in the journal above).
    assert "刘秀英" in text and "1986年05" in text and "BJ" in text
    qtbot.keyClick(printing, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.home_page


def test_a_reissue_left_at_the_photo_resumes_from_home(qtbot, window):
    qtbot.keyClick(window.home_page, Qt.Key.Key_F4)
    page = window.intake_page
    search(qtbot, page, "11010519601102042X")
    page.search.results.itemActivated.emit(page.search.results.item(0))
    put_card(page, "reissue")
    qtbot.waitUntil(lambda: "刘秀英" in page.party.status.text(), timeout=10_000)
    qtbot.keyClick(page.party.hukou, Qt.Key.Key_Return)
    page.declare.unchanged.setChecked(True)
    page.declare.submit()
    case_id = page.case_id
    qtbot.keyClick(page.capture_page, Qt.Key.Key_Escape)  # called away: nothing is lost
    assert window.stack.currentWidget() is window.home_page
    window.open_case(case_id)
    page = window.intake_page
    assert page.case_id == case_id and page.steps.currentWidget() is page.capture_page


def test_a_dissolved_marriage_is_refused_on_screen_with_manual_entry(qtbot, window):
    qtbot.keyClick(window.home_page, Qt.Key.Key_F4)
    page = window.intake_page
    search(qtbot, page, "单志刚 1988")
    qtbot.keyClick(page.search.results, Qt.Key.Key_Return)
    party = page.party
    qtbot.keyClick(party, Qt.Key.Key_F4)  # no card: typed in from the card
    party.m_name.setText("单志刚")
    qtbot.keyClicks(party.m_birth, "1962-07-05")
    qtbot.keyClicks(party.m_number, "11010219620705151X")
    party.m_valid.setText("长期")
    qtbot.keyClicks(party.hukou, "110102")
    qtbot.keyClick(party.m_valid, Qt.Key.Key_Return)
    assert page.steps.currentWidget() is page.declare
    page.declare.unchanged.setChecked(True)
    qtbot.keyClick(page.declare.button, Qt.Key.Key_Return)
    assert "不予受理" in page.declare.result.text()
    assert "2012-03-15 离婚" in page.declare.result.text()
    case_id = page.case_id
    state = window.journal.query("SELECT state FROM case_state WHERE case_id = ?", [case_id])
    assert state[0]["state"] == "refused"
    window.back_home()
    window.open_case(case_id)  # reopened: says why, and a new search may start
    page = window.intake_page
    assert "已不予受理" in page.message.text() and page.case_id is None
    assert page.steps.currentWidget() is page.search


def test_an_archive_that_will_not_open_does_not_stop_the_counter(tmp_path):
    from counter_app.app import qt_ports
    from counter_app.errors import CounterAppError
    from counter_app.ui import factories
    from counter_app.wiring.services import Services

    ctx = make_context(build_parser().parse_args(["--demo", "--data-dir", str(tmp_path)]))
    journal = open_journal(ctx)
    (tmp_path / "archive.db").write_bytes(b"not an archive" * 100)  # damaged, or another key
    try:
        services = Services(ctx, journal, lambda: qt_ports(ctx))
        make = factories.reissue(services)  # the window still starts
        with pytest.raises(CounterAppError, match="补领档案库无法打开"):
            make(object())  # the home page shows this when F4 is pressed
    finally:
        journal.close()
