"""Backups of the journal, and putting a journal back in a data dir that refuses its own.

``backup`` copies the open journal with SQLite's online backup (a consistent snapshot while the
journal stays usable) into one file, encrypted with the same machine key, together with the
encrypted attachment files its entries reference. Without this machine's key a backup is
ciphertext; with the key it is the whole journal.

A restore is two steps, both done by ``counter-app journal restore`` under the data dir's
lock: *staging* builds the journal to put back beside the live one (``journal.db.restoring``,
from a backup file or from entries the province hands back), *installing* verifies it
(``verify``: file, chain, head, attachments, projections), moves the current file aside (never
deletes it: ``journal.db.replaced-<time>``), renames the staged file into place and re-seals
the anchor with a new generation. The command then opens the journal the ordinary way and
journals the restore (who, from what, the head before and after).
"""

from __future__ import annotations

import getpass
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable

from counter_app.journal import db as dbmod
from counter_app.journal.anchor import Anchor
from counter_app.journal.attachments import _write_durably, fsync_dir
from counter_app.journal.entry import Entry
from counter_app.journal.errors import JournalError, JournalOpenError, WrongKeyError
from counter_app.journal.journal import ATTACHMENT_DIR, JOURNAL_FILE, Journal
from counter_app.journal.keys import KeyPlace, MachineKey, StoredKey, find_key, settle_key
from counter_app.journal.opening import peek
from counter_app.journal.verify import verify

STAGED_FILE = JOURNAL_FILE + ".restoring"
SIDE_SUFFIXES = ("", "-wal", "-shm")


class RestoreError(JournalError):
    """A restore cannot go ahead; nothing in the data dir was changed."""

    code = "journal.restore_failed"


