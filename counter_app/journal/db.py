"""Opening the encrypted SQLite file: SQLCipher key, WAL, synchronous=FULL, clear errors."""

from __future__ import annotations

import errno
from pathlib import Path

import sqlcipher3
import sqlite_utils

from counter_app.journal.errors import (DiskFullError, JournalOpenError, JournalWriteError,
                                        WrongKeyError)

DatabaseError = sqlcipher3.DatabaseError


def connect(path: Path, key: bytes, *, readonly: bool = False,
            immutable: bool = False) -> sqlite_utils.Database:
    """Open ``path`` with the SQLCipher ``key`` and the journal's pragmas.

    ``immutable`` (read-only, for a file no one is writing: no -wal beside it) reads without
    creating the -wal and -shm files a WAL database otherwise gets even from a reader.

    Raises WrongKeyError when the file does not decrypt with the key (or is not a journal at
    all) and JournalOpenError when it cannot be opened for another reason.
    """
    path = Path(path)
    try:
        if readonly:
            options = "mode=ro&immutable=1" if immutable else "mode=ro"
            conn = sqlcipher3.connect(f"{path.resolve().as_uri()}?{options}", uri=True,
                                      isolation_level=None, check_same_thread=False)
        else:
            conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    except sqlcipher3.Error as exc:
        raise JournalOpenError(f"无法打开日志文件：{path}", detail=repr(exc)) from None
    try:
        # SQLCipher would print its own errors to stderr; ours say it in words people read.
        conn.execute("PRAGMA cipher_log_level = NONE")
        # A raw 256-bit key: no passphrase KDF needed, the key is already random.
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA busy_timeout = 10000")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc) or "encrypted" in str(exc):
            raise WrongKeyError(
                "无法解密日志数据库：本机密钥与该文件不匹配，或文件不是本系统的日志。"
                "请确认使用的是本机的数据目录；如需恢复，请技术人员用 counter-app journal restore "
                "从备份或省级系统恢复（见 docs/security.md）。",
                detail=f"{path}: {exc}",
            ) from None
        raise JournalOpenError(f"日志文件已损坏，无法打开：{path}。请联系技术人员。",
                               detail=f"{path}: {exc}") from None
    return sqlite_utils.Database(conn, execute_plugins=False)


def translate_write_error(exc: BaseException) -> Exception:
    """Map an SQLite/OS write failure to the journal's errors (nothing was committed)."""
    text = str(exc).lower()
    err_no = getattr(exc, "errno", None)
    if "full" in text or err_no in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return DiskFullError("磁盘已满，这一步没有保存。请清理磁盘空间（或联系技术人员）后重试；"
                             "之前保存的内容完好。", detail=repr(exc))
    return JournalWriteError("保存失败，这一步没有保存。请重试；如果反复出现，请联系技术人员。"
                             "之前保存的内容完好。", detail=repr(exc))
