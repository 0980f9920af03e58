"""Machine enrolment: an Ed25519 key bound to one office, registered with the server once.

Files under ``<data dir>/sync/``: ``machine_ed25519.pem`` (the private key, PKCS#8 encrypted
with a password derived from the journal's machine key) and ``enrolment.json`` (machine id,
server URL, office, the server's public key). The enrolment is also recorded in the journal
(``sync.enrolled``) for the audit trail.
"""

from __future__ import annotations

import json
import os
import platform
import socket
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter_app import __version__
from counter_app.journal import Journal
from counter_app.journal.keys import MachineKey
from sync import outbox, protocol, serverkey, signing
from sync.answers import refuse
from sync.errors import NotEnrolledError, ProtocolError, SyncError, UntrustedAnswerError
from sync.kinds import KIND_ENROLLED, KIND_SERVER_KEY_CHANGED
from sync.transport import Credentials, Response, Transport, same_server

KEY_FILE = "machine_ed25519.pem"
ENROLMENT_FILE = "enrolment.json"


@dataclass(frozen=True)
class Enrolment:
    machine_id: str
    server_url: str
    office_code: str
    public_key: str
    server_key_id: str
    server_public_key: str
    status: str = "active"


def sync_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "sync"


def key_password(journal: Journal | MachineKey) -> bytes:
    key = journal.key if isinstance(journal, Journal) else journal
    return key.derive("sync enrolment ed25519").hex().encode("ascii")


def load(data_dir: Path, journal: Journal | MachineKey) -> tuple[Enrolment, Ed25519PrivateKey]:
    """This machine's enrolment and key, or NotEnrolledError with what to do (the machine
    key alone will do: ``journal restore --from-province`` has no journal to open)."""
    folder = sync_dir(data_dir)
    try:
        record = json.loads((folder / ENROLMENT_FILE).read_text(encoding="utf-8"))
        enrolment = Enrolment(**record)
        key = signing.load_private_key(folder / KEY_FILE, key_password(journal))
    except FileNotFoundError:
        raise NotEnrolledError("本机尚未在省级系统登记。请技术人员执行 counter-app enroll。",
                               detail=f"no enrolment in {folder}") from None
    except (ValueError, TypeError) as exc:
        raise NotEnrolledError("本机登记信息已损坏，请技术人员重新执行 counter-app enroll。",
                               detail=f"enrolment unreadable: {exc!r}") from None
    return enrolment, key


def enroll(data_dir: Path, journal: Journal,
           transport_factory: Callable[[str, Credentials | None], Transport], server_url: str,
           office_code: str, *, operator: str = "technician",
           accept_server_key: str | None = None) -> Enrolment:
    """Create (or reuse) this machine's key and register it with the server for the office.

    Re-running is safe: the same key is sent again and the server answers with the same
    machine id; nothing is written twice. The answer must be for the office asked for, and
    signed by the key it presents; a key other than the pinned one is taken only through
    rotation statements signed by the pinned key, or when ``accept_server_key`` is its
    fingerprint (serverkey.key_change). ``transport_factory(url, credentials)`` builds a
    Transport.
    """
    if not office_code.isdigit() or len(office_code) != 6:
        raise SyncError("登记机关代码应为 6 位数字（行政区划代码）。", detail=f"office {office_code!r}")
    folder = sync_dir(data_dir)
    key = _machine_key(folder / KEY_FILE, key_password(journal))
    pinned = _pinned(folder)
    transport = transport_factory(server_url, None)
    try:
        answer = _register(transport, key, office_code)
        enrolment = _enrolment_from(answer, server_url, signing.public_key_b64(key))
        _check_answer(enrolment, office_code)
    except UntrustedAnswerError as err:
        outbox.record_refusal(journal, err, operator)
        raise
    finally:
        transport.close()
    change = serverkey.key_change(pinned, (enrolment.server_key_id,
                                           enrolment.server_public_key),
                                  answer.get("key_rotations"), accept_server_key)
    _record(journal, enrolment, change, operator)
    _write_json(folder / ENROLMENT_FILE, asdict(enrolment))
    return enrolment


def _machine_key(path: Path, password: bytes) -> Ed25519PrivateKey:
    """This machine's key: the stored one, or a new one stored now."""
    if path.exists():
        return signing.load_private_key(path, password)
    key = Ed25519PrivateKey.generate()
    signing.save_private_key(key, path, password)
    return key


