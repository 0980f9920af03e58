"""Ensure province accounts work end to end over real HTTP against the simulator: the pull
makes them accounts, the first login is verified by the province's signed verdict, later
logins work offline, and a deactivation (or removal) at the province refuses the login after
the next sync. Also: forged or mismatched verdicts are refused, and the pull is complete."""

from __future__ import annotations

import pytest

from counter_app.operators import LinkUnavailable, LoginRefused, OperatorService
from sync import enrolment, login_verification, reference
from sync.errors import ProtocolError, UntrustedAnswerError
from sync.simulator import accounts
from sync.simulator.server import SimulatorServer
from sync.transport import Credentials, Transport

from tests.sync.conftest import enroll, make_engine, start_sim


def link(data_dir, journal, url=None):
    """The login's link as the app wires it (the enrolment's server, short timeouts)."""
    def verify(operator_id, password):
        return login_verification.verify_login(data_dir, journal, operator_id, password,
                                               server_url=url, connect_timeout_s=1.0,
                                               read_timeout_s=2.0)
    return verify


def service(journal, data_dir, url=None):
    return OperatorService(journal, province=link(data_dir, journal, url))


def test_enrol_sync_login_online_then_offline_deactivate_sync_refused(
        tmp_path, journal, data_dir):
    """The issue's done-criterion for province accounts, step by step."""
    sim = start_sim(tmp_path / "sim")
    port = sim.httpd.server_address[1]
    enroll(data_dir, journal, sim.url)
    engine = make_engine(journal, data_dir)
    assert engine.run_once().ok
    operators = service(journal, data_dir)
    assert operators.record("reg01")["confirmed_at"] is not None

    # online: the province checks the password, the counter keeps a verifier
    assert operators.authenticate("reg01", "reg01-pass").has_role("registrar")
    assert not operators.asks_province("reg01")

    # offline: the simulator is gone, the login still works (and a first login does not)
    engine.close()   # a stopped simulator keeps serving open keep-alive connections
    sim.stop()
    assert operators.authenticate("reg01", "reg01-pass").operator_id == "reg01"
    with pytest.raises(LoginRefused, match="首次在本机登录") as refused:
        operators.authenticate("sup01", "sup01-pass")
    assert refused.value.code == "auth.link_required"

    # the province deactivates the account (离岗); the next sync brings it; login refused
    sim = SimulatorServer(tmp_path / "sim", port=port).start()
    try:
        accounts.update_account(sim.sim.store, "reg01", active=False)
        engine = make_engine(journal, data_dir)
        assert engine.run_once().ok
        with pytest.raises(LoginRefused, match="停用") as refused:
            operators.authenticate("reg01", "reg01-pass")
        assert refused.value.code == "auth.disabled"
    finally:
        engine.close()
        sim.stop()


def test_the_pull_brings_the_office_accounts_only(sim, enrolled, journal, data_dir):
    with sim.sim.store.tx() as store:
        store.put_reference("operators", "reg77", {
            "operator_id": "reg77", "name": "别处的登记员", "roles": ["registrar"],
            "office_code": "330106", "qualified_until": None, "active": True})
    engine = make_engine(journal, data_dir)
    assert engine.run_once().ok
    listed = {a["operator_id"]: a for a in OperatorService(journal).accounts()}
    assert sorted(listed) == ["reg01", "sup01", "tech01"]
    assert listed["sup01"]["roles"] == ["supervisor", "registrar"]
    assert all(a["source"] == "server" and a["active"] and a["confirmed_at"]
               for a in listed.values())
    assert not journal.query("SELECT 1 FROM reference_items WHERE collection = 'operators'")
    before = journal.head()[0]
    assert engine.run_once().ok                     # an unchanged collection: nothing new
    assert [e.kind for e in journal.entries(before) if e.kind.startswith("operator.")] == []
    engine.close()


@pytest.mark.parametrize("tombstone", [True, False])
def test_an_account_removed_at_the_province_is_disabled(sim, enrolled, journal, data_dir,
                                                        tombstone):
    engine = make_engine(journal, data_dir)
    assert engine.run_once().ok
    operators = service(journal, data_dir)
    operators.authenticate("tech01", "tech01-pass")
    accounts.remove_account(sim.sim.store, "tech01", tombstone=tombstone)
    assert engine.run_once().ok
    with pytest.raises(LoginRefused, match="不在省级系统的账号名单中"):
        operators.authenticate("tech01", "tech01-pass")
    engine.close()


def test_a_pull_over_many_pages_sees_every_account(sim, enrolled, journal, data_dir,
                                                   monkeypatch):
    monkeypatch.setattr(reference, "PAGE_LIMIT", 1)
    for n in range(4):
        accounts.add_account(sim.sim.store, {"operator_id": f"reg1{n}", "name": f"登记员{n}",
                                             "roles": ["registrar"], "office_code": "110101"},
                             "pw")
    engine = make_engine(journal, data_dir)
    assert engine.run_once().ok
    assert len(OperatorService(journal).accounts()) == 7
    confirmations = [e for e in journal.entries() if e.kind == "operator.accounts_confirmed"]
    assert len(confirmations) == 1 and len(confirmations[0].payload["accounts"]) == 7
    engine.close()


