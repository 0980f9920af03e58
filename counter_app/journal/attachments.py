"""Attachments (photos, scans, signatures, PDFs): content-addressed, encrypted, durable.

An attachment is identified by the SHA-256 of its plaintext, the address entries use. On disk
it is ``attachments/<2 hex>/<name>`` where ``name`` is an HMAC of that SHA-256 under a key
derived from the machine key, so a copied directory does not even reveal which known files it
holds. The file is ``nonce (12 bytes) || AES-256-GCM(plaintext)`` with the SHA-256 as associated
data, so a file swapped for another attachment's fails to decrypt. Each file is written to a
temporary name, fsynced, renamed and its directory fsynced *before* the journal entry that
references it commits; after a crash an attachment may exist that no entry references (harmless,
reported by ``verify`` as unreferenced), never the reverse.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from counter_app.journal.errors import AttachmentError, DiskFullError, JournalWriteError


@dataclass(frozen=True)
class AttachmentRef:
    """How an entry refers to an attachment."""

    sha256: str
    size: int
    media_type: str

    def as_record(self) -> dict:
        return {"sha256": self.sha256, "size": self.size, "media_type": self.media_type}


class AttachmentStore:
    """Encrypted content-addressed files under one directory."""

    def __init__(self, root: Path, key: bytes, name_key: bytes) -> None:
        self.root = Path(root)
        self._aead = AESGCM(key)
        self._name_key = name_key

    def path_for(self, sha256: str) -> Path:
        name = hmac.new(self._name_key, bytes.fromhex(sha256), hashlib.sha256).hexdigest()
        return self.root / name[:2] / name

    def put(self, data: bytes, media_type: str = "application/octet-stream") -> AttachmentRef:
        """Store ``data`` durably (fsynced) and return its reference. Idempotent."""
        digest = hashlib.sha256(data).hexdigest()
        ref = AttachmentRef(digest, len(data), media_type)
        path = self.path_for(digest)
        if path.exists() and self._is_intact(path, digest):
            return ref
        nonce = secrets.token_bytes(12)
        blob = nonce + self._aead.encrypt(nonce, data, bytes.fromhex(digest))
        try:
            _write_durably(path, blob)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                raise DiskFullError("磁盘已满，附件没有保存。请清理磁盘后重试，已登记的内容不受影响。",
                                    detail=f"attachment write: {exc!r}") from None
            raise JournalWriteError("附件写入失败，没有保存。请重试；如果反复出现，请联系技术人员。",
                                    detail=f"attachment write: {exc!r}") from None
        return ref

    def get(self, sha256: str) -> bytes:
        """Decrypt and return the attachment, checking its SHA-256."""
        path = self.path_for(sha256)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise AttachmentError(f"附件丢失：{sha256[:12]}…",
                                  detail=f"missing attachment {sha256}") from None
        try:
            data = self._aead.decrypt(blob[:12], blob[12:], bytes.fromhex(sha256))
        except (InvalidTag, ValueError):
            raise AttachmentError(f"附件已损坏或被篡改：{sha256[:12]}…",
                                  detail=f"attachment {sha256} fails authentication") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise AttachmentError(f"附件内容与记录不符：{sha256[:12]}…",
                                  detail=f"attachment {sha256} hash mismatch")
        return data

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def _is_intact(self, path: Path, digest: str) -> bool:
        try:
            self.get(digest)
            return True
        except AttachmentError:
            return False


def _write_durably(path: Path, blob: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + f".{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o600)  # owner-only, like every data file
        with open(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename durable. Windows has no directory fsync; NTFS journals the rename."""
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
