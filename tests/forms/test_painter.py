"""One painter: golden pages, preview equals PDF, calibration, fonts and pre-printed labels."""

from __future__ import annotations

import numpy as np
import pytest
from formcheck import DATA, GOLDEN, case_for, image_difference, load_gray, pdf_pages_png

from forms.qt import fonts
from forms.model import available_forms
from forms.qt.painter import Calibration
from forms.qt.pdf import render_image
from forms.qt.render import case_pages, render_case_pdf

GOLDEN_DPI = 50  # tests/forms/make_golden.py
#: Share of pixels allowed to differ (see conftest.image_difference): a single changed digit
#: on a 100 dpi page is about 9e-6, a changed name 1e-4; the same page from Qt and poppler 0.
PREVIEW_TOLERANCE = 5e-6
GOLDEN_TOLERANCE = 2e-5


@pytest.mark.parametrize("form_id", [f for f, _ in available_forms()])
def test_first_page_matches_golden(form_id, tmp_path):
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(render_case_pdf(form_id, case_for(form_id)))
    page = pdf_pages_png(pdf, GOLDEN_DPI, tmp_path / "page")[0]
    diff = image_difference(load_gray(page), load_gray(GOLDEN / f"{form_id}.png"))
    assert diff < GOLDEN_TOLERANCE, f"{form_id}: {diff:.4%} differ (make_golden.py regenerates)"


@pytest.mark.parametrize("form_id", ["marriage_declaration", "divorce_agreement",
                                     "marriage_certificate"])
def test_preview_image_equals_pdf_rendering(form_id, tmp_path):
    form, data = case_pages(form_id, case_for(form_id))[0]
    preview = load_gray(render_image(form, data, dpi=100))
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(render_case_pdf(form_id, case_for(form_id)))
    printed = load_gray(pdf_pages_png(pdf, 100, tmp_path / "page")[0])
    assert image_difference(preview, printed) < PREVIEW_TOLERANCE


@pytest.mark.parametrize("key,value", [("man.name", "张三丰"),
                                       ("certificate.number", "J110108-2026-000124")])
def test_the_comparison_sees_one_changed_value(key, value):
    form, data = case_pages("marriage_review", DATA / "marriage.json")[0]
    other = dict(data.values, **{key: value})
    a = load_gray(render_image(form, data, dpi=100))
    b = load_gray(render_image(form, type(data)(other, data.images), dpi=100))
    assert image_difference(a, b) > PREVIEW_TOLERANCE


def ink_box(gray: np.ndarray) -> tuple[int, int]:
    ys, xs = np.nonzero(gray < 128)
    return int(xs.min()), int(ys.min())


def test_calibration_offsets_move_the_page():
    form, data = case_pages("marriage_certificate", DATA / "marriage.json")[0]
    dpi = 100
    base = ink_box(load_gray(render_image(form, data, dpi)))
    moved = ink_box(load_gray(render_image(form, data, dpi, Calibration(3.0, -2.0))))
    assert abs((moved[0] - base[0]) - 3.0 / 25.4 * dpi) <= 1.5
    assert abs((moved[1] - base[1]) + 2.0 / 25.4 * dpi) <= 1.5


def test_on_blank_leaves_preprinted_labels_out():
    from PySide6.QtGui import QImage, QPainter

    from forms.qt.painter import paint_page

    form, data = case_pages("marriage_certificate", DATA / "marriage.json")[0]
    full = render_image(form, data, 80)
    blank = QImage(full.size(), QImage.Format.Format_RGB32)
    blank.setDotsPerMeterX(full.dotsPerMeterX())
    blank.setDotsPerMeterY(full.dotsPerMeterY())
    blank.fill(0xFFFFFFFF)
    painter = QPainter(blank)
    record = paint_page(painter, form, data, on_blank=True)
    painter.end()
    drawn = "".join(c for _, pairs in record.runs for _, c in pairs)
    assert "持证人" not in drawn and "吉" in drawn
    assert (load_gray(blank) < 128).sum() < (load_gray(full) < 128).sum()


def test_bundled_fonts_cover_gb2312_and_the_rare_name_characters():
    missing = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                char = bytes([high, low]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            if fonts.font_index_for(char) is None:
                missing.append(char)
    assert missing == []
    for char in "𠮷䶮㛃·￥":
        assert fonts.font_index_for(char) is not None, char
    assert fonts.font_index_for("𠮷") == 1  # from the Extension B supplement


def test_photo_signature_and_fingerprint_images_land_in_their_slots(tmp_path):
    import json

    from formcheck import write_case

    from forms.model import load_form

    raw = json.loads((DATA / "marriage.json").read_text(encoding="utf-8"))
    raw["forms"]["fingerprints"] = {"man": "man.png"}  # any image will do for placement
    raw["forms"]["signatures"] = {"registrar": "joint.png"}
    case = write_case(tmp_path, raw)
    form, data = case_pages("marriage_declaration", case)[0]
    image = render_image(form, data, dpi=50)
    px = 50 / 25.4

    def mean_red_excess(box):
        x, y, w, h = (round(v * px) for v in box)
        colours = [image.pixelColor(x + dx, y + dy) for dx in range(2, w - 2, 2)
                   for dy in range(2, h - 2, 2)]
        return sum(c.red() - c.green() for c in colours) / len(colours)

    slots = {i.key: i.box for i in load_form("marriage_declaration").items if i.key}
    for key in ("party.fingerprint", "signature.registrar"):
        b = slots[key]
        assert mean_red_excess((b.x, b.y, b.w, b.h)) > 40, key
    empty = slots["party.signature"]
    assert mean_red_excess((empty.x, empty.y, empty.w, empty.h)) == 0
    cert_form, cert_data = case_pages("marriage_certificate", DATA / "marriage.json")[0]
    cert = render_image(cert_form, cert_data, dpi=50)
    photo = next(i.box for i in cert_form.items if i.key == "joint_photo")
    centre = cert.pixelColor(round((photo.x + photo.w * 0.1) * px), round((photo.y + 3) * px))
    assert centre.red() > 150 and centre.green() < 80  # the red background of the photo
