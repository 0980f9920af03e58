"""`counter-app sync conformance --server URL --office CODE [--json]` as a province's IT team
runs it: it passes against the simulator and fails - exit 1, naming the requirement - against
the simulator with each lying fault; the counter's own data is never touched."""

from __future__ import annotations

import json

import pytest

from sync import conformance
from tests.sync.conftest import start_sim
from tests.sync.test_cli import run
from tests.sync.test_transport_security import self_signed

IDS = ["enrolment", "signed_requests", "ordering", "idempotent_resend", "attachments",
       "reference", "marital_check", "verdict_feeds", "login_verification", "closings",
       "answer_signatures", "errors"]


def conformance_cli(data_dir, url, *extra, env=None):
    return run(data_dir, "sync", "conformance", "--server", url, "--office", "110101", *extra,
               env=env)


def test_the_simulator_conforms(sim, data_dir):
    out = conformance_cli(data_dir, sim.url, "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert set(report) == {"server", "office", "machine_id", "passed", "failed",
                           "requirements"}
    assert report["passed"] is True and report["failed"] == [] and report["office"] == "110101"
    assert [r["id"] for r in report["requirements"]] == IDS == list(conformance.TITLES)
    for requirement in report["requirements"]:
        assert set(requirement) == {"id", "title", "passed", "checks"}
        assert requirement["checks"] and all(
            set(c) == {"check", "passed", "evidence"} and c["passed"]
            for c in requirement["checks"])
    # a throwaway machine: the counter's own enrolment and journal are untouched
    assert not (data_dir / "sync").exists() and not (data_dir / "journal.db").exists()
    assert sim.sim.store.machine(report["machine_id"]) is not None
    text = conformance_cli(data_dir, sim.url)
    assert text.returncode == 0 and f"结果 result: PASS — {len(IDS)} of {len(IDS)}" in text.stdout
    assert all(f"PASS {rid} — " in text.stdout for rid in IDS)


@pytest.mark.parametrize("lie,requirement", [
    ("ack_beyond", "ordering"),
    ("bad_signature", "answer_signatures"),
    ("wrong_office", "enrolment"),
    ("wrong_request_id", "marital_check"),
    ("wrong_case", "ordering"),
])
def test_each_liar_fails_naming_the_requirement(tmp_path, data_dir, lie, requirement):
    liar = start_sim(tmp_path / "liar", f"lie={lie}")
    try:
        out = conformance_cli(data_dir, liar.url, "--json")
        assert out.returncode == 1, out.stdout + out.stderr
        report = json.loads(out.stdout)
        assert report["passed"] is False and requirement in report["failed"]
        failing = next(r for r in report["requirements"] if r["id"] == requirement)
        assert any(not c["passed"] and c["evidence"] for c in failing["checks"])
        text = conformance_cli(data_dir, liar.url)
        assert text.returncode == 1 and f"FAIL {requirement} — " in text.stdout
        assert "结果 result: FAIL" in text.stdout
    finally:
        liar.stop()


def test_what_cannot_be_checked_is_bad_input(data_dir):
    out = conformance_cli(data_dir, "http://127.0.0.1:9")
    assert out.returncode == 2 and "无法连接" in out.stderr
    out = conformance_cli(data_dir, "http://192.0.2.1:8080")
    assert out.returncode == 2 and "https" in out.stderr
    out = run(data_dir, "sync", "conformance", "--server", "http://127.0.0.1:9", "--office",
              "11010")
    assert out.returncode == 2 and "6 位数字" in out.stderr


def test_a_tls_server_with_the_province_ca(tmp_path, data_dir):
    from sync.simulator.server import SimulatorServer

    cert, key = self_signed(tmp_path / "tls", "province")
    server = SimulatorServer(tmp_path / "sim", tls=(cert, key)).start()
    try:
        out = conformance_cli(data_dir, server.url, env={"COUNTER_APP_SYNC_CA_BUNDLE": str(cert)})
        assert out.returncode == 0, out.stdout + out.stderr
    finally:
        server.stop()
