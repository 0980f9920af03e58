"""Ensure a case's papers are known from its rules decision, scanned pages are kept as encrypted
attachments with their page number and resolution, a page below the effective resolution or one
already kept is refused, any page can be deleted or retaken without editing anything, and a
divorce needs the registrar's summary of the agreement."""

from __future__ import annotations

import hashlib
from datetime import date

import cv2
import numpy as np
import pytest
from people import MAN, OFFICE, WOMAN

from counter_app.vision.document import scan_page
from counter_app.vision.scanner import DEMO_SLIDE, DemoDesk
from counter_app.workflows.divorce import DivorceApplication
from counter_app.workflows.documents import (
    DocumentError,
    DocumentScanning,
    required_from,
)
from counter_app.workflows.intake import MarriageIntake

DAY = date(2026, 5, 20)


def accepted(journal, flow_cls=MarriageIntake) -> str:
    flow = flow_cls(journal, OFFICE, "reg01")
    case_id = flow.open()
    flow.record_party(case_id, MAN, "card")
    flow.record_party(case_id, WOMAN, "card")
    for role in ("man", "woman"):
        if flow_cls is DivorceApplication:
            flow.record_answers(case_id, role, agreement_signed=True, full_capacity=True,
                                certificate_from_mainland=True)
        else:
            flow.record_answers(case_id, role, voluntary=True, kinship_declared_none=True)
    flow.check(case_id, DAY)
    return case_id


@pytest.fixture(scope="module")
def scans():
    """Straightened pages of six different demo papers (1280x960 frames: an ID card at about
    265 pixels per inch)."""
    desk = DemoDesk(1280, 960)
    return [scan_page(desk.frame(k * desk.per_placement + DEMO_SLIDE + 2), require_page=True)
            for k in range(6)]


def test_a_marriage_needs_both_id_cards_and_not_the_forms_or_photos(journal):
    case_id = accepted(journal)
    docs = DocumentScanning(journal, "reg01").required(case_id)
    assert [(d.key, d.title, d.category) for d in docs] == [
        ("id_document:man", "居民身份证（男方）", "id_copies"),
        ("id_document:woman", "居民身份证（女方）", "id_copies")]


def test_the_2003_papers_and_a_foreign_party_are_sorted_by_kind():
    docs = required_from(["居民身份证（男方）", "户口簿（男方）", "护照（女方）",
                          "本人无配偶证明（经认证或附加证明书，附中文译文）（女方）",
                          "申请结婚登记声明书（双方各一份）", "近期半身免冠双人合影2寸照片3张"],
                         "marriage")
    assert [(d.kind, d.party, d.category) for d in docs] == [
        ("id_document", "man", "id_copies"), ("household_register", "man", "id_copies"),
        ("id_document", "woman", "id_copies"), ("supporting", "woman", "foreign_documents")]


def test_scans_are_kept_encrypted_with_page_numbers_and_the_case_is_done(journal, scans):
    case_id = accepted(journal)
    scanning = DocumentScanning(journal, "reg01")
    man_id, woman_id = scanning.required(case_id)
    assert not scanning.done(case_id)
    first = scanning.store(case_id, man_id, scans[0])
    second = scanning.store(case_id, man_id, scans[1], manual=True)
    assert (first.page, second.page) == (1, 2)
    assert [d.key for d in scanning.missing(case_id)] == ["id_document:woman"]
    scanning.store(case_id, woman_id, scans[2])
    assert scanning.done(case_id)
    entry = next(e for e in journal.entries(case_id=case_id) if e.kind == "document.scanned")
    data = journal.get_attachment(entry.payload["sha256"])
    assert hashlib.sha256(data).hexdigest() == entry.payload["sha256"]
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape[:2] == scans[0].image.shape[:2]
    # The page's long side over an 85.6 mm card, and no far edge: effective = stated.
    assert entry.payload["dpi"] == round(max(image.shape[:2]) / (85.6 / 25.4))
    assert entry.payload["effective_dpi"] == entry.payload["dpi"] > 150
    assert entry.payload["party"] == "man" and entry.payload["doc_type"] == "id_document"
    assert entry.payload["proportions"] == "paper:A4" and len(entry.payload["phash"]) == 64


