"""The engine against a real simulator on 127.0.0.1: happy path, verdicts, failures."""

from __future__ import annotations

import hashlib
import os

import pytest

from counter_app.numbering.kinds import KIND_NUMBERING_BLOCK_RECEIVED, KIND_STOCK_RANGE_RECEIVED
from sync import outbox
from sync.errors import NetworkError, NotEnrolledError
from tests.sync.conftest import enroll, machine_id, make_engine, start_sim


def add_case(journal, case_id: str, scans: int = 1, size: int = 10_000, kind="case.opened",
             payload=None):
    refs = [journal.put_attachment(os.urandom(size), "image/jpeg") for _ in range(scans)]
    return journal.append(kind, payload or {"item": "marriage"}, operator="reg01",
                          case_id=case_id, attachments=refs)


def assert_server_has_everything(sim, journal, data_dir):
    ledger = sim.sim.store.ledger(machine_id(data_dir))
    local = list(journal.entries())
    assert [(e["seq"], e["entry_id"], e["hash"]) for e in ledger] == [
        (e.seq, e.entry_id, e.hash) for e in local]
    for entry in local:
        for ref in entry.attachments:
            blob = sim.sim.store.blob_path(ref["sha256"]).read_bytes()
            assert hashlib.sha256(blob).hexdigest() == ref["sha256"]


def test_everything_arrives_and_reference_data_becomes_entries(sim, enrolled, journal,
                                                               data_dir):
    add_case(journal, "c1", scans=2)
    add_case(journal, "c2", scans=1, size=50_000)
    engine = make_engine(journal, data_dir)
    result = engine.run_once()
    assert result.ok, result.error
    assert_server_has_everything(sim, journal, data_dir)
    blocks = [e.payload for e in journal.entries() if e.kind == KIND_NUMBERING_BLOCK_RECEIVED]
    assert sorted(b["prefix"] for b in blocks) == ["BJ", "BL", "J", "L"]
    assert set(blocks[0]) == {"block_id", "prefix", "division_code", "year", "first_serial",
                              "last_serial", "source"}
    assert blocks[0]["division_code"] == "110101" and blocks[0]["source"] == "server"
    ranges = [e.payload for e in journal.entries() if e.kind == KIND_STOCK_RANGE_RECEIVED]
    assert {r["certificate"] for r in ranges} == {"marriage", "divorce"}
    offices = journal.query("SELECT item_id FROM reference_items WHERE collection='offices'")
    assert {"110101", "532529"} <= {r["item_id"] for r in offices}
    status = outbox.status(journal, engine.state)
    assert status["pending_entries"] == 0 and status["pending_attachments"] == 0
    assert status["last_success"] and status["last_error"] is None
    accepted = journal.query("SELECT case_id, status FROM sync_case_status ORDER BY case_id")
    assert accepted == [{"case_id": "c1", "status": "accepted"},
                        {"case_id": "c2", "status": "accepted"}]
    # a second cycle pulls nothing twice
    before = journal.head()[0]
    assert engine.run_once().ok
    assert sum(1 for e in journal.entries(before) if e.kind.startswith(("numbering", "ref"))) == 0
    engine.close()


def test_server_clock_offset_is_recorded(tmp_path, journal, data_dir):
    sim = start_sim(tmp_path / "sim", "skew_s=600")
    try:
        enroll(data_dir, journal, sim.url)
        engine = make_engine(journal, data_dir)
        assert engine.run_once().ok
        assert abs(journal.server_offset().offset_ms - 600_000) < 5_000
        engine.close()
    finally:
        sim.stop()


def test_rejections_surface_with_their_reason(tmp_path, journal, data_dir):
    sim = start_sim(tmp_path / "sim", "reject=1")
    try:
        enroll(data_dir, journal, sim.url)
        rejected = add_case(journal, "c9", scans=0)
        engine = make_engine(journal, data_dir)
        assert engine.run_once().ok
        rows = journal.query("SELECT * FROM sync_rejections")
        assert [r["entry_id"] for r in rows] == [rejected.entry_id]
        assert "材料不齐" in rows[0]["reason"] and rows[0]["reason_code"] == "incomplete_documents"
        case = [c for c in outbox.status(journal, engine.state)["cases"] if c["case_id"] == "c9"]
        assert case[0]["server_status"] == "rejected" and "材料不齐" in case[0]["reason"]
        engine.close()
    finally:
        sim.stop()


