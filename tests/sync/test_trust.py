"""The client believes no answer it has not checked: against a lying simulator (real HTTP on
127.0.0.1) every lie is refused, journaled, shown on the outbox with a Chinese reason, and
never reported as "all sent"; the pure checks refuse the lies the simulator cannot tell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync import answers, outbox, protocol
from sync.answers import Batch, Held
from sync.errors import ProtocolError, UntrustedAnswerError
from sync.kinds import KIND_ANSWER_REFUSED
from tests.sync.conftest import enroll, make_engine, start_sim
from tests.sync.test_cli import run

ROOT = Path(__file__).resolve().parents[2]

@pytest.fixture
def liar(tmp_path):
    """A simulator that tells the truth at enrolment and lies afterwards (set ``lies``)."""
    server = start_sim(tmp_path / "liar")
    yield server
    server.stop()


def refusals(journal):
    return [e for e in journal.entries() if e.kind == KIND_ANSWER_REFUSED]


def sync_against(liar, journal, data_dir, lie: str):
    enroll(data_dir, journal, liar.url)
    journal.append("case.opened", {"item": "marriage"}, operator="reg01", case_id="c1")
    liar.sim.faults.lies = (lie,)
    engine = make_engine(journal, data_dir)
    result = engine.run_once()
    return engine, result


def test_an_ack_beyond_the_batch_is_refused_journaled_and_never_all_sent(liar, journal,
                                                                         data_dir):
    engine, result = sync_against(liar, journal, data_dir, "ack_beyond")
    assert not result.ok and isinstance(result.error, UntrustedAnswerError)
    assert result.error.requirement == "batch.position"
    head = journal.head()[0]
    assert engine.state.acked_seq < head
    [refusal] = refusals(journal)
    assert refusal.payload["requirement"] == "batch.position"
    assert "未发送" in refusal.payload["reason"] and "acked_seq" in refusal.payload["evidence"]
    status = outbox.status(journal, engine.state)
    assert status["all_sent"] is False and status["pending_entries"] > 0
    assert status["refused_answers"][0]["requirement"] == "batch.position"
    assert "未发送" in status["last_error"]["message"]
    # the engine stops until a person looks: the next cycle sends nothing
    requests_before = result.actions
    again = engine.run_once()
    assert not again.ok and again.stage == "blocked" and again.actions <= requests_before
    engine.close()


def test_a_verdict_for_a_case_never_sent_is_refused(liar, journal, data_dir):
    engine, result = sync_against(liar, journal, data_dir, "wrong_case")
    assert isinstance(result.error, UntrustedAnswerError)
    assert result.error.requirement == "verdict.case"
    assert journal.query("SELECT case_id FROM sync_case_status") == []
    assert refusals(journal)[0].payload["requirement"] == "verdict.case"
    assert not outbox.status(journal, engine.state)["all_sent"]
    engine.close()


def test_a_position_for_another_office_is_refused(liar, journal, data_dir):
    engine, result = sync_against(liar, journal, data_dir, "wrong_office")
    assert isinstance(result.error, UntrustedAnswerError)
    assert result.error.requirement == "position.identity"
    assert engine.state.acked_seq == 0 and "不是关于本机" in result.error.message_zh
    engine.close()


def test_a_check_answer_for_another_request_is_refused_on_the_case(liar, journal, data_dir):
    enroll(data_dir, journal, liar.url)
    liar.sim.faults.lies = ("wrong_request_id",)
    engine = make_engine(journal, data_dir)
    parties = [{"role": "female", "id_number": "110101199202022345"}]
    with pytest.raises(UntrustedAnswerError) as err:
        engine.marital_check("c5", "marriage", parties, operator="reg01", request_id="r5")
    assert err.value.requirement == "check.match" and "不符" in err.value.message_zh
    assert journal.query("SELECT * FROM marital_checks") == []
    [refusal] = refusals(journal)
    assert refusal.case_id == "c5" and "request_id" in refusal.payload["evidence"]
    engine.close()


def test_the_same_lie_seen_twice_is_journaled_once(liar, journal, data_dir):
    enroll(data_dir, journal, liar.url)
    liar.sim.faults.lies = ("wrong_request_id",)
    engine = make_engine(journal, data_dir)
    parties = [{"role": "female", "id_number": "110101199202022345"}]
    for _ in range(2):
        with pytest.raises(UntrustedAnswerError):
            engine.marital_check("c5", "marriage", parties, operator="reg01", request_id="r5")
    assert len(refusals(journal)) == 1
    engine.close()


def test_sync_once_against_a_liar_exits_1_and_never_says_all_sent(tmp_path, data_dir):
    sim = start_sim(tmp_path / "sim")
    try:
        assert run(data_dir, "enroll", "--server", sim.url, "--office", "110101").returncode == 0
        sim.sim.faults.lies = ("ack_beyond",)
        out = run(data_dir, "sync", "--once")
        assert out.returncode == 1, out.stdout + out.stderr
        assert "all sent no" in out.stdout and "未发送" in out.stderr
        status = json.loads(run(data_dir, "sync", "status", "--json").stdout)
        assert status["all_sent"] is False and status["pending_entries"] >= 1
        assert status["refused_answers"][0]["requirement"] == "batch.position"
        text = run(data_dir, "sync", "status").stdout
        assert "all sent: 否 no" in text and "拒收的应答" in text
        assert sim.sim.store.position(json.loads(
            (data_dir / "sync" / "enrolment.json").read_text())["machine_id"])[0] >= 1
    finally:
        sim.stop()


def test_an_honest_cycle_ends_all_sent(sim, enrolled, journal, data_dir):
    journal.append("case.opened", {"item": "marriage"}, operator="reg01", case_id="c1")
    engine = make_engine(journal, data_dir)
    assert engine.run_once().ok
    status = outbox.status(journal, engine.state)
    assert status["all_sent"] is True and status["refused_answers"] == []
    engine.close()


# --- the pure checks, for lies the simulator does not tell ----------------------------------
HELD = {1: Held("e1", "c1", "h1"), 2: Held("e2", "c1", "h2"), 3: Held("e3", None, "h3")}


def batch_answer(acked=3, acked_hash="h3", results=(), cases=()):
    return {"acked_seq": acked, "acked_hash": acked_hash, "results": list(results),
            "cases": list(cases)}


def requirement_of(call):
    with pytest.raises(UntrustedAnswerError) as err:
        call()
    return err.value.requirement


def test_batch_checks():
    ok = answers.check_batch(batch_answer(results=[
        {"seq": 2, "entry_id": "e2", "case_id": "c1", "status": "rejected", "reason": "x"},
        {"seq": 1, "entry_id": "e1", "case_id": "c1", "status": "stored"}]),
        Batch(2, 3), HELD, {"c1"})
    assert ok.acked_seq == 3 and [r["seq"] for r in ok.rejections] == [2]
    assert answers.check_batch(batch_answer(acked=1, acked_hash="h1"), Batch(2, 3), HELD,
                               set()).acked_seq == 1  # a prefix: nothing of the batch held yet
    cases = [
        (batch_answer(acked=4, acked_hash="h4"), "batch.position"),
        (batch_answer(acked=0, acked_hash=protocol.GENESIS_HASH), "batch.position"),
        (batch_answer(acked_hash="made-up"), "batch.hash"),
        (batch_answer(results=[{"seq": 3, "entry_id": "other", "case_id": None,
                                "status": "stored"}]), "batch.results"),
        (batch_answer(acked=2, acked_hash="h2", results=[
            {"seq": 3, "entry_id": "e3", "case_id": None, "status": "stored"}]), "batch.results"),
        (batch_answer(results=[{"seq": 3, "entry_id": "e3", "case_id": None,
                                "status": "accepted"}]), "batch.results"),
        (batch_answer(cases=[{"case_id": "c9", "status": "accepted", "version": 1}]),
         "verdict.case"),
        (batch_answer(cases=[{"case_id": "c1", "status": "approved", "version": 1}]),
         "verdict.case"),
    ]
    for body, requirement in cases:
        assert requirement_of(lambda b=body: answers.check_batch(
            b, Batch(2, 3), HELD, {"c1"})) == requirement, body
    with pytest.raises(ProtocolError):
        answers.check_batch({"acked_seq": "3", "results": []}, Batch(2, 3), HELD, set())


def test_gap_checks():
    assert answers.check_gap({"acked_seq": 1, "acked_hash": "h1"}, Batch(3, 3), HELD) == (1, "h1")
    assert answers.check_gap({"acked_seq": 0, "acked_hash": protocol.GENESIS_HASH},
                             Batch(3, 3), HELD)[0] == 0
    for body in ({"acked_seq": 2, "acked_hash": "h2"},     # not a gap: the seq before the batch
                 {"acked_seq": 5, "acked_hash": "h5"},     # ahead of everything
                 {"acked_seq": 1, "acked_hash": "other"}):  # not our entry there
        assert requirement_of(lambda b=body: answers.check_gap(b, Batch(3, 3), HELD)) == \
            "gap.position"


def test_attachment_checks():
    sha = "a" * 64
    assert answers.check_chunk({"sha256": sha, "received": 150, "complete": False}, sha, 100,
                               50, 200) == (150, False)
    assert answers.check_chunk({"sha256": sha, "received": 0, "complete": True}, sha, 0, 0,
                               0) == (0, True)
    for body in ({"sha256": sha, "received": 151, "complete": False},   # bytes never sent
                 {"sha256": sha, "received": 150, "complete": True},    # complete too early
                 {"sha256": "b" * 64, "received": 150, "complete": False}):
        assert requirement_of(lambda b=body: answers.check_chunk(b, sha, 100, 50, 200)) == \
            "attachment.progress"
    assert answers.check_offset_error({"sha256": sha, "received": 80}, sha, 200) == (80, False)
    assert requirement_of(lambda: answers.check_offset_error(
        {"sha256": sha, "received": 201}, sha, 200)) == "attachment.progress"


def test_feed_checks():
    assert answers.check_page({"items": [], "next_cursor": "7", "more": False}, "f") == (
        [], "7", False)
    assert requirement_of(lambda: answers.check_page(
        {"items": [], "next_cursor": "7", "more": True}, "f")) == "feed.page"
    ok = [{"seq": 2, "entry_id": "e2", "case_id": "c1", "status": "rejected"}]
    assert answers.check_rejections(ok, 3, HELD) == ok
    for item in ({"seq": 2, "entry_id": "e1", "case_id": "c1", "status": "rejected"},
                 {"seq": 4, "entry_id": "e4", "case_id": "c1", "status": "rejected"},
                 {"seq": 2, "entry_id": "e2", "case_id": "c1", "status": "stored"}):
        assert requirement_of(lambda i=item: answers.check_rejections([i], 3, HELD)) == \
            "feed.rejection"


def test_position_and_block_checks():
    answers.check_position({"machine_id": "M1", "office_code": "110101"}, "M1", "110101")
    assert requirement_of(lambda: answers.check_position(
        {"machine_id": "M2", "office_code": "110101"}, "M1", "110101")) == "position.identity"
    answers.check_block_office({"data": {"division_code": "110101"}}, "110101")
    assert requirement_of(lambda: answers.check_block_office(
        {"data": {"division_code": "532529"}}, "110101")) == "reference.office"


def test_every_requirement_is_documented():
    doc = (ROOT / "docs" / "sync-protocol.md").read_text(encoding="utf-8")
    assert [r for r in answers.REQUIREMENTS if f"`{r}`" not in doc] == []
