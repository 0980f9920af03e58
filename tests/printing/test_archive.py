"""The case's archive file: filing order (law.md §5), one PDF, manifest of hashes, journal."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest

from counter_app.archive_file.build import Material, build_archive, ordered
from counter_app.archive_file.order import ArchiveError
from helpers.journals import open_test_journal

DATA = Path(__file__).resolve().parents[1] / "forms" / "data"


def marriage_materials():
    from forms.qt.render import case_pages

    review = case_pages("marriage_review", DATA / "marriage.json")[0][1]
    declarations = case_pages("marriage_declaration", DATA / "marriage.json")
    photo = (DATA / "man.png").read_bytes()
    return [
        Material.scan("id_copies", "男方居民身份证复印件", photo),
        Material("marriage_declaration", "申请结婚登记声明书（男方）", "marriage_declaration",
                 declarations[0][1].values, declarations[0][1].images),
        Material.scan("other", "户口簿复印件", photo),
        Material("marriage_declaration", "申请结婚登记声明书（女方）", "marriage_declaration",
                 declarations[1][1].values, declarations[1][1].images),
        Material("marriage_review", "结婚登记审查处理表", "marriage_review", review.values,
                 review.images),
        Material.scan("id_copies", "女方居民身份证复印件", photo),
    ]


def test_materials_are_filed_in_the_order_of_article_5():
    materials = marriage_materials()
    random.Random(7).shuffle(materials)
    got = [m.category for m in ordered("marriage", materials)]
    assert got == ["marriage_review", "marriage_declaration", "marriage_declaration",
                   "id_copies", "id_copies", "other"]


def test_divorce_and_reissue_orders_follow_articles_7_and_8():
    divorce = [Material.scan(c, c, b"x") for c in
               ("id_copies", "divorce_agreement", "marriage_certificate_copies", "divorce_review")]
    assert [m.category for m in ordered("divorce_completion", divorce)] == [
        "divorce_review", "marriage_certificate_copies", "divorce_agreement", "id_copies"]
    reissue = [Material.scan(c, c, b"x") for c in ("power_of_attorney", "reissue_review")]
    assert [m.category for m in ordered("reissue", reissue)] == [
        "reissue_review", "power_of_attorney"]


def test_a_material_of_another_item_is_refused():
    with pytest.raises(ArchiveError, match="不属于"):
        ordered("marriage", [Material.scan("divorce_agreement", "离婚协议书", b"x")])


def test_archive_pdf_and_manifest_are_journaled(qapp, data_dir, tmp_path):
    import hashlib

    from pypdf import PdfReader

    from forms.qt.render import render_spec_pages

    materials = marriage_materials()
    with open_test_journal(data_dir, key_store="file") as journal:
        entry = build_archive(journal, case_id="c1", item="marriage", materials=materials,
                              renderer=render_spec_pages, operator="reg01",
                              archive_no="2026-结-0001")
        pdf = journal.get_attachment(entry.payload["pdf_sha256"])
        manifest_bytes = journal.get_attachment(entry.payload["manifest_sha256"])
    manifest = json.loads(manifest_bytes)
    assert hashlib.sha256(pdf).hexdigest() == manifest["pdf_sha256"]
    assert [m["category"] for m in manifest["materials"]][:2] == ["marriage_review",
                                                                   "marriage_declaration"]
    assert all(len(m["sha256"]) == 64 for m in manifest["materials"])
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(materials)
    first, fourth = reader.pages[0].extract_text(), reader.pages[3].extract_text()
    assert "结婚登记审查处理表" in first
    assert "4.当事人身份证件复印件：男方居民身份证复印件" in "".join(fourth.split())
    assert "/OutputIntents" in reader.trailer["/Root"]
