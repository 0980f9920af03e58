"""The machine key that encrypts the journal and its attachments, kept outside the data dir.

One random 256-bit master key per data directory. It is kept:

* in the OS keystore through ``keyring`` where a real backend exists (Windows Credential
  Manager, which protects it with DPAPI under the account running the app; Secret Service or
  KWallet on a Linux desktop), or
* in a key file in the key dir (``journal.key_dir``: by default the platform's user state
  dir, ``~/.local/state/counter-app-keys`` on Linux), never inside the data dir, created
  owner-only (0600 in a 0700 directory) and, on Windows, sealed with DPAPI for the account.

So copying the data dir (``journal.db``, ``attachments/``) off the PC yields ciphertext only:
the key is not in it. The journal's anchor (``anchor.py``) lives beside the key file. Sub-keys
for SQLCipher, attachments and the anchor are derived with HKDF so no use can weaken another.

Earlier versions kept the key file in ``<data dir>/keys/machine.key``; such a key is found,
used, and moved to the key dir once the journal has opened and its first anchor is sealed
(:func:`settle_key`). A key that has been through that (or was created by this version) is
*anchored*: from then on its data dir's anchor must exist.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from counter_app.config import ENV_PREFIX, platform_key_dir
from counter_app.journal.attachments import fsync_dir
from counter_app.journal.errors import KeyStoreError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "counter-app"
#: Where versions before the anchor kept the key file (inside the data dir).
LEGACY_KEY_FILE = Path("keys") / "machine.key"
#: The keystore value of an anchored key starts with this; a bare hex value is from before.
ANCHORED_PREFIX = "anchored:"
DPAPI_PREFIX = "dpapi:"
KEY_DIR_ENV = ENV_PREFIX + "JOURNAL_KEY_DIR"


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

    @property
    def anchor_key(self) -> bytes:
        return self.derive("journal anchor hmac")

    @classmethod
    def generate(cls) -> "MachineKey":
        return cls(secrets.token_bytes(32))


@dataclass(frozen=True)
class StoredKey:
    """A key as found in its store; ``anchored`` False means a key from before the anchor."""

    key: MachineKey
    anchored: bool


@dataclass(frozen=True)
class KeyPlace:
    """Where one data dir's key and anchor are kept."""

    data_dir: Path
    key_dir: Path
    store: str  # 'keyring' or 'file'

    @property
    def tag(self) -> str:
        return hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]

    @property
    def key_file(self) -> Path:
        return self.key_dir / f"journal-{self.tag}.key"

    @property
    def anchor_file(self) -> Path:
        return self.key_dir / f"journal-{self.tag}.anchor"

    @property
    def legacy_key_file(self) -> Path:
        return self.data_dir / LEGACY_KEY_FILE

    @property
    def keyring_user(self) -> str:
        return f"journal-key:{self.tag}"


def default_key_dir() -> Path:
    """The key dir when none is given: $COUNTER_APP_JOURNAL_KEY_DIR (the variable the
    configuration reads for journal.key_dir), else the platform's."""
    configured = os.environ.get(KEY_DIR_ENV, "")
    return Path(configured).expanduser() if configured else platform_key_dir()


def place(data_dir: Path, store: str = "auto", key_dir: Path | None = None) -> KeyPlace:
    """Where ``data_dir``'s key and anchor live; refuses a key dir inside the data dir."""
    if store == "auto":
        store = "keyring" if keyring_usable() else "file"
    if store not in ("keyring", "file"):
        raise KeyStoreError(f"未知的密钥存储方式：{store}", detail=f"key store {store!r}")
    resolved = Path(data_dir).resolve()
    keys_at = Path(key_dir or default_key_dir()).resolve()
    if keys_at == resolved or keys_at.is_relative_to(resolved):
        raise KeyStoreError(
            f"密钥目录 {keys_at} 位于数据目录之内：复制数据目录就会连密钥一起复制。"
            "请把 journal.key_dir 设到数据目录之外。",
            detail=f"key dir {keys_at} inside data dir {resolved}")
    return KeyPlace(resolved, keys_at, store)


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


# --- finding, creating, settling ----------------------------------------------------------

def find_key(where: KeyPlace) -> StoredKey | None:
    """The data dir's key from its store, or None when there is none (never creates one)."""
    if where.store == "keyring":
        return _find_in_keyring(where)
    if where.key_file.exists():
        key = StoredKey(_read_key_file(where.key_file), anchored=True)
        _drop_legacy_copy(where, key.key)
        return key
    if where.legacy_key_file.exists():
        return StoredKey(_read_key_file(where.legacy_key_file), anchored=False)
    return None


def create_key(where: KeyPlace) -> StoredKey:
    """A new key, stored anchored (only for a data dir that never held a journal)."""
    key = MachineKey.generate()
    if where.store == "keyring":
        _keyring_set(where, ANCHORED_PREFIX + key.master.hex())
        log.info("created a new machine key in the OS keystore")
    else:
        write_key_file(where.key_file, key)
        log.info("created a new machine key file in the key dir")
    return StoredKey(key, anchored=True)


