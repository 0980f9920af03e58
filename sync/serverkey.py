"""The pinned server key: its fingerprint, and whether a newly presented key replaces it.

At enrolment the client pins the server's Ed25519 key; every answer must then be signed by
it (docs/sync-protocol.md §3.2). When a later enrolment presents another key, ``key_change``
decides - a pure function, one comment per branch - whether it is taken: only through rotation
statements signed by the pinned key (the server rotated), or when the technician confirmed the
new key's fingerprint (the server was rebuilt). Otherwise ServerKeyChangedError names the new
key's fingerprint, so the technician can compare it with the one the province publishes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sync import protocol, signing
from sync.errors import ServerKeyChangedError

#: ``statement.purpose`` of a rotation statement (so no other signed object can pass for one).
ROTATION_PURPOSE = "server-key-rotation"


def fingerprint(public_key_b64: str) -> str:
    """SHA-256 of the raw 32-byte key, lowercase hex in groups of four: ``3f2a:9c01:…``."""
    digest = hashlib.sha256(signing.unb64(public_key_b64)).hexdigest()
    return ":".join(digest[i:i + 4] for i in range(0, 64, 4))


def same_fingerprint(given: str, public_key_b64: str) -> bool:
    """Whether ``given`` (any separators, any case) is the key's full fingerprint."""
    digits = "".join(c for c in given.lower() if c in "0123456789abcdef")
    return digits == fingerprint(public_key_b64).replace(":", "")


@dataclass(frozen=True)
class KeyChange:
    """How the pinned key was replaced (recorded as ``sync.server_key_changed``)."""

    how: str  # "rotation" | "confirmed"
    old_key_id: str
    old_fingerprint: str
    new_key_id: str
    new_fingerprint: str
    rotations: tuple[dict, ...] = ()

    def as_payload(self) -> dict[str, Any]:
        return {"how": self.how, "old_key_id": self.old_key_id,
                "old_fingerprint": self.old_fingerprint, "new_key_id": self.new_key_id,
                "new_fingerprint": self.new_fingerprint, "rotations": list(self.rotations)}


def key_change(pinned: tuple[str, str] | None, presented: tuple[str, str],
               rotations: Any, confirmed: str | None) -> KeyChange | None:
    """None when ``presented`` (key id, base64 key) may be pinned as it is, a KeyChange when it
    replaces ``pinned``; raises ServerKeyChangedError when it may not."""
    new_id, new_key = presented
    if confirmed is not None and not same_fingerprint(confirmed, new_key):
        # the technician confirmed a fingerprint, and it is not this key's
        raise _refused(new_key, "省级系统当前密钥的指纹与您确认的指纹不一致，已拒绝登记。")
    if pinned is None or pinned[1] == new_key:
        # the first enrolment (trust on first use, the fingerprint shown to the technician),
        # or the same key again: nothing changes
        return None
    old_id, old_key = pinned
    chain = rotation_chain(old_key, new_key, rotations)
    if chain is not None:
        # the pinned key itself signed the way to the new key: a rotation
        return KeyChange("rotation", old_id, fingerprint(old_key), new_id,
                         fingerprint(new_key), chain)
    if confirmed is not None:
        # no statement, but the technician checked the new key's fingerprint: a rebuilt server
        return KeyChange("confirmed", old_id, fingerprint(old_key), new_id,
                         fingerprint(new_key))
    # another key and nothing vouching for it: a wrong server, or a man in the middle
    raise _refused(new_key, "省级系统的签名密钥与本机登记时不同，已拒绝登记。")


def _refused(new_key: str, why_zh: str) -> ServerKeyChangedError:
    fp = fingerprint(new_key)
    return ServerKeyChangedError(
        f"{why_zh}省级系统现在出示的密钥指纹为 {fp}。请向省级系统核实该指纹；确认无误后，"
        f"重新执行 counter-app enroll 并加上 --accept-server-key {fp}。", fingerprint=fp)


def rotation_chain(old_key: str, new_key: str, rotations: Any) -> tuple[dict, ...] | None:
    """The rotation statements leading from ``old_key`` to ``new_key``, each signed by the key
    it retires (oldest first); None when there is no such chain."""
    if not isinstance(rotations, list):
        return None
    current, used = old_key, []
    for rotation in rotations:
        statement = rotation.get("statement") if isinstance(rotation, dict) else None
        if not isinstance(statement, dict) or statement.get("old_public_key") != current:
            continue  # a statement about another key (e.g. before this machine enrolled)
        if not verify_rotation(rotation, current):
            return None
        current = str(statement.get("new_public_key"))
        used.append(rotation)
    return tuple(used) if used and current == new_key else None


def verify_rotation(rotation: dict, old_key: str) -> bool:
    """Whether ``rotation`` is a well-formed statement signed by ``old_key``."""
    statement, signature = rotation.get("statement"), rotation.get("signature")
    if not isinstance(statement, dict) or not isinstance(signature, str):
        return False
    if statement.get("purpose") != ROTATION_PURPOSE:
        return False
    try:
        signing.load_public_key(str(statement.get("new_public_key")))
        key = signing.load_public_key(old_key)
    except ValueError:
        return False
    return signing.verify(key, signature, protocol.answer_bytes(statement))


def rotation_statement(old_key_id: str, old_key: str, new_key_id: str, new_key: str,
                       rotated_at: str) -> dict[str, Any]:
    """The statement a server signs with its old key when it rotates (docs §3.3)."""
    return {"purpose": ROTATION_PURPOSE, "old_key_id": old_key_id, "old_public_key": old_key,
            "new_key_id": new_key_id, "new_public_key": new_key, "rotated_at": rotated_at}
