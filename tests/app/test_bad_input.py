"""Bad input a probe found (issue 13, part 7): each one ends in exit 2 with a Chinese line that
names the problem, no traceback, never exit 70, and nothing written — no output file, no
journal entry. Every test runs the real command-line entry point (``counter_app.cli.main``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from counter_app.cli import main

DATA = Path(__file__).resolve().parents[1] / "forms" / "data"


def sample(name: str = "divorce") -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def write_case(tmp_path: Path, raw: dict | None = None, text: str | None = None) -> Path:
    """A case file next to copies of the sample images (photos are named relative to it)."""
    for image in DATA.glob("*.png"):
        shutil.copy(image, tmp_path / image.name)
    path = tmp_path / "case.json"
    path.write_text(text if text is not None else json.dumps(raw, ensure_ascii=False),
                    encoding="utf-8")
    return path


def refused(capsys, data_dir: Path, *argv: str) -> str:
    """Run the command; assert exit 2, one clear Chinese line, nothing in the journal."""
    code = main(["--data-dir", str(data_dir), *argv])
    out, err = capsys.readouterr()
    assert code == 2, (code, out, err)
    assert err.startswith("错误 error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "内部错误" not in err
    assert not (data_dir / "journal.db").exists(), "a refused command wrote to the journal"
    return err


# --- rules check: JSON the decoder cannot take ------------------------------------------------

def test_rules_check_json_nested_100000_deep(capsys, data_dir, tmp_path):
    path = write_case(tmp_path, text="[" * 100_000 + "]" * 100_000)
    err = refused(capsys, data_dir, "rules", "check", str(path))
    assert "嵌套" in err


def test_rules_check_a_5000_digit_number(capsys, data_dir, tmp_path):
    text = json.dumps(sample())[:-1] + ', "serial": ' + "9" * 5000 + "}"
    err = refused(capsys, data_dir, "rules", "check", str(write_case(tmp_path, text=text)))
    assert "数字" in err and "位" in err


def test_rules_check_from_standard_input_nested_too_deep(capsys, data_dir, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("{\"a\":" * 50_000 + "1" + "}" * 50_000))
    assert "嵌套" in refused(capsys, data_dir, "rules", "check", "-")


# --- receipt and completion dates at the end of the calendar ---------------------------------

@pytest.mark.parametrize("field", ["receipt_date", "date"])
def test_rules_check_dates_9999_12_31(capsys, data_dir, tmp_path, field):
    raw = sample()
    raw[field] = "9999-12-31"
    err = refused(capsys, data_dir, "rules", "check", str(write_case(tmp_path, raw)))
    assert field in err and "9999-12-31" in err


def test_print_receipt_dated_9999_12_31(capsys, data_dir, tmp_path):
    raw = sample()
    raw["receipt_date"] = "9999-12-31"
    out = tmp_path / "receipt.bin"
    err = refused(capsys, data_dir, "print", "receipt", "--case", str(write_case(tmp_path, raw)),
                  "--out", str(out))
    assert "receipt_date" in err and not out.exists()


@pytest.mark.parametrize("form_id", ["divorce_receipt", "divorce_certificate"])
def test_forms_render_with_receipt_dated_9999_12_31(capsys, data_dir, tmp_path, qapp, form_id):
    raw = sample()
    raw["receipt_date"] = "9999-12-31"
    out = tmp_path / "out.pdf"
    err = refused(capsys, data_dir, "forms", "render", form_id, "--case",
                  str(write_case(tmp_path, raw)), "--out", str(out))
    assert "receipt_date" in err and not out.exists()


def test_the_calendar_itself_refuses_a_period_past_the_last_date():
    """The workflows call the calendar without the case-file parser: no OverflowError there."""
    from datetime import date

    from counter_app.rules.calendar import CalendarRangeError, divorce_periods

    for day in (date(9999, 12, 31), date(9999, 12, 1)):
        with pytest.raises(CalendarRangeError, match="节假日日历"):
            divorce_periods(day)


# --- forms render: what the form would print wrongly or silently leave out --------------------

def render_refused(capsys, data_dir, tmp_path, raw, form_id="divorce_application") -> str:
    out = tmp_path / "out.pdf"
    err = refused(capsys, data_dir, "forms", "render", form_id, "--case",
                  str(write_case(tmp_path, raw)), "--out", str(out))
    assert not out.exists()
    return err


@pytest.mark.parametrize("name", [None, "", "   ", "\u3000"])
def test_forms_render_with_a_null_or_blank_name(capsys, data_dir, tmp_path, qapp, name):
    raw = sample()
    raw["parties"][0]["name"] = name
    err = render_refused(capsys, data_dir, tmp_path, raw)
    assert "parties[0].name" in err and "None" not in err


def test_forms_render_a_photo_that_is_not_an_image(capsys, data_dir, tmp_path, qapp):
    raw = sample()
    (tmp_path / "fake.png").write_text("这不是照片", encoding="utf-8")
    write_case(tmp_path, raw)
    raw["parties"][0]["photo"] = "fake.png"
    err = render_refused(capsys, data_dir, tmp_path, raw, "divorce_certificate")
    assert "fake.png" in err and "图片" in err


def test_forms_render_a_withdrawal_dated_february_30(capsys, data_dir, tmp_path, qapp):
    raw = sample()
    raw["forms"]["withdrawal"]["date"] = "2026-02-30"
    err = render_refused(capsys, data_dir, tmp_path, raw, "divorce_withdrawal")
    assert "forms.withdrawal.date" in err and "2026-02-30" in err


@pytest.mark.parametrize("documents", [[{"name": "身份证"}], {"a": "身份证"}, [["x"]], 5])
def test_forms_render_documents_given_as_objects(capsys, data_dir, tmp_path, qapp, documents):
    raw = sample()
    raw["forms"]["documents"] = documents
    err = render_refused(capsys, data_dir, tmp_path, raw, "divorce_review")
    assert "forms.documents" in err


@pytest.mark.parametrize("where, value, field", [
    (("forms", "signatures"), ["man.png"], "forms.signatures"),
    (("forms", "signatures"), {"man": 5}, "forms.signatures.man"),
    (("forms", "fingerprints"), "man.png", "forms.fingerprints"),
    (("forms", "agreement"), "双方自愿离婚", "forms.agreement"),
    (("forms", "agreement"), {"scan": ["agreement.png"]}, "forms.agreement.scan"),
    (("forms", "agreement"), {"children": {"a": 1}}, "forms.agreement.children"),
    (("parties", 0, "photo"), 5, "parties[0].photo"),
    (("parties", 0, "photo"), {"path": "man.png"}, "parties[0].photo"),
    (("forms", "joint_photo"), ["joint.png"], "forms.joint_photo"),
    (("forms", "certificate"), "L110108-2026-000078", "forms.certificate"),
    (("forms", "withdrawal"), [], "forms.withdrawal"),
    (("forms",), [], "forms"),
    (("parties", 0, "marital_status"), ["divorced"], "parties[0].marital_status"),
    (("forms", "signature"), {"man": "man.png"}, "forms.signature"),
])
def test_forms_render_signatures_agreement_photo_of_the_wrong_type(capsys, data_dir, tmp_path,
                                                                   qapp, where, value, field):
    raw = sample()
    target = raw
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    err = render_refused(capsys, data_dir, tmp_path, raw, "divorce_agreement")
    assert field in err


def test_forms_render_deeply_nested_forms_object(capsys, data_dir, tmp_path, qapp):
    raw = sample()
    nested: dict = {}
    for _ in range(500):
        nested = {"x": nested}
    raw["forms"]["marriage"] = nested
    err = render_refused(capsys, data_dir, tmp_path, raw)
    assert "forms.marriage" in err


def test_a_signature_stroke_file_nested_too_deep(capsys, data_dir, tmp_path, qapp):
    raw = sample()
    write_case(tmp_path, raw)
    (tmp_path / "sig.json").write_text("{\"strokes\":" + "[" * 100_000 + "]" * 100_000 + "}",
                                       encoding="utf-8")
    raw["forms"]["signatures"] = {"man": "sig.json"}
    err = render_refused(capsys, data_dir, tmp_path, raw, "divorce_application")
    assert "signature.man" in err


# --- the receipt printer never gets control characters --------------------------------------

@pytest.mark.parametrize("name", ["王\x1b@五", "王\r五", "王五\x00", "王\u202e五", "王\x9b五"])
def test_print_receipt_name_with_control_characters(capsys, data_dir, tmp_path, name):
    raw = sample()
    raw["parties"][1]["name"] = name
    out = tmp_path / "receipt.bin"
    err = refused(capsys, data_dir, "print", "receipt", "--case", str(write_case(tmp_path, raw)),
                  "--out", str(out))
    assert "parties[1].name" in err and "U+" in err and not out.exists()


@pytest.mark.parametrize("where", [("forms", "office_name"), ("forms", "receipt_number")])
def test_print_receipt_other_text_with_control_characters(capsys, data_dir, tmp_path, where):
    raw = sample()
    raw[where[0]][where[1]] = "回执\x1bd\x07"
    out = tmp_path / "receipt.bin"
    err = refused(capsys, data_dir, "print", "receipt", "--case", str(write_case(tmp_path, raw)),
                  "--out", str(out))
    assert ".".join(where) in err and not out.exists()


def test_the_receipt_builder_itself_refuses_control_characters():
    from drivers.printer.escpos_text import ReceiptBuilder, UnprintableText

    for text in ("ok\x1bE\x01", "中文\x1d"):
        with pytest.raises(UnprintableText, match="U\\+001"):
            ReceiptBuilder().line(text)


# --- journal stress and --config --------------------------------------------------------------

@pytest.mark.parametrize("argv", [["--entries", "-5"], ["--entries", "0"],
                                  ["--entries", "3", "--attachment-every", "-1"]])
def test_journal_stress_with_a_count_below_one(capsys, data_dir, argv):
    err = refused(capsys, data_dir, "journal", "stress", *argv)
    assert argv[-2] in err and argv[-1] in err


def test_journal_stress_count_checked_by_the_parser_exits_2(capsys, data_dir):
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", str(data_dir), "journal", "stress", "--entries", "x"])
    assert caught.value.code == 2
    assert not (data_dir / "journal.db").exists()


def test_config_naming_a_missing_file(capsys, data_dir, tmp_path):
    missing = tmp_path / "nowhere.toml"
    err = refused(capsys, data_dir, "--config", str(missing), "config", "show")
    assert "找不到配置文件" in err and str(missing) in err


def test_config_naming_a_directory(capsys, data_dir, tmp_path):
    err = refused(capsys, data_dir, "--config", str(tmp_path), "config", "show")
    assert "配置文件" in err and str(tmp_path) in err


# --- archive import: CSV cells the csv module cannot take --------------------------------------

ARCHIVE_HEADER = "事项,登记日期,字号,男方姓名,男方身份证号,女方姓名,女方身份证号\r\n"
ARCHIVE_ROW = "结婚,1986-05-20,J110105-1986-000123,张建国,110105580314031,刘秀英,110105601102042\r\n"


def nothing_imported(data_dir: Path) -> bool:
    from counter_app.reissue import open_archive
    from helpers.journals import open_test_journal

    with open_test_journal(data_dir) as journal:
        archive = open_archive(journal, "test")
        try:
            return archive.index.count() == 0 and not any(
                e.kind == "archive.imported" for e in journal.entries())
        finally:
            archive.index.close()


@pytest.mark.parametrize("cell, reason", [
    ("朝阳\r区", "单独的回车符"),                 # a bare CR inside an unquoted cell
    ('"朝阳\r区"', "回车符（U+000D）"),           # the same inside quotes: a control character
    ("王" * 131_073, "131,072"),                   # past csv's field limit
    ('"' + "王" * 131_073 + '"', "131,072"),
])
def test_archive_import_csv_with_a_bare_cr_or_a_huge_cell(capsys, data_dir, tmp_path, cell,
                                                           reason):
    path = tmp_path / "village.csv"
    bad = ARCHIVE_ROW.replace("张建国", cell).replace("J110105-1986-000123", "J2")
    path.write_bytes((ARCHIVE_HEADER + ARCHIVE_ROW + bad + ARCHIVE_ROW.replace("000123", "9"))
                     .encode("utf-8"))
    code = main(["--data-dir", str(data_dir), "archive", "import", str(path)])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "内部错误" not in err
    assert "第 3 行" in err and reason in err and "整个文件没有导入" in err
    assert nothing_imported(data_dir)
