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
from sync import protocol, signing
from sync.errors import NotEnrolledError, ProtocolError, SyncError
from sync.kinds import KIND_ENROLLED
from sync.transport import Credentials, Transport

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
           office_code: str, *, operator: str = "technician") -> Enrolment:
    """Create (or reuse) this machine's key and register it with the server for the office.

    Re-running is safe: the same key is sent again and the server answers with the same
    machine id. ``transport_factory(url, credentials)`` builds a Transport.
    """
    if not office_code.isdigit() or len(office_code) != 6:
        raise SyncError("登记机关代码应为 6 位数字（行政区划代码）。", detail=f"office {office_code!r}")
    folder = sync_dir(data_dir)
    key_path = folder / KEY_FILE
    password = key_password(journal)
    key = (signing.load_private_key(key_path, password) if key_path.exists()
           else Ed25519PrivateKey.generate())
    if not key_path.exists():
        signing.save_private_key(key, key_path, password)
    transport = transport_factory(server_url, None)
    try:
        answer = _register(transport, key, office_code)
    finally:
        transport.close()
    enrolment = _enrolment_from(answer, server_url, signing.public_key_b64(key))
    _write_json(folder / ENROLMENT_FILE, asdict(enrolment))
    journal.append(KIND_ENROLLED, {k: v for k, v in asdict(enrolment).items()},
                   operator=operator,
                   entry_id=f"enrol-{enrolment.machine_id}-{enrolment.public_key[:16]}")
    return enrolment


def _register(transport: Transport, key: Ed25519PrivateKey, office_code: str) -> dict:
    body = {"office_code": office_code, "public_key": signing.public_key_b64(key),
            "hostname": socket.gethostname(), "platform": platform.platform(terse=True),
            "client_version": __version__, "requested_at": protocol.iso(protocol.utc_now())}
    data = protocol.canonical_json(body).encode("utf-8")
    # proof of possession: the new key signs the request body itself
    proof = signing.b64(key.sign(data))
    response = transport.send("POST", f"{protocol.API_PREFIX}/machines", data=data,
                              headers={"Content-Type": "application/json; charset=utf-8",
                                       protocol.HDR_SIGNATURE: proof}, signed=False)
    return response.body


def _enrolment_from(answer: dict, server_url: str, public_key: str) -> Enrolment:
    try:
        signing.load_public_key(answer["server_public_key"])
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
