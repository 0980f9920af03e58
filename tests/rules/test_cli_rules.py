"""``counter-app rules check`` / ``rules explain``: the public JSON shape and every bad input."""

from __future__ import annotations

import json

import pytest
from casebuilder import make_case

from counter_app.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def case_file(tmp_path):
    def write(case, text=None):
        path = tmp_path / "case.json"
        path.write_text(text if text is not None else json.dumps(case, ensure_ascii=False),
                        encoding="utf-8")
        return str(path)
    return write


def test_check_json_shape_exactly(capsys, case_file, data_dir):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "rules", "check",
                       case_file(make_case()), "--json")
    assert code == 0
    answer = json.loads(out)
    assert list(answer) == ["decision", "item", "reasons", "required_documents",
                            "offline_allowed", "packs"]
    assert answer["decision"] == "accept" and answer["item"] == "marriage"
    assert answer["packs"] == ["divorce-cooling-off-2021", "national-2025"]
    assert all(set(r) == {"code", "message_zh", "basis"} for r in answer["reasons"])


def test_check_text_output_says_the_decision_in_chinese(capsys, case_file, data_dir):
    case = make_case()
    case["parties"][0]["voluntary"] = False
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "rules", "check", case_file(case))
    assert code == 0 and "不予办理" in out and "marriage.not_voluntary" in out and "依据" in out


def _drop(case, *path):
    target = case
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return case


@pytest.mark.parametrize("mutate, field", [
    (lambda c: _drop(c, "item"), "item"),
    (lambda c: c.update(item="wedding"), "item"),
    (lambda c: c.update(date="2026/11/23"), "date"),
    (lambda c: c.update(date="2026-02-30"), "date"),
    (lambda c: _drop(c, "office", "level"), "office.level"),
    (lambda c: c["office"].update(region_code="1101"), "office.region_code"),
    (lambda c: c["office"].update(popup="no"), "office.popup"),
    (lambda c: c.update(parties=[]), "parties"),
    (lambda c: _drop(c, "parties", 1, "birth_date"), "parties[1].birth_date"),
    (lambda c: c["parties"][0].update(id_type="card"), "parties[0].id_type"),
    (lambda c: c["parties"][0].update(id_valid_until="forever"), "parties[0].id_valid_until"),
    (lambda c: c["parties"][1].update(nationality="cn"), "parties[1].nationality"),
    (lambda c: c["parties"][1].update(sex="male"), "parties[1].sex"),
    (lambda c: c["parties"][0].update(marital_status_check="single"),
     "parties[0].marital_status_check"),
    (lambda c: _drop(c, "parties", 0, "voluntary"), "parties[0].voluntary"),
    (lambda c: c["parties"][0].update(hukou_region_code=None), "parties[0].hukou_region_code"),
])
def test_malformed_case_names_the_field_exit_2(capsys, case_file, data_dir, mutate, field):
    case = make_case()
    mutate(case)
    code, out, err = run(capsys, "--data-dir", str(data_dir), "rules", "check", case_file(case))
    assert code == 2 and out == ""
    assert field in err and "Traceback" not in err


@pytest.mark.parametrize("item, missing", [
    ("divorce_completion", "receipt_date"), ("divorce_application", "agreement_signed"),
    ("reissue", "archive_record_found")])
def test_item_specific_fields_are_required(capsys, case_file, data_dir, item, missing):
    case = make_case(item=item)
    del case[missing]
    code, _, err = run(capsys, "--data-dir", str(data_dir), "rules", "check", case_file(case))
    assert code == 2 and missing in err


def test_not_json_and_missing_file(capsys, case_file, data_dir, tmp_path):
    code, _, err = run(capsys, "--data-dir", str(data_dir), "rules", "check",
                       case_file(None, text='{"item": '))
    assert code == 2 and "JSON" in err and "第 1 行" in err
    code, _, err = run(capsys, "--data-dir", str(data_dir), "rules", "check",
                       str(tmp_path / "nope.json"))
    assert code == 2 and "无法读取" in err


def test_explain_known_office_json(capsys, data_dir):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "rules", "explain",
                       "--office", "445222-XZ01", "--date", "2022-01-10", "--json")
    assert code == 0
    answer = json.loads(out)
    ids = [p["id"] for p in answer["packs"]]
    assert ids == ["national-2003", "divorce-cooling-off-2021", "kuasheng-pilot-2021",
                   "jieyang-quancheng-2021"]
    assert all(r["basis"] for p in answer["packs"] for r in p["rules"])


def test_explain_popup_and_described_office(capsys, data_dir):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "rules", "explain",
                       "--office", "X1", "--date", "2026-11-23", "--level", "township",
                       "--region", "330281", "--popup")
    assert code == 0 and "popup-reissue-points" in out and "临时补证点" in out


@pytest.mark.parametrize("argv, needle", [
    (["--office", "NOPE", "--date", "2026-11-23"], "NOPE"),
    (["--office", "110105-HY", "--date", "23.11.2026"], "--date"),
    (["--office", "X", "--date", "2026-11-23", "--level", "county"], "--region"),
])
def test_explain_bad_input_exit_2(capsys, data_dir, argv, needle):
    code, _, err = run(capsys, "--data-dir", str(data_dir), "rules", "explain", *argv)
    assert code == 2 and needle in err


def test_check_reads_stdin(capsys, data_dir, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(make_case())))
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "rules", "check", "-", "--json")
    assert code == 0 and json.loads(out)["decision"] == "accept"
