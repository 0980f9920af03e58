"""Opening a data dir's journal: take the lock, gather the facts, let ``guard`` decide, act.

Nothing is written before the verdict: the journal file is read through a read-only
connection, the key and the anchor are only read. A refusal leaves the data dir as it was
(except its lock file). Creating, opening and adopting then run in this order:

* CREATE: the key (new, unless a creation was cut short) -> the anchor sealed as "creating"
  with the new journal's id -> the journal file -> the anchor sealed at the head;
* ADOPT (a data dir from before the anchor): the journal opens with its old key -> the first
  anchor is sealed at its head -> the key moves out of the data dir;
* OPEN: the journal opens; the anchor catches up if a power cut left it one commit behind.
"""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path
from typing import Any

from counter_app.journal import db as dbmod
from counter_app.journal import guard, keys
from counter_app.journal.anchor import DAMAGED, MISSING, Anchor, AnchorRead, Seal
from counter_app.journal.canonical import GENESIS_HASH
from counter_app.journal.errors import JournalOpenError, JournalSwappedError
from counter_app.journal.lock import DataDirLock

from counter_app.journal.journal import ATTACHMENT_DIR, JOURNAL_FILE, Journal

log = logging.getLogger(__name__)


def open_data_dir(cls: type[Journal], data_dir: Path, key_store: str, *,
                  key_dir: Path | None, readonly: bool, acked_seq: int | None,
                  program: str, **kwargs: Any) -> Journal:
    """The checked journal of ``data_dir`` (see Journal.open)."""
    where = keys.place(data_dir, key_store, key_dir)
    if not readonly:
        owner_only(data_dir)
    lock = None if readonly else DataDirLock.acquire(data_dir, program)
    try:
        return _open(cls, where, lock, readonly, acked_seq, kwargs)
    except BaseException:
        if lock is not None:
            lock.release()
        raise


def _open(cls: type[Journal], where: keys.KeyPlace, lock: DataDirLock | None, readonly: bool,
          acked_seq: int | None, kwargs: dict[str, Any]) -> Journal:
    path = where.data_dir / JOURNAL_FILE
    stored = keys.find_key(where)
    anchor = Anchor(where.anchor_file, stored.key.anchor_key if stored else b"", where.data_dir)
    read = anchor.read() if stored else _unverified(where)
    facts = gather(path, stored, read, acked_seq)
    verdict = guard.decide(facts)
    log.info("journal opening: %s (file %s, key %s, anchor %s)", verdict.action, facts.file,
             facts.key, facts.anchor)
    if verdict.action == guard.REFUSE:
        raise refusal(verdict.reason, facts, path, where)
    assert stored is not None or verdict.action == guard.CREATE
    if readonly:
        return _open_readonly(cls, path, stored, verdict, kwargs)
    if verdict.action == guard.CREATE:
        if stored is None:
            stored = keys.create_key(where)
            anchor = Anchor(where.anchor_file, stored.key.anchor_key, where.data_dir)
        if read.seal is None:
            anchor.seal(uuid.uuid4().hex, 0, GENESIS_HASH, creating=True)
    if anchor.last is not None and anchor.last.creating:
        # The new journal takes the id its anchor was sealed with.
        kwargs = {**kwargs, "journal_id": anchor.last.journal_id}
    assert stored is not None
    try:
        journal = cls(path, stored.key, where.data_dir / ATTACHMENT_DIR, anchor=anchor,
                      lock=lock, **kwargs)
    except BaseException:
        anchor.close()
        raise
    try:
        _seal_opened(journal, anchor)
        keys.settle_key(where, stored)
    except BaseException:
        journal.close()
        raise
    return journal


def owner_only(data_dir: Path) -> None:
    """The data dir is the account's alone (0700): whatever mode a file inside got, no other
    local account can reach it. (Windows: the per-user profile's ACL does this.)"""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name != "nt" and data_dir.stat().st_mode & 0o077:
        os.chmod(data_dir, 0o700)