def settle_key(where: KeyPlace, stored: StoredKey) -> StoredKey:
    """Make a key from before the anchor an anchored one: a key file moves out of the data dir
    to the key dir (written and fsynced before the old copy is removed); a keystore value is
    marked. Call only once the journal opened with it and its anchor is sealed."""
    if stored.anchored:
        return stored
    if where.store == "keyring":
        _keyring_set(where, ANCHORED_PREFIX + stored.key.master.hex())
    else:
        write_key_file(where.key_file, stored.key)
        _drop_legacy_copy(where, stored.key)
    log.info("machine key moved out of the data dir (anchored)")
    return StoredKey(stored.key, anchored=True)


def missing_key_error(where: KeyPlace) -> KeyStoreError:
    """The error for a journal whose key is nowhere to be found."""
    if where.store == "keyring":
        return KeyStoreError("系统密钥库中没有本机的日志密钥，无法打开日志。请联系技术人员。",
                             detail=f"no keyring entry {KEYRING_SERVICE}/{where.keyring_user}")
    return KeyStoreError(f"找不到日志密钥文件：{where.key_file}。没有它无法打开日志；"
                         "请技术人员从密钥备份放回（见 docs/security.md）。",
                         detail=f"missing key file {where.key_file}")


def load_or_create(data_dir: Path, store: str = "auto", create: bool = True,
                   key_dir: Path | None = None) -> MachineKey:
    """This data dir's machine key; with ``create`` a missing one is generated (tools and
    tests; the journal itself decides with :func:`find_key` and :func:`create_key`)."""
    where = place(data_dir, store, key_dir)
    stored = find_key(where)
    if stored is not None:
        return stored.key
    if not create:
        raise missing_key_error(where)
    return create_key(where).key


# --- the keystore ------------------------------------------------------------------------

def _find_in_keyring(where: KeyPlace) -> StoredKey | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        stored = keyring.get_password(KEYRING_SERVICE, where.keyring_user)
        if not stored:
            return None
        anchored = stored.startswith(ANCHORED_PREFIX)
        return StoredKey(MachineKey(bytes.fromhex(stored.removeprefix(ANCHORED_PREFIX))),
                         anchored)
    except (KeyringError, ValueError) as exc:
        raise KeyStoreError("无法读取系统密钥库中的日志密钥。请联系技术人员。",
                            detail=f"keyring: {exc!r}") from None


def _keyring_set(where: KeyPlace, value: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, where.keyring_user, value)
    except KeyringError as exc:
        raise KeyStoreError("无法把日志密钥写入系统密钥库。请联系技术人员。",
                            detail=f"keyring: {exc!r}") from None


# --- key files -----------------------------------------------------------------------------

def _read_key_file(path: Path) -> MachineKey:
    try:
        text = path.read_text(encoding="ascii").strip()
        if text.startswith(DPAPI_PREFIX):
            return MachineKey(_dpapi(base64.b64decode(text.removeprefix(DPAPI_PREFIX)),
                                     protect=False))
        return MachineKey(bytes.fromhex(text))
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        raise KeyStoreError(f"密钥文件已损坏或无法读取：{path}",
                            detail=f"key file: {exc!r}") from None


def _drop_legacy_copy(where: KeyPlace, key: MachineKey) -> None:
    """Remove the data dir's old key file once the key dir holds the same key; a different key
    there is refused (someone put another data dir's key in)."""
    legacy = where.legacy_key_file
    if not legacy.exists():
        return
    if _read_key_file(legacy) != key:
        raise KeyStoreError(f"数据目录中的旧密钥文件 {legacy} 与密钥目录中的不同，无法判断哪个是"
                            "本机的。请技术人员核对后移走其中一个。",
                            detail=f"legacy key {legacy} differs from {where.key_file}")
    legacy.unlink()
    try:
        legacy.parent.rmdir()
    except OSError:
        pass


def write_key_file(path: Path, key: MachineKey) -> None:
    """Write the key owner-only (DPAPI-sealed on Windows), atomically, fsynced."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if sys.platform != "win32":
        os.chmod(path.parent, 0o700)
        text = key.master.hex()
    else:
        text = DPAPI_PREFIX + base64.b64encode(_dpapi(key.master, protect=True)).decode()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def _dpapi(data: bytes, protect: bool) -> bytes:
    """Seal or open ``data`` with Windows DPAPI for the current account (CryptProtectData).

    Untested on this project's Linux CI; it follows the documented Win32 signatures.
    """
    if sys.platform != "win32":
        raise ValueError("DPAPI-sealed key file on a system without DPAPI")
    import ctypes
    from ctypes import wintypes

    class Blob(ctypes.Structure):
        _fields_ = [("cbData", wintypes.DWORD), ("pbData", ctypes.POINTER(ctypes.c_char))]

    crypt32 = ctypes.WinDLL("crypt32", use_last_error=True)
    kernel32 = ctypes.WinDLL("kernel32")
    buffer = ctypes.create_string_buffer(data, len(data))
    blob_in = Blob(len(data), ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char)))
    blob_out = Blob()
    call = crypt32.CryptProtectData if protect else crypt32.CryptUnprotectData
    ui_forbidden = 0x1
    if not call(ctypes.byref(blob_in), None, None, None, None, ui_forbidden,
                ctypes.byref(blob_out)):
        raise OSError(ctypes.get_last_error(), "DPAPI failed")
    try:
        return ctypes.string_at(blob_out.pbData, blob_out.cbData)
    finally:
        kernel32.LocalFree(blob_out.pbData)
