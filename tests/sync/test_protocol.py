"""The wire protocol against the simulator: signatures, replay, clock skew, ordering,
offsets, the signed 联网核对 answer, fault parsing, and the OpenAPI file."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import requests

from helpers.journals import open_test_journal
from sync import enrolment, marital_check, protocol, signing
from sync.engine import entry_record
from sync.errors import ServerError, SyncError, UntrustedAnswerError
from sync.simulator import faults
from sync.transport import Credentials, Transport
from tests.sync.conftest import enroll, start_sim

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def transport(sim, enrolled, journal, data_dir):
    _, key = enrolment.load(data_dir, journal)
    t = Transport(sim.url, Credentials(enrolled.machine_id, key), read_timeout_s=5)
    yield t
    t.close()


def signed_get(transport, path, **overrides):
    headers = signing.sign_headers(transport.credentials.key, transport.credentials.machine_id,
                                   "GET", path, b"", protocol.iso(protocol.utc_now()))
    headers.update(overrides)
    return requests.get(transport.base_url + path, headers=headers, timeout=5)


def test_a_signed_request_is_accepted_once(transport):
    path = "/v1/machines/self"
    headers = signing.sign_headers(transport.credentials.key, transport.credentials.machine_id,
                                   "GET", path, b"", protocol.iso(protocol.utc_now()))
    first = requests.get(transport.base_url + path, headers=headers, timeout=5)
    again = requests.get(transport.base_url + path, headers=headers, timeout=5)
    assert first.status_code == 200 and first.json()["acked_seq"] >= 0
    assert again.status_code == 401 and again.json()["error"]["code"] == "replay"


def test_a_tampered_or_foreign_signature_is_refused(transport):
    response = signed_get(transport, "/v1/machines/self",
                          **{protocol.HDR_SIGNATURE: signing.b64(b"\0" * 64)})
    assert response.json()["error"]["code"] == "bad_signature"
    response = signed_get(transport, "/v1/machines/self", **{protocol.HDR_MACHINE: "MNOPE"})
    assert response.json()["error"]["code"] == "unknown_machine"


def test_a_skewed_clock_is_refused_with_the_server_time(transport):
    transport.offset_ms = -3_600_000
    with pytest.raises(ServerError) as err:
        transport.get("/v1/machines/self")
    assert err.value.server_code == "clock_skew" and err.value.retryable
    assert "server_time" in err.value.body and "时钟" in err.value.message_zh


def all_records(journal):
    return [entry_record(e) for e in journal.entries()]


def test_entries_must_come_in_order_and_duplicates_are_acknowledged(transport, journal):
    for i in range(3):
        journal.append("case.opened", {"n": i}, operator="reg01", case_id="c1")
    entries = all_records(journal)[-3:]
    transport.post_json("/v1/entries", {"entries": all_records(journal)[:-3]})
    first = entries[0]["seq"]
    with pytest.raises(ServerError) as err:
        transport.post_json("/v1/entries", {"entries": entries[1:]})
    assert err.value.server_code == "sequence_gap"
    assert err.value.body["acked_seq"] == first - 1
    body = transport.post_json("/v1/entries", {"entries": entries[:1]}).body
    assert body["acked_seq"] == first and body["results"][0]["duplicate"] is False
    body = transport.post_json("/v1/entries", {"entries": entries}).body
    assert [r["duplicate"] for r in body["results"]] == [True, False, False]
    assert body["acked_seq"] == first + 2


def test_an_altered_entry_breaks_the_chain(transport, journal):
    journal.append("case.opened", {}, operator="reg01", case_id="c1")
    *before, record = all_records(journal)
    transport.post_json("/v1/entries", {"entries": before})
    forged = {**record, "payload": {"forged": True}}
    with pytest.raises(ServerError) as err:
        transport.post_json("/v1/entries", {"entries": [forged]})
    assert err.value.server_code == "chain_broken" and not err.value.retryable


def test_attachment_offsets_and_hash_check(transport, journal):
    data = os.urandom(10_000)
    ref = journal.put_attachment(data, "image/jpeg")
    journal.append("case.captured", {}, operator="reg01", case_id="c1", attachments=[ref])
    transport.post_json("/v1/entries", {"entries": all_records(journal)})
    path = f"/v1/attachments/{ref.sha256}"
    assert transport.patch_bytes(path, data[:4000], 0, len(data)).body["received"] == 4000
    with pytest.raises(ServerError) as err:
        transport.patch_bytes(path, data[:4000], 0, len(data))
    assert err.value.server_code == "offset_mismatch" and err.value.body["received"] == 4000
    with pytest.raises(ServerError) as err:  # wrong bytes: discarded, start again at 0
        transport.patch_bytes(path, b"x" * 6000, 4000, len(data))
    assert err.value.server_code == "hash_mismatch"
    assert transport.get(path).body["received"] == 0
    assert transport.patch_bytes(path, data, 0, len(data)).body["complete"] is True


def test_an_unreferenced_attachment_is_refused(transport):
    with pytest.raises(ServerError) as err:
        transport.patch_bytes(f"/v1/attachments/{'a' * 64}", b"x", 0, 1)
    assert err.value.server_code == "not_found"


def test_marital_check_answer_is_signed_verified_and_recorded(tmp_path, journal, data_dir):
    sim = start_sim(tmp_path / "sim", "married=110101199001011234")
    try:
        enrolled = enroll(data_dir, journal, sim.url)
        _, key = enrolment.load(data_dir, journal)
        t = Transport(sim.url, Credentials(enrolled.machine_id, key))
        parties = [{"role": "male", "id_number": "110101199001011234"},
                   {"role": "female", "id_number": "110101199202022345"}]
        answer = marital_check.request_check(t, journal, enrolled, "c1", "marriage", parties,
                                             operator="reg01", request_id="r1")
        assert answer["outcome"] == "blocked" and answer["parties"][1]["can_register"]
        rows = journal.query("SELECT * FROM marital_checks")
        assert [(r["request_id"], r["case_id"], r["outcome"]) for r in rows] == [
            ("r1", "c1", "blocked")]
        again = marital_check.request_check(t, journal, enrolled, "c1", "marriage", parties,
                                            operator="reg01", request_id="r1")
        assert again == answer and len(journal.query("SELECT * FROM marital_checks")) == 1
        response = t.post_json("/v1/marital-checks", {"request_id": "r2", "case_id": "c2",
                                                      "item": "marriage",
                                                      "parties": parties[1:]}).body
        assert marital_check.verify_answer(response, enrolled, "r2", "c2")["outcome"] == "clear"
        response["answer"]["outcome"] = "blocked"
        with pytest.raises(UntrustedAnswerError, match="签名无效") as refused:
            marital_check.verify_answer(response, enrolled, "r2", "c2")
        assert refused.value.requirement == "answer.signature"
        t.close()
    finally:
        sim.stop()


def test_enrolment_is_idempotent_and_checks_the_office(sim, journal, data_dir, tmp_path):
    first = enroll(data_dir, journal, sim.url)
    assert enroll(data_dir, journal, sim.url).machine_id == first.machine_id
    other = tmp_path / "other"
    with open_test_journal(other, key_store="file") as j2:
        with pytest.raises(ServerError) as err:
            enroll(other, j2, sim.url, office="999998")
        assert "登记机关代码" in err.value.message_zh
        with pytest.raises(SyncError, match="6 位数字"):
            enroll(other, j2, sim.url, office="11010")


def test_fault_spec_parsing():
    spec = faults.parse("5xx=0.5,drop=0.1,married=1+2,seed=3,slow_s=0.2")
    assert spec.probabilities == {"5xx": 0.5, "drop": 0.1}
    assert spec.married == ("1", "2") and spec.slow_s == 0.2
    for bad in ("nonsense=1", "5xx=2", "drop"):
        with pytest.raises(ValueError):
            faults.parse(bad)
    assert spec.rejects("e1") == spec.rejects("e1")


def test_the_openapi_file_lists_exactly_the_simulator_endpoints(sim):
    yaml = pytest.importorskip("yaml")
    spec = yaml.safe_load((ROOT / "docs" / "sync-openapi.yaml").read_text(encoding="utf-8"))
    assert sorted(spec["paths"]) == sorted([
        "/v1/time", "/v1/machines", "/v1/machines/self", "/v1/entries", "/v1/entries/rejected",
        "/v1/attachments/{sha256}", "/v1/cases/status", "/v1/reference/{collection}",
        "/v1/marital-checks", "/v1/operators/login-verifications",
        "/v1/machines/self/entries", "/v1/attachments/{sha256}/content", "/v1/closings"])
    codes = spec["components"]["responses"]["Error"]["content"]["application/json"]["schema"][
        "properties"]["error"]["properties"]["code"]["enum"]
    assert sorted(codes) == sorted(protocol.ERRORS)
    doc = (ROOT / "docs" / "sync-protocol.md").read_text(encoding="utf-8")
    assert all(f"`{code}`" in doc for code in protocol.ERRORS)


def test_entry_hash_on_the_wire_matches_the_journal(journal):
    entry = journal.append("case.opened", {"名": "张三"}, operator="reg01", case_id="c1",
                           attachments=[(b"abc", "text/plain")])
    assert protocol.entry_hash(entry_record(entry)) == entry.hash
    assert hashlib.sha256(b"abc").hexdigest() == entry.attachments[0]["sha256"]
