"""Ensure the demo's scripted people show what their tray labels promise, on the demo window
with its simulators: the under-age man refused with the basis, the married woman blocked at
联网核对, the worn card typed in by hand, and the foreign bride's chip passport whose photo the
capture screen compares with the live face. Each test stops where its story is proven."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import cv2
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from counter_app import demo
from counter_app.workflows.passport import td3_mrz

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "images"
DEMO_OFFICE = {"code": "110105-HY", "level": "county", "region_code": "110105",
               "foreign_designated": True, "popup": False}


@pytest.fixture
def window(demo_window):
    # Liveness is not what these stories show.
    yield demo_window(settings={"vision.liveness": ""})
    demo.devices().chips.remove()


def tray(win) -> QComboBox:
    return win.intake_page.findChild(QComboBox, "demo-card-tray")


def put(win, key):
    box = tray(win)
    box.setCurrentIndex(box.findData(key))
    box.activated.emit(box.currentIndex())


def read_and_confirm(qtbot, win, key, name):
    party = win.intake_page.party
    title = party.title.text()
    put(win, key)
    qtbot.waitUntil(lambda: name in party.status.text(), timeout=10_000)
    qtbot.keyClick(party.hukou, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: party.title.text() != title or
                    win.intake_page.steps.currentWidget() is not party, timeout=5000)


def answer_all(qtbot, win):
    answers = win.intake_page.answers
    qtbot.waitUntil(lambda: win.intake_page.steps.currentWidget() is answers, timeout=5000)
    for boxes in answers.boxes.values():
        for box in boxes:
            box.setChecked(True)
    qtbot.keyClick(answers.button, Qt.Key.Key_Return)
    result = win.intake_page.result
    qtbot.waitUntil(lambda: win.intake_page.steps.currentWidget() is result, timeout=5000)
    return result


def kinds(win, case_id):
    return [e.kind for e in win.journal.entries(case_id=case_id)]


def test_every_story_is_in_the_tray_with_what_it_shows(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F2)
    box = tray(window)
    labels = {box.itemData(i): box.itemText(i) for i in range(box.count())}
    assert "未到法定婚龄" in labels["underage"] and "不予受理" in labels["underage"]
    assert "联网核对不通过" in labels["qian_lihua"]
    assert "F4" in labels["damaged"] and "110105199412010066" in labels["damaged"]
    assert "F12" in labels[demo.PASSPORT_KEY]
    assert sum("顺利登记" in text for text in labels.values()) == 6  # three resident couples


def test_the_under_age_man_is_refused_at_intake_with_the_basis(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F2)
    read_and_confirm(qtbot, window, "underage", "张小宇")
    read_and_confirm(qtbot, window, "zhou_xiaowen", "周晓雯")
    result = answer_all(qtbot, window)
    assert result.headline.text() == "不予受理"
    assert "法定婚龄" in result.body.text() and "依据" in result.body.text()
    case_id = window.intake_page.case_id
    checked = [e for e in window.journal.entries(case_id=case_id)
               if e.kind == "intake.rules_checked"][-1]
    assert [r["code"] for r in checked.payload["refusals"]] == ["marriage.under_age"]
    assert window.journal.query("SELECT state FROM case_state WHERE case_id = ?",
                                [case_id])[0]["state"] == "refused"
    man = [e.payload for e in window.journal.entries(case_id=case_id)
           if e.kind == "intake.party" and e.payload["role"] == "man"][0]
    born = date.fromisoformat(man["party"]["birth_date"])
    assert (date.today() - born).days < 22 * 365  # made for today: under age whatever the date


def test_the_married_woman_is_blocked_at_the_online_check(qtbot, window):
    from counter_app.ui.case.registration_page import RegistrationPage
    from counter_app.workflows.registration import MarriageRegistration

    qtbot.keyClick(window, Qt.Key.Key_F2)
    read_and_confirm(qtbot, window, "li_haoran", "李浩然")
    read_and_confirm(qtbot, window, "qian_lihua", "钱丽华")
    result = answer_all(qtbot, window)
    assert result.headline.text() == "已受理"  # the counter cannot know: the province does
    case_id = window.intake_page.case_id
    qtbot.keyClick(result.done, Qt.Key.Key_Escape)
    # Photos, declarations and scans are other steps' stories: the case page here has none of
    # them, and the case is examined directly; the online check is the demo window's own.
    qtbot.waitUntil(lambda: window.background.engine is not None, timeout=20_000)
    flow = MarriageRegistration(window.journal, DEMO_OFFICE, "demo",
                                checker=window.background.marital_check)
    flow.examine(case_id)
    page = RegistrationPage(flow, case_id, steps=())
    qtbot.addWidget(page)
    page.show()
    assert page.action.text() == "联网核对婚姻状况（F6）"
    qtbot.keyClick(page.action, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "联网核对未通过" in page.message.text(), timeout=20_000)
    assert "已有有效的结婚登记" in page.message.text()
    answer = [e for e in window.journal.entries(case_id=case_id)
              if e.kind == "sync.marital_check"][-1].payload["answer"]
    assert answer["outcome"] == "blocked"
    woman = next(p for p in answer["parties"] if p["id_number"] == "110101199204050041")
    assert woman["marital_status"] == "married" and not woman["can_register"]
    assert "case.registered" not in kinds(window, case_id)
    # The case page offers the refusal and its notice (F4): 不予登记, the ground and basis.
    page.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.open_case(case_id)
    case_page = window.case_page
    assert case_page.refuse_button.isVisible()
    qtbot.keyClick(case_page, Qt.Key.Key_F4)
    assert "已不予登记" in case_page.message.text()
    assert window.journal.query("SELECT state FROM case_state WHERE case_id = ?",
                                [case_id])[0]["state"] == "refused"
    assert kinds(window, case_id)[-1] == "notice.printed"
    pdf = next((window.journal.path.parent / "prints").glob("notice-refusal_processing-*.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                          text=True).stdout.replace(" ", "")
    assert "不予办理告知书" in text and "现有配偶" in text and "第一千零四十二条" in text
    assert case_page.refuse_button.text().startswith("再次打印")


def test_the_worn_card_offers_manual_entry_which_completes(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F2)
    read_and_confirm(qtbot, window, "ma_xiao", "马骁")
    party = window.intake_page.party
    put(window, "damaged")
    qtbot.waitUntil(lambda: "F4 手工录入" in party.status.text(), timeout=10_000)
    assert "证件可能损坏" in party.status.text()
    qtbot.keyClick(party, Qt.Key.Key_F4)
    face = demo.DAMAGED_CARD_FACE
    party.m_name.setText(face["name"])  # QTest cannot type Chinese characters
    party.m_sex.setCurrentIndex(1)
    qtbot.keyClicks(party.m_birth, face["birth_date"])
    qtbot.keyClicks(party.m_number, face["id_number"])
    qtbot.keyClicks(party.m_valid, face["valid_until"])
    qtbot.keyClicks(party.hukou, face["hukou"])
    qtbot.keyClick(party.m_valid, Qt.Key.Key_Return)
    result = answer_all(qtbot, window)
    assert result.headline.text() == "已受理"
    case_id = window.intake_page.case_id
    sources = {e.payload["role"]: e.payload["source"] for e in
               window.journal.entries(case_id=case_id) if e.kind == "intake.party"}
    assert sources == {"man": "card", "woman": "manual"}


def read_passport(qtbot, win, mrz: str, chip=None) -> None:
    """The passport on the reader (the tray's, or ``chip``); F12, then the MRZ as a
    keyboard-wedge scanner types it: line, Enter, line, Enter."""
    party = win.intake_page.party
    if chip is None:
        put(win, demo.PASSPORT_KEY)
    else:
        demo.devices().chips.place(chip)
    qtbot.keyClick(party, Qt.Key.Key_F12)
    assert party.passport.isVisible() and not party.hukou.isEnabled()
    first, second = mrz.split("\n")
    qtbot.keyClicks(party.passport.mrz, first)
    qtbot.keyClick(party.passport.mrz, Qt.Key.Key_Return)  # waits for the second line
    assert "正在读取" not in party.status.text()
    qtbot.keyClicks(party.passport.mrz, second)
    qtbot.keyClick(party.passport.mrz, Qt.Key.Key_Return)


def accept_foreign_couple(qtbot, win, chip=None) -> str:
    qtbot.keyClick(win, Qt.Key.Key_F2)
    read_and_confirm(qtbot, win, "sun_zhiqiang", "孙志强")
    party = win.intake_page.party
    read_passport(qtbot, win, td3_mrz(**demo.PASSPORT), chip)
    qtbot.waitUntil(lambda: "已读取护照芯片" in party.status.text(), timeout=10_000)
    assert "ERIKSSON, ANNA MARIA" in party.details.text()
    assert party.passport.photo.pixmap() is not None and not party.passport.photo.pixmap().isNull()
    qtbot.keyClick(party.confirm, Qt.Key.Key_Return)
    result = answer_all(qtbot, win)
    assert result.headline.text() == "已受理"  # the demo office is designated for 涉外 cases
    return win.intake_page.case_id


def photograph(qtbot, capture):
    qtbot.waitUntil(lambda: capture.shoot.isVisible() and capture.shoot.isEnabled(),
                    timeout=30_000)
    qtbot.keyClick(capture.shoot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: capture.confirm.isVisible(), timeout=30_000)


def test_the_foreign_bride_is_checked_against_her_chip_photo(qtbot, window):
    case_id = accept_foreign_couple(qtbot, window)
    entries = list(window.journal.entries(case_id=case_id))
    woman = [e.payload for e in entries if e.kind == "intake.party"
             and e.payload["role"] == "woman"][-1]
    assert woman["source"] == "chip" and woman["party"]["id_type"] == "passport"
    assert woman["party"]["nationality"] == "UTO" and woman["party"]["hukou_region_code"] is None
    chip = [e for e in entries if e.kind == "intake.chip_photo"][-1]
    assert window.journal.get_attachment(chip.attachments[0]["sha256"]) == demo.passport_face()
    qtbot.keyClick(window.intake_page.result.proceed, Qt.Key.Key_Return)
    qtbot.keyClick(window.case_page, Qt.Key.Key_F7)
    capture = window.case_page
    assert capture.chip_photos.keys() == {"woman"}
    photograph(qtbot, capture)  # the man: a resident card, no chip photo
    assert "没有可比对的芯片照片" in capture.status.text()
    qtbot.keyClick(capture.confirm, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: capture.role == "woman", timeout=5000)
    photograph(qtbot, capture)
    assert "系统判断为同一人" in capture.status.text()
    qtbot.keyClick(capture.confirm, Qt.Key.Key_Return)
    identity = {e.payload["role"]: e.payload for e in window.journal.entries(case_id=case_id)
                if e.kind == "capture.identity"}
    assert identity["man"]["decision"] == "manual" and identity["man"]["advice"] is None
    advice = identity["woman"]["advice"]
    assert identity["woman"]["decision"] == "confirmed"
    assert advice["same_person"] and advice["score"] >= advice["threshold"]


def test_a_passport_with_another_face_gets_the_mismatch_advice(qtbot, window):
    other = cv2.imread(str(FIXTURES / "obama.jpg"))
    ok, jpeg = cv2.imencode(".jpg", other)
    assert ok
    # The same MRZ, another face on the chip (a passport that is not hers).
    case_id = accept_foreign_couple(qtbot, window, demo.passport_chip(face=jpeg.tobytes()))
    qtbot.keyClick(window.intake_page.result.proceed, Qt.Key.Key_Return)
    qtbot.keyClick(window.case_page, Qt.Key.Key_F7)
    capture = window.case_page
    photograph(qtbot, capture)
    qtbot.keyClick(capture.confirm, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: capture.role == "woman", timeout=5000)
    photograph(qtbot, capture)
    assert "不是同一人" in capture.status.text()
    qtbot.keyClick(capture, Qt.Key.Key_F4)  # the registrar agrees: not the holder
    assert "不一致" in capture.status.text()
    woman = [e.payload for e in window.journal.entries(case_id=case_id)
             if e.kind == "capture.identity" and e.payload["role"] == "woman"][-1]
    assert woman["decision"] == "rejected" and woman["advice"]["same_person"] is False
    qtbot.keyClick(capture, Qt.Key.Key_Escape)  # back to the case: the camera stops


def test_a_wrong_mrz_entry_is_explained_and_can_be_corrected(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F2)
    read_and_confirm(qtbot, window, "sun_zhiqiang", "孙志强")
    party = window.intake_page.party
    put(window, demo.PASSPORT_KEY)
    qtbot.keyClick(party, Qt.Key.Key_F12)
    qtbot.keyClicks(party.passport.number, "L898902C3")
    qtbot.keyClicks(party.passport.birth, "1986-08-21")  # two digits swapped
    qtbot.keyClicks(party.passport.expiry, "2031-04-15")
    qtbot.keyClick(party.passport.expiry, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "认证失败" in party.status.text(), timeout=10_000)
    assert "核对" in party.status.text()
    party.passport.birth.setText("1986-08-12")
    qtbot.keyClick(party.passport.birth, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "已读取护照芯片" in party.status.text(), timeout=10_000)


@pytest.mark.parametrize("today", [date(2026, 11, 22), date(2028, 2, 29), date(2031, 1, 1)])
def test_the_demo_cards_are_valid_and_the_under_age_man_stays_under_age(today):
    from counter_app.domain.idnumber import validate
    from drivers.idcard.samples import DEMO_SAMPLES, underage_sample
    from drivers.idcard.textblock import parse_text_block

    for card in [*DEMO_SAMPLES.values(), underage_sample(today)]:
        record = parse_text_block(card.files.text)
        result = validate(record.id_number, "resident")
        assert result.ok and result.birth_date == record.birth_date, card.key
        assert result.sex == record.sex, card.key
    under = parse_text_block(underage_sample(today).files.text)
    assert 18 * 365 < (today - under.birth_date).days < 22 * 365
