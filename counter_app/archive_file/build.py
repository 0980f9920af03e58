"""Build a case's archive file: order the materials, render one PDF, hash, journal.

The materials are form pages (form_id + values + images, rendered by forms through an
injected ``renderer``: this module imports no Qt) and scans (documents photographed on the
高拍仪, stored as journal attachments). The result is one PDF in filing order and a manifest
(JSON) naming every material with its place, pages and SHA-256, both stored as journal
attachments and referenced by an ``archive.built`` entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from counter_app.archive_file.kinds import KIND_ARCHIVE_BUILT
from counter_app.archive_file.order import ArchiveError, categories, rank
from counter_app.journal import Journal

#: (form_id, values, images) per page -> PDF bytes; forms.qt.render.render_spec_pages.
Renderer = Callable[[list[tuple[str, dict, dict]], str], bytes]


@dataclass
class Material:
    """One material of the file: a filled form page or a scanned document."""

    category: str
    title: str
    form_id: str = "archive_scan"
    values: dict[str, Any] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def scan(cls, category: str, title: str, image: bytes) -> Material:
        """A scanned document page (image bytes: JPEG or PNG)."""
        return cls(category, title, "archive_scan", {}, {"scan.image": image})

    def digest(self) -> str:
        """SHA-256 over the material's form, values and image bytes (canonical JSON)."""
        body = {"form_id": self.form_id, "values": self.values,
                "images": {k: hashlib.sha256(v).hexdigest() for k, v in self.images.items()}}
        return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False,
                                         default=str).encode()).hexdigest()


def ordered(item: str, materials: Sequence[Material]) -> list[Material]:
    """The materials in filing order (stable within a category)."""
    if not materials:
        raise ArchiveError("没有可归档的材料。", code="archive.empty")
    return sorted(materials, key=lambda m: rank(item, m.category))


def build_archive(journal: Journal, *, case_id: str, item: str, materials: Sequence[Material],
                  renderer: Renderer, operator: str, archive_no: str = ""):
    """Render, hash and journal the case's archive file; return the ``archive.built`` entry."""
    files = ordered(item, materials)
    names = {c: name for c, name, _ in categories(item)}
    specs = []
    for position, m in enumerate(files, start=1):
        values = dict(m.values)
        if m.form_id == "archive_scan":
            values["scan.caption"] = f"{position}. {names[m.category]}：{m.title}"
        specs.append((m.form_id, values, m.images))
    pdf = renderer(specs, f"档案 {archive_no or case_id}")
    manifest = {
        "case_id": case_id, "item": item, "archive_no": archive_no,
        "pdf_sha256": hashlib.sha256(pdf).hexdigest(), "pdf_bytes": len(pdf),
        "materials": [{"position": i, "category": m.category, "category_zh": names[m.category],
                       "title": m.title, "form_id": m.form_id, "page": i, "sha256": m.digest()}
                      for i, m in enumerate(files, start=1)],
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, sort_keys=True,
                                indent=1).encode("utf-8")
    refs = [journal.put_attachment(pdf, "application/pdf"),
            journal.put_attachment(manifest_bytes, "application/json")]
    payload = {k: manifest[k] for k in ("item", "archive_no", "pdf_sha256")} | {
        "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(),
        "materials": len(files)}
    return journal.append(KIND_ARCHIVE_BUILT, payload, operator=operator, case_id=case_id,
                          attachments=refs)