def test_conflict_after_an_emergency_offline_registration(tmp_path, journal, data_dir):
    sim = start_sim(tmp_path / "sim", "married=110101199001011234")
    try:
        enroll(data_dir, journal, sim.url)
        parties = [{"role": "male", "id_number": "110101199001011234"},
                   {"role": "female", "id_number": "110101199202022345"}]
        add_case(journal, "c7", scans=0, kind="case.registered",
                 payload={"item": "marriage", "parties": parties, "mode": "emergency"})
        engine = make_engine(journal, data_dir)
        assert engine.run_once().ok
        row = journal.query("SELECT * FROM sync_case_status WHERE case_id = 'c7'")[0]
        assert row["status"] == "conflict" and row["reason_code"] == "party_already_married"
        assert "冲突" in row["reason"]
        engine.close()
    finally:
        sim.stop()


def test_metadata_overtakes_a_half_sent_scan(sim, enrolled, journal, data_dir):
    add_case(journal, "big", scans=1, size=200_000)
    engine = make_engine(journal, data_dir)
    for _ in range(8):  # handshake, entries, then a few chunks of the big scan
        engine.step()
    assert 0 < engine.snapshot().attachments[0].received < 200_000
    add_case(journal, "urgent", scans=1, size=1_000)
    assert engine.step().stage == "metadata"
    # the server's verdict ("pending") became a bookkeeping entry that waits for the scans
    assert journal.query("SELECT status FROM sync_case_status WHERE case_id = 'urgent'") == [
        {"status": "pending"}]
    nxt = engine.snapshot()
    assert nxt.acked_seq < nxt.head_seq and not nxt.business_pending
    smallest = min(nxt.attachments, key=lambda a: a.size)
    assert smallest.size == 1_000 and len(nxt.attachments) == 2
    assert engine.step().sha256 == smallest.sha256
    assert engine.run_once().ok
    engine.close()


def test_lost_sync_state_is_rebuilt_without_duplicates(sim, enrolled, journal, data_dir):
    add_case(journal, "c1", scans=2)
    engine = make_engine(journal, data_dir)
    assert engine.run_once().ok
    engine.close()
    (data_dir / "sync" / "state.db").unlink()
    for suffix in ("-wal", "-shm"):
        (data_dir / "sync" / f"state.db{suffix}").unlink(missing_ok=True)
    head = journal.head()[0]
    engine = make_engine(journal, data_dir)
    assert engine.run_once().ok
    assert engine.state.acked_seq == journal.head()[0]
    # nothing pulled twice, no attachment completed twice
    assert all(not e.kind.startswith(("numbering", "stock", "reference"))
               for e in journal.entries(head))
    rows = sim.sim.store.db.execute("SELECT completions FROM attachments").fetchall()
    assert [r[0] for r in rows] == [1, 1]
    assert_server_has_everything(sim, journal, data_dir)
    engine.close()


def test_unreachable_server_is_a_retryable_error_with_a_message(tmp_path, journal, data_dir):
    sim = start_sim(tmp_path / "sim")
    enroll(data_dir, journal, sim.url)
    sim.stop()
    add_case(journal, "c1", scans=0)
    engine = make_engine(journal, data_dir, max_attempts=3)
    result = engine.run_once()
    assert not result.ok and isinstance(result.error, NetworkError)
    assert "无法连接省级系统" in engine.state.get("last_error")["message"]
    assert outbox.status(journal, engine.state)["pending_entries"] >= 1
    engine.close()


def test_revoked_machine_stops_with_a_clear_message(sim, enrolled, journal, data_dir):
    sim.sim.store.set_machine_status(enrolled.machine_id, "revoked")
    engine = make_engine(journal, data_dir)
    result = engine.run_once()
    assert not result.ok and not result.error.retryable
    assert "停用" in result.error.message_zh
    engine.close()


def test_not_enrolled_says_what_to_do(journal, data_dir):
    with pytest.raises(NotEnrolledError, match="counter-app enroll"):
        make_engine(journal, data_dir)


def test_decide_orders_stages_and_puts_small_things_first():
    from sync.decide import PendingAttachment, Snapshot, decide

    big = PendingAttachment("b" * 64, 2_000_000, 1_500_000, 3)
    small = PendingAttachment("s" * 64, 40_000, 0, 9)
    base = {"handshake_done": True, "head_seq": 10, "acked_seq": 10,
            "attachments": (big, small), "status_due": True, "collections_due": ("offices",)}
    assert decide(Snapshot(**{**base, "handshake_done": False})).stage == "handshake"
    assert decide(Snapshot(**{**base, "acked_seq": 9})).stage == "metadata"
    assert decide(Snapshot(**{**base, "acked_seq": 9, "business_pending": False})).sha256 == \
        small.sha256
    assert decide(Snapshot(**base)).sha256 == small.sha256
    assert decide(Snapshot(**{**base, "attachments": (big,)})).offset == 1_500_000
    assert decide(Snapshot(**{**base, "attachments": ()})).stage == "status"
    done = {**base, "attachments": (), "status_due": False}
    assert decide(Snapshot(**done)).collection == "offices"
    assert decide(Snapshot(**{**done, "collections_due": ()})).stage == "idle"
    assert decide(Snapshot(**{**done, "blocked_reason": "machine_revoked"})).stage == "blocked"


