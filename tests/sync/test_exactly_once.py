"""Exactly-once, proven by a hypothesis state machine: the client against the real simulator
over HTTP on 127.0.0.1, with server faults (5xx, dropped connections mid-body, lost and
duplicated acknowledgements, slow answers, rejections) and client crashes at any request
(before it is sent, or after the server committed it but before the client saw the answer),
journal reopened and sync state possibly lost. At the end, with faults off, every entry and
attachment is on the server exactly once, byte-identical, in journal order, and every
rejection is in the journal with its reason."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import requests
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from helpers.journals import open_test_journal
from sync.errors import SyncError
from sync.kinds import KIND_ENTRY_REJECTED
from tests.sync.conftest import enroll, machine_id, make_engine, start_sim

FAULTS = "5xx=0.08,drop=0.08,lost_ack=0.08,dup_ack=0.3,slow=0.03,slow_s=0.02,reject=0.1,seed=3"


class SimulatedCrash(BaseException):
    """The process dies: nothing after this point runs, no cleanup, no except clauses."""


class CrashingSession(requests.Session):
    """Dies at the n-th request, before sending it or after the server answered."""

    def __init__(self) -> None:
        super().__init__()
        self.countdown: int | None = None
        self.after = False

    def request(self, *args, **kwargs):
        if self.countdown is not None:
            if self.countdown == 0:
                self.countdown = None
                if self.after:
                    super().request(*args, **kwargs)
                raise SimulatedCrash()
            self.countdown -= 1
        return super().request(*args, **kwargs)


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="sync-sm-"))
        self.data = self.root / "data"
        self.data.mkdir()
        self.sim = start_sim(self.root / "sim", FAULTS)
        self.journal = open_test_journal(self.data, key_store="file")
        self.enrolment = enroll(self.data, self.journal, self.sim.url)
        self.crashes = 0
        self._new_engine()

    def _new_engine(self) -> None:
        self.session = CrashingSession()
        self.engine = make_engine(self.journal, self.data, session=self.session)

    @rule(case=st.sampled_from(["c1", "c2", "c3"]),
          sizes=st.lists(st.sampled_from([0, 300, 5000, 20000]), max_size=2))
    def append_entry(self, case, sizes):
        refs = [self.journal.put_attachment(os.urandom(n) if n else b"", "image/jpeg")
                for n in sizes]
        self.journal.append("case.captured", {"n": len(sizes)}, operator="reg01",
                            case_id=case, attachments=refs)

    @rule(steps=st.integers(1, 8))
    def sync_some(self, steps):
        try:
            for _ in range(steps):
                try:
                    if self.engine.step().stage in ("idle", "blocked"):
                        self.engine.start_cycle()
                except SyncError as err:
                    self.engine._record_error(err)  # what run_once does, without sleeping
        except SimulatedCrash:
            self._after_crash(lose_state=False)

    @rule(countdown=st.integers(0, 4), after=st.booleans())
    def arm_crash(self, countdown, after):
        self.session.countdown, self.session.after = countdown, after

    @precondition(lambda self: self.crashes < 6)
    @rule(lose_state=st.booleans())
    def kill(self, lose_state):
        self._after_crash(lose_state)

    def _after_crash(self, lose_state: bool) -> None:
        """Process death: the engine is abandoned, the journal reopened from disk."""
        self.crashes += 1
        self.engine.state.close()
        self.journal.close()
        if lose_state:
            for name in ("state.db", "state.db-wal", "state.db-shm"):
                (self.data / "sync" / name).unlink(missing_ok=True)
        self.journal = open_test_journal(self.data, key_store="file")
        self._new_engine()

    @invariant()
    def server_holds_a_prefix_of_the_journal(self):
        ledger = self.sim.sim.store.ledger(self.enrolment.machine_id)
        local = {e.seq: e.hash for e in self.journal.entries()}
        assert [e["hash"] for e in ledger] == [local[s] for s in range(1, len(ledger) + 1)]

    def teardown(self):
        try:
            self._converge_and_check()
        finally:
            self.engine.close()
            self.journal.close()
            self.sim.stop()
            shutil.rmtree(self.root, ignore_errors=True)

    def _converge_and_check(self) -> None:
        self.sim.sim.faults.probabilities = {"reject": 0.1}
        self.session.countdown = None
        result = self.engine.run_once()
        assert result.ok, result.error
        store, mid = self.sim.sim.store, machine_id(self.data)
        ledger = store.ledger(mid)
        local = list(self.journal.entries())
        # every entry once, identical (hash over all fields), in journal order
        assert [(e["seq"], e["entry_id"], e["hash"]) for e in ledger] == [
            (e.seq, e.entry_id, e.hash) for e in local]
        assert len({e["entry_id"] for e in ledger}) == len(ledger)
        shas = {ref["sha256"] for e in local for ref in e.attachments}
        for sha in shas:
            blob = store.blob_path(sha).read_bytes()
            assert hashlib.sha256(blob).hexdigest() == sha
            completions = store.db.execute("SELECT completions FROM attachments WHERE "
                                           "sha256 = ?", [sha]).fetchone()[0]
            assert completions == 1
        # every server rejection is in the journal with its reason
        rejected = {e["entry_id"]: e["_reason_code"] for e in ledger
                    if e["_status"] == "rejected"}
        recorded = {e.payload["entry_id"]: e.payload["reason_code"] for e in local
                    if e.kind == KIND_ENTRY_REJECTED}
        assert recorded == rejected


TestExactlyOnce = SyncMachine.TestCase
TestExactlyOnce.settings = settings(max_examples=30, stateful_step_count=30, deadline=None,
                                    suppress_health_check=[HealthCheck.too_slow])
