"""Ensure a case's papers are known from its rules decision, scanned pages are kept as encrypted
attachments with their page number and dpi, a retake supersedes a page without editing it, and
a divorce needs the registrar's summary of the agreement."""

from __future__ import annotations

import hashlib
from datetime import date

import cv2
import numpy as np
import pytest
from people import MAN, OFFICE, WOMAN

from counter_app.vision.document import scan_page
from counter_app.vision.scanner import demo_document_frames
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
def page_scan():
    """A straightened page from the demo document camera (small frames: fast)."""
    frame = demo_document_frames(480, 270)[20]
    return scan_page(frame, require_page=True)


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


def test_scans_are_kept_encrypted_with_page_numbers_and_the_case_is_done(journal, page_scan):
    case_id = accepted(journal)
    scanning = DocumentScanning(journal, "reg01")
    man_id, woman_id = scanning.required(case_id)
    assert not scanning.done(case_id)
    first = scanning.store(case_id, man_id, page_scan)
    second = scanning.store(case_id, man_id, page_scan, manual=True)
    assert (first.page, second.page) == (1, 2)
    assert [d.key for d in scanning.missing(case_id)] == ["id_document:woman"]
    scanning.store(case_id, woman_id, page_scan)
    assert scanning.done(case_id)
    entry = next(e for e in journal.entries(case_id=case_id) if e.kind == "document.scanned")
    data = journal.get_attachment(entry.payload["sha256"])
    assert hashlib.sha256(data).hexdigest() == entry.payload["sha256"]
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape[:2] == page_scan.image.shape[:2]
    # A 203 px wide card image over an 85.6 mm card: about 85 pixels per inch, as stated.
    assert entry.payload["dpi"] == round(max(image.shape[:2]) / (85.6 / 25.4))
    assert entry.payload["party"] == "man" and entry.payload["doc_type"] == "id_document"


def test_a_retake_supersedes_the_page_and_the_next_scan_fills_its_place(journal, page_scan):
    case_id = accepted(journal)
    scanning = DocumentScanning(journal, "reg01")
    man_id = scanning.required(case_id)[0]
    one = scanning.store(case_id, man_id, page_scan)
    two = scanning.store(case_id, man_id, page_scan)
    scanning.retake(case_id, one)
    assert [p.page for p in scanning.pages(case_id)[man_id.key]] == [2]
    again = scanning.store(case_id, man_id, page_scan)
    assert again.page == 1
    assert [p.entry_id for p in scanning.pages(case_id)[man_id.key]] == [again.entry_id,
                                                                          two.entry_id]
    kinds = [e.kind for e in journal.entries(case_id=case_id) if e.kind.startswith("document.")]
    assert kinds == ["document.scanned"] * 2 + ["document.superseded", "document.scanned"]


def test_a_divorce_needs_the_certificate_the_agreement_and_its_summary(journal, page_scan):
    case_id = accepted(journal, DivorceApplication)
    scanning = DocumentScanning(journal, "reg01")
    docs = scanning.required(case_id)
    assert [(d.kind, d.category) for d in docs] == [
        ("id_document", "id_copies"), ("id_document", "id_copies"),
        ("marriage_certificate", "marriage_certificate_copies"),
        ("divorce_agreement", "divorce_agreement")]
    for doc in docs:
        scanning.store(case_id, doc, page_scan)
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


def test_the_review_lists_every_section_and_what_is_missing(journal, page_scan):
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
    for doc in scanning.required(case_id):
        scanning.store(case_id, doc, page_scan)
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
