"""Ensure the archive file is refused, with a reason, before both certificates are confirmed,
and that the 联网核对 answer is filed as a readable page. (The whole file of a registered case,
read back from its PDF in filing order against the manifest, is tested on the demo window:
tests/ui/test_documents_review.py.)"""

from __future__ import annotations

import io

import pytest
from people import OFFICE
from PIL import Image

from counter_app.workflows.archive_file import ArchiveFile, ArchiveFileError, check_answer_image


def never_render(specs, title):
    raise AssertionError("nothing may be rendered for a case that is not ready")


def test_no_archive_file_before_both_certificates_are_confirmed(journal):
    from test_documents import accepted

    case_id = accepted(journal)
    archive = ArchiveFile(journal, OFFICE, "测试婚姻登记处", "reg01", renderer=never_render)
    assert not archive.ready(case_id)
    with pytest.raises(ArchiveFileError, match="两本证书都打印并确认后"):
        archive.build(case_id)
    assert not [e for e in journal.entries(case_id=case_id) if e.kind == "archive.built"]


def test_the_online_check_answer_becomes_a_page_image():
    payload = {"answer": {"outcome": "clear", "parties": [
        {"role": "male", "marital_status": "unmarried", "can_register": True},
        {"role": "female", "marital_status": "divorced", "can_register": True}]}}
    png = check_answer_image(payload)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == 1400
    # Header, outcome, one line per party, then the recorded JSON: the page grows with it.
    assert image.height > 40 + 30 * 4
    assert png == check_answer_image(payload)  # deterministic: the manifest hash is stable


def test_signature_strokes_become_a_picture_for_the_archive_page():
    from counter_app.workflows.archive_file import strokes_png

    png = strokes_png((1000.0, 500.0, [[(100, 100, 0.2), (900, 400, 0.9)], [(100, 400, 0.5)]]))
    image = Image.open(io.BytesIO(png))
    assert image.size == (600, 300)
    alpha = image.getchannel("A")
    assert alpha.getpixel((60, 60)) == 255 and alpha.getpixel((590, 10)) == 0  # ink / blank
