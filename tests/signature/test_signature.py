"""Signature pads (stroke model, simulator, Qt widget) and signatures bound to documents."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from drivers.signature.model import Signature, SignatureError
from drivers.signature.simulator import SimulatorPad, recording
from forms.model import load_form
from forms.qt.render import case_pages
from forms.qt.signing import (
    SignatureInvalidated,
    check_signatures,
    document_digest,
    is_valid,
    sign,
    unsigned_pdf,
)

DATA = Path(__file__).resolve().parents[1] / "forms" / "data"


def test_simulator_replays_the_recording_exactly():
    source = recording("party_a")
    pad = SimulatorPad(source)
    pad.begin()
    pad.replay()
    captured = pad.finish()
    assert captured.strokes == source.strokes
    assert captured.device == "simulator"
    times = [p.t_ms for s in captured.strokes for p in s]
    assert times == sorted(times) and times[0] == 0
    assert all(0 <= p.pressure <= 1 for s in captured.strokes for p in s)


def test_json_round_trip_and_hash_are_stable():
    sig = recording("party_b")
    again = Signature.from_json(sig.to_json())
    assert again == sig and again.sha256 == sig.sha256


def test_empty_or_broken_signatures_are_refused():
    pad = SimulatorPad(recording("party_a"))
    pad.begin()
    with pytest.raises(SignatureError, match="没有采集到签名"):
        pad.finish()
    with pytest.raises(SignatureError, match="已损坏"):
        Signature.from_json('{"strokes": [[1, 2]]}')


def test_qt_widget_feeds_mouse_strokes_into_the_pad(qtbot):
    from counter_app.ui.widgets.signature_pad_widget import SignaturePadWidget

    widget = SignaturePadWidget()
    qtbot.addWidget(widget)
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=QPoint(20, 30))
    for x in range(25, 200, 15):
        qtbot.mouseMove(widget, QPoint(x, 30 + x // 10))
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=QPoint(200, 50))
    sig = widget.pad.finish()
    assert len(sig.strokes) == 1 and len(sig.strokes[0]) >= 10
    assert sig.strokes[0][0].x == 20 and sig.strokes[0][0].pressure == 0.5
    assert sig.device == "qt-tablet" and (sig.width, sig.height) == (440, 120)


def page():
    return case_pages("marriage_declaration", DATA / "marriage.json")[0]


def test_signature_is_bound_to_the_exact_document():
    form, data = page()
    record = sign(form, data, "party.signature", "man", recording("party_a"))
    assert record.document_sha256 == document_digest(form, data)
    assert is_valid(record, form, data)
    signed = check_signatures(form, data, [record])
    assert "party.signature" in signed.strokes


def test_a_later_change_invalidates_the_signature():
    form, data = page()
    record = sign(form, data, "party.signature", "man", recording("party_a"))
    changed = replace(data, values=dict(data.values, **{"party.address": "北京市西城区"}))
    assert not is_valid(record, form, changed)
    with pytest.raises(SignatureInvalidated, match="重新签名"):
        check_signatures(form, changed, [record])


def test_other_signatures_on_the_page_do_not_invalidate_it():
    form, data = page()
    party = sign(form, data, "party.signature", "man", recording("party_a"))
    with_registrar = check_signatures(form, data, [
        party, sign(form, data, "signature.registrar", "reg01", recording("registrar"))])
    assert is_valid(party, form, with_registrar)


def test_signed_page_shows_the_strokes(tmp_path):
    from forms.qt.pdf import render_image

    form, data = page()
    record = sign(form, data, "party.signature", "man", recording("party_a"))
    blank = render_image(form, data, 60)
    signed = render_image(form, check_signatures(form, data, [record]), 60)
    assert blank != signed
    assert unsigned_pdf(form, data) == unsigned_pdf(form, check_signatures(form, data, [record]))


def test_sign_refuses_an_unknown_slot():
    form, data = page()
    with pytest.raises(Exception, match="没有签名位置"):
        sign(form, data, "nope", "man", recording("party_a"))
    assert load_form("marriage_declaration").form_id == form.form_id


def test_signature_record_is_journaled_with_the_signed_document(data_dir):
    import hashlib

    from helpers.journals import open_test_journal
    from forms.qt.signing import journal_signature

    form, data = page()
    record = sign(form, data, "party.signature", "man", recording("party_a"))
    document = unsigned_pdf(form, data)
    with open_test_journal(data_dir, key_store="file") as journal:
        entry = journal_signature(journal, record, document, case_id="c1", operator="reg01")
        stored = journal.get_attachment(record.document_sha256)
        assert hashlib.sha256(stored).hexdigest() == record.document_sha256
        assert entry.payload["document_sha256"] == record.document_sha256
        with pytest.raises(SignatureInvalidated):
            journal_signature(journal, record, document + b" ", case_id="c1", operator="reg01")


def test_case_file_may_give_signatures_as_stroke_recordings(tmp_path):
    import json
    import shutil

    from drivers.signature.simulator import RECORDINGS

    raw = json.loads((DATA / "marriage.json").read_text(encoding="utf-8"))
    for image in DATA.glob("*.png"):
        shutil.copy(image, tmp_path / image.name)
    shutil.copy(RECORDINGS / "party_a.json", tmp_path / "sig_man.json")
    raw["forms"]["signatures"] = {"man": "sig_man.json"}
    (tmp_path / "case.json").write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    man, woman = case_pages("marriage_declaration", tmp_path / "case.json")
    assert man[1].strokes["party.signature"] == recording("party_a").for_form()
    assert "party.signature" not in woman[1].strokes
    (tmp_path / "sig_man.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(Exception, match="签名笔迹"):
        case_pages("marriage_declaration", tmp_path / "case.json")


def test_device_rows_for_the_registry():
    from drivers.printer.factory import detect as detect_printer
    from drivers.signature.detect import detect, detect_simulator

    assert detect()[0].kind == "signature_pad" and detect()[0].status == "ok"
    assert "party_a" in detect_simulator()[0].extra["recordings"]
    row = detect_printer("network:127.0.0.1:9")
    assert row[0].kind == "printer" and row[0].backend == "escpos"


def test_repainting_the_pad_does_not_drain_references_to_none(qtbot):
    """PySide6 6.12 on Python 3.11 drops a reference to None per void Qt call; the widget
    must compensate, or a few dozen repaints of a signature abort the interpreter."""
    import sys

    from counter_app.ui.widgets.signature_pad_widget import SignaturePadWidget

    widget = SignaturePadWidget()
    qtbot.addWidget(widget)
    for stroke in recording("party_a").strokes:
        for p in stroke:
            widget.pad.add_point(p.x, p.y, p.pressure, p.t_ms)
        widget.pad.pen_up()
    before = sys.getrefcount(None)
    for _ in range(30):
        widget.grab()
    assert before - sys.getrefcount(None) < 300  # PySide6 6.12.0 lost about 350 per repaint
