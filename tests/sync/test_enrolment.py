"""Enrolment: the office answered must be the office asked, re-enrolment is idempotent, a new
server key is taken only through a rotation statement signed by the pinned key or a confirmed
fingerprint - and no case ends in an internal error (real simulator on 127.0.0.1)."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import enrolment, protocol, serverkey, signing
from sync.errors import ServerError, ServerKeyChangedError, UntrustedAnswerError
from sync.kinds import KIND_ANSWER_REFUSED, KIND_ENROLLED, KIND_SERVER_KEY_CHANGED
from tests.sync.conftest import enroll, start_sim
from tests.sync.test_cli import run


def kinds(journal, kind):
    return [e for e in journal.entries() if e.kind == kind]


def pinned(data_dir):
    return json.loads((data_dir / "sync" / enrolment.ENROLMENT_FILE).read_text("utf-8"))


def test_enrolling_again_is_idempotent(sim, journal, data_dir):
    first = enroll(data_dir, journal, sim.url)
    again = enroll(data_dir, journal, sim.url)
    assert again == first and len(kinds(journal, KIND_ENROLLED)) == 1
    # the same server under another name is a new fact, not an error
    other_name = sim.url.replace("127.0.0.1", "localhost")
    assert enroll(data_dir, journal, other_name).machine_id == first.machine_id
    assert len(kinds(journal, KIND_ENROLLED)) == 2
    assert kinds(journal, KIND_SERVER_KEY_CHANGED) == []


def test_a_rebuilt_server_is_refused_naming_its_fingerprint_until_confirmed(
        sim, journal, data_dir, tmp_path):
    first = enroll(data_dir, journal, sim.url)
    rebuilt = start_sim(tmp_path / "rebuilt")  # same machine key, a new server key
    try:
        fp = serverkey.fingerprint(rebuilt.sim.public_key)
        with pytest.raises(ServerKeyChangedError) as err:
            enroll(data_dir, journal, rebuilt.url)
        assert fp in err.value.message_zh and "--accept-server-key" in err.value.message_zh
        assert pinned(data_dir)["machine_id"] == first.machine_id  # nothing changed
        with pytest.raises(ServerKeyChangedError, match="不一致"):
            enrolment.enroll(data_dir, journal, _transport, rebuilt.url, "110101",
                             accept_server_key=serverkey.fingerprint(sim.sim.public_key))
        done = enrolment.enroll(data_dir, journal, _transport, rebuilt.url, "110101",
                                accept_server_key=fp.upper().replace(":", " "))
        assert done.server_public_key == rebuilt.sim.public_key
        assert pinned(data_dir)["server_public_key"] == rebuilt.sim.public_key
        [change] = kinds(journal, KIND_SERVER_KEY_CHANGED)
        assert change.payload["how"] == "confirmed" and change.payload["new_fingerprint"] == fp
        assert change.payload["old_fingerprint"] == serverkey.fingerprint(sim.sim.public_key)
    finally:
        rebuilt.stop()


def _transport(url, credentials):
    from sync.transport import Transport

    return Transport(url, credentials)


def test_a_rotation_signed_by_the_pinned_key_is_taken(sim, journal, data_dir):
    first = enroll(data_dir, journal, sim.url)
    sim.sim.rotate_key()
    sim.sim.rotate_key()  # twice: the chain of statements leads from the pinned key
    again = enroll(data_dir, journal, sim.url)
    assert again.machine_id == first.machine_id
    assert again.server_public_key == sim.sim.public_key != first.server_public_key
    [change] = kinds(journal, KIND_SERVER_KEY_CHANGED)
    assert change.payload["how"] == "rotation" and len(change.payload["rotations"]) == 2
    assert enroll(data_dir, journal, sim.url) == again  # and idempotent after it


def test_a_rotation_statement_not_signed_by_the_pinned_key_is_refused(sim, journal, data_dir):
    enroll(data_dir, journal, sim.url)
    old = sim.sim.public_key
    sim.sim.rotate_key()
    forger = Ed25519PrivateKey.generate()  # knows the new key, not the old one
    rotation = sim.sim.key_rotations[0]
    rotation["signature"] = signing.b64(forger.sign(protocol.answer_bytes(
        rotation["statement"])))
    sim.sim._rotations_path.write_text(json.dumps([rotation]), encoding="utf-8")
    with pytest.raises(ServerKeyChangedError):
        enroll(data_dir, journal, sim.url)
    assert pinned(data_dir)["server_public_key"] == old


def test_an_answer_for_another_office_is_refused_and_journaled(tmp_path, journal, data_dir):
    liar = start_sim(tmp_path / "liar", "lie=wrong_office")
    try:
        with pytest.raises(UntrustedAnswerError) as err:
            enroll(data_dir, journal, liar.url, office="110101")
        assert err.value.requirement == "enrolment.office"
        assert "110101" in err.value.message_zh
        assert not (data_dir / "sync" / enrolment.ENROLMENT_FILE).exists()
        assert kinds(journal, KIND_ENROLLED) == []
        assert kinds(journal, KIND_ANSWER_REFUSED)[0].payload["requirement"] == \
            "enrolment.office"
    finally:
        liar.stop()


def test_the_same_key_for_another_office_is_a_conflict(sim, journal, data_dir):
    enroll(data_dir, journal, sim.url, office="110101")
    with pytest.raises(ServerError) as err:
        enroll(data_dir, journal, sim.url, office="532529")
    assert err.value.server_code == "office_conflict" and "另一个登记机关" in err.value.message_zh
    assert pinned(data_dir)["office_code"] == "110101"


def test_fingerprints():
    key = signing.public_key_b64(Ed25519PrivateKey.generate())
    fp = serverkey.fingerprint(key)
    assert len(fp) == 79 and fp.count(":") == 15
    assert serverkey.same_fingerprint(fp.replace(":", "").upper(), key)
    assert not serverkey.same_fingerprint(fp[:-1], key)


def test_enroll_cli_against_a_rebuilt_server(tmp_path, data_dir):
    sim = start_sim(tmp_path / "sim")
    rebuilt = start_sim(tmp_path / "rebuilt")
    try:
        out = run(data_dir, "enroll", "--server", sim.url, "--office", "110101")
        assert out.returncode == 0 and "fingerprint" in out.stdout
        out = run(data_dir, "enroll", "--server", sim.url, "--office", "110101")
        assert out.returncode == 0, out.stderr  # re-running is safe
        out = run(data_dir, "enroll", "--server", rebuilt.url, "--office", "110101")
        fp = serverkey.fingerprint(rebuilt.sim.public_key)
        assert out.returncode == 2 and fp in out.stderr and "内部错误" not in out.stderr
        out = run(data_dir, "enroll", "--server", rebuilt.url, "--office", "110101",
                  "--accept-server-key", fp)
        assert out.returncode == 0, out.stderr
        assert fp in out.stdout
    finally:
        sim.stop()
        rebuilt.stop()