def test_a_wrong_password_online_is_a_failure(sim, enrolled, journal, data_dir):
    engine = make_engine(journal, data_dir)
    assert engine.run_once().ok
    operators = service(journal, data_dir)
    with pytest.raises(LoginRefused, match="工号或密码不正确"):
        operators.authenticate("reg01", "reg01-guess")
    assert operators.record("reg01")["failed_count"] == 1
    assert operators.asks_province("reg01")


def test_a_new_password_at_the_province_needs_the_link_again(sim, enrolled, journal, data_dir):
    engine = make_engine(journal, data_dir)
    assert engine.run_once().ok
    operators = service(journal, data_dir)
    operators.authenticate("reg01", "reg01-pass")
    accounts.set_password(sim.sim.store, "reg01", "reg01-new")
    assert engine.run_once().ok
    assert operators.asks_province("reg01")
    with pytest.raises(LoginRefused, match="工号或密码不正确"):
        operators.authenticate("reg01", "reg01-pass")
    assert operators.authenticate("reg01", "reg01-new").operator_id == "reg01"
    engine.close()


def test_a_drifted_clock_still_verifies(tmp_path, journal, data_dir):
    sim = start_sim(tmp_path / "sim", "skew_s=900")
    try:
        enroll(data_dir, journal, sim.url)
        verdict = link(data_dir, journal)("reg01", "reg01-pass")
        assert verdict.verified and verdict.account["name"] == "登记员一"
    finally:
        sim.stop()


def test_without_enrolment_or_server_there_is_no_link(tmp_path, journal, data_dir):
    with pytest.raises(LinkUnavailable):
        link(data_dir, journal)("reg01", "reg01-pass")
    sim = start_sim(tmp_path / "sim")
    enroll(data_dir, journal, sim.url)
    sim.stop()
    with pytest.raises(LinkUnavailable):
        link(data_dir, journal)("reg01", "reg01-pass")


def test_the_province_says_why_it_refuses(sim, enrolled, journal, data_dir):
    accounts.update_account(sim.sim.store, "sup01", active=False)
    assert link(data_dir, journal)("sup01", "sup01-pass").reason_code == "inactive"
    accounts.add_account(sim.sim.store, {"operator_id": "reg77", "name": "别处",
                                         "roles": ["registrar"], "office_code": "330106"}, "pw")
    assert link(data_dir, journal)("reg77", "pw").reason_code == "wrong_office"
    unknown = link(data_dir, journal)("nobody", "pw")
    assert (unknown.verified, unknown.reason_code, unknown.account) == (
        False, "bad_credentials", None)


@pytest.fixture
def answer(sim, enrolled, journal, data_dir):
    """A real signed answer from the simulator, and what the client sent."""
    record, key = enrolment.load(data_dir, journal)
    transport = Transport(sim.url, Credentials(record.machine_id, key))
    body = {"request_id": "r-1", "operator_id": "reg01", "password": "reg01-pass",
            "requested_at": "2026-05-20T01:00:00.000Z"}
    response = transport.post_json(login_verification.PATH, body).body
    transport.close()
    return response, record


def test_a_genuine_verdict_is_accepted(answer):
    response, record = answer
    verdict = login_verification.verify_verdict(response, record, "r-1", "reg01")
    assert verdict["verified"] and verdict["machine_id"] == record.machine_id


@pytest.mark.parametrize("tamper, refusal", [
    (lambda r: r["verdict"].update(operator_id="sup01"), "answer.signature"),
    (lambda r: r["verdict"].update(verified=False, reason_code="inactive"), "answer.signature"),
    (lambda r: r.update(key_id="other-key"), "answer.signature"),
    (lambda r: r.update(signature=r["signature"][::-1]), "answer.signature"),
    (lambda r: r.pop("signature"), None),
])
def test_a_tampered_verdict_is_refused(answer, tamper, refusal):
    """A verdict not signed by the pinned key is refused as a 联网核对 answer would be
    (answer.signature, docs §4.3); one without a signature at all is incomplete."""
    response, record = answer
    tamper(response)
    if refusal is None:
        with pytest.raises(ProtocolError, match="不完整"):
            login_verification.verify_verdict(response, record, "r-1", "reg01")
        return
    with pytest.raises(UntrustedAnswerError, match="签名无效") as caught:
        login_verification.verify_verdict(response, record, "r-1", "reg01")
    assert caught.value.requirement == refusal


def test_a_verdict_for_another_request_is_refused(answer):
    response, record = answer
    for request_id, operator_id in (("r-2", "reg01"), ("r-1", "sup01")):
        with pytest.raises(UntrustedAnswerError, match="不符") as caught:
            login_verification.verify_verdict(response, record, request_id, operator_id)
        assert caught.value.requirement == "login.match"