def test_a_page_already_kept_for_the_case_is_refused_wherever_it_was_kept(journal, scans):
    case_id = accepted(journal)
    scanning = DocumentScanning(journal, "reg01")
    man_id, woman_id = scanning.required(case_id)
    scanning.store(case_id, man_id, scans[0])
    # The same paper photographed again, turned upside down and a little brighter.
    again = scans[0].__class__(np.clip(np.rot90(scans[0].image, 2).astype(int) + 12, 0, 255)
                               .astype(np.uint8), scans[0].corners, 0.0, scans[0].proportions)
    for document in (man_id, woman_id):
        with pytest.raises(DocumentError, match="与已拍的居民身份证（男方）第 1 页相同") as refused:
            scanning.store(case_id, document, again)
        assert refused.value.code == "documents.duplicate"
    assert [e.kind for e in journal.entries(case_id=case_id)].count("document.scanned") == 1
    scanning.store(case_id, woman_id, scans[1])          # another paper is kept


def test_a_page_below_the_effective_resolution_is_refused_in_chinese(journal):
    case_id = accepted(journal, DivorceApplication)
    scanning = DocumentScanning(journal, "reg01")
    agreement = next(d for d in scanning.required(case_id) if d.kind == "divorce_agreement")
    desk = DemoDesk(2592, 1944)            # the default camera.document_resolution
    frame = desk.frame(DEMO_SLIDE + 2)
    kept = scanning.store(case_id, agreement, scan_page(frame, require_page=True))
    assert 150 <= kept.effective_dpi < 170            # an A4 page filling the 5 MP picture
    small = cv2.resize(frame, (1280, 960), interpolation=cv2.INTER_AREA)
    with pytest.raises(DocumentError) as refused:
        scanning.store(case_id, agreement, scan_page(small, require_page=True))
    message = refused.value.message_zh
    assert "分辨率" in message and "dpi" not in message.lower() and "76" in message
    assert refused.value.code == "documents.low_resolution"
    assert len(scanning.pages(case_id)[agreement.key]) == 1


def test_any_page_is_retaken_in_place_and_replaced_only_once_the_new_one_is_kept(journal, scans):
    case_id = accepted(journal)
    scanning = DocumentScanning(journal, "reg01")
    man_id = scanning.required(case_id)[0]
    one, two, three = (scanning.store(case_id, man_id, scans[i]) for i in range(3))
    # Retake page 2 (not the last): the same paper again is no duplicate of the page it
    # replaces, and takes its number; the old page is set aside after it.
    again = scanning.store(case_id, man_id, scans[1], replaces=two)
    assert again.page == 2
    assert [p.entry_id for p in scanning.pages(case_id)[man_id.key]] == [
        one.entry_id, again.entry_id, three.entry_id]
    kinds = [e.kind for e in journal.entries(case_id=case_id) if e.kind.startswith("document.")]
    assert kinds == ["document.scanned"] * 4 + ["document.superseded"]
    superseded = [e.payload for e in journal.entries(case_id=case_id)
                  if e.kind == "document.superseded"][0]
    assert superseded["supersedes"] == two.entry_id and superseded["reason"] == "重拍"
    assert superseded["replaced_by"] == again.entry_id
    # A refused retake (a duplicate of another page) leaves the old page where it was.
    with pytest.raises(DocumentError, match="第 1 页相同"):
        scanning.store(case_id, man_id, scans[0], replaces=three)
    assert [p.entry_id for p in scanning.pages(case_id)[man_id.key]][-1] == three.entry_id


def test_any_page_is_deleted_and_the_next_goes_after_the_last(journal, scans):
    case_id = accepted(journal)
    scanning = DocumentScanning(journal, "reg01")
    man_id = scanning.required(case_id)[0]
    one, two, three = (scanning.store(case_id, man_id, scans[i]) for i in range(3))
    scanning.delete(case_id, one)
    assert [p.page for p in scanning.pages(case_id)[man_id.key]] == [2, 3]
    four = scanning.store(case_id, man_id, scans[3])
    assert four.page == 4
    reasons = [e.payload["reason"] for e in journal.entries(case_id=case_id)
               if e.kind == "document.superseded"]
    assert reasons == ["删除"]
    scanning.store(case_id, man_id, scans[0])    # a deleted page may be photographed again