def _unverified(where: keys.KeyPlace) -> AnchorRead:
    """Without the key the anchor cannot be verified, only seen."""
    if where.anchor_file.exists():
        return AnchorRead(DAMAGED, detail="no key to verify it with")
    return AnchorRead(MISSING)


def gather(path: Path, stored: keys.StoredKey | None, read: AnchorRead,
           acked_seq: int | None) -> guard.Facts:
    """The facts ``guard.decide`` needs, read without writing anything."""
    if not path.exists():
        file = guard.FILE_MISSING
    elif path.stat().st_size == 0:
        file = guard.FILE_EMPTY
    else:
        file = guard.FILE_PRESENT
    key = (guard.KEY_MISSING if stored is None
           else guard.KEY_ANCHORED if stored.anchored else guard.KEY_LEGACY)
    journal = None
    if file == guard.FILE_PRESENT and stored is not None:
        journal = peek(path, stored.key, read.seal)
    return guard.Facts(file, key, read.state, read.seal, journal, acked_seq)


def peek(path: Path, key: keys.MachineKey, seal: Seal | None) -> guard.JournalFacts:
    """The journal's id and head, read through a read-only connection. WrongKeyError when
    the file does not decrypt with this machine's key (another machine's, or not a journal)."""
    # With no -wal beside it nothing is waiting to be checkpointed, and the file is read as it
    # is, leaving no -wal/-shm behind (a refused opening writes nothing).
    quiet = not Path(f"{path}-wal").exists()
    db = dbmod.connect(path, key.sqlcipher_key, readonly=True, immutable=quiet)
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        row = (db.execute("SELECT journal_id, head_seq, head_hash FROM journal_state").fetchone()
               if "journal_state" in tables else None)
        if row is None:
            return guard.JournalFacts(None, 0, GENESIS_HASH)
        at_seal = None
        if seal is not None and row[1] > seal.head_seq and seal.head_seq > 0:
            found = db.execute("SELECT hash FROM entries WHERE seq = ?",
                               [seal.head_seq]).fetchone()
            at_seal = found[0] if found else None
        return guard.JournalFacts(row[0], row[1], row[2], at_seal)
    except dbmod.DatabaseError as exc:
        raise JournalOpenError(f"日志文件已损坏，无法打开：{path}。请不要继续使用这台电脑办理，"
                               "立即联系技术人员从备份或省级系统恢复。",
                               detail=f"peek: {exc!r}") from None
    finally:
        db.close()


def refusal(reason: str, facts: guard.Facts, path: Path,
            where: keys.KeyPlace) -> Exception:
    if reason == guard.NO_KEY:
        return keys.missing_key_error(where)
    message = guard.refusal_message(reason, facts, path, where.anchor_file)
    return JournalSwappedError(message, reason=reason,
                               detail=f"{reason}: file {facts.file}, key {facts.key}, anchor "
                                      f"{facts.anchor}, seal {facts.seal}, journal "
                                      f"{facts.journal}, acked {facts.acked_seq}")


def _open_readonly(cls: type[Journal], path: Path, stored: keys.StoredKey | None,
                   verdict: guard.Verdict, kwargs: dict[str, Any]) -> Journal:
    if verdict.action == guard.CREATE or stored is None or not path.exists():
        raise JournalOpenError(f"日志文件不存在：{path}", detail=f"readonly open of {path}")
    return cls(path, stored.key, path.parent / ATTACHMENT_DIR, readonly=True, **kwargs)


def _seal_opened(journal: Journal, anchor: Anchor) -> None:
    """Bring the anchor to the opened journal's head (first seal, a creation finished, or
    one commit sealed late)."""
    seq, digest = journal.head()
    last = anchor.last
    if last is None or last.creating or (last.head_seq, last.head_hash) != (seq, digest):
        anchor.seal(journal.journal_id, seq, digest)
