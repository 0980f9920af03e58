"""Each party's declaration: signed on the page it was shown, fingerprinted, witnessed by the
registrar — journaled, encrypted, and invalidated when the page changes afterwards."""

from __future__ import annotations

from datetime import date

import pytest
from people import MAN, OFFICE, WOMAN

from helpers.journals import open_test_journal
from counter_app.workflows.declarations import (
    DeclarationError,
    Declarations,
    signed_declaration_pages,
)
from counter_app.workflows.intake import MarriageIntake
from drivers.fingerprint.simulator import SimulatorPad
from drivers.signature.simulator import recording
from forms.qt import signing
from forms.qt.signing import SignatureInvalidated

DAY = date(2026, 5, 20)
OFFICE_NAME = "北京市朝阳区民政局婚姻登记处"


@pytest.fixture(autouse=True)
def _qt_app(qapp):
    return qapp  # the pages are painted (QPdfWriter needs a Qt application)


@pytest.fixture
def journal(tmp_path):
    with open_test_journal(tmp_path / "data", key_store="file", staff=True) as j:
        yield j


@pytest.fixture
def case_id(journal):
    intake = MarriageIntake(journal, OFFICE, operator="reg01")
    case_id = intake.open()
    for party in (MAN, WOMAN):
        intake.record_party(case_id, party, source="card")
    for role in ("man", "woman"):
        intake.record_answers(case_id, role, voluntary=True, kinship_declared_none=True)
    intake.check(case_id, DAY)
    return case_id


def flow_for(journal, operator="reg01"):
    return Declarations(journal, operator, signing, OFFICE, OFFICE_NAME, today=lambda: DAY)


def finger(seed=1, placement=1.0):
    with SimulatorPad(seed=seed, placement=placement) as pad:
        return pad.capture(timeout_s=1)


def declare(flow, case_id, role, signer="party_a"):
    flow.sign(case_id, role, recording(signer), marital_status="unmarried",
              occupation="教师", education="大学本科")
    flow.add_fingerprint(case_id, role, finger())
    flow.witness(case_id, role)


def test_both_declarations_signed_fingerprinted_and_witnessed(journal, case_id):
    flow = flow_for(journal)
    assert not flow.done(case_id)
    declare(flow, case_id, "man")
    assert not flow.done(case_id) and flow.state(case_id)["man"].next_action == "done"
    declare(flow, case_id, "woman", "party_b")
    assert flow.done(case_id)
    kinds = [e.kind for e in journal.entries(case_id=case_id)]
    for kind in ("declaration.details", "signature.captured", "declaration.fingerprint",
                 "declaration.witnessed"):
        assert kinds.count(kind) == 2
    witnessed = [e for e in journal.entries(case_id=case_id) if e.kind == "declaration.witnessed"]
    assert {e.operator for e in witnessed} == {"reg01"}
    assert {e.payload["witness"] for e in witnessed} == {"reg01"}


def test_the_signature_is_bound_to_the_exact_page_shown(journal, case_id):
    import hashlib

    flow = flow_for(journal)
    details = {"marital_status": "unmarried", "occupation": "教师", "education": "大学本科"}
    form, shown = flow.page(case_id, "man", details)
    assert shown.values["party.name"] == "王䶮" and shown.values["party.marital_status"] == "未婚"
    assert shown.values["party.other_name"] == "李梅" and shown.values["office.name"] == OFFICE_NAME
    record = flow.sign(case_id, "man", recording("party_a"), **details)
    from forms.qt.signing import document_digest
    assert record.document_sha256 == document_digest(form, shown)
    entry = next(e for e in journal.entries(case_id=case_id) if e.kind == "signature.captured")
    pdf = journal.get_attachment(entry.attachments[0]["sha256"])
    assert hashlib.sha256(pdf).hexdigest() == record.document_sha256  # the page, archived


def test_a_party_edit_after_signing_invalidates_the_declaration(journal, case_id):
    flow = flow_for(journal)
    declare(flow, case_id, "man")
    declare(flow, case_id, "woman", "party_b")
    assert flow.done(case_id)
    # The review page corrects the man's address (a new intake.party record of the case).
    journal.append("intake.party", {"role": "man", "source": "review",
                                    "party": {**MAN, "address": "北京市朝阳区某街1号"}},
                   operator="reg01", case_id=case_id)
    state = flow.state(case_id)
    assert not flow.done(case_id)
    assert state["man"].invalidated and state["man"].next_action == "sign"
    assert state["woman"].next_action == "done"  # her page did not change
    with pytest.raises(DeclarationError, match="须重新签署"):
        signed_declaration_pages(journal, case_id, signing)
    with pytest.raises(DeclarationError, match="还没有签名并按指纹"):
        flow.witness(case_id, "man")  # the old witness cannot be repeated on the new page
    declare(flow, case_id, "man")
    assert flow.done(case_id)


def test_changed_details_need_a_new_signature(journal, case_id):
    flow = flow_for(journal)
    declare(flow, case_id, "man")
    flow.sign(case_id, "man", recording("party_a"), marital_status="divorced")
    state = flow.state(case_id)["man"]
    assert state.signed and state.next_action == "fingerprint"  # fingerprint + witness again
    assert flow.page(case_id, "man")[1].values["party.marital_status"] == "离婚"


