"""Ensure the papers are photographed on the simulated document camera (auto-capture and Enter),
the review page shows every section of the case and takes a party correction, the examination
happens there, and a divorce's agreement is scanned with its summary in the cooling-off period."""

from __future__ import annotations

import pytest
import test_divorce_screens
import test_marriage_intake
from documents_helpers import SUMMARY, review_and_examine, scan_documents
from PySide6.QtCore import Qt
from test_marriage_intake import accept_a_couple, answer_all, photograph_both, read_and_confirm

window = test_marriage_intake.window  # the demo window fixture, logged in
RECEIPT = test_divorce_screens.RECEIPT


def prepare(qtbot, window, case_id):
    """The preparation steps before the papers: photos, then declarations."""
    from steps_helpers import sign_both

    photograph_both(qtbot, window, case_id)
    assert window.case_page.action.text() == "当事人签署声明书（F10）"
    sign_both(qtbot, window, case_id)


def test_papers_scanned_reviewed_corrected_and_examined(qtbot, window):
    result = accept_a_couple(qtbot, window)
    case_id = window.intake_page.case_id
    qtbot.keyClick(result.proceed, Qt.Key.Key_Return)
    prepare(qtbot, window, case_id)
    assert window.case_page.action.text() == "高拍仪拍摄证件材料（F11）"
    pages = scan_documents(qtbot, window, case_id, wait_for_auto=True)
    assert set(pages) == {"id_document:man", "id_document:woman"}
    scans = [e.payload for e in window.journal.entries(case_id=case_id)
             if e.kind == "document.scanned"]
    assert scans[0]["capture"] == "auto" and scans[0]["page_edge_found"]
    assert window.case_page.action.text() == "审查完毕，材料齐全（F8）"

    qtbot.keyClick(window.case_page, Qt.Key.Key_F8)
    review = window.case_page
    keys = [s.key for s in review.review.sections]
    assert keys[:4] == ["parties", "answers", "rules", "photos"] and "documents" in keys
    assert "王䶮" in review.review.section("parties").lines[0]
    rules = review.review.section("rules").lines
    assert rules[0].startswith("结论：予以受理") and not any("尚未联网核对" in r for r in rules)
    assert len(review.review.section("documents").images) == len(scans)
    assert not review.review.problems

    review.edit_buttons["photos"].click()  # 修改 opens the photo step again
    assert window.case_page.__class__.__name__ == "CapturePage"
    qtbot.keyClick(window.case_page, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.case_page.__class__.__name__ == "RegistrationPage",
                    timeout=10_000)
    page = review_and_examine(qtbot, window, case_id)
    assert page.action.text() == "联网核对婚姻状况（F6）"
    assert window.journal.query("SELECT state FROM case_state WHERE case_id = ?",
                                [case_id])[0]["state"] == "examined"


def test_a_party_correction_is_a_new_record_and_a_bad_one_changes_nothing(qtbot, window):
    result = accept_a_couple(qtbot, window)
    case_id = window.intake_page.case_id
    result.proceed.click()
    prepare(qtbot, window, case_id)
    scan_documents(qtbot, window, case_id)
    qtbot.keyClick(window.case_page, Qt.Key.Key_F8)
    review = window.case_page
    review.edit_buttons["parties"].click()
    assert review.correction.isVisible()
    review.correct_fields["birth_date"].setText("1990-13-07")
    review.save_correction()
    assert "出生日期格式不对" in review.message.text()
    assert [e.payload["source"] for e in window.journal.entries(case_id=case_id)
            if e.kind == "intake.party"] == ["card", "card"]
    review.correct_fields["birth_date"].setText("1990-03-07")
    review.correct_fields["address"].setText("北京市朝阳区建国路1号")
    qtbot.keyClick(review.correct_fields["address"], Qt.Key.Key_Return)
    assert "男方信息已更正（住址）" in review.message.text()
    corrected = [e.payload for e in window.journal.entries(case_id=case_id)
                 if e.kind == "intake.party"][-1]
    assert corrected["source"] == "correction" and corrected["role"] == "man"
    assert corrected["party"]["address"] == "北京市朝阳区建国路1号"
    assert "北京市朝阳区建国路1号" in review.review.section("parties").lines[0]
    # The man's declaration page changed: it must be signed again before 审查.
    assert "declarations" in [s.key for s in review.review.sections]
    assert any("须重新签署" in p for p in review.review.problems)
    qtbot.keyClick(review, Qt.Key.Key_F8)
    assert window.journal.query("SELECT state FROM case_state WHERE case_id = ?",
                                [case_id])[0]["state"] == "accepted"


