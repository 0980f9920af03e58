"""Ensure the one way back from a refused journal works: `journal backup` and
`journal restore --from-backup / --from-province`, explicit, verified and journaled.

Everything runs through the real command line on real data dirs; the province is the
simulator on loopback.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

from counter_app.journal.kinds import KIND_JOURNAL_BACKED_UP, KIND_JOURNAL_RESTORED
from helpers.journals import anchor_file, key_file, open_test_journal
from tampering import run_cli
from swapping import assert_refused, fingerprint, remove_journal, stress
from tests.sync.conftest import start_sim


def restore(data_dir: Path, *source: str, reason: str = "硬盘故障后恢复", confirm=True):
    return run_cli("journal", "restore", *source, "--reason", reason,
                   *(["--confirm"] if confirm else []), data_dir=data_dir)


def verify_out(data_dir: Path) -> str:
    result = run_cli("journal", "verify", data_dir=data_dir)
    return result.stdout + result.stderr


def last_entry(data_dir: Path):
    with open_test_journal(data_dir) as journal:
        return list(journal.entries())[-1]


def backed_up(tmp_path: Path, entries: int = 4) -> tuple[Path, Path]:
    data_dir = tmp_path / "data"
    assert stress(data_dir, entries).returncode == 0
    backup = tmp_path / "usb" / "journal-backup.db"
    result = run_cli("journal", "backup", "--out", str(backup), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert f"{entries} entries" in result.stdout
    return data_dir, backup


def test_a_backup_is_one_private_encrypted_file_and_is_journaled(tmp_path):
    data_dir, backup = backed_up(tmp_path)
    if os.name != "nt":
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert b"stress.synthetic" not in backup.read_bytes()
    entry = last_entry(data_dir)
    assert entry.kind == KIND_JOURNAL_BACKED_UP and entry.payload["head_seq"] == 4
    assert entry.payload["attachments"] == 2 and entry.payload["os_user"]
    again = run_cli("journal", "backup", "--out", str(backup), data_dir=data_dir)
    assert again.returncode == 2 and "已存在" in again.stderr
    # A technician checks a backup with this data dir's key; checking does not change it.
    before = backup.read_bytes()
    result = run_cli("journal", "verify", "--db", str(backup), data_dir=data_dir)
    assert result.stdout == "ok 4 entries, last seq 4\n", result.stderr
    assert backup.read_bytes() == before and sorted(p.name for p in backup.parent.iterdir()) \
        == [backup.name]


def test_a_deleted_journal_and_its_attachments_come_back_from_a_backup(tmp_path):
    data_dir, backup = backed_up(tmp_path)
    assert stress(data_dir, 2).returncode == 0                # head 7: backup entry + 2
    remove_journal(data_dir)
    shutil.rmtree(data_dir / "attachments")
    assert_refused(data_dir, "日志文件不存在")
    result = restore(data_dir, "--from-backup", str(backup))
    assert result.returncode == 0, result.stderr
    assert "head 7 -> 4" in result.stdout
    assert verify_out(data_dir) == "ok 5 entries, last seq 5\n"
    entry = last_entry(data_dir)
    assert entry.kind == KIND_JOURNAL_RESTORED and entry.seq == 5
    p = entry.payload
    assert p["source"] == "backup" and p["from"] == str(backup.resolve())
    assert p["reason"] == "硬盘故障后恢复" and p["os_user"] and entry.operator.startswith("os:")
    assert p["before"]["head_seq"] == 7 and p["before"]["file"] == "missing"
    assert p["after"]["head_seq"] == 4 and p["replaced_file"] is None
    assert stress(data_dir, 1).returncode == 0                 # the counter carries on


def test_restoring_an_older_copy_keeps_the_replaced_file(tmp_path):
    data_dir, backup = backed_up(tmp_path, 3)
    assert stress(data_dir, 3).returncode == 0
    current = hashlib.sha256((data_dir / "journal.db").read_bytes()).hexdigest()
    result = restore(data_dir, "--from-backup", str(backup))
    assert result.returncode == 0, result.stderr
    kept = [p for p in data_dir.iterdir() if p.name.startswith("journal.db.replaced-")]
    assert len(kept) == 1 and hashlib.sha256(kept[0].read_bytes()).hexdigest() == current
    assert last_entry(data_dir).payload["replaced_file"] == kept[0].name
    assert verify_out(data_dir) == "ok 4 entries, last seq 4\n"


def test_a_plain_copy_of_journal_db_restores_an_emptied_journal(tmp_path):
    """The technician can also restore from a copy of journal.db (a disk image, an older
    copy he judged good): its attachments must then still be in the data dir."""
    data_dir = tmp_path / "data"
    assert stress(data_dir, 4).returncode == 0
    copy = tmp_path / "copy.db"
    shutil.copy(data_dir / "journal.db", copy)
    remove_journal(data_dir)
    (data_dir / "journal.db").write_bytes(b"")
    assert_refused(data_dir, "是空的")
    assert restore(data_dir, "--from-backup", str(copy)).returncode == 0
    assert verify_out(data_dir) == "ok 5 entries, last seq 5\n"


def test_a_restore_needs_confirmation_and_a_reason_and_changes_nothing_without(tmp_path):
    data_dir, backup = backed_up(tmp_path)
    remove_journal(data_dir)
    before = fingerprint(data_dir)
    result = restore(data_dir, "--from-backup", str(backup), confirm=False)
    assert result.returncode == 2 and "--confirm" in result.stderr
    result = restore(data_dir, "--from-backup", str(backup), reason="  ")
    assert result.returncode == 2 and "--reason" in result.stderr
    assert fingerprint(data_dir) == before


def test_a_broken_or_foreign_backup_is_refused_and_changes_nothing(tmp_path):
    data_dir, backup = backed_up(tmp_path)
    other, other_backup = backed_up(tmp_path / "other-machine")
    before = fingerprint(data_dir)
    result = restore(data_dir, "--from-backup", str(other_backup))
    assert result.returncode == 2 and "不是本机的备份" in result.stderr
    damaged = tmp_path / "damaged.db"
    data = bytearray(backup.read_bytes())
    data[3 * 4096 + 200] ^= 0x10
    damaged.write_bytes(bytes(data))
    result = restore(data_dir, "--from-backup", str(damaged))
    assert result.returncode == 2 and "已损坏" in result.stderr, result.stderr
    assert fingerprint(data_dir) == before
    assert not (data_dir / "journal.db.restoring").exists()
    assert verify_out(data_dir) == "ok 5 entries, last seq 5\n"


def test_a_backup_behind_the_province_is_refused_in_favour_of_the_province(tmp_path):
    from sync.state import SyncState

    data_dir, backup = backed_up(tmp_path, 2)
    assert stress(data_dir, 4).returncode == 0
    state = SyncState(data_dir / "sync" / "state.db", label_key=b"k" * 32)
    state.set(acked_seq=6)
    state.close()
    remove_journal(data_dir)
    result = restore(data_dir, "--from-backup", str(backup))
    assert result.returncode == 2 and "--from-province" in result.stderr
    assert not (data_dir / "journal.db").exists()


def test_a_restore_is_refused_while_the_data_dir_is_in_use(tmp_path):
    from counter_app.journal.lock import DataDirLock

    data_dir, backup = backed_up(tmp_path)
    lock = DataDirLock.acquire(data_dir, "counter-app 窗口")  # this test process holds it
    try:
        result = restore(data_dir, "--from-backup", str(backup))
    finally:
        lock.release()
    assert result.returncode == 2 and "正在被使用" in result.stderr
    assert f"进程号 {os.getpid()}" in result.stderr


def test_the_province_hands_back_what_it_acknowledged(tmp_path):
    """Enrol, write, sync; lose the journal, its attachments and the anchor; restore from
    the province; the chain and attachments are whole and sync carries on from there."""
    sim = start_sim(tmp_path / "sim")
    data_dir = tmp_path / "data"
    try:
        result = run_cli("enroll", "--server", sim.url, "--office", "110101", data_dir=data_dir)
        assert result.returncode == 0, result.stderr
        assert stress(data_dir, 6).returncode == 0
        assert run_cli("sync", "--once", data_dir=data_dir).returncode == 0
        with open_test_journal(data_dir) as journal:
            synced = [(e.seq, e.hash) for e in journal.entries()]
        remove_journal(data_dir)
        shutil.rmtree(data_dir / "attachments")
        anchor_file(data_dir).unlink()
        assert_refused(data_dir, "日志文件不存在", f"省级系统已确认收到本机第 {len(synced)} 条")
        result = restore(data_dir, "--from-province")
        assert result.returncode == 0, result.stderr
        assert verify_out(data_dir) == f"ok {len(synced) + 1} entries, last seq {len(synced) + 1}\n"
        with open_test_journal(data_dir) as journal:
            entries = list(journal.entries())
        assert [(e.seq, e.hash) for e in entries[:-1]] == synced
        restored = entries[-1]
        assert restored.kind == KIND_JOURNAL_RESTORED
        assert restored.payload["source"] == "province" and restored.payload["from"] == sim.url
        assert restored.payload["missing_attachments"] == 0
        assert restored.payload["before"]["anchor"] == "missing"
        assert stress(data_dir, 1).returncode == 0
        result = run_cli("sync", "--once", data_dir=data_dir)
        assert result.returncode == 0, result.stdout + result.stderr
    finally:
        sim.stop()
    assert key_file(data_dir).exists()


def test_the_province_cannot_help_a_data_dir_without_its_enrolment(tmp_path):
    data_dir, _ = backed_up(tmp_path)
    remove_journal(data_dir)
    before = fingerprint(data_dir)
    result = restore(data_dir, "--from-province")
    assert result.returncode == 2 and "登记信息" in result.stderr and "备份" in result.stderr
    assert fingerprint(data_dir) == before
