"""The exchanges outside the sync loop are held to the same rule as the loop: a province
account's login verification, the office's closings and a restore's entries are believed only
when signed by the pinned server key over the request's nonce (docs/sync-protocol.md §4.3),
and checked against what was asked (§7.4). A real simulator on 127.0.0.1, a real tampering
proxy in front of it; a refusal of a login or closings answer is journaled."""

from __future__ import annotations

import json

import pytest

from counter_app.operators.kinds import KIND_OPERATOR_PROVINCE_ACCOUNT
from sync import enrolment as enrol
from sync import protocol
from sync.closings import checked, fetch_closings
from sync.errors import UntrustedAnswerError
from sync.kinds import KIND_ANSWER_REFUSED, KIND_CLOSING_PROVINCE_COPIES
from sync.login_verification import verify_login, verify_verdict
from sync.restore import fetch_entries
from tests.sync.conftest import enroll, machine_id, make_engine
from tests.sync.tamper import TamperingProxy, rewrite_json

LOGIN = "/v1/operators/login-verifications"


@pytest.fixture
def proxy(sim):
    p = TamperingProxy(sim.url)
    yield p
    p.stop()


def refused(journal):
    return [e.payload["requirement"] for e in journal.entries() if e.kind == KIND_ANSWER_REFUSED]


def test_a_genuine_login_verdict_is_taken(proxy, journal, data_dir):
    enroll(data_dir, journal, proxy.url)
    verdict = verify_login(data_dir, journal, "reg01", "reg01-pass")
    assert verdict.verified and verdict.account["operator_id"] == "reg01"
    assert refused(journal) == []


def test_a_rewritten_login_verdict_is_refused_and_journaled(proxy, journal, data_dir):
    enroll(data_dir, journal, proxy.url)

    def approve(answer):   # a man in the middle turns a wrong password into a yes
        answer["verdict"].update(verified=True, reason_code=None)

    proxy.tamper = rewrite_json(LOGIN, approve)
    with pytest.raises(UntrustedAnswerError) as caught:
        verify_login(data_dir, journal, "reg01", "wrong-password")
    assert caught.value.requirement == "answer.signature" and LOGIN in caught.value.endpoint
    assert refused(journal) == ["answer.signature"]


def test_a_signed_verdict_for_another_request_is_refused(sim, journal, data_dir):
    """The verdict's own signature is the same scheme as a 联网核对 answer's: canonical JSON
    signed by the pinned key; a genuine one about another request must not pass."""
    enrolment = enroll(data_dir, journal, sim.url)
    verdict = {"request_id": "a" * 32, "operator_id": "reg01", "machine_id": machine_id(data_dir),
               "verified": True, "reason_code": None, "account": None,
               "checked_at": protocol.iso(protocol.utc_now())}
    answer = {"verdict": verdict, **sim.sim.sign(protocol.answer_bytes(verdict))}
    with pytest.raises(UntrustedAnswerError) as caught:
        verify_verdict(answer, enrolment, "b" * 32, "reg01")
    assert caught.value.requirement == "login.match"
    forged = {**answer, "signature": sim.sim.sign(b"something else")["signature"]}
    with pytest.raises(UntrustedAnswerError) as caught:
        verify_verdict(forged, enrolment, "a" * 32, "reg01")
    assert caught.value.requirement == "answer.signature"


def test_rewritten_closings_become_no_entry(proxy, journal, data_dir):
    enroll(data_dir, journal, proxy.url)
    day = "2026-11-10"
    assert fetch_closings(data_dir, journal, day, "sup01") == []   # genuine: taken
    proxy.tamper = rewrite_json("/v1/closings", lambda a: a["closings"].append({"x": 1}))
    with pytest.raises(UntrustedAnswerError) as caught:
        fetch_closings(data_dir, journal, "2026-11-11", "sup01")
    assert caught.value.requirement == "answer.signature"
    copies = [e.payload["date"] for e in journal.entries()
              if e.kind == KIND_CLOSING_PROVINCE_COPIES]
    assert copies == [day] and refused(journal) == ["answer.signature"]


def test_closings_of_another_office_or_day_are_refused():
    answer = {"office_code": "330106", "date": "2026-11-10", "closings": []}
    with pytest.raises(UntrustedAnswerError) as caught:
        checked(answer, "2026-11-10", "110101")
    assert caught.value.requirement == "closings.office"
    with pytest.raises(UntrustedAnswerError):
        checked({**answer, "office_code": "110101"}, "2026-11-09", "110101")
    assert checked({**answer, "office_code": "110101"}, "2026-11-10", "110101") == []


def test_the_operators_pages_pass_through_the_signed_check(proxy, journal, data_dir):
    enroll(data_dir, journal, proxy.url)
    proxy.tamper = rewrite_json("/v1/reference/operators", lambda page: page["items"].append(
        {"id": "evil01", "version": 1, "deleted": False,
         "data": {"operator_id": "evil01", "name": "冒名者", "roles": ["supervisor"],
                  "office_code": "110101", "qualified_until": None, "active": True}}))
    result = make_engine(journal, data_dir).run_once()
    assert isinstance(result.error, UntrustedAnswerError), result.error
    accounts = [e.payload["operator_id"] for e in journal.entries()
                if e.kind == KIND_OPERATOR_PROVINCE_ACCOUNT]
    assert "evil01" not in accounts


def uploaded(journal, data_dir, url):
    enroll(data_dir, journal, url)
    for n in range(4):
        journal.append("case.opened", {"item": "marriage", "n": n}, operator="reg01",
                       case_id=f"c{n}")
    assert make_engine(journal, data_dir).run_once().error is None
    enrolment, key = enrol.load(data_dir, journal)
    return enrol.pinned_transport(enrolment, key)


def test_a_restore_reads_back_a_checked_chain(sim, journal, data_dir):
    transport = uploaded(journal, data_dir, sim.url)
    try:
        entries = fetch_entries(transport, machine_id(data_dir))
    finally:
        transport.close()
    held = [(e.seq, e.hash) for e in journal.entries()]
    assert len(entries) >= 5 and [(e.seq, e.hash) for e in entries] == held[:len(entries)]


def test_a_restore_refuses_a_signed_but_broken_chain(sim, journal, data_dir):
    """The province itself serves an entry that does not hash to its hash (a corrupted
    store): the answer is genuinely signed, the chain check still refuses it."""
    transport = uploaded(journal, data_dir, sim.url)
    store = sim.sim.store
    with store.tx():
        row = store.db.execute("SELECT body FROM entries WHERE machine_id = ? AND seq = 3",
                               [machine_id(data_dir)]).fetchone()
        body = json.loads(row["body"])
        body["payload"]["n"] = 99
        store.db.execute("UPDATE entries SET body = ? WHERE machine_id = ? AND seq = 3",
                         [json.dumps(body), machine_id(data_dir)])
    try:
        with pytest.raises(UntrustedAnswerError) as caught:
            fetch_entries(transport, machine_id(data_dir))
    finally:
        transport.close()
    assert caught.value.requirement == "restore.chain" and "seq 3" in caught.value.evidence


def test_a_rewritten_restore_page_is_refused(proxy, journal, data_dir):
    transport = uploaded(journal, data_dir, proxy.url)
    proxy.tamper = rewrite_json("/v1/machines/self/entries", lambda p: p["items"].pop())
    try:
        with pytest.raises(UntrustedAnswerError) as caught:
            fetch_entries(transport, machine_id(data_dir))
    finally:
        transport.close()
    assert caught.value.requirement == "answer.signature"
