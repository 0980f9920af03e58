"""Ensure a data dir that has held a journal refuses one that was swapped out from under it.

Each case runs the real command line (`journal stress` writes, `journal verify` checks) on a
real data dir and then swaps the journal file the way it happens in the field: deleted, emptied
(cut to nothing, or replaced by a fresh journal), put back from an older copy, or taken from
another machine. The answer must be exit 2 with a Chinese message that says what was found and
how to recover, and nothing may be written: the swapped file, the key and the anchor stay as
they were, and no new journal appears. A genuinely new data dir still starts normally.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from counter_app.journal import Journal
from counter_app.journal.keys import load_or_create
from helpers.journals import anchor_file, key_file
from swapping import assert_refused, filled, remove_journal, stress
from tampering import run_cli

def test_a_new_data_dir_starts_normally_with_its_key_and_anchor_outside(tmp_path):
    data_dir = filled(tmp_path / "new", 3)
    assert run_cli("journal", "verify", data_dir=data_dir).stdout == "ok 3 entries, last seq 3\n"
    assert key_file(data_dir).exists() and anchor_file(data_dir).exists()
    assert not (data_dir / "keys").exists(), "the key must not be in the data dir"
    assert stress(data_dir, 2).returncode == 0
    assert run_cli("journal", "verify", data_dir=data_dir).stdout == "ok 5 entries, last seq 5\n"


def test_a_deleted_journal_is_refused_and_not_recreated(tmp_path):
    data_dir = filled(tmp_path / "d", 4)
    remove_journal(data_dir)
    assert_refused(data_dir, "日志文件不存在", "被删除或移走", "第 4 条")
    assert not (data_dir / "journal.db").exists()


def test_a_journal_cut_to_nothing_is_refused(tmp_path):
    data_dir = filled(tmp_path / "d", 4)
    remove_journal(data_dir)
    (data_dir / "journal.db").write_bytes(b"")
    assert_refused(data_dir, "是空的", "第 4 条")
    assert (data_dir / "journal.db").stat().st_size == 0


def test_a_journal_replaced_by_a_fresh_empty_one_is_refused(tmp_path):
    """Emptied the other way: a new, empty journal under this machine's key (what starting a
    new chain looked like before). `journal verify` used to say "ok 0 entries"."""
    data_dir = filled(tmp_path / "d", 4)
    key = load_or_create(data_dir, "file", create=False)
    elsewhere = tmp_path / "fresh"
    Journal(elsewhere / "journal.db", key, elsewhere / "attachments").close()
    remove_journal(data_dir)
    shutil.copy(elsewhere / "journal.db", data_dir / "journal.db")
    assert_refused(data_dir, "不是这个数据目录的日志")


def test_an_older_copy_is_refused(tmp_path):
    data_dir = filled(tmp_path / "d", 3)
    old = tmp_path / "old-copy.db"
    shutil.copy(data_dir / "journal.db", old)
    filled(data_dir, 2)
    remove_journal(data_dir)
    shutil.copy(old, data_dir / "journal.db")
    assert_refused(data_dir, "只记录到第 3 条", "第 5 条", "旧的副本")


def test_another_machines_journal_is_refused(tmp_path):
    data_dir = filled(tmp_path / "here", 3)
    other = filled(tmp_path / "other-machine", 6)
    remove_journal(data_dir)
    shutil.copy(other / "journal.db", data_dir / "journal.db")
    assert_refused(data_dir, "无法解密日志数据库", "不是本系统的日志")


def test_a_removed_anchor_is_refused(tmp_path):
    data_dir = filled(tmp_path / "d", 2)
    anchor_file(data_dir).unlink()
    assert_refused(data_dir, "保护记录", "不见了")


def test_an_altered_anchor_is_refused(tmp_path):
    data_dir = filled(tmp_path / "d", 2)
    anchor = anchor_file(data_dir)
    text = anchor.read_bytes()
    anchor.write_bytes(text.replace(b'"head_seq": 2', b'"head_seq": 1')
                       .replace(b'"head_seq": 1,', b'"head_seq": 0,'))
    assert anchor.read_bytes() != text
    assert_refused(data_dir, "保护记录", "已损坏或被改动")


def test_a_copy_behind_what_the_province_acknowledged_is_refused(tmp_path):
    """With the anchor gone as well, the sync state's acknowledged position still tells."""
    from sync.state import SyncState

    data_dir = filled(tmp_path / "d", 3)
    key = load_or_create(data_dir, "file", create=False)
    state = SyncState(data_dir / "sync" / "state.db", label_key=key.derive("x"))
    state.set(acked_seq=7)
    state.close()
    assert_refused(data_dir, "省级系统已确认收到本机第 7 条", "只记录到第 3 条")
    remove_journal(data_dir)
    anchor_file(data_dir).unlink()
    key_file(data_dir).unlink()
    assert_refused(data_dir, "日志文件不存在", "省级系统已确认收到本机第 7 条")
    assert not key_file(data_dir).exists() and not (data_dir / "journal.db").exists()


def test_a_creation_cut_short_before_the_journal_existed_finishes(data_dir):
    """The anchor is sealed "creating" before the journal's first transaction: a power cut
    in between leaves no journal, and the next start creates it with the sealed id."""
    from counter_app.journal import keys
    from counter_app.journal.anchor import Anchor
    from counter_app.journal.canonical import GENESIS_HASH

    where = keys.place(data_dir, "file")
    stored = keys.create_key(where)
    anchor = Anchor(where.anchor_file, stored.key.anchor_key, where.data_dir)
    anchor.seal("cut-short-journal", 0, GENESIS_HASH, creating=True)
    anchor.close()
    with Journal.open(data_dir, "file") as journal:
        assert journal.journal_id == "cut-short-journal"
        journal.append("k", {}, operator="op")
    assert run_cli("journal", "verify", data_dir=data_dir).stdout == "ok 1 entries, last seq 1\n"


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_a_data_dir_with_its_key_inside_migrates_without_loss(tmp_path, version):
    """Data dirs from before the anchor keep the key in keys/machine.key: the first opening
    keeps every entry, seals the first anchor and moves the same key out of the data dir;
    from then on the data dir is protected like any other."""
    fixture = Path(__file__).parent / "fixtures" / f"journal_{version}"
    data_dir = tmp_path / version
    shutil.copytree(fixture, data_dir)
    legacy_key = (data_dir / "keys" / "machine.key").read_text().strip()
    assert not key_file(data_dir).exists() and not anchor_file(data_dir).exists()
    result = run_cli("journal", "verify", data_dir=data_dir)
    assert result.stdout == "ok 6 entries, last seq 6\n", result.stderr
    assert key_file(data_dir).read_text().strip() == legacy_key
    assert not (data_dir / "keys").exists()
    assert anchor_file(data_dir).exists()
    assert stress(data_dir, 1).returncode == 0
    assert run_cli("journal", "verify", data_dir=data_dir).stdout == "ok 7 entries, last seq 7\n"
    remove_journal(data_dir)
    assert_refused(data_dir, "日志文件不存在", "第 7 条")


def test_a_legacy_data_dir_whose_journal_was_deleted_is_refused(tmp_path):
    """Before the anchor, the key was made only together with the journal: a key in
    keys/ with no journal means the journal was deleted."""
    data_dir = tmp_path / "legacy"
    shutil.copytree(Path(__file__).parent / "fixtures" / "journal_v2", data_dir)
    remove_journal(data_dir)
    assert_refused(data_dir, "日志文件不存在")
    assert (data_dir / "keys" / "machine.key").exists()
