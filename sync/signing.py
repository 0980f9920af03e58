"""Ed25519 machine keys: generating, storing, signing requests, checking server signatures.

The private key is stored as PKCS#8 PEM encrypted with a password derived from the journal's
machine key, so a copied data directory does not yield a usable enrolment (PRODUCT.md §5).
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync import protocol


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def public_key_b64(key: Ed25519PrivateKey) -> str:
    """The raw 32-byte public key, base64 (the form the protocol exchanges)."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    return b64(raw)


def load_public_key(text: str) -> Ed25519PublicKey:
    """Parse a base64 raw Ed25519 public key; raises ValueError when malformed."""
    return Ed25519PublicKey.from_public_bytes(unb64(text))


def save_private_key(key: Ed25519PrivateKey, path: Path, password: bytes | None) -> None:
    """Write the key (encrypted when a password is given) readable only by this account."""
    algorithm = (serialization.BestAvailableEncryption(password) if password
                 else serialization.NoEncryption())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            algorithm)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def load_private_key(path: Path, password: bytes | None) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=password)
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError(f"{path} is not an Ed25519 key")
    return key


def sign_headers(key: Ed25519PrivateKey, machine_id: str, method: str, path: str,
                 body: bytes | None, timestamp: str, *, unsigned_payload: bool = False,
                 upload_offset: str = "") -> dict[str, str]:
    """The authentication headers for one request (a fresh nonce every call)."""
    nonce = new_nonce()
    content_sha = (protocol.UNSIGNED_PAYLOAD if unsigned_payload
                   else protocol.sha256_hex(body or b""))
    message = protocol.string_to_sign(method, path, timestamp, nonce, content_sha,
                                      upload_offset)
    return {protocol.HDR_MACHINE: machine_id, protocol.HDR_TIMESTAMP: timestamp,
            protocol.HDR_NONCE: nonce, protocol.HDR_CONTENT_SHA: content_sha,
            protocol.HDR_SIGNATURE: b64(key.sign(message))}


def verify(public_key: Ed25519PublicKey, signature_b64: str, message: bytes) -> bool:
    """True when ``signature_b64`` is a valid signature of ``message``."""
    try:
        public_key.verify(unb64(signature_b64), message)
        return True
    except (InvalidSignature, ValueError):
        return False


@dataclass(frozen=True)
class PinnedKey:
    """The server key every answer must be signed with (pinned at enrolment)."""

    key_id: str
    public_key: Ed25519PublicKey

    @classmethod
    def from_b64(cls, key_id: str, public_key_b64: str) -> PinnedKey:
        return cls(key_id, load_public_key(public_key_b64))


def new_nonce() -> str:
    return secrets.token_hex(16)


def sign_answer(key: Ed25519PrivateKey, status: int, method: str, path: str, nonce: str,
                server_time: str, body: bytes) -> str:
    """The server side: the X-CA-Answer-Signature of one answer."""
    return b64(key.sign(protocol.answer_to_sign(status, method, path, nonce, server_time,
                                                body)))


def answer_signed_by(pinned: PinnedKey, headers: Mapping[str, str], status: int, method: str,
                     path: str, nonce: str, body: bytes) -> bool:
    """Whether an answer carries a valid signature by ``pinned`` over this request's nonce."""
    signature = headers.get(protocol.HDR_ANSWER_SIGNATURE)
    if not signature or headers.get(protocol.HDR_KEY_ID) != pinned.key_id:
        return False
    message = protocol.answer_to_sign(status, method, path, nonce,
                                      headers.get(protocol.HDR_SERVER_TIME, ""), body)
    return verify(pinned.public_key, signature, message)