def test_a_divorce_agreement_is_scanned_with_its_summary_in_cooling_off(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F3)
    read_and_confirm(qtbot, window, "resident", "王䶮")
    read_and_confirm(qtbot, window, "long_term", "赵㛃")
    answer_all(qtbot, window)
    page = window.intake_page
    qtbot.waitUntil(lambda: page.steps.currentWidget() is page.result, timeout=5000)
    case_id = page.case_id
    qtbot.keyClick(page.result.done, Qt.Key.Key_Return)
    window.open_case(case_id)  # from the home page's cooling-off list
    assert window.case_page.action.text() == "高拍仪拍摄证件材料（F11）"
    qtbot.keyClick(window.case_page, Qt.Key.Key_F11)
    documents = window.case_page
    assert [d.kind for d in documents.documents] == [
        "id_document", "id_document", "marriage_certificate", "divorce_agreement"]
    assert documents.summary_box.isVisible()
    documents.summary_fields["children"].setText(SUMMARY["children"])
    documents.both_signed.setChecked(True)
    documents.save_summary()  # incomplete: says what is missing, records nothing
    assert "财产分割" in documents.status.text()
    qtbot.keyClick(documents, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.case_page.__class__.__name__ == "RegistrationPage",
                    timeout=10_000)
    scan_documents(qtbot, window, case_id)
    summary = [e.payload for e in window.journal.entries(case_id=case_id)
               if e.kind == "document.agreement_summary"]
    assert summary == [{**SUMMARY, "both_signed": True}]
    qtbot.keyClick(window.case_page, Qt.Key.Key_F8)
    review = window.case_page
    assert review.review.section("agreement").lines[0] == f"子女抚养：{SUMMARY['children']}"
    assert "photos" not in [s.key for s in review.review.sections]
    qtbot.keyClick(review, Qt.Key.Key_F8)  # the cooling-off period has not ended yet
    assert "期间申请发给离婚证" in review.message.text()


def test_after_both_certificates_the_archive_file_is_built_in_order(qtbot, window):
    import hashlib
    import io
    import json

    from pypdf import PdfReader
    from test_marriage_intake import register_a_couple

    from counter_app.archive_file.order import categories

    case_id = register_a_couple(qtbot, window)
    window.case_page.print_button.click()
    printing = window.case_page
    for _ in ("man", "woman"):
        printing.print_current()
        printing.confirm()
    qtbot.keyClick(printing.home, Qt.Key.Key_Return)  # both confirmed: on to the case page
    page = window.case_page
    assert page.__class__.__name__ == "RegistrationPage"
    assert page.action.text() == "生成电子档案（F12）"
    qtbot.keyClick(page, Qt.Key.Key_F12)
    qtbot.keyClick(page, Qt.Key.Key_F12)  # a second press builds nothing more
    assert "电子档案已生成" in page.message.text()
    built = [e for e in window.journal.entries(case_id=case_id) if e.kind == "archive.built"]
    assert len(built) == 1 and not page.action.isVisible()
    pdf = window.journal.get_attachment(built[0].payload["pdf_sha256"])
    manifest = json.loads(window.journal.get_attachment(built[0].payload["manifest_sha256"]))
    assert hashlib.sha256(pdf).hexdigest() == manifest["pdf_sha256"]
    order = [c for c, _, _ in categories("marriage")]
    ranks = [order.index(m["category"]) for m in manifest["materials"]]
    assert ranks == sorted(ranks)
    titles = [m["title"] for m in manifest["materials"]]
    assert titles[0] == "结婚登记审查处理表" and "联网核对结果" in titles
    assert any(t.startswith("居民身份证（男方）") for t in titles)
    assert "申请结婚登记声明书（男方，已签名）" in titles  # the declarations step's signed pages
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(manifest["materials"])
    scans = [e.payload["sha256"] for e in window.journal.entries(case_id=case_id)
             if e.kind == "document.scanned"]
    scan_material = next(m for m in manifest["materials"] if m["title"].startswith("居民身份证"))
    text = "".join(reader.pages[scan_material["page"] - 1].extract_text().split())
    assert f"{scan_material['position']}.当事人身份证件复印件：居民身份证（男方）第1页" in text
    assert len(scans) >= 2
    qtbot.keyClick(page, Qt.Key.Key_Escape)  # 办结 (Esc, as Enter on the focused button)
    assert window.stack.currentWidget() is window.home_page


