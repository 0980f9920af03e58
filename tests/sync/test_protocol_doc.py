"""The protocol document answers an implementer's questions and the simulator does what it
says: the hash test vectors, bookkeeping vs business kinds, batch limits and codes,
Retry-After on every retryable error, 联网核对 per item and request-id reuse, empty pages,
the table ruling over `retryable`, and an OpenAPI file whose references all resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from sync import enrolment, protocol, signing
from sync.engine import entry_record
from sync.errors import ServerError
from sync.transport import Credentials, Response, Transport, _server_error
from tests.sync.conftest import enroll, start_sim

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "sync-protocol.md").read_text(encoding="utf-8")


def test_the_hash_test_vectors_in_the_document_are_right():
    first = {"seq": 1, "entry_id": "enrol-M7F3A0C21B9D4E11-0c1d2e3f4a5b6c7d8e9f0a1b",
             "case_id": None, "kind": "sync.enrolled",
             "payload": {"machine_id": "M7F3A0C21B9D4E11", "office_code": "532529"},
             "operator": "technician", "device_time": "2026-05-20T01:30:00.456Z",
             "clock": {"trusted": True, "regressed_ms": 0, "monotonic_ns": 5000000},
             "attachments": [], "prev_hash": protocol.GENESIS_HASH}
    second = {"seq": 2, "entry_id": "9f1c2b", "case_id": "c-2026-000017",
              "kind": "case.captured",
              "payload": {"名": "张三", "score": 0.25, "note": 'line\nbreak "q"'},
              "operator": "reg01", "device_time": "2026-05-20T01:31:02.004Z",
              "clock": {"trusted": True, "regressed_ms": 0, "monotonic_ns": 6000000,
                        "server_offset_ms": -840,
                        "server_offset_observed_at": "2026-05-20T01:30:00.300Z"},
              "attachments": [{"sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb4"
                                         "10ff61f20015ad", "size": 3,
                               "media_type": "text/plain"}],
              "prev_hash": protocol.entry_hash(first)}
    vectors = re.findall(r"^(\{.*\})\n→ ([0-9a-f]{64})$", DOC, re.MULTILINE)
    assert len(vectors) == 2
    for entry, (text, digest) in zip((first, second), vectors):
        fields = {k: v for k, v in entry.items() if k != "attachments" or v}
        assert protocol.canonical_json(fields) == text
        assert protocol.entry_hash(entry) == digest == protocol.sha256_hex(text.encode())


def test_every_question_of_the_issue_has_an_answer_row():
    rows = re.findall(r"^\| (\d+) \| ", DOC.split("## 15.")[1], re.MULTILINE)
    assert [int(r) for r in rows] == list(range(1, 18))


@pytest.fixture
def transport(sim, enrolled, journal, data_dir):
    _, key = enrolment.load(data_dir, journal)
    t = Transport(sim.url, Credentials(enrolled.machine_id, key))
    yield t
    t.close()


def records(journal):
    return [entry_record(e) for e in journal.entries()]


def test_bookkeeping_is_never_rejected_business_may_be(tmp_path, journal, data_dir):
    sim = start_sim(tmp_path / "sim", "reject=1")
    try:
        enrolled = enroll(data_dir, journal, sim.url)
        _, key = enrolment.load(data_dir, journal)
        t = Transport(sim.url, Credentials(enrolled.machine_id, key))
        journal.append("numbering.allocated", {"number": "J110101-2026-000001", "prefix": "J",
                                               "division_code": "110101", "year": 2026,
                                               "serial": 1}, operator="reg01", case_id="c1")
        journal.append("reference.updated", {"collection": "offices", "id": "x", "version": 1,
                                             "deleted": False, "data": {}}, operator="sync")
        journal.append("sync.case_status", {"status": "accepted", "version": 1,
                                            "reason_code": None, "reason": None},
                       operator="sync", case_id="c1")
        body = t.post_json("/v1/entries", {"entries": records(journal)}).body
        verdicts = {r["seq"]: r["status"] for r in body["results"]}
        kinds = {e.seq: e.kind for e in journal.entries()}
        assert {kinds[s] for s, v in verdicts.items() if v == "rejected"} == {
            "numbering.allocated"}  # sync.enrolled (seq 1) and the others are bookkeeping
        t.close()
    finally:
        sim.stop()


def test_batch_codes(transport, journal):
    for n in range(3):
        journal.append("case.opened", {"n": n}, operator="reg01", case_id="c1")
    entries = records(journal)
    with pytest.raises(ServerError) as err:   # not consecutive
        transport.post_json("/v1/entries", {"entries": [entries[0], entries[2]]})
    assert err.value.server_code == "bad_request" and err.value.status == 400
    with pytest.raises(ServerError) as err:   # a gap: nothing of the batch is stored
        transport.post_json("/v1/entries", {"entries": entries[1:]})
    assert err.value.body["acked_seq"] == 0
    assert err.value.body["acked_hash"] == protocol.GENESIS_HASH
    with pytest.raises(ServerError) as err:   # too many
        transport.post_json("/v1/entries", {"entries": [entries[0]] * 201})
    assert err.value.server_code == "too_large" and err.value.status == 413


def raw_signed(transport, method, path, body=b"", nonce=None, **overrides):
    """A request signed by hand (a given nonce), then with headers overridden."""
    timestamp, nonce = protocol.iso(protocol.utc_now()), nonce or signing.new_nonce()
    message = protocol.string_to_sign(method, path, timestamp, nonce, protocol.sha256_hex(body))
    headers = {protocol.HDR_MACHINE: transport.credentials.machine_id,
               protocol.HDR_TIMESTAMP: timestamp, protocol.HDR_NONCE: nonce,
               protocol.HDR_CONTENT_SHA: protocol.sha256_hex(body),
               protocol.HDR_SIGNATURE: signing.b64(transport.credentials.key.sign(message))}
    headers.update(overrides)
    return requests.request(method, transport.base_url + path, data=body or None,
                            headers=headers, timeout=5)


def test_every_retryable_error_says_when_and_the_rest_do_not(transport, journal):
    nonce = signing.new_nonce()
    first = raw_signed(transport, "GET", "/v1/machines/self", nonce=nonce)
    replay = raw_signed(transport, "GET", "/v1/machines/self", nonce=nonce)
    bad = raw_signed(transport, "GET", "/v1/machines/self",
                     **{protocol.HDR_SIGNATURE: signing.b64(b"\0" * 64)})
    assert first.status_code == 200
    assert replay.status_code == 401 and replay.headers["Retry-After"] == "0"
    assert replay.json()["error"]["retry_after_s"] == 0
    assert bad.status_code == 401 and "Retry-After" not in bad.headers
    malformed = raw_signed(transport, "GET", "/v1/machines/self",
                           **{protocol.HDR_TIMESTAMP: "yesterday"})
    assert malformed.json()["error"]["code"] == "bad_signature"
    unsigned_elsewhere = raw_signed(transport, "POST", "/v1/entries", b'{"entries":[]}',
                                    **{protocol.HDR_CONTENT_SHA: protocol.UNSIGNED_PAYLOAD})
    assert unsigned_elsewhere.json()["error"]["code"] == "bad_signature"


def test_the_table_rules_over_retryable():
    lying = Response(409, {"error": {"code": "sequence_gap", "message": "x",
                                     "retryable": False}}, {"Retry-After": "Wed, 21 Oct 2099 "
                                                            "07:28:00 GMT"})
    err = _server_error("POST", "/v1/entries", lying)
    assert err.retryable is True and err.retry_after_s > 1e6  # an HTTP date is understood
    unknown = Response(418, {"error": {"code": "teapot", "message": "x", "retryable": True}})
    assert _server_error("GET", "/v1/x", unknown).retryable is True


def test_marital_check_per_item_and_request_id_reuse(tmp_path, journal, data_dir):
    sim = start_sim(tmp_path / "sim", "married=110101199001011234")
    try:
        enrolled = enroll(data_dir, journal, sim.url)
        _, key = enrolment.load(data_dir, journal)
        t = Transport(sim.url, Credentials(enrolled.machine_id, key))

        def check(request_id, item, *ids):
            body = {"request_id": request_id, "case_id": "c1", "item": item,
                    "parties": [{"id_number": i} for i in ids]}
            return t.post_json("/v1/marital-checks", body).body["answer"]

        single = "110101199202022345"
        assert check("m1", "marriage", single)["outcome"] == "clear"
        # no record of this person: a marriage from before the digital records blocks nothing
        assert check("d1", "divorce", single)["outcome"] == "clear"
        assert check("r1", "reissue", single)["outcome"] == "clear"
        married = check("d2", "divorce", "110101199001011234")
        assert married["parties"][0]["can_register"] is True
        assert check("m1", "marriage", single) == check("m1", "marriage", single)
        with pytest.raises(ServerError) as err:
            check("m1", "marriage", "110101199001011234")
        assert err.value.server_code == "idempotency_conflict" and err.value.status == 409
        assert "请求编号" in err.value.message_zh
        t.close()
    finally:
        sim.stop()


def test_an_empty_page_keeps_its_cursor(transport):
    body = transport.get("/v1/entries/rejected", {"cursor": "0", "limit": 5}).body
    assert body == {"items": [], "next_cursor": "0", "more": False}
    page = transport.get("/v1/reference/offices", {"cursor": "0", "limit": 1000}).body
    again = transport.get("/v1/reference/offices",
                          {"cursor": page["next_cursor"], "limit": 5}).body
    assert again == {"items": [], "next_cursor": page["next_cursor"], "more": False}


def test_a_revoked_machine_gets_403_on_its_position(sim, transport, enrolled):
    sim.sim.store.set_machine_status(enrolled.machine_id, "revoked")
    with pytest.raises(ServerError) as err:
        transport.get("/v1/machines/self")
    assert (err.value.status, err.value.server_code) == (403, "machine_revoked")


def test_every_reference_in_the_openapi_file_resolves():
    yaml = pytest.importorskip("yaml")
    spec = yaml.safe_load((ROOT / "docs" / "sync-openapi.yaml").read_text(encoding="utf-8"))

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(spec):
        target = spec
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
    assert spec["paths"]["/v1/machines/self"]["get"]["responses"]["200"]["headers"]