def os_user() -> str:
    """The operating-system account running the command (recorded with backups/restores)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def actor() -> dict[str, str]:
    return {"os_user": os_user(), "host": socket.gethostname()}


# --- backups ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class BackupReport:
    path: Path
    head_seq: int
    head_hash: str
    attachments: int


def backup(journal: Journal, out: Path) -> BackupReport:
    """Write ``journal`` and its referenced attachment files to the new file ``out``."""
    out = Path(out)
    if out.exists():
        raise RestoreError(f"备份文件已存在：{out}。请换一个文件名。", detail=f"exists {out}")
    out.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        return _write_backup(journal, out)
    except BaseException:
        out.unlink(missing_ok=True)
        raise


def _write_backup(journal: Journal, out: Path) -> BackupReport:
    source = dbmod.connect(journal.path, journal.key.sqlcipher_key, readonly=True)
    target = dbmod.connect(out, journal.key.sqlcipher_key)
    try:
        source.conn.backup(target.conn)  # all pages in one step: one consistent snapshot
        target.execute("PRAGMA journal_mode = DELETE")  # the backup is one self-contained file
        head_seq, head_hash = target.execute(
            "SELECT head_seq, head_hash FROM journal_state").fetchone()
        refs = {ref["sha256"] for (text,) in target.execute(
            "SELECT attachments FROM entries WHERE attachments != '[]'").fetchall()
            for ref in json.loads(text)}
        target.execute("CREATE TABLE backup_attachments (name TEXT PRIMARY KEY, blob BLOB)")
        with target.atomic():
            for sha in sorted(refs):
                path = journal.attachments.path_for(sha)
                if path.exists():
                    target.execute("INSERT INTO backup_attachments VALUES (?, ?)",
                                   [path.name, path.read_bytes()])
    finally:
        source.close()
        target.close()
    _fsync(out)
    return BackupReport(out, head_seq, head_hash, len(refs))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- staging ---------------------------------------------------------------------------------

def staged_path(data_dir: Path) -> Path:
    return Path(data_dir) / STAGED_FILE


def _fresh_stage(data_dir: Path) -> Path:
    staged = staged_path(data_dir)
    for suffix in SIDE_SUFFIXES:
        Path(str(staged) + suffix).unlink(missing_ok=True)
    return staged


def stage_backup(backup_file: Path, data_dir: Path, key: MachineKey) -> Path:
    """Copy a backup file beside the live journal and put its attachment files in place."""
    backup_file = Path(backup_file)
    if not backup_file.is_file():
        raise RestoreError(f"备份文件不存在：{backup_file}", detail=f"missing {backup_file}")
    staged = _fresh_stage(data_dir)
    os.close(os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        source = dbmod.connect(backup_file, key.sqlcipher_key, readonly=True)
    except WrongKeyError:
        raise RestoreError(f"备份文件 {backup_file} 无法用本机密钥解密：它不是本机的备份，或已损坏。",
                           detail=f"backup {backup_file} does not decrypt") from None
    target = dbmod.connect(staged, key.sqlcipher_key)
    try:
        source.conn.backup(target.conn)
        _unpack_attachments(target, Path(data_dir) / ATTACHMENT_DIR)
        target.execute("PRAGMA journal_mode = WAL")
    except dbmod.DatabaseError as exc:
        raise RestoreError(f"备份文件 {backup_file} 已损坏，无法读出，恢复已中止，数据目录未改动。"
                           "请换一份备份，或从省级系统恢复。",
                           detail=f"backup {backup_file}: {exc!r}") from None
    finally:
        source.close()
        target.close()
    return staged


def _unpack_attachments(db: Any, root: Path) -> None:
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "backup_attachments" not in tables:
        return  # a plain copy of journal.db: its attachments must already be in place
    for name, blob in db.execute("SELECT name, blob FROM backup_attachments").fetchall():
        path = root / name[:2] / name
        if not path.exists():  # one in place is kept; verify checks whichever is used
            _write_durably(path, blob)
    db.execute("DROP TABLE backup_attachments")


def stage_entries(entries: Iterable[Entry], fetch: Callable[[str], bytes | None],
                  data_dir: Path, key: MachineKey, projections: Iterable[ModuleType]
                  ) -> tuple[Path, list[str]]:
    """A new journal beside the live one holding ``entries`` as they were, with each
    referenced attachment ``fetch``ed (None: not available). Returns the staged file and the
    attachments that could not be had."""
    staged = _fresh_stage(data_dir)
    missing: list[str] = []
    journal = Journal(staged, key, Path(data_dir) / ATTACHMENT_DIR, projections=projections)
    try:
        kept = list(entries)
        for sha in sorted({ref["sha256"] for e in kept for ref in e.attachments}):
            if not journal.attachments.exists(sha):
                data = fetch(sha)
                if data is None:
                    missing.append(sha)
                else:
                    journal.put_attachment(data)
        journal.import_entries(kept)
    finally:
        journal.close()
    return staged, missing


# --- installing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Installed:
    before: dict[str, Any]
    after: dict[str, Any]
    replaced: str | None
    problems: list[str]


def describe_current(where: KeyPlace, key: MachineKey) -> dict[str, Any]:
    """What the data dir holds now: the anchor's seal and the file's own head, as far as
    they can be read (a refused journal may not decrypt at all)."""
    anchor = Anchor(where.anchor_file, key.anchor_key, where.data_dir)
    read = anchor.read()
    found: dict[str, Any] = {"anchor": read.state}
    if read.seal is not None:
        found.update(journal_id=read.seal.journal_id, head_seq=read.seal.head_seq,
                     head_hash=read.seal.head_hash, generation=read.seal.generation)
    path = where.data_dir / JOURNAL_FILE
    if not path.exists():
        found["file"] = "missing"
    elif path.stat().st_size == 0:
        found["file"] = "empty"
    else:
        try:
            facts = peek(path, key, None)
            found.update(file="present", file_journal_id=facts.journal_id,
                         file_head_seq=facts.head_seq)
        except JournalOpenError as exc:
            found.update(file="unreadable", file_error=exc.code)
    return found


def install(staged: Path, where: KeyPlace, stored: StoredKey,
            projections: Iterable[ModuleType], acked_seq: int | None,
            clock_kwargs: dict[str, Any] | None = None) -> Installed:
    """Verify the staged journal and put it in place of the data dir's (see module doc)."""
    before = describe_current(where, stored.key)
    with Journal(staged, stored.key, where.data_dir / ATTACHMENT_DIR, projections=projections,
                 **(clock_kwargs or {})) as journal:
        report = verify(journal)
        journal_id = journal.journal_id
        head_seq, head_hash = journal.head()
    if not report.ok:
        discard(where.data_dir)
        raise RestoreError(f"要恢复的日志没有通过校验（{report.problems[0]}），恢复已中止，数据目录未改动。",
                           detail=f"staged journal broken: {report.problems[:3]}")
    if acked_seq is not None and acked_seq > head_seq:
        discard(where.data_dir)
        raise RestoreError(f"要恢复的日志只到第 {head_seq} 条，而省级系统已确认收到本机第 {acked_seq} 条："
                           "请改用 --from-province 从省级系统恢复。数据目录未改动。",
                           detail=f"staged head {head_seq} < acked {acked_seq}")
    replaced = _move_aside(where.data_dir)
    _swap_in(staged, where.data_dir / JOURNAL_FILE)
    anchor = Anchor(where.anchor_file, stored.key.anchor_key, where.data_dir)
    anchor.read()
    try:
        anchor.reset(journal_id, head_seq, head_hash)
    finally:
        anchor.close()
    settle_key(where, stored)
    after = {"journal_id": journal_id, "head_seq": head_seq, "head_hash": head_hash}
    return Installed(before, after, replaced, [str(p) for p in report.problems])


def discard(data_dir: Path) -> None:
    """Remove a staged journal (a restore that did not go ahead)."""
    _fresh_stage(data_dir)


def _move_aside(data_dir: Path) -> str | None:
    """Rename the current journal file (and its -wal/-shm) out of the way; keep it."""
    live = Path(data_dir) / JOURNAL_FILE
    if not live.exists():
        return None
    name = f"{JOURNAL_FILE}.replaced-{datetime.now().strftime('%Y%m%dT%H%M%S')}"
    for suffix in SIDE_SUFFIXES:
        source = Path(str(live) + suffix)
        if source.exists():
            source.rename(Path(data_dir) / (name + suffix))
    return name


def _swap_in(staged: Path, live: Path) -> None:
    for suffix in SIDE_SUFFIXES[1:]:
        Path(str(staged) + suffix).unlink(missing_ok=True)  # closed cleanly: checkpointed
    staged.rename(live)
    fsync_dir(live.parent)


def current_key(where: KeyPlace) -> StoredKey:
    """The data dir's key, which every restore needs (backups are encrypted with it)."""
    stored = find_key(where)
    if stored is None:
        raise RestoreError("找不到本机的日志密钥：备份和省级系统的数据都要用它。请先把密钥从密钥备份放回"
                           "（见 docs/security.md），再恢复。", detail=f"no key at {where.key_file}")
    return stored