def test_the_fingerprint_is_an_encrypted_attachment(journal, case_id):
    flow = flow_for(journal)
    flow.sign(case_id, "man", recording("party_a"), marital_status="unmarried")
    sample = finger(seed=5)
    flow.add_fingerprint(case_id, "man", sample)
    entry = next(e for e in journal.entries(case_id=case_id)
                 if e.kind == "declaration.fingerprint")
    assert entry.payload["quality"] == sample.quality
    assert journal.get_attachment(entry.payload["image_sha256"]) == sample.png()
    assert journal.get_attachment(entry.payload["template_sha256"]) == sample.template
    stored = [p for p in (journal.path.parent / "attachments").rglob("*") if p.is_file()]
    assert stored and not any(b"\x89PNG" in p.read_bytes() or sample.template in p.read_bytes()
                              for p in stored)


def test_steps_out_of_order_or_unusable_are_refused_in_chinese(journal, case_id):
    flow = flow_for(journal)
    with pytest.raises(DeclarationError, match="请先签名"):
        flow.add_fingerprint(case_id, "man", finger())
    with pytest.raises(DeclarationError, match="婚姻状况"):
        flow.sign(case_id, "man", recording("party_a"), marital_status="")
    flow.sign(case_id, "man", recording("party_a"), marital_status="unmarried")
    with pytest.raises(DeclarationError, match="还没有签名并按指纹"):
        flow.witness(case_id, "man")
    with pytest.raises(DeclarationError, match="指纹不清晰") as caught:
        flow.add_fingerprint(case_id, "man", finger(placement=0.3))
    assert caught.value.code == "declaration.poor_print"
    assert [e.kind for e in journal.entries(case_id=case_id)].count(
        "declaration.fingerprint") == 0
    from drivers.signature.model import Signature, SignatureError
    with pytest.raises(SignatureError, match="签名"):
        flow.sign(case_id, "woman", Signature((), 440, 120), marital_status="unmarried")


def test_signed_pages_carry_the_strokes_and_the_fingerprint(journal, case_id):
    flow = flow_for(journal)
    with pytest.raises(DeclarationError, match="还没有签名"):
        signed_declaration_pages(journal, case_id, signing)
    declare(flow, case_id, "man")
    declare(flow, case_id, "woman", "party_b")
    pages = signed_declaration_pages(journal, case_id, signing)
    assert [role for role, _ in pages] == ["man", "woman"]
    for role, (form, data) in pages:
        assert form.form_id == "marriage_declaration"
        assert data.strokes["party.signature"][2]  # the strokes, fitted into the slot
        assert data.images["party.fingerprint"].startswith(b"\x89PNG")
        assert "signature.registrar" not in data.strokes  # handwritten by the 监誓人
    assert pages[1][1][1].values["party.name"] == "李梅"


def test_a_closed_case_cannot_be_signed_any_more(journal, case_id):
    from counter_app.cases.service import CaseService

    flow = flow_for(journal)
    flow.sign(case_id, "man", recording("party_a"), marital_status="unmarried")
    CaseService(journal).transition(case_id, "refused", operator="reg01", reason="test")
    with pytest.raises(DeclarationError, match="不能再签署"):
        flow.add_fingerprint(case_id, "man", finger())
    with pytest.raises(DeclarationError, match="不能再签署"):
        flow.sign(case_id, "woman", recording("party_b"), marital_status="unmarried")
    assert flow.state(case_id)["man"].signed  # what was done stays readable


def test_signature_invalidated_is_caught_when_printing_a_stale_page(journal, case_id):
    flow = flow_for(journal)
    declare(flow, case_id, "man")
    party = flow.state(case_id)["man"]
    journal.append("intake.party", {"role": "man", "source": "review",
                                    "party": {**MAN, "name": "王䶮二"}},
                   operator="reg01", case_id=case_id)
    form, data = flow.page(case_id, "man", {"marital_status": "unmarried",
                                            "occupation": "教师", "education": "大学本科"})
    from forms.qt.signing import check_signatures
    with pytest.raises(SignatureInvalidated):
        check_signatures(form, data, [party.signature])


def test_a_card_read_ethnicity_is_printed_by_name(journal):
    intake = MarriageIntake(journal, OFFICE, operator="reg01")
    case_id = intake.open()
    intake.record_party(case_id, {**MAN, "ethnicity": {"code": "01", "name": "汉"},
                                  "address": "北京市西城区某胡同1号"}, source="card")
    intake.record_party(case_id, WOMAN, source="manual")
    for role in ("man", "woman"):
        intake.record_answers(case_id, role, voluntary=True, kinship_declared_none=True)
    intake.check(case_id, DAY)
    values = flow_for(journal).page(case_id, "man", {"marital_status": "unmarried"})[1].values
    assert values["party.ethnicity"] == "汉族"
    assert values["party.address"] == "北京市西城区某胡同1号"