@pytest.fixture
def divorce_window(qtbot, tmp_path):
    """The demo window on a calendar the test moves (as tests/ui/test_divorce_screens.py)."""
    from counter_app.app import build_main_window
    from counter_app.cli import build_parser, make_context
    from counter_app.ui.application import create_application
    from counter_app.wiring.journal import open_journal
    from counter_app.wiring.sync import background_sync
    from drivers.idcard import simulator

    create_application([])
    ctx = make_context(build_parser().parse_args(["--demo", "--data-dir", str(tmp_path)]))
    ctx.config.values["ui.idle_lock_s"] = 0
    calendar = [RECEIPT]
    ctx.today = lambda: calendar[0]
    journal = open_journal(ctx)
    background = background_sync(ctx, journal).start()
    win = build_main_window(ctx, journal, background)
    qtbot.addWidget(win)
    win.show()
    win.calendar = calendar
    test_divorce_screens.login(qtbot, win)
    yield win
    win.back_home()
    win.services.close()
    background.stop()
    journal.close()
    simulator.unregister("demo")


def test_a_completed_divorce_is_archived_in_the_order_of_article_7(qtbot, divorce_window):
    import json
    from datetime import timedelta

    window = divorce_window
    case_id = test_divorce_screens.apply_for_divorce(qtbot, window)
    window.calendar[0] = RECEIPT + timedelta(days=35)
    window.home_page.refresh()
    test_divorce_screens.open_from_deadlines(qtbot, window, case_id, "可办理离婚登记")
    scan_documents(qtbot, window, case_id)
    page = review_and_examine(qtbot, window, case_id)
    qtbot.waitUntil(lambda: window.journal.query(
        "SELECT count(*) AS n FROM entries WHERE kind = 'stock.range_received'")[0]["n"] > 0,
        timeout=20_000)
    qtbot.keyClick(page, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: "联网核对通过" in page.message.text(), timeout=20_000)
    qtbot.keyClick(page, Qt.Key.Key_F9)
    qtbot.keyClick(page.print_button, Qt.Key.Key_Return)
    printing = window.case_page
    for _ in ("man", "woman"):
        qtbot.keyClick(printing, Qt.Key.Key_F9)
        qtbot.keyClick(printing.confirm_button, Qt.Key.Key_Return)
    qtbot.keyClick(printing.home, Qt.Key.Key_Return)
    page = window.case_page
    assert page.action.text() == "生成电子档案（F12）"
    qtbot.keyClick(page, Qt.Key.Key_F12)
    assert "电子档案已生成" in page.message.text(), page.message.text()
    built = next(e for e in window.journal.entries(case_id=case_id) if e.kind == "archive.built")
    manifest = json.loads(window.journal.get_attachment(built.payload["manifest_sha256"]))
    categories = list(dict.fromkeys(m["category"] for m in manifest["materials"]))
    assert categories == ["divorce_review", "divorce_application",
                          "marriage_certificate_copies", "divorce_agreement", "id_copies",
                          "other"]
    summary = next(m for m in manifest["materials"] if m["form_id"] == "divorce_agreement")
    assert summary["title"] == "离婚协议书摘要" and manifest["item"] == "divorce_completion"


@pytest.fixture
def document_page(qtbot, journal):
    """A document page on its own for an accepted marriage (no window), closed afterwards."""
    from datetime import date

    from counter_app.domain.idnumber import check_digit
    from counter_app.ui.application import create_application
    from counter_app.ui.case.document_page import DocumentPage
    from counter_app.workflows.documents import DocumentScanning
    from counter_app.workflows.intake import MarriageIntake
    from helpers.accounts import add_staff

    create_application([])
    add_staff(journal)  # the intake and the papers are a registrar's: "reg01" is one
    office = {"code": "110105-HY", "level": "county", "region_code": "110105",
              "foreign_designated": True, "popup": False}
    intake = MarriageIntake(journal, office, "reg01")
    case_id = intake.open()
    for name, sex, birth, first17 in (("王䶮", "male", "1990-03-07", "11010219900307123"),
                                      ("李梅", "female", "1996-02-29", "11010519960229002")):
        intake.record_party(case_id, {"name": name, "sex": sex, "birth_date": birth,
                                      "id_type": "resident",
                                      "id_number": first17 + check_digit(first17),
                                      "id_valid_until": "long-term", "nationality": "CHN",
                                      "hukou_region_code": first17[:6]}, source="card")
        intake.record_answers(case_id, "man" if sex == "male" else "woman", voluntary=True,
                              kinship_declared_none=True)
    intake.check(case_id, date(2026, 5, 20))
    pages = []

    def make(open_camera):
        page = DocumentPage(DocumentScanning(journal, "reg01"), case_id, open_camera)
        qtbot.addWidget(page)
        page.show()
        page.begin()
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.leave()


