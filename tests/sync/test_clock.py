"""Which clock wins (docs §5): the clock the server checks signatures with. A server whose
/v1/time disagrees with it is synced with anyway, with a clear warning, after one corrected
retry; a signature clock that keeps moving gets bounded retries with backoff and a clear
message - never a burst of retries in under a second (real simulator on 127.0.0.1)."""

from __future__ import annotations

import itertools
from datetime import timedelta

import requests

from sync import outbox
from sync.engine import MAX_SKEW_RETRIES, EngineSettings, SyncEngine
from tests.sync.conftest import FAST, enroll, start_sim


class CountingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def request(self, method, url, *args, **kwargs):
        self.paths.append(url.split("/v1", 1)[1].split("?")[0])
        return super().request(method, url, *args, **kwargs)


def engine_with(journal, data_dir, session, sleeps):
    return SyncEngine(journal, data_dir, settings=EngineSettings(**FAST), session=session,
                      sleep=sleeps.append)


def test_when_only_the_time_endpoint_is_off_the_signature_clock_wins(tmp_path, journal,
                                                                     data_dir):
    sim = start_sim(tmp_path / "sim", "time_skew_s=900")
    try:
        enroll(data_dir, journal, sim.url)
        session, sleeps = CountingSession(), []
        engine = engine_with(journal, data_dir, session, sleeps)
        assert engine.run_once().ok
        assert session.paths.count("/time") == 1            # not fetched again on the retry
        assert session.paths.count("/machines/self") == 2   # one clock_skew, one success
        assert abs(journal.server_offset().offset_ms) < 5_000  # the signature clock's offset
        warning = outbox.status(journal, engine.state)["clock_warning"]
        assert "时钟不一致" in warning and "900" in warning
        engine.close()
    finally:
        sim.stop()


def test_a_signature_clock_that_keeps_moving_gets_bounded_retries_with_backoff(
        tmp_path, journal, data_dir):
    sim = start_sim(tmp_path / "sim")
    try:
        enroll(data_dir, journal, sim.url)
        real = sim.sim.server_now
        jumps = itertools.cycle([0, 1000, -1000])   # every reading of the clock jumps
        sim.sim.server_now = lambda: real() + timedelta(seconds=next(jumps))
        session, sleeps = CountingSession(), []
        engine = engine_with(journal, data_dir, session, sleeps)
        result = engine.run_once()
        assert not result.ok and not result.error.retryable
        assert result.error.code == "sync.server_clocks" and "时钟" in result.error.message_zh
        assert session.paths.count("/machines/self") == MAX_SKEW_RETRIES + 1
        assert session.paths.count("/time") == 1
        # the first correction is retried at once, the later ones after a backoff
        assert sleeps[0] == 0.0 and len(sleeps) == MAX_SKEW_RETRIES
        assert all(s > 0 for s in sleeps[1:])
        assert "时钟" in engine.state.get("last_error")["message"]
        engine.close()
    finally:
        sim.stop()


def test_a_consistent_server_clock_far_off_gives_no_warning(tmp_path, journal, data_dir):
    sim = start_sim(tmp_path / "sim", "skew_s=600")
    try:
        enroll(data_dir, journal, sim.url)
        session, sleeps = CountingSession(), []
        engine = engine_with(journal, data_dir, session, sleeps)
        assert engine.run_once().ok
        assert session.paths.count("/machines/self") == 1
        assert outbox.status(journal, engine.state)["clock_warning"] is None
        engine.close()
    finally:
        sim.stop()
