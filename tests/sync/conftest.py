"""Fixtures for sync tests: a real simulator on 127.0.0.1, a journal, an enrolled machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from counter_app.journal import Journal
from helpers.journals import open_test_journal
from sync import enrolment
from sync.engine import EngineSettings, SyncEngine
from sync.simulator import faults
from sync.simulator.server import SimulatorServer
from sync.transport import Transport

FAST = dict(connect_timeout_s=1.0, read_timeout_s=2.0, chunk_bytes=4096, backoff_base_s=0.001,  # noqa: C408
            backoff_cap_s=0.01, max_attempts=40)


def start_sim(folder: Path, spec: str = "") -> SimulatorServer:
    return SimulatorServer(folder, faults=faults.parse(spec)).start()


def enroll(data_dir: Path, journal: Journal, url: str, office: str = "110101"):
    return enrolment.enroll(data_dir, journal, lambda u, c: Transport(u, c), url, office)


def make_engine(journal: Journal, data_dir: Path, session=None, server_url=None,
                **overrides) -> SyncEngine:
    settings = EngineSettings(**{**FAST, **overrides})
    return SyncEngine(journal, data_dir, server_url=server_url, settings=settings,
                      session=session, sleep=lambda s: None)


@pytest.fixture
def sim(tmp_path: Path):
    server = start_sim(tmp_path / "sim")
    yield server
    server.stop()


@pytest.fixture
def journal(data_dir: Path):
    with open_test_journal(data_dir, key_store="file") as j:
        yield j


@pytest.fixture
def enrolled(sim, journal, data_dir):
    return enroll(data_dir, journal, sim.url)


def machine_id(data_dir: Path) -> str:
    record = (enrolment.sync_dir(data_dir) / enrolment.ENROLMENT_FILE).read_text("utf-8")
    return json.loads(record)["machine_id"]
