"""A registered case's electronic archive file, once both certificates are printed and confirmed.

The materials are gathered from the journal and filed in the order of the archive rules
(counter_app.archive_file.order; 《婚姻登记档案管理办法》 arts. 5 and 7, reference/law.md §5): the
审查处理表 filled from the case, the declarations (signed pages from the declarations step when
it is installed, else the unsigned forms), the scanned papers, the divorce agreement summary,
then other materials: the photos, the 联网核对 answer and copies of the certificates. One PDF
plus a manifest of hashes, stored as journal attachments with an ``archive.built`` entry
(counter_app.archive_file.build). Rendering is injected (forms paints with Qt): no Qt here.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from typing import Any

from counter_app.archive_file.build import Material, Renderer, build_archive
from counter_app.archive_file.kinds import KIND_ARCHIVE_BUILT
from counter_app.cases.navigator import read_facts
from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.operators import require
from counter_app.numbering import issued_blanks
from counter_app.resources import resource_path
from counter_app.workflows.capture import PartyCapture
from counter_app.workflows.certificates import certificate_case_file, registration_of
from counter_app.workflows.documents import SUMMARY_FIELDS, DocumentScanning
from counter_app.workflows.intake import ROLE_ZH
from forms.case_data import CaseFile, pages_for
from forms.model import load_form
from sync.kinds import KIND_MARITAL_CHECK

#: The archive-order item of each registered item.
ARCHIVE_ITEM = {"marriage": "marriage", "divorce": "divorce_completion"}
REVIEW_FORM = {"marriage": ("marriage_review", "marriage_review", "结婚登记审查处理表"),
               "divorce": ("divorce_review", "divorce_review", "离婚登记审查处理表")}
DECLARATION_FORM = {"marriage": ("marriage_declaration", "marriage_declaration",
                                 "申请结婚登记声明书"),
                    "divorce": ("divorce_application", "divorce_application", "离婚登记申请书")}

DeclarationPages = Callable[[str], list]


class ArchiveFileError(CounterAppError):
    """The archive file cannot be made now; the message says why."""

    code = "archive.not_ready"


class ArchiveFile:
    """Builds the archive file of registered cases, under the operator's name."""

    def __init__(self, journal: Journal, office: dict[str, Any], office_name: str,
                 operator: str, *, renderer: Renderer,
                 declaration_pages: DeclarationPages | None = None) -> None:
        self.journal, self.office, self.office_name = journal, office, office_name
        self.operator, self.renderer = operator, renderer
        self.declaration_pages = declaration_pages

    def booklets_confirmed(self, case_id: str) -> bool:
        """Both certificates printed and confirmed (as the case navigator reads it)."""
        facts = read_facts(self.journal, case_id)
        return facts is not None and facts.booklets_issued

    def built(self, case_id: str) -> dict[str, Any] | None:
        """The ``archive.built`` payload of the case, or None."""
        found = None
        for entry in self.journal.entries(case_id=case_id):
            if entry.kind == KIND_ARCHIVE_BUILT:
                found = entry.payload
        return found

    def ready(self, case_id: str) -> bool:
        """Registered, both booklets confirmed, no archive file yet."""
        try:
            registration_of(self.journal, case_id)
        except CounterAppError:
            return False
        return self.booklets_confirmed(case_id) and self.built(case_id) is None

    def build(self, case_id: str):
        """Gather, order, render and journal the archive file; returns the entry."""
        require(self.journal, self.operator, "case.archive_file", case_id=case_id)
        if self.built(case_id) is not None:
            raise ArchiveFileError("该业务的电子档案已经生成。", code="archive.exists")
        if not self.booklets_confirmed(case_id):
            raise ArchiveFileError("两本证书都打印并确认后才能生成电子档案。")
        registered = registration_of(self.journal, case_id)
        materials = self.materials(case_id)
        return build_archive(self.journal, case_id=case_id,
                             item=ARCHIVE_ITEM[registered["item"]], materials=materials,
                             renderer=self.renderer, operator=self.operator,
                             archive_no=registered["certificate_number"])

    def materials(self, case_id: str) -> list[Material]:
        """Every material of the file (``build`` orders them)."""
        certificates = certificate_case_file(self.journal, case_id, self.office,
                                             self.office_name)
        item = registered_item = registration_of(self.journal, case_id)["item"]
        scanning = DocumentScanning(self.journal, self.operator)
        forms = dict(certificates.forms)
        forms["certificate"] = {**forms["certificate"],
                                "print_number": "、".join(self._serials(case_id))}
        forms["documents"] = [d.title for d in scanning.required(case_id)] or ["无"]
        forms["opinion"] = "符合登记条件，准予登记。" if registered_item == "marriage" \
            else "双方自愿离婚，对子女抚养、财产及债务处理协商一致，准予登记。"
        summary = scanning.summary(case_id)
        if summary:
            forms["agreement"] = {"intent": "双方自愿离婚", **{
                k: summary[k] for k, _ in SUMMARY_FIELDS}}
        raw = replace(certificates, forms=forms)
        materials = [self._form(REVIEW_FORM[item], raw)[0]]
        materials += self._declarations(case_id, item, raw)
        materials += self._scans(case_id, scanning)
        if summary:
            materials.append(self._agreement(case_id, scanning, raw))
        materials += self._others(case_id, raw, registered_item)
        return materials

    def _form(self, spec: tuple[str, str, str], raw: CaseFile,
              images: dict[str, bytes] | None = None) -> list[Material]:
        form_id, category, title = spec
        pages = pages_for(load_form(form_id), raw)
        return [Material(category, title + (f"（{data.values.get('party.role')}）"
                                             if form.per_party else ""),
                         form_id, data.values, {**data.images, **(images or {})})
                for form, data in pages]

    def _declarations(self, case_id: str, item: str, raw: CaseFile) -> list[Material]:
        form_id, category, title = DECLARATION_FORM[item]
        if item == "marriage" and self.declaration_pages is not None:
            try:
                signed = self.declaration_pages(case_id)
            except CounterAppError:
                signed = []  # not signed on this counter: the unsigned forms are filed
            if signed:
                # Material carries images, not pen strokes: the signature goes in as a picture.
                return [Material(category, f"{title}（{ROLE_ZH[role]}，已签名）", form_id,
                                 data.values, {**data.images, **{
                                     key: strokes_png(strokes)
                                     for key, strokes in data.strokes.items()}})
                        for role, (_, data) in signed]
        return self._form(DECLARATION_FORM[item], raw)

    def _scans(self, case_id: str, scanning: DocumentScanning) -> list[Material]:
        pages = scanning.pages(case_id)
        return [Material.scan(doc.category, f"{doc.title} 第{p.page}页",
                              self.journal.get_attachment(p.sha256))
                for doc in scanning.required(case_id) for p in pages.get(doc.key, [])]

    def _agreement(self, case_id: str, scanning: DocumentScanning,
                   raw: CaseFile) -> Material:
        first = next((p for d in scanning.required(case_id) if d.kind == "divorce_agreement"
                      for p in scanning.pages(case_id).get(d.key, [])[:1]), None)
        images = {"agreement.scan": self.journal.get_attachment(first.sha256)} if first else {}
        return self._form(("divorce_agreement", "divorce_agreement", "离婚协议书摘要"), raw,
                          images)[0]

    def _others(self, case_id: str, raw: CaseFile, item: str) -> list[Material]:
        out = []
        for role, got in PartyCapture(self.journal, self.operator).state(case_id).items():
            if got.get("photo"):
                out.append(Material.scan("other", f"{ROLE_ZH[role]}现场照片",
                                         self.journal.get_attachment(got["photo"])))
        answer = self._check_answer(case_id)
        if answer is not None:
            out.append(Material.scan("other", "联网核对结果", check_answer_image(answer)))
        cert = "marriage_certificate" if item == "marriage" else "divorce_certificate"
        out.extend(self._form((cert, "other", "婚姻登记证副本"), raw))
        return out

    def _check_answer(self, case_id: str) -> dict[str, Any] | None:
        answer = None
        for entry in self.journal.entries(case_id=case_id):
            if entry.kind == KIND_MARITAL_CHECK:
                answer = entry.payload
        return answer

    def _serials(self, case_id: str) -> list[str]:
        return sorted(r["serial"] for r in issued_blanks(self.journal, case_id))