def test_a_camera_that_will_not_open_says_what_to_do(qtbot, document_page):
    from counter_app.errors import CounterAppError

    def broken():
        raise CounterAppError("高拍仪无法打开：设备被其他程序占用")

    page = document_page(broken)
    assert "设备被其他程序占用" in page.status.text()
    assert "camera.document_source" in page.status.text() and "F11" in page.status.text()
    with qtbot.waitSignal(page.finished, timeout=2000) as left:
        qtbot.keyClick(page.back_button, Qt.Key.Key_Return)
    assert left.args == [page.case_id]


def demo_camera(width: int, height: int, placements: int):
    """The demo desk's first ``placements`` papers in a loop, at 30 frames a second."""
    from counter_app.vision.scanner import demo_document_frames
    from drivers.camera.simulator import SimulatedCamera

    frames = demo_document_frames(width, height, placements)
    return SimulatedCamera(frames, fps=30, name="document"), len(frames)


def man_pages(page):
    return page.scanning.pages(page.case_id).get("id_document:man", [])


def test_each_paper_laid_down_is_captured_once_and_never_twice(qtbot, document_page):
    # Three papers laid down in turn, then the first again: three pages, not one a frame and
    # not the first twice (its return is refused as a page already kept, and said so).
    camera, frames = demo_camera(1024, 576, 3)
    page = document_page(lambda: camera)
    qtbot.waitUntil(lambda: len(man_pages(page)) == 3, timeout=20_000)
    qtbot.waitUntil(lambda: "相同，没有重复保存" in page.status.text(), timeout=10_000)
    qtbot.wait(1000)
    assert len(man_pages(page)) == 3 and "PgDn" not in page.status.text()
    assert page.page_strip.count() == 3 and page.page_strip.currentRow() == 2
    assert page.page_strip.item(0).text() == "第 1 页"
    scans = [e.payload for e in page.scanning.journal.entries(case_id=page.case_id)
             if e.kind == "document.scanned"]
    assert all(s["capture"] == "auto" and s["effective_dpi"] >= 150 for s in scans)


def test_any_page_is_retaken_or_deleted_with_the_keyboard(qtbot, document_page):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    camera, _ = demo_camera(1024, 576, 3)
    page = document_page(lambda: camera)
    qtbot.waitUntil(lambda: len(man_pages(page)) == 3, timeout=20_000)
    first, second, third = man_pages(page)
    # ← ← chooses page 1, F4 asks for it again: it stays until the new page is kept.
    qtbot.keyClick(page, Qt.Key.Key_Left)
    qtbot.keyClick(page, Qt.Key.Key_Left)
    assert page.selected == 0
    qtbot.keyClick(page, Qt.Key.Key_F4)
    assert "重拍居民身份证（男方）第 1 页" in page.status.text()
    assert [p.entry_id for p in man_pages(page)] == [first.entry_id, second.entry_id,
                                                     third.entry_id]
    # The first paper comes round again and replaces page 1 (no duplicate of itself).
    qtbot.waitUntil(lambda: man_pages(page)[0].entry_id != first.entry_id, timeout=20_000)
    assert "已重拍居民身份证（男方）第 1 页" in page.status.text()
    assert [p.page for p in man_pages(page)] == [1, 2, 3]
    page._scanner.auto_enabled = False      # the loop would lay the next paper down again
    # → chooses page 2; Delete asks first: Esc keeps it, Enter deletes it.
    qtbot.keyClick(page, Qt.Key.Key_Right)
    assert page.selected == 1

    def answer(key):
        """Press ``key`` on the confirmation once it is up (Delete opens it modally)."""
        def press():
            box = QApplication.activeModalWidget()
            if box is None:
                QTimer.singleShot(50, press)
                return
            qtbot.keyClick(box, key)
        QTimer.singleShot(50, press)

    answer(Qt.Key.Key_Escape)
    qtbot.keyClick(page, Qt.Key.Key_Delete)
    assert len(man_pages(page)) == 3 and page.status.text() == "没有删除。"
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)    # the keys come back to the page
    answer(Qt.Key.Key_Return)
    qtbot.keyClick(page, Qt.Key.Key_Delete)
    assert [p.entry_id for p in man_pages(page)] == [man_pages(page)[0].entry_id,
                                                     third.entry_id]
    assert page.status.text() == "已删除居民身份证（男方）第 2 页。"
    reasons = [e.payload["reason"] for e in page.scanning.journal.entries(case_id=page.case_id)
               if e.kind == "document.superseded"]
    assert reasons == ["重拍", "删除"]


