"""Everything the server tells the counter is signed by the pinned key and verified before it
becomes a journal entry: reference data (operators, number blocks, blank ranges), verdicts,
rejections, 联网核对 answers. A man in the middle (a real proxy on 127.0.0.1) that rewrites or
replays an answer gets it refused; a proxy's unsigned 503 only means "later"."""

from __future__ import annotations

import pytest

from counter_app.numbering.kinds import KIND_NUMBERING_BLOCK_RECEIVED, KIND_STOCK_RANGE_RECEIVED
from sync.errors import ServerError, UntrustedAnswerError
from sync.kinds import (
    KIND_ANSWER_REFUSED,
    KIND_CASE_STATUS,
    KIND_MARITAL_CHECK,
    KIND_REFERENCE,
)
from tests.sync.conftest import enroll, make_engine, start_sim
from tests.sync.tamper import TamperingProxy, rewrite_json

FROM_SERVER = (KIND_NUMBERING_BLOCK_RECEIVED, KIND_STOCK_RANGE_RECEIVED, KIND_REFERENCE,
               KIND_CASE_STATUS, KIND_MARITAL_CHECK)


@pytest.fixture
def proxy(sim):
    p = TamperingProxy(sim.url)
    yield p
    p.stop()


def learnt(journal):
    """Entries made of what the server said."""
    return [e for e in journal.entries() if e.kind in FROM_SERVER]


def refused(journal):
    return [e.payload["requirement"] for e in journal.entries() if e.kind == KIND_ANSWER_REFUSED]


def inject_block(page):
    page["items"].append({"id": "J110101-2026-900001", "version": 1, "deleted": False,
                          "data": {"block_id": "J110101-2026-900001", "prefix": "J",
                                   "division_code": "110101", "year": 2026,
                                   "first_serial": 900001, "last_serial": 900999}})


def inject_operator(page):
    page["items"].append({"id": "evil01", "version": 1, "deleted": False,
                          "data": {"operator_id": "evil01", "name": "冒名者",
                                   "roles": ["supervisor"], "qualified_until": "2099-01-01",
                                   "active": True}})


def reject_cases(answer):
    for case in answer["cases"]:
        case.update(status="rejected", reason_code="forged", reason="伪造的结论")


@pytest.mark.parametrize("path,change", [
    ("/v1/reference/number_blocks", inject_block),
    ("/v1/reference/operators", inject_operator),
    ("/v1/reference/blank_ranges", lambda page: page["items"].clear()),
    ("/v1/entries", reject_cases),
], ids=["number-blocks", "operators", "blank-ranges", "verdicts"])
def test_a_rewritten_answer_becomes_no_entry(proxy, journal, data_dir, path, change):
    enroll(data_dir, journal, proxy.url)
    journal.append("case.opened", {"item": "marriage"}, operator="reg01", case_id="c1")
    proxy.tamper = rewrite_json(path, change)
    engine = make_engine(journal, data_dir)
    result = engine.run_once()
    assert isinstance(result.error, UntrustedAnswerError), result.error
    assert result.error.requirement == "answer.signature" and path in result.error.endpoint
    assert refused(journal) == ["answer.signature"]
    tampered_kind = {"/v1/reference/number_blocks": KIND_NUMBERING_BLOCK_RECEIVED,
                     "/v1/reference/operators": KIND_REFERENCE,
                     "/v1/reference/blank_ranges": KIND_STOCK_RANGE_RECEIVED,
                     "/v1/entries": KIND_CASE_STATUS}[path]
    if path != "/v1/reference/operators":
        assert [e for e in learnt(journal) if e.kind == tampered_kind] == []
    assert journal.query("SELECT * FROM reference_items WHERE item_id = 'evil01'") == []
    assert not [r for r in journal.query("SELECT status FROM sync_case_status")
                if r["status"] == "rejected"]
    engine.close()


def test_an_old_answer_replayed_for_a_new_request_is_refused(proxy, journal, data_dir):
    """The signature covers the request's nonce: a genuine answer, headers and all, cannot
    answer another request (e.g. an old operators page hiding a revocation)."""
    enroll(data_dir, journal, proxy.url)
    engine = make_engine(journal, data_dir)
    assert engine.run_once().ok
    before = len(learnt(journal))
    engine.state.set(**{"cursor:operators": "0"})  # ask for the page again
    proxy.replay = {"/v1/reference/operators"}
    result = engine.run_once()
    assert isinstance(result.error, UntrustedAnswerError)
    assert result.error.requirement == "answer.signature"
    assert len(learnt(journal)) == before
    engine.close()


def test_a_check_answer_changed_in_transit_is_refused(proxy, journal, data_dir):
    enroll(data_dir, journal, proxy.url)
    proxy.tamper = rewrite_json("/v1/marital-checks",
                                lambda r: r["answer"].update(outcome="blocked"))
    engine = make_engine(journal, data_dir)
    parties = [{"role": "female", "id_number": "110101199202022345"}]
    with pytest.raises(UntrustedAnswerError) as err:
        engine.marital_check("c5", "marriage", parties, operator="reg01")
    assert err.value.requirement == "answer.signature"
    assert journal.query("SELECT * FROM marital_checks") == []
    engine.close()


def test_a_server_with_bad_signatures_teaches_the_counter_nothing(tmp_path, journal, data_dir):
    sim = start_sim(tmp_path / "sim")
    try:
        enroll(data_dir, journal, sim.url)
        sim.sim.faults.lies = ("bad_signature",)
        engine = make_engine(journal, data_dir)
        result = engine.run_once()
        assert isinstance(result.error, UntrustedAnswerError)
        assert learnt(journal) == [] and refused(journal) == ["answer.signature"]
        assert engine.state.acked_seq == 0
        engine.close()
    finally:
        sim.stop()


def test_an_unsigned_503_only_means_later(tmp_path, journal, data_dir):
    """A proxy in front of the server answers 503 without the server's signature: retried,
    not refused."""
    sim = start_sim(tmp_path / "sim")
    try:
        enroll(data_dir, journal, sim.url)
        sim.sim.faults.lies = ("bad_signature",)
        sim.sim.faults.probabilities = {"5xx": 1.0}
        engine = make_engine(journal, data_dir, max_attempts=3)
        result = engine.run_once()
        assert isinstance(result.error, ServerError) and result.error.retryable
        assert result.error.server_code == "unavailable" and refused(journal) == []
        engine.close()
    finally:
        sim.stop()


def test_an_enrolment_answer_not_signed_by_its_key_is_refused(tmp_path, journal, data_dir):
    sim = start_sim(tmp_path / "sim", "lie=bad_signature")
    try:
        with pytest.raises(UntrustedAnswerError) as err:
            enroll(data_dir, journal, sim.url)
        assert err.value.requirement == "answer.signature"
        assert not (data_dir / "sync" / "enrolment.json").exists()
    finally:
        sim.stop()
