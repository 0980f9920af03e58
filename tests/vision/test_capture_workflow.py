"""Ensure a party's photo is kept only when it passes the quality checks, and that the identity
check records the registrar's decision with the system's advice (real mediapipe and dlib on
real photographs)."""

from __future__ import annotations

import pytest

from counter_app.vision.quality import check_photo
from counter_app.workflows.capture import CaptureError, PartyCapture
from tests.vision.conftest import FIXTURES


@pytest.fixture
def journal(data_dir, clock):
    """The capture is a registrar's step: the journal has the suite's usual accounts."""
    from helpers.journals import open_test_journal

    with open_test_journal(data_dir, key_store="file", clock=clock, staff=True) as j:
        yield j


def shoot(pipeline, image):
    return image, check_photo(image, pipeline.analyse(image))


def test_a_good_photo_is_kept_as_an_encrypted_attachment(journal, pipeline, images):
    capture = PartyCapture(journal, "demo")
    frame, quality = shoot(pipeline, images("astronaut.jpg"))
    assert quality.ok, quality.as_dict()
    sha = capture.take_photo("c1", "man", frame, quality)
    stored = journal.get_attachment(sha)
    assert stored[:2] == b"\xff\xd8"  # a JPEG
    entry = [e for e in journal.entries(case_id="c1") if e.kind == "capture.photo"][0]
    assert entry.payload["quality"]["ok"] is True and entry.attachments[0]["sha256"] == sha
    assert capture.state("c1") == {"man": {"photo": sha}}


def test_a_dark_photo_is_refused_in_words(journal, pipeline, images):
    capture = PartyCapture(journal, "demo")
    dark = (images("astronaut.jpg") * 0.08).astype("uint8")
    frame, quality = shoot(pipeline, dark)
    assert not quality.ok
    with pytest.raises(CaptureError, match="照片不合格"):
        capture.take_photo("c1", "woman", frame, quality)
    assert capture.state("c1") == {}


def test_identity_against_a_chip_photo_records_decision_and_advice(journal, pipeline, images,
                                                                   matcher):
    capture = PartyCapture(journal, "demo", matcher=matcher)
    frame, quality = shoot(pipeline, images("obama.jpg"))
    capture.take_photo("c2", "man", frame, quality)
    chip = (FIXTURES / "obama2.jpg").read_bytes()  # stands in for the DG2 face of a chip
    match = capture.compare("c2", "man", chip)
    assert match is not None and match.same_person
    capture.decide("c2", "man", "confirmed", match)
    entry = [e for e in journal.entries(case_id="c2") if e.kind == "capture.identity"][0]
    assert entry.payload["decision"] == "confirmed"
    assert entry.payload["advice"]["score"] == pytest.approx(match.score, abs=1e-3)
    assert capture.state("c2")["man"]["identity"] == "confirmed"
    assert not capture.complete("c2")  # the woman is still to come


def test_without_a_chip_photo_the_registrar_checks_in_person(journal, pipeline, images):
    capture = PartyCapture(journal, "demo")
    frame, quality = shoot(pipeline, images("astronaut.jpg"))
    capture.take_photo("c3", "woman", frame, quality)
    assert capture.compare("c3", "woman", None) is None
    capture.decide("c3", "woman", "manual", None)
    payload = [e for e in journal.entries(case_id="c3") if e.kind == "capture.identity"][0].payload
    assert payload["advice"] is None and "当面核对" in payload["reason"]


def test_out_of_order_and_bad_input_are_refused(journal, pipeline, images, matcher):
    capture = PartyCapture(journal, "demo", matcher=matcher)
    with pytest.raises(CaptureError, match="请先为男方拍照"):
        capture.compare("c4", "man", b"x")
    frame, quality = shoot(pipeline, images("astronaut.jpg"))
    capture.take_photo("c4", "man", frame, quality)
    with pytest.raises(CaptureError, match="芯片照片无法读取"):
        capture.compare("c4", "man", b"not an image")
    with pytest.raises(CaptureError, match="未知的当事人"):
        capture.take_photo("c4", "judge", frame, quality)
    with pytest.raises(CaptureError, match="未知的核验结论"):
        capture.decide("c4", "man", "maybe", None)
