"""Every form renders from data; the PDF reads back with every field, rare characters included."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from formcheck import DATA, case_for, pdf_text, write_case

from forms.case_data import CaseFileError
from forms.qt.fonts import MissingGlyphError
from forms.model import FormError, available_forms, format_value, load_form
from forms.qt.render import case_pages, render_case_pdf

FORM_IDS = [form_id for form_id, _ in available_forms()]
STATUTORY = {"marriage_declaration", "marriage_review", "divorce_application",
             "divorce_agreement", "divorce_receipt", "divorce_withdrawal",
             "divorce_withdrawal_confirmation", "divorce_review", "reissue_declaration",
             "reissue_review", "refusal_acceptance", "refusal_processing",
             "marriage_certificate", "divorce_certificate"}


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_form_of_the_issue_is_defined():
    assert STATUTORY <= set(FORM_IDS)
    for form_id in FORM_IDS:
        form = load_form(form_id)
        assert form.layout_note and form.title and form.items


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_pdf_has_every_field_value_extractable(form_id, tmp_path):
    pdf = tmp_path / f"{form_id}.pdf"
    pdf.write_bytes(render_case_pdf(form_id, case_for(form_id)))
    text = squeeze(pdf_text(pdf))
    form = load_form(form_id)
    pages = case_pages(form_id, case_for(form_id))
    if form_id in STATUTORY and form.paper != "certificate":
        assert text.count(squeeze(form.title)) >= len(pages)
    checked = 0
    for _, data in pages:
        for item in form.items:
            if item.kind != "value" or item.key not in data.values or item.choices:
                continue
            value = squeeze(format_value(data.values[item.key], item.fmt))
            if value:
                assert value in text, f"{form_id}: {item.key}={value!r} not in the PDF text"
                checked += 1
    assert checked >= 3 or form_id not in STATUTORY


def test_rare_characters_and_middle_dot_are_extractable(tmp_path):
    pdf = tmp_path / "md.pdf"
    pdf.write_bytes(render_case_pdf("marriage_declaration", DATA / "marriage.json"))
    text = pdf_text(pdf)
    for name in ("吉𠮷·买买提", "王䶮㛃"):
        assert name in text
    # Qt maps shared radical glyphs to the Kangxi radical (⼈ U+2F08); the fix-up must not.
    assert "本人" in text and "\u2f08" not in text


def test_rendering_is_deterministic():
    first = render_case_pdf("divorce_receipt", DATA / "divorce.json")
    assert first == render_case_pdf("divorce_receipt", DATA / "divorce.json")


def test_pdf_is_written_in_pdfa_mode():
    import io

    from pypdf import PdfReader

    pdf = render_case_pdf("marriage_review", DATA / "marriage.json")
    assert pdf.startswith(b"%PDF-1.4\n%") and all(b > 127 for b in pdf[10:14])
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/Metadata" in root and "/OutputIntents" in root
    assert b"pdfaid:part" in root["/Metadata"].get_object().get_data()


def test_divorce_receipt_dates_come_from_the_rules_calendar(tmp_path):
    from datetime import date

    from counter_app.rules.calendar import divorce_periods

    periods = divorce_periods(date(2026, 9, 30))
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_case_pdf("divorce_receipt", DATA / "divorce.json"))
    text = squeeze(pdf_text(pdf))
    for day in (periods.withdrawal_deadline, periods.issuance_from, periods.issuance_until):
        assert f"{day.year}年{day.month:02d}月{day.day:02d}日" in text


def test_reissued_certificate_keeps_original_date_and_remark(tmp_path):
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(render_case_pdf("marriage_certificate", DATA / "reissue.json"))
    text = squeeze(pdf_text(pdf))
    assert "结婚证遗失，补发此证。2026年11月21日" in text
    assert "2010年10月10日" in text  # the original registration date, not the reissue date


def test_certificates_are_the_mans_then_the_womans_booklet():
    pages = case_pages("marriage_certificate", DATA / "marriage.json")
    assert [d.values["party.name"] for _, d in pages] == ["吉𠮷·买买提", "王䶮㛃"]


def test_missing_required_field_is_refused(tmp_path):
    raw = json.loads((DATA / "marriage.json").read_text(encoding="utf-8"))
    del raw["forms"]["certificate"]["number"]
    case = write_case(tmp_path, raw)
    with pytest.raises(FormError, match="结婚证字号|certificate.number"):
        render_case_pdf("marriage_review", case)


def test_missing_photo_file_is_named(tmp_path):
    raw = json.loads((DATA / "marriage.json").read_text(encoding="utf-8"))
    raw["parties"][0]["photo"] = "nope.png"
    case = write_case(tmp_path, raw)
    with pytest.raises(CaseFileError, match="nope.png"):
        render_case_pdf("marriage_declaration", case)


def test_name_with_a_character_no_font_has_is_refused(tmp_path):
    from forms.qt.fonts import font_index_for

    uncovered = next(chr(c) for c in range(0x20000, 0x2A6E0) if font_index_for(chr(c)) is None)
    raw = json.loads((DATA / "marriage.json").read_text(encoding="utf-8"))
    raw["parties"][0]["name"] = "张" + uncovered
    case = write_case(tmp_path, raw)
    with pytest.raises(MissingGlyphError, match=f"U\\+{ord(uncovered):04X}"):
        render_case_pdf("marriage_declaration", case)


def test_unknown_form_is_a_clear_error():
    with pytest.raises(FormError, match="没有这个表格"):
        load_form("no_such_form")


def run_cli(*args, data_dir=None):
    """The command in ``data_dir`` (a render is audited in its journal)."""
    prefix = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run([sys.executable, "-m", "counter_app", *prefix, *args], check=False,
                          capture_output=True, text=True, timeout=120)


def test_cli_forms_list_and_render(tmp_path):
    listed = run_cli("forms", "list")
    assert listed.returncode == 0
    assert {line.split("\t")[0] for line in listed.stdout.splitlines()} == set(FORM_IDS)
    out = tmp_path / "out.pdf"
    rendered = run_cli("forms", "render", "divorce_review", "--case",
                       str(DATA / "divorce.json"), "--out", str(out), data_dir=tmp_path / "data")
    assert rendered.returncode == 0, rendered.stderr
    assert out.read_bytes() == render_case_pdf("divorce_review", DATA / "divorce.json")


def test_cli_render_bad_case_file_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"item": "marriage"', encoding="utf-8")
    result = run_cli("forms", "render", "marriage_review", "--case", str(bad), "--out",
                     str(tmp_path / "o.pdf"), data_dir=tmp_path / "data")
    assert result.returncode == 2 and "JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_refusal_notice_takes_reasons_and_basis_from_the_rules_check(tmp_path):
    from counter_app.rules.caseinput import parse_case
    from counter_app.rules.evaluator import evaluate

    raw = json.loads((DATA / "marriage.json").read_text(encoding="utf-8"))
    raw["parties"][0]["birth_date"] = "2005-01-01"  # 21 on the registration date: under age
    case = write_case(tmp_path, raw)
    decision = evaluate(parse_case(raw))
    refusals = [r for r in decision.reasons if r.outcome == "refuse"]
    assert decision.decision == "refuse" and refusals
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_case_pdf("refusal_acceptance", case))
    text = squeeze(pdf_text(pdf))
    for reason in refusals:
        assert squeeze(reason.message_zh) in text
        assert squeeze(reason.basis) in text


def test_refusal_notice_without_any_reason_is_refused():
    with pytest.raises(CaseFileError, match="没有不予受理"):
        render_case_pdf("refusal_acceptance", DATA / "marriage.json")


def test_a_card_records_ethnicity_prints_as_its_name():
    """Intake keeps the card's ethnicity as {"code", "name"}; forms print 汉族, not the dict."""
    import json

    from forms.case_data import CaseFile, case_values

    raw = json.loads((DATA / "marriage.json").read_text(encoding="utf-8"))
    raw["parties"][0]["ethnicity"] = {"code": "01", "name": "汉"}
    raw["parties"][0].pop("ethnicity_code", None)
    values = case_values(CaseFile.from_json(raw))
    assert values["man.ethnicity"] == "汉族"
