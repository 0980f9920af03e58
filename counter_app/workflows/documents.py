"""The papers a case must have photographed on the document camera (高拍仪), kept in the journal.

Which papers comes from the rules decision recorded at intake (``intake.rules_checked``,
``required_documents``): ID documents and other papers the parties bring are scanned; forms
this counter produces itself (声明书, 申请书, 回执) and the photos (the capture step) are not.
Each page is straightened to its true proportions and deskewed (counter_app.vision.document),
stored as an encrypted JPEG attachment with a ``document.scanned`` entry. A page is refused
when its effective resolution (the camera's pixels per inch of paper at its farthest edge) is
below ``documents.min_dpi``, or when it is a page already kept for the case (perceptual hash,
counter_app.vision.duplicates). Any page can be deleted or retaken: ``document.superseded``
sets it aside (nothing is edited); a retake's new page takes its number. A divorce also needs
the registrar's short summary of the agreement (子女抚养, 财产分割, 债务处理, both signed), a
``document.agreement_summary`` entry of its own.

The camera loop itself (off the GUI thread) is counter_app.vision.scanner.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from counter_app.cases.service import CaseService
from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.operators import require
from counter_app.vision.archive import ArchiveOptions, page_bytes, prepare_page
from counter_app.vision.document import ScanResult
from counter_app.vision.duplicates import page_hash, same_page, turned_hashes
from counter_app.workflows.intake import ROLE_ZH, ROLES
from counter_app.workflows.kinds import (KIND_DOCUMENT_AGREEMENT_SUMMARY, KIND_DOCUMENT_SCANNED,
                                         KIND_DOCUMENT_SUPERSEDED, KIND_INTAKE_RULES_CHECKED)

JPEG_QUALITY = 85
#: The lowest effective resolution kept, in pixels per inch of paper (``documents.min_dpi``).
MIN_DPI = 150
#: Papers produced or captured by other steps of this counter, not scanned here: the
#: declarations and application forms (declarations step), photos (capture step), receipts.
NOT_SCANNED = ("声明书", "申请书", "照片", "回执")
#: Nominal long side of each kind of paper in mm, to state the dpi of a page honestly (pixels
#: over the paper's real size). ID-1 cards (resident ID card) are 85.6 x 54 mm (ISO/IEC 7810);
#: [M] the 户口簿 page (about 143 mm) and the 结婚证 booklet page (about 128 mm) are measured
#: from common specimens, not from a standard; other papers are taken as A4.
LONG_SIDE_MM = {"id_document": 85.6, "household_register": 143.0,
                "marriage_certificate": 128.0, "divorce_agreement": 297.0,
                "supporting": 297.0}
#: Archive category (counter_app.archive_file.order) of each kind, for marriage and divorce files.
CATEGORY = {
    "marriage": {"id_document": "id_copies", "household_register": "id_copies",
                 "supporting": "foreign_documents", "other": "other"},
    "divorce": {"id_document": "id_copies", "household_register": "id_copies",
                "marriage_certificate": "marriage_certificate_copies",
                "divorce_agreement": "divorce_agreement", "supporting": "other",
                "other": "other"},
}
SUMMARY_FIELDS = (("children", "子女抚养"), ("property", "财产分割"), ("debts", "债务处理"))


class DocumentError(CounterAppError):
    """A scan cannot be kept or the step is out of order; the message says what to do."""

    code = "documents.refused"


@dataclass(frozen=True)
class RequiredDocument:
    """One paper to photograph: its key (stable, names it in the journal), its title as the
    rules named it, its kind, whose it is (None: the couple's), and its archive category."""

    key: str
    title: str
    kind: str
    party: str | None
    category: str


@dataclass(frozen=True)
class ScannedPage:
    """A kept page: which document, page number, resolution (as stored, and effective: the
    camera's pixels per inch at the page's farthest edge), the image's SHA-256 and its
    perceptual hash (empty on pages kept before hashes were recorded)."""

    document: str
    page: int
    sha256: str
    dpi: int
    entry_id: str
    phash: str = ""
    effective_dpi: int = 0


def _kind(text: str) -> str:
    if "离婚协议" in text:
        return "divorce_agreement"
    if "户口簿" in text:
        return "household_register"
    if "结婚证" in text and "补领" not in text:
        return "marriage_certificate"
    if "公证" in text or "认证" in text or "无配偶" in text:
        return "supporting"
    if any(k in text for k in ("身份证", "护照", "通行证", "居住证", "居留")):
        return "id_document"
    return "other"


def required_from(documents: list[str], case_type: str) -> list[RequiredDocument]:
    """The papers to scan among a rules decision's ``required_documents``."""
    categories = CATEGORY["divorce" if case_type == "divorce" else "marriage"]
    result: list[RequiredDocument] = []
    for text in documents:
        if any(k in text for k in NOT_SCANNED):
            continue
        kind = _kind(text)
        party = next((r for r in ROLES if text.endswith(f"（{ROLE_ZH[r]}）")), None)
        # "双方有效身份证件": one ID document per party.
        parties = ROLES if party is None and text.startswith("双方") and kind == "id_document" \
            else (party,)
        for who in parties:
            title = text if who is None or who == party else f"{ROLE_ZH[who]}有效身份证件"
            key = f"{kind}:{who}" if who else kind
            if kind in ("other", "supporting"):
                key = f"{key}:{hashlib.sha256(text.encode()).hexdigest()[:8]}"
            if all(d.key != key for d in result):
                result.append(RequiredDocument(key, title, kind, who,
                                               categories.get(kind, "other")))
    return result


class DocumentScanning:
    """Scans and the agreement summary of one office's cases, under the operator's name."""

    def __init__(self, journal: Journal, operator: str, *, min_dpi: int = MIN_DPI) -> None:
        self.journal, self.operator, self.min_dpi = journal, operator, min_dpi
        self.cases = CaseService(journal)

    def case_type(self, case_id: str) -> str:
        case = self.cases.state(case_id)
        if case is None:
            raise DocumentError(f"找不到业务 {case_id}。")
        return case.case_type

    def required(self, case_id: str) -> list[RequiredDocument]:
        """The papers the case's rules decision asks for that are scanned here."""
        decision = None
        for entry in self.journal.entries(case_id=case_id):
            if entry.kind == KIND_INTAKE_RULES_CHECKED:
                decision = entry.payload["decision"]
        if decision is None:
            return []
        return required_from(decision.get("required_documents", []), self.case_type(case_id))

    def pages(self, case_id: str) -> dict[str, list[ScannedPage]]:
        """The kept pages per document key, in page order (superseded pages left out)."""
        kept: dict[str, ScannedPage] = {}
        for entry in self.journal.entries(case_id=case_id):
            if entry.kind == KIND_DOCUMENT_SCANNED:
                p = entry.payload
                kept[entry.entry_id] = ScannedPage(p["document"], p["page"], p["sha256"],
                                                   p["dpi"], entry.entry_id,
                                                   p.get("phash", ""),
                                                   p.get("effective_dpi", p["dpi"]))
            elif entry.kind == KIND_DOCUMENT_SUPERSEDED:
                kept.pop(entry.payload["supersedes"], None)
        result: dict[str, list[ScannedPage]] = {}
        for page in sorted(kept.values(), key=lambda p: p.page):   # stable: a retake's
            result.setdefault(page.document, []).append(page)       # new page after the old
        return result

    def store(self, case_id: str, document: RequiredDocument, scan: ScanResult, *,
              manual: bool = False, replaces: ScannedPage | None = None) -> ScannedPage:
        """Keep a straightened page as the next page of ``document``, or in place of
        ``replaces`` (a retake: the new page is kept first, then the old one set aside).
        Refused (DocumentError) below the effective resolution or when the page is one
        already kept for the case."""
        require(self.journal, self.operator, "case.prepare", case_id=case_id)
        self._require_editable(case_id)
        image = scan.image
        if image is None or image.size == 0 or min(image.shape[:2]) < 32:
            raise DocumentError("拍到的图像太小，无法存档，请把材料放正后重拍。")
        dpi = stated_dpi(image, document.kind)
        effective = max(1, round(dpi * scan.sampling))
        if effective < self.min_dpi:
            raise DocumentError(
                f"这一页的分辨率不够：每英寸只有约 {effective} 像素，存档至少要 {self.min_dpi}。"
                "没有保存。请把材料放平、放在画面中间后重拍；仍然不够时请技术人员调高高拍仪的分辨率"
                "（设置项 camera.document_resolution）。",
                code="documents.low_resolution", detail=f"{effective} < {self.min_dpi} ppi")
        turned = turned_hashes(image)
        self._refuse_duplicate(case_id, turned, replaces)
        number = replaces.page if replaces is not None else self._next_number(case_id, document)
        page = self._append_scan(case_id, document, scan, number, dpi, effective, turned[0],
                                 manual)
        if replaces is not None:
            self._supersede(case_id, replaces, "重拍", replaced_by=page.entry_id)
        return page

    def _append_scan(self, case_id: str, document: RequiredDocument, scan: ScanResult,
                     number: int, dpi: int, effective: int, phash: str,
                     manual: bool) -> ScannedPage:
        image = scan.image
        data = page_bytes(prepare_page(image, ArchiveOptions(dpi=dpi, paper=None)),
                          "JPEG", JPEG_QUALITY)
        ref = self.journal.put_attachment(data, "image/jpeg")
        proportions = scan.proportions
        entry = self.journal.append(KIND_DOCUMENT_SCANNED, {
            "document": document.key, "doc_type": document.kind, "title": document.title,
            "party": document.party, "page": number, "dpi": dpi, "effective_dpi": effective,
            "width": int(image.shape[1]), "height": int(image.shape[0]),
            "skew": round(float(scan.skew), 2), "page_edge_found": scan.corners is not None,
            "proportions": proportions.method if proportions is not None else "none",
            "capture": "manual" if manual else "auto", "sha256": ref.sha256, "phash": phash,
        }, operator=self.operator, case_id=case_id, attachments=[ref])
        return ScannedPage(document.key, number, ref.sha256, dpi, entry.entry_id, phash,
                           effective)

    def _next_number(self, case_id: str, document: RequiredDocument) -> int:
        kept = self.pages(case_id).get(document.key, [])
        return max((p.page for p in kept), default=0) + 1

    def _refuse_duplicate(self, case_id: str, turned: list[str],
                          replaces: ScannedPage | None) -> None:
        """DocumentError when the page is one kept for the case (the retaken page aside)."""
        titles = {d.key: d.title for d in self.required(case_id)}
        for key, kept in self.pages(case_id).items():
            for position, page in enumerate(kept, start=1):
                if replaces is not None and page.entry_id == replaces.entry_id:
                    continue
                if same_page(turned, page.phash or self._hash_of(page)):
                    raise DocumentError(
                        f"这一页与已拍的{titles.get(key, '材料')}第 {position} 页相同，没有重复保存。"
                        "要重拍那一页，请选中它后按 F4。", code="documents.duplicate")

    def _hash_of(self, page: ScannedPage) -> str:
        """The perceptual hash of a page kept before hashes were recorded."""
        import cv2

        data = np.frombuffer(self.journal.get_attachment(page.sha256), np.uint8)
        return page_hash(cv2.imdecode(data, cv2.IMREAD_COLOR))

    def delete(self, case_id: str, page: ScannedPage, reason: str = "删除") -> None:
        """Set a page aside (a superseding entry); the pages after it keep their order."""
        require(self.journal, self.operator, "case.prepare", case_id=case_id)
        self._require_editable(case_id)
        self._supersede(case_id, page, reason)

    def _supersede(self, case_id: str, page: ScannedPage, reason: str,
                   replaced_by: str | None = None) -> None:
        payload = {"document": page.document, "page": page.page, "sha256": page.sha256,
                   "supersedes": page.entry_id, "reason": reason}
        if replaced_by is not None:
            payload["replaced_by"] = replaced_by
        self.journal.append(KIND_DOCUMENT_SUPERSEDED, payload, operator=self.operator,
                            case_id=case_id)

    def record_summary(self, case_id: str, *, children: str, property: str, debts: str,
                       both_signed: bool) -> None:
        """The registrar's summary of the divorce agreement (the latest one counts)."""
        require(self.journal, self.operator, "case.prepare", case_id=case_id)
        self._require_editable(case_id)
        texts = {"children": children.strip(), "property": property.strip(),
                 "debts": debts.strip()}
        empty = [zh for key, zh in SUMMARY_FIELDS if not texts[key]]
        if empty:
            raise DocumentError(f"请填写离婚协议的{'、'.join(empty)}（协议未约定的写“无”）。")
        if not both_signed:
            raise DocumentError("离婚协议书须由双方共同签名。未签名的协议不能受理：请双方签名后重拍。")
        self.journal.append(KIND_DOCUMENT_AGREEMENT_SUMMARY, {**texts, "both_signed": True},
                            operator=self.operator, case_id=case_id)

    def summary(self, case_id: str) -> dict[str, Any] | None:
        """The latest agreement summary, or None."""
        found = None
        for entry in self.journal.entries(case_id=case_id):
            if entry.kind == KIND_DOCUMENT_AGREEMENT_SUMMARY:
                found = entry.payload
        return found

    def needs_summary(self, case_id: str) -> bool:
        return any(d.kind == "divorce_agreement" for d in self.required(case_id))

    def missing(self, case_id: str) -> list[RequiredDocument]:
        """Required papers without any kept page."""
        pages = self.pages(case_id)
        return [d for d in self.required(case_id) if not pages.get(d.key)]

    def done(self, case_id: str) -> bool:
        """Every required paper has a page (and a divorce agreement has its summary)."""
        if self.missing(case_id):
            return False
        return not self.needs_summary(case_id) or self.summary(case_id) is not None

    def _require_editable(self, case_id: str) -> None:
        state = self.cases.state(case_id)
        if state is None:
            raise DocumentError(f"找不到业务 {case_id}。")
        if state.state in ("registered", "refused", "withdrawn", "deemed_withdrawn"):
            raise DocumentError("该业务已办结，材料不能再修改。", detail=f"state {state.state}")


def stated_dpi(image: np.ndarray, kind: str) -> int:
    """Pixels per inch over the paper's nominal long side (see LONG_SIDE_MM)."""
    long_mm = LONG_SIDE_MM.get(kind, LONG_SIDE_MM["supporting"])
    return max(1, round(max(image.shape[:2]) / (long_mm / 25.4)))
