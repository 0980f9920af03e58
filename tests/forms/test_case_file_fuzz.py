"""Whatever a case file's ``forms`` object and a party's particulars hold, the form's pages are
made from checked text or the field is named (CaseFileError / CaseInputError): never a
traceback, never a dict, "None" or a control character on a page."""

from __future__ import annotations

import json

from formcheck import DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app.domain.text import forbidden_char
from counter_app.errors import CounterAppError
from forms.case_data import CaseFile, pages_for
from forms.model import format_value, load_form

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8)
    | st.sampled_from(["2026-02-30", "9999-12-31", "man", "man.png", "王\x1b五", "lost"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["man", "scan", "date", "party", "kind", "x"]), inner, max_size=3),
    max_leaves=6)

FORMS_KEYS = ["office_name", "joint_photo", "documents", "opinion", "certificate", "marriage",
              "agreement", "withdrawal", "refusal", "signatures", "fingerprints", "receipt_number",
              "unknown"]
PARTY_KEYS = ["name", "photo", "marital_status", "occupation", "phone", "ethnicity", "address"]


@given(st.sampled_from(["divorce", "marriage", "reissue"]), st.booleans(),
       st.sampled_from(FORMS_KEYS + PARTY_KEYS), json_values)
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_mutated_case_file_makes_clean_pages_or_names_the_field(sample, nested, key, value):
    raw = json.loads((DATA / f"{sample}.json").read_text(encoding="utf-8"))
    if key in PARTY_KEYS:
        raw["parties"][0][key] = value
    elif nested and isinstance(raw["forms"].get(key), dict):
        raw["forms"][key]["date" if key == "withdrawal" else "x"] = value
    else:
        raw["forms"][key] = value
    form_id = {"divorce": "divorce_withdrawal", "marriage": "marriage_review",
               "reissue": "reissue_review"}[sample]
    try:
        pages = pages_for(load_form(form_id), CaseFile.from_json(raw), DATA)
    except CounterAppError as err:
        assert "案件文件" in err.message_zh
        return
    for _, data in pages:
        for name, shown in data.values.items():
            text = format_value(shown, "")
            assert "{" not in text and forbidden_char(text, allow="\n") is None, (name, text)
            assert text != "None", name
