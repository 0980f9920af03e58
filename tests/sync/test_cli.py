"""The CLI as a registrar's technician uses it, and a client killed with SIGKILL mid-transfer."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers.journals import open_test_journal
from tests.sync.conftest import machine_id, start_sim

CLI = [sys.executable, "-m", "counter_app"]


def run(data_dir: Path, *args: str, env=None, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "--data-dir", str(data_dir), *args], capture_output=True,
                          check=False, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def test_enroll_sync_and_status(sim, data_dir):
    out = run(data_dir, "enroll", "--server", sim.url, "--office", "330106")
    assert out.returncode == 0, out.stderr
    assert "enrolled machine M" in out.stdout
    assert run(data_dir, "journal", "stress", "--entries", "6", "--attachment-every",
               "2").returncode == 0
    status = json.loads(run(data_dir, "sync", "status", "--json").stdout)
    assert {"pending_entries", "pending_attachments", "last_success", "last_error"} <= set(status)
    assert status["pending_entries"] == 7 and status["pending_attachments"] == 3
    assert status["last_success"] is None and status["enrolled"] is True
    assert [a["size"] for a in status["attachments"]] == [2048] * 3
    assert all(a["received"] == 0 and a["case_id"] for a in status["attachments"])
    out = run(data_dir, "sync", "--once")
    assert out.returncode == 0, out.stderr
    status = json.loads(run(data_dir, "sync", "status", "--json").stdout)
    assert status["pending_entries"] == 0 and status["pending_attachments"] == 0
    assert status["last_success"] and status["last_error"] is None
    text = run(data_dir, "sync", "status").stdout
    assert "待上传记录 pending entries: 0" in text


def test_sync_without_enrolment_and_bad_input_say_what_to_do(data_dir, tmp_path):
    out = run(data_dir, "sync", "--once")
    assert out.returncode == 2 and "counter-app enroll" in out.stderr
    out = run(data_dir, "provincial-sim", "--port", "0", "--data", str(tmp_path / "s"),
              "--faults", "bogus=1")
    assert out.returncode == 2 and "故障参数无效" in out.stderr
    out = run(data_dir, "enroll", "--server", "http://127.0.0.1:9", "--office", "110101")
    assert out.returncode == 2 and "无法连接省级系统" in out.stderr


def test_sync_with_the_server_down_exits_1_and_keeps_everything(tmp_path, data_dir):
    sim = start_sim(tmp_path / "sim")
    assert run(data_dir, "enroll", "--server", sim.url, "--office", "110101").returncode == 0
    sim.stop()
    out = run(data_dir, "sync", "--once", env={"COUNTER_APP_SYNC_CONNECT_TIMEOUT_S": "0.5",
                                                "COUNTER_APP_SYNC_RETRY_MAX_S": "3"},
              timeout=120)
    assert out.returncode == 1 and "无法连接省级系统" in out.stderr
    status = json.loads(run(data_dir, "sync", "status", "--json").stdout)
    assert status["pending_entries"] == 1 and status["last_error"]["stage"] == "handshake"


@pytest.mark.integration
def test_sigkill_mid_transfer_loses_and_duplicates_nothing(tmp_path, data_dir):
    """A real process killed with SIGKILL at random moments, restarted, until done."""
    sim = start_sim(tmp_path / "sim", "slow=0.3,slow_s=0.03,seed=5")
    try:
        assert run(data_dir, "enroll", "--server", sim.url, "--office", "110101").returncode == 0
        with open_test_journal(data_dir, key_store="file") as journal:
            for n in range(6):
                journal.append("case.captured", {"n": n}, operator="reg01", case_id=f"c{n}",
                               attachments=[(os.urandom(60_000), "image/jpeg")])
        env = {"COUNTER_APP_SYNC_CHUNK_BYTES": "8192"}
        rng = random.Random(7)
        for _ in range(5):
            proc = subprocess.Popen([*CLI, "--data-dir", str(data_dir), "sync", "--once"],
                                    env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.6, 1.6))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        out = run(data_dir, "sync", "--once", env=env, timeout=120)
        assert out.returncode == 0, out.stderr
        store = sim.sim.store
        with open_test_journal(data_dir, key_store="file") as journal:
            local = [(e.seq, e.entry_id, e.hash) for e in journal.entries()]
            shas = {r["sha256"] for e in journal.entries() for r in e.attachments}
        ledger = store.ledger(machine_id(data_dir))
        assert [(e["seq"], e["entry_id"], e["hash"]) for e in ledger] == local
        for sha in shas:
            assert hashlib.sha256(store.blob_path(sha).read_bytes()).hexdigest() == sha
        completions = [r[0] for r in store.db.execute("SELECT completions FROM attachments")]
        assert completions == [1] * len(shas)
        assert run(data_dir, "journal", "verify").returncode == 0
    finally:
        sim.stop()
