"""https is required except to this machine and in demo mode; the province's CA can be pinned
(sync.ca_bundle) - against the simulator serving real TLS on 127.0.0.1; `sync --server` cannot
send the journal to another host than the enrolled one."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from helpers.journals import open_test_journal
from sync.errors import CertificateError, SyncError
from sync.simulator.server import SimulatorServer
from sync.transport import Transport, check_url, same_server
from tests.sync.conftest import enroll, make_engine, start_sim
from tests.sync.test_cli import run


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, its own CA (like a province's private CA)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / f"{name}.pem", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def tls_sim(tmp_path):
    cert, key = self_signed(tmp_path / "tls", "province")
    server = SimulatorServer(tmp_path / "sim", tls=(cert, key)).start()
    yield server, cert
    server.stop()


def test_the_url_rule():
    for url in ("https://hy.example.gov.cn/counter", "http://127.0.0.1:8080",
                "http://127.8.9.1", "http://localhost:9/x", "http://[::1]:8080"):
        assert check_url(url) == url
    for url in ("http://hy.example.gov.cn/counter", "http://10.1.2.3:8080", "ftp://x",
                "hy.example.gov.cn", "https://"):
        with pytest.raises(CertificateError, match="https"):
            check_url(url)
    assert check_url("http://10.1.2.3:8080", allow_http=True)  # demo mode
    assert same_server("https://a.example/counter", "https://A.example:443/other")
    assert not same_server("http://127.0.0.1:8080", "http://127.0.0.1:8081")
    assert not same_server("https://a.example", "https://b.example")


def test_enroll_refuses_plain_http_to_another_machine(data_dir):
    out = run(data_dir, "enroll", "--server", "http://192.0.2.1:8080", "--office", "110101")
    assert out.returncode == 2 and "https" in out.stderr
    assert not (data_dir / "sync" / "enrolment.json").exists()


def test_https_with_the_province_ca_pinned(tls_sim, journal, data_dir, tmp_path):
    server, cert = tls_sim
    assert server.url.startswith("https://127.0.0.1:")
    with pytest.raises(CertificateError, match="证书"):  # not in certifi's bundle
        enroll(data_dir, journal, server.url)
    from sync import enrolment

    enrolment.enroll(data_dir, journal, lambda u, c: Transport(u, c, ca_bundle=str(cert)),
                     server.url, "110101")
    journal.append("case.opened", {"item": "marriage"}, operator="reg01", case_id="c1")
    engine = make_engine(journal, data_dir, ca_bundle=str(cert))
    assert engine.run_once().ok
    engine.close()
    # another CA pinned: the province's certificate no longer passes
    other, _ = self_signed(tmp_path / "other", "elsewhere")
    engine = make_engine(journal, data_dir, ca_bundle=str(other), max_attempts=2)
    result = engine.run_once()
    assert isinstance(result.error, CertificateError) and not result.error.retryable
    engine.close()
    with pytest.raises(CertificateError, match="不存在"):
        Transport(server.url, ca_bundle=str(tmp_path / "missing.pem"))


def test_the_cli_uses_the_configured_ca_bundle(tls_sim, data_dir):
    server, cert = tls_sim
    env = {"COUNTER_APP_SYNC_CA_BUNDLE": str(cert)}
    out = run(data_dir, "enroll", "--server", server.url, "--office", "110101")
    assert out.returncode == 2 and "证书" in out.stderr
    out = run(data_dir, "enroll", "--server", server.url, "--office", "110101", env=env)
    assert out.returncode == 0, out.stderr
    out = run(data_dir, "sync", "--once", env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "all sent yes" in out.stdout


def test_sync_server_cannot_send_to_another_host(tmp_path, data_dir):
    sim = start_sim(tmp_path / "sim")
    other = start_sim(tmp_path / "other")
    try:
        assert run(data_dir, "enroll", "--server", sim.url, "--office", "110101").returncode == 0
        out = run(data_dir, "sync", "--once", "--server", other.url)
        assert out.returncode == 2 and "只能向本机登记时的省级系统" in out.stderr
        mid = json.loads((data_dir / "sync" / "enrolment.json").read_text())["machine_id"]
        assert other.sim.store.ledger(mid) == []
        # the enrolled server under another path is still the enrolled server
        out = run(data_dir, "sync", "--once", "--server", sim.url + "/")
        assert out.returncode == 0, out.stderr
        with open_test_journal(data_dir, key_store="file") as journal:
            with pytest.raises(SyncError, match="只能向"):
                make_engine(journal, data_dir, server_url=other.url)
    finally:
        sim.stop()
        other.stop()


def test_sync_over_tls_survives_cut_chunks_and_lost_answers(tmp_path, journal, data_dir):
    """Through TLS a connection the server closes mid-chunk is a network failure (retried),
    never a certificate problem; the engine asks where the server stands and finishes with
    every attachment there once."""
    import os

    from sync import enrolment
    from sync.simulator import faults
    from tests.sync.test_engine import assert_server_has_everything

    cert, key = self_signed(tmp_path / "tls", "province")
    server = SimulatorServer(tmp_path / "sim", tls=(cert, key),
                             faults=faults.parse("drop=0.2,lost_ack=0.2,seed=3")).start()
    try:
        server.sim.faults.probabilities = {}
        enrolment.enroll(data_dir, journal, lambda u, c: Transport(u, c, ca_bundle=str(cert)),
                         server.url, "110101")
        for n in range(3):
            refs = [journal.put_attachment(os.urandom(20_000), "image/jpeg") for _ in range(2)]
            journal.append("case.captured", {"n": n}, operator="reg01", case_id=f"c{n}",
                           attachments=refs)
        server.sim.faults.probabilities = {"drop": 0.2, "lost_ack": 0.2}
        engine = make_engine(journal, data_dir, ca_bundle=str(cert))
        result = engine.run_once()
        assert result.ok, result.error
        assert_server_has_everything(server, journal, data_dir)
        rows = server.sim.store.db.execute("SELECT completions FROM attachments").fetchall()
        assert [r[0] for r in rows] == [1] * 6
        engine.close()
    finally:
        server.stop()