def test_demo_mode_starts_a_simulator_and_keeps_its_identity(journal, data_dir):
    from sync import demo

    first = demo.start(journal, data_dir)
    add_case(journal, "demo1")
    assert first.engine.run_once().ok
    machine = first.engine.enrolment.machine_id
    first.stop()
    again = demo.start(journal, data_dir)  # another port, same simulator storage
    assert again.engine.enrolment.machine_id == machine
    assert again.engine.run_once().ok
    again.stop()


def test_server_timeouts_are_survived(tmp_path, journal, data_dir):
    sim = start_sim(tmp_path / "sim", "timeout=0.3,hang_s=0.6,seed=4")
    try:
        enroll(data_dir, journal, sim.url)
        add_case(journal, "c1", scans=2, size=9000)
        engine = make_engine(journal, data_dir, read_timeout_s=0.3)
        assert engine.run_once().ok
        assert_server_has_everything(sim, journal, data_dir)
        engine.close()
    finally:
        sim.stop()


def test_marital_check_through_the_engine_and_offline(sim, enrolled, journal, data_dir):
    engine = make_engine(journal, data_dir)
    parties = [{"role": "female", "id_number": "110101199202022345"}]
    answer = engine.marital_check("c5", "marriage", parties, operator="reg01")
    assert answer["outcome"] == "clear"
    assert journal.query("SELECT outcome FROM marital_checks WHERE case_id = 'c5'") == [
        {"outcome": "clear"}]
    sim.stop()
    with pytest.raises(NetworkError):
        engine.marital_check("c6", "marriage", parties, operator="reg01")
    engine.close()


def test_an_operator_revocation_arrives_with_the_next_pull(sim, enrolled, journal, data_dir):
    from counter_app.operators import OperatorService
    from sync.simulator import accounts

    engine = make_engine(journal, data_dir)
    assert engine.run_once().ok
    assert OperatorService(journal).record("reg01")["disabled"] == 0
    accounts.update_account(sim.sim.store, "reg01", active=False)
    assert engine.run_once().ok
    row = OperatorService(journal).record("reg01")
    assert (row["version"], row["disabled"], row["source"]) == (2, 1, "server")
    engine.close()


def test_decide_sends_attachments_on_free_connections_and_waits_for_busy_ones():
    from sync.decide import PendingAttachment, Snapshot, decide

    big = PendingAttachment("b" * 64, 2_000_000, 0, 3)
    small = PendingAttachment("s" * 64, 40_000, 0, 9)
    base = {"handshake_done": True, "head_seq": 10, "acked_seq": 10,
            "attachments": (big, small), "status_due": True, "collections_due": ("offices",)}
    # the smallest is under way: the next connection takes the next one
    assert decide(Snapshot(**base, uploading=frozenset({small.sha256}))).sha256 == big.sha256
    # every connection busy: fetch verdicts and reference data meanwhile, then wait
    busy = {**base, "uploading": frozenset({small.sha256}), "can_upload": False}
    assert decide(Snapshot(**busy)).stage == "status"
    assert decide(Snapshot(**{**busy, "status_due": False})).stage == "reference"
    assert decide(Snapshot(**{**busy, "status_due": False, "collections_due": ()})).stage == \
        "wait"
    # bookkeeping entries still wait for every attachment to be up
    assert decide(Snapshot(**{**busy, "acked_seq": 9, "business_pending": False,
                              "status_due": False, "collections_due": ()})).stage == "wait"


def test_run_once_sends_two_attachments_at_once(sim, enrolled, journal, data_dir, monkeypatch):
    from sync.simulator import ledger

    original, lock = ledger.append_chunk, __import__("threading").Lock()
    seen = {"now": 0, "most": 0}

    def counting(*args, **kwargs):
        with lock:
            seen["now"] += 1
            seen["most"] = max(seen["most"], seen["now"])
        try:
            __import__("time").sleep(0.05)  # long enough for the other connection to arrive
            return original(*args, **kwargs)
        finally:
            with lock:
                seen["now"] -= 1

    monkeypatch.setattr(ledger, "append_chunk", counting)
    for n in range(4):
        add_case(journal, f"c{n}", scans=2, size=6000)
    engine = make_engine(journal, data_dir, parallel_uploads=2)
    assert engine.run_once().ok
    assert seen["most"] == 2
    assert_server_has_everything(sim, journal, data_dir)
    rows = sim.sim.store.db.execute("SELECT completions FROM attachments").fetchall()
    assert [r[0] for r in rows] == [1] * 8
    engine.close()
