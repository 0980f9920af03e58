"""The machine key that encrypts the journal and its attachments.

One random 256-bit master key per data directory. It is kept:

* in the OS keystore through ``keyring`` where a real backend exists (Windows Credential
  Manager, which protects it with DPAPI under the account running the app; Secret Service or
  KWallet on a Linux desktop), or
* in ``<data dir>/keys/machine.key``, created with mode 0600 so only the account running the
  app (the counter's service account) can read it, where there is no keystore (headless Linux,
  the demo, tests).

Copying ``journal.db`` and ``attachments/`` off the PC therefore yields ciphertext only; the key
stays in the keystore, or in a file the technician keeps off backups (docs/ARCHITECTURE.md).
Sub-keys for SQLCipher and for attachments are derived with HKDF so neither use can weaken the
other.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from counter_app.journal.errors import KeyStoreError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "counter-app"
KEY_FILE = Path("keys") / "machine.key"


@dataclass(frozen=True)
class MachineKey:
    """The master key and the sub-keys derived from it."""

    master: bytes

    def derive(self, purpose: str) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                    info=f"counter-app {purpose} v1".encode()).derive(self.master)

    @property
    def sqlcipher_key(self) -> bytes:
        return self.derive("journal sqlcipher")

    @property
    def attachment_key(self) -> bytes:
        return self.derive("attachments aes-gcm")

    @property
    def attachment_name_key(self) -> bytes:
        return self.derive("attachment file names")

    @classmethod
    def generate(cls) -> "MachineKey":
        return cls(secrets.token_bytes(32))


def keyring_usable() -> bool:
    """True when keyring has a real backend (not the 'fail' or 'null' placeholder)."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except Exception:  # noqa: BLE001 - a broken keyring install means "no keystore"
        return False
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or type(backend).__module__.endswith("null"):
        return False
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return False
    return True


def load_or_create(data_dir: Path, store: str = "auto", create: bool = True) -> MachineKey:
    """Return this data dir's machine key from ``store`` ('auto', 'keyring' or 'file').

    With ``create`` a missing key is generated and stored; without it a missing key raises
    KeyStoreError (opening an existing journal must never silently make a new key).
    """
    if store == "auto":
        store = "keyring" if keyring_usable() else "file"
    if store == "keyring":
        return _from_keyring(data_dir, create)
    if store == "file":
        return _from_file(Path(data_dir) / KEY_FILE, create)
    raise KeyStoreError(f"未知的密钥存储方式：{store}", detail=f"key store {store!r}")


def _keyring_user(data_dir: Path) -> str:
    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    return f"journal-key:{digest}"


def _from_keyring(data_dir: Path, create: bool) -> MachineKey:
    import keyring
    from keyring.errors import KeyringError

    user = _keyring_user(data_dir)
    try:
        stored = keyring.get_password(KEYRING_SERVICE, user)
        if stored:
            return MachineKey(bytes.fromhex(stored))
        if not create:
            raise KeyStoreError("系统密钥库中没有本机的日志密钥，无法打开日志。请联系技术人员。",
                                detail=f"no keyring entry {KEYRING_SERVICE}/{user}")
        key = MachineKey.generate()
        keyring.set_password(KEYRING_SERVICE, user, key.master.hex())
        log.info("created a new machine key in the OS keystore (%s)", type(keyring.get_keyring()))
        return key
    except (KeyringError, ValueError) as exc:
        raise KeyStoreError("无法读取系统密钥库中的日志密钥。请联系技术人员。",
                            detail=f"keyring: {exc!r}") from None


def _from_file(path: Path, create: bool) -> MachineKey:
    if path.exists():
        try:
            return MachineKey(bytes.fromhex(path.read_text(encoding="ascii").strip()))
        except (ValueError, UnicodeDecodeError, OSError) as exc:
            raise KeyStoreError(f"密钥文件已损坏或无法读取：{path}",
                                detail=f"key file: {exc!r}") from None
    if not create:
        raise KeyStoreError(f"找不到日志密钥文件：{path}。没有它无法打开日志。",
                            detail=f"missing key file {path}")
    key = MachineKey.generate()
    write_key_file(path, key)
    log.info("created a new machine key file")
    return key


def write_key_file(path: Path, key: MachineKey) -> None:
    """Write the key with owner-only permissions, atomically, fsynced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if sys.platform != "win32":
        os.chmod(path.parent, 0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key.master.hex().encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