def check_answer_image(payload: dict[str, Any]) -> bytes:
    """The recorded 联网核对 answer as a page image (PNG) for the archive: the outcome per
    party, then the answer exactly as recorded (JSON)."""
    from PIL import Image, ImageDraw, ImageFont

    answer = payload.get("answer", payload)
    lines = ["联网核对结果（省级婚姻登记信息系统）",
             f"结论：{'双方均可登记' if answer.get('outcome') == 'clear' else answer.get('outcome')}"]
    for party in answer.get("parties", []):
        lines.append(f"{party.get('role')}：{party.get('marital_status')}"
                     f"{'' if party.get('can_register', True) else '，不能登记'}")
    lines += json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True).splitlines()
    font = ImageFont.truetype(str(resource_path("fonts", "NotoSansSC-Regular.otf")), 22)
    image = Image.new("L", (1400, 40 + 30 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((30, 20 + 30 * i), line[:90], fill=0, font=font)
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def strokes_png(signature, width: int = 600) -> bytes:
    """Pen strokes ``(pad width, pad height, strokes of (x, y, pressure))`` drawn as a PNG
    (transparent background, line width from the pressure), for an image slot."""
    from PIL import Image, ImageDraw

    pad_w, pad_h, strokes = signature
    scale = width / pad_w
    image = Image.new("LA", (width, max(1, round(pad_h * scale))), (255, 0))
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        points = [(x * scale, y * scale, p) for x, y, p in stroke]
        for (x0, y0, p0), (x1, y1, _) in pairwise(points):
            draw.line((x0, y0, x1, y1), fill=(0, 255), width=max(1, round(1 + 4 * p0)))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()