def test_a_divorce_needs_the_certificate_the_agreement_and_its_summary(journal, scans):
    case_id = accepted(journal, DivorceApplication)
    scanning = DocumentScanning(journal, "reg01", min_dpi=60)
    docs = scanning.required(case_id)
    assert [(d.kind, d.category) for d in docs] == [
        ("id_document", "id_copies"), ("id_document", "id_copies"),
        ("marriage_certificate", "marriage_certificate_copies"),
        ("divorce_agreement", "divorce_agreement")]
    for doc, scan in zip(docs, scans):
        scanning.store(case_id, doc, scan)
    assert scanning.needs_summary(case_id) and not scanning.done(case_id)
    with pytest.raises(DocumentError, match="债务处理"):
        scanning.record_summary(case_id, children="女儿随女方生活，男方每月付抚养费2000元",
                                property="房产归女方", debts=" ", both_signed=True)
    with pytest.raises(DocumentError, match="双方共同签名"):
        scanning.record_summary(case_id, children="无", property="无", debts="无",
                                both_signed=False)
    assert not scanning.done(case_id)
    scanning.record_summary(case_id, children="女儿随女方生活，男方每月付抚养费2000元",
                            property="房产归女方", debts="无共同债务", both_signed=True)
    assert scanning.done(case_id)
    assert scanning.summary(case_id)["property"] == "房产归女方"


def test_a_blank_image_is_refused_with_a_reason(journal):
    from counter_app.vision.document import ScanResult

    case_id = accepted(journal)
    scanning = DocumentScanning(journal, "reg01")
    with pytest.raises(DocumentError, match="太小"):
        scanning.store(case_id, scanning.required(case_id)[0],
                       ScanResult(np.zeros((10, 10, 3), np.uint8), None, 0.0))


def test_the_review_lists_every_section_and_what_is_missing(journal, scans):
    from counter_app.workflows.review import CaseReviewer, ReviewError

    case_id = accepted(journal)
    reviewer = CaseReviewer(journal, OFFICE, "reg01", steps=["capture", "documents"])
    review = reviewer.review(case_id)
    assert [s.key for s in review.sections] == ["parties", "answers", "rules", "photos",
                                                "documents"]
    assert review.section("rules").lines[0] == "结论：予以受理（2026-05-20）"
    assert "男方照片或人证核验未完成" in review.problems
    assert "居民身份证（女方）未拍摄" in review.problems
    scanning = DocumentScanning(journal, "reg01")
    for doc, scan in zip(scanning.required(case_id), scans):
        scanning.store(case_id, doc, scan)
    review = reviewer.review(case_id)
    assert review.section("documents").lines == ["居民身份证（男方）：1 页",
                                                 "居民身份证（女方）：1 页"]
    assert len(review.section("documents").images) == 2
    # A counter without the photo step: the section is shown but holds nothing back.
    assert not CaseReviewer(journal, OFFICE, "reg01", steps=["documents"]).review(
        case_id).problems
    reviewer.correct_party(case_id, "woman", {"name": "李玫"})
    assert "姓名：李玫" in reviewer.review(case_id).section("parties").lines[1]
    with pytest.raises(ReviewError, match="不能在审查时更正"):
        reviewer.correct_party(case_id, "woman", {"sex": "male"})
    from counter_app.cases.service import CaseService

    CaseService(journal).transition(case_id, "examined", operator="reg01")
    reviewer.correct_party(case_id, "woman", {"name": "李梅"})   # editable until registration
    assert "姓名：李梅" in reviewer.review(case_id).section("parties").lines[1]
    CaseService(journal).transition(case_id, "registered", operator="reg01")
    with pytest.raises(ReviewError, match="已经登记或已终结"):
        reviewer.correct_party(case_id, "woman", {"name": "李玫"})