def _pinned(folder: Path) -> tuple[str, str] | None:
    """(key id, base64 key) of the server key pinned at the last enrolment, if any."""
    try:
        record = json.loads((folder / ENROLMENT_FILE).read_text(encoding="utf-8"))
        return str(record["server_key_id"]), str(record["server_public_key"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        raise NotEnrolledError("本机原有的登记信息已损坏，无法核对省级系统的密钥。请技术人员检查 "
                               f"{folder / ENROLMENT_FILE} 后再登记。",
                               detail="enrolment.json unreadable") from None


def _check_answer(enrolment: Enrolment, office_code: str) -> None:
    if enrolment.office_code != office_code:
        # an answer for another office: its blocks and accounts would not be ours
        raise refuse("enrolment.office", f"asked office {office_code}, answer office "
                     f"{enrolment.office_code}",
                     f"省级系统返回的登记机关（{enrolment.office_code}）不是本次登记的机关"
                     f"（{office_code}），已拒绝登记并记入日志。请核对登记机关代码和省级系统地址。",
                     endpoint="POST /v1/machines")


def _record(journal: Journal, enrolment: Enrolment, change: serverkey.KeyChange | None,
            operator: str) -> None:
    """The key change (if any) and the enrolment as journal entries, each with an id derived
    from its content: enrolling again with the same answer writes nothing."""
    if change is not None:
        payload = change.as_payload()
        journal.append(KIND_SERVER_KEY_CHANGED, payload, operator=operator,
                       entry_id="srvkey-" + _digest(payload))
    payload = dict(asdict(enrolment),
                   server_key_fingerprint=serverkey.fingerprint(enrolment.server_public_key))
    journal.append(KIND_ENROLLED, payload, operator=operator,
                   entry_id=f"enrol-{enrolment.machine_id}-{_digest(payload)}")


def _digest(payload: dict) -> str:
    return protocol.sha256_hex(protocol.canonical_json(payload).encode("utf-8"))[:24]


def _register(transport: Transport, key: Ed25519PrivateKey, office_code: str) -> dict:
    body = {"office_code": office_code, "public_key": signing.public_key_b64(key),
            "hostname": socket.gethostname(), "platform": platform.platform(terse=True),
            "client_version": __version__, "requested_at": protocol.iso(protocol.utc_now())}
    data = protocol.canonical_json(body).encode("utf-8")
    # proof of possession: the new key signs the request body itself
    proof = signing.b64(key.sign(data))
    path = f"{protocol.API_PREFIX}/machines"
    response = transport.send("POST", path, data=data,
                              headers={"Content-Type": "application/json; charset=utf-8",
                                       protocol.HDR_SIGNATURE: proof}, signed=False)
    _check_self_signed(response, path)
    return response.body


def _check_self_signed(response: Response, path: str) -> None:
    """The enrolment answer is signed by the key it presents: the server holds that key."""
    body = response.body
    try:
        key = signing.PinnedKey.from_b64(str(body.get("server_key_id")),
                                         str(body.get("server_public_key")))
    except ValueError:
        raise ProtocolError("省级系统的登记应答不完整，请稍后重试。",
                            detail="enrolment answer without a valid server key") from None
    if not signing.answer_signed_by(key, response.headers, response.status, "POST", path,
                                    response.nonce, response.raw):
        # whoever answered does not hold the key it asks us to pin
        raise refuse("answer.signature", "enrolment answer not signed by the key it presents",
                     "省级系统的登记应答没有用它出示的密钥签名，已拒绝登记并记入日志。请联系技术人员。",
                     endpoint=f"POST {path}")


def _enrolment_from(answer: dict, server_url: str, public_key: str) -> Enrolment:
    try:
        signing.load_public_key(answer["server_public_key"])
        if not protocol.MACHINE_ID.match(str(answer["machine_id"])):
            raise ValueError(f"machine_id {answer['machine_id']!r}")
        if answer.get("status", "active") not in ("active", "pending"):
            raise ValueError(f"status {answer.get('status')!r}")
        return Enrolment(machine_id=str(answer["machine_id"]), server_url=server_url,
                         office_code=str(answer["office_code"]), public_key=public_key,
                         server_key_id=str(answer["server_key_id"]),
                         server_public_key=str(answer["server_public_key"]),
                         status=str(answer.get("status", "active")))
    except (KeyError, ValueError, TypeError) as exc:
        raise ProtocolError("省级系统的登记应答不完整，请稍后重试。",
                            detail=f"enrolment answer: {exc!r}") from None


def _write_json(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(record, fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def pinned_key(enrolment: Enrolment) -> signing.PinnedKey:
    """The server key pinned at enrolment: every answer must be signed by it (docs §4.3)."""
    return signing.PinnedKey.from_b64(enrolment.server_key_id, enrolment.server_public_key)


def check_server(server_url: str | None, enrolment: Enrolment) -> str:
    """The URL to talk to: ``server_url`` only when it names the enrolled server's host and
    port (a moved path is fine), else SyncError - nothing goes to another host (docs §2)."""
    if server_url and not same_server(server_url, enrolment.server_url):
        raise SyncError(f"只能向本机登记时的省级系统（{enrolment.server_url}）发送记录，"
                        f"不能发往 {server_url}。如省级系统地址确已更换，请技术人员用新地址重新"
                        "执行 counter-app enroll。",
                        detail=f"{server_url} is not the enrolled server",
                        code="sync.other_server")
    return server_url or enrolment.server_url


def pinned_transport(enrolment: Enrolment, key: Ed25519PrivateKey,
                     server_url: str | None = None, *, ca_bundle: str = "",
                     allow_http: bool = False, connect_timeout_s: float = 5.0,
                     read_timeout_s: float = 30.0) -> Transport:
    """A signed transport to the enrolled server that believes only answers signed by the
    pinned key: for every exchange outside the engine (login verification, closings,
    restore), so they are held to the same rule as the sync loop."""
    return Transport(check_server(server_url, enrolment),
                     Credentials(enrolment.machine_id, key),
                     connect_timeout_s=connect_timeout_s, read_timeout_s=read_timeout_s,
                     server_key=pinned_key(enrolment), ca_bundle=ca_bundle,
                     allow_http=allow_http)