def test_a_page_below_the_resolution_is_refused_in_words_a_registrar_reads(qtbot,
                                                                          document_page):
    camera, _ = demo_camera(320, 180, 1)          # an ID card at about 50 pixels per inch
    page = document_page(lambda: camera)
    qtbot.waitUntil(lambda: "分辨率" in page.status.text(), timeout=15_000)
    assert "dpi" not in page.status.text().lower() and "150" in page.status.text()
    assert "没有保存" in page.status.text() and "#b00020" in page.status.styleSheet()
    assert man_pages(page) == [] and page.page_strip.count() == 0


def test_an_unplugged_camera_is_reported(qtbot, document_page):
    camera, _ = demo_camera(320, 180, 1)
    page = document_page(lambda: camera)
    qtbot.waitUntil(lambda: page._frames > 0, timeout=15_000)
    page._watchdog.setInterval(1000)
    camera.unplug()
    qtbot.waitUntil(lambda: "高拍仪没有画面" in page.status.text(), timeout=5000)
    assert "已拍的材料不会丢失" in page.status.text()


def test_a_correction_after_the_check_asks_for_signatures_and_the_check_again(qtbot, window):
    """Editable until registration: F8 on an examined case reopens the review page; a party
    corrected there voids the 联网核对 answer and the declaration signed on the old details."""
    result = accept_a_couple(qtbot, window)
    case_id = window.intake_page.case_id
    result.proceed.click()
    prepare(qtbot, window, case_id)
    scan_documents(qtbot, window, case_id)
    page = review_and_examine(qtbot, window, case_id)
    qtbot.waitUntil(lambda: window.journal.query(
        "SELECT count(*) AS n FROM entries WHERE kind = 'numbering.block_received'")[0]["n"] > 0,
        timeout=20_000)
    qtbot.keyClick(page, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: page.action.text() == "登记（F9）", timeout=20_000)
    assert page.review_button.isVisible()
    qtbot.keyClick(page, Qt.Key.Key_F8)
    review = window.case_page
    assert review.__class__.__name__ == "ReviewPage" and not review.examine_button.isVisible()
    review.edit_buttons["parties"].click()
    review.correct_fields["address"].setText("北京市朝阳区建国路1号")
    qtbot.keyClick(review.correct_fields["address"], Qt.Key.Key_Return)
    assert "男方信息已更正（住址）" in review.message.text()
    qtbot.keyClick(review, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.case_page.__class__.__name__ == "RegistrationPage",
                    timeout=10_000)
    page = window.case_page
    assert page.action.text() == "当事人签署声明书（F10）"   # the man's page changed
    qtbot.keyClick(page, Qt.Key.Key_F10)
    declaration = window.case_page
    declaration.replay_speed = 0
    assert declaration.role == "man"                        # the woman's still stands
    qtbot.waitUntil(lambda: declaration.confirm.isVisible(), timeout=10_000)
    qtbot.keyClick(declaration, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: bool(declaration.signing.pad.strokes())
                    and not declaration._busy(), timeout=10_000)
    qtbot.keyClick(declaration.confirm, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: declaration.press.isVisible(), timeout=10_000)
    qtbot.keyClick(declaration.press, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: declaration.witness.isVisible(), timeout=20_000)
    qtbot.keyClick(declaration.witness, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.case_page.__class__.__name__ == "RegistrationPage",
                    timeout=10_000)
    page = window.case_page
    assert page.action.text() == "联网核对婚姻状况（F6）"   # asked about the old details
    page.run_action()
    qtbot.waitUntil(lambda: page.action.text() == "登记（F9）", timeout=20_000)
    qtbot.keyClick(page, Qt.Key.Key_F9)
    assert "登记完成" in page.message.text()
    checks = [e for e in window.journal.entries(case_id=case_id)
              if e.kind == "sync.marital_check"]
    assert len(checks) == 2
