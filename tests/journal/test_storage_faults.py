"""Ensure a full disk, a wrong key and a copied file behave: clear errors, nothing lost,
nothing readable."""

from __future__ import annotations

import os
import subprocess

import logging

import pytest

from counter_app import logs
from counter_app.journal import DiskFullError, Journal, WrongKeyError
from counter_app.journal.keys import MachineKey, write_key_file
from counter_app.journal.verify import verify
from tampering import run_cli
from helpers.journals import key_file, open_test_journal


@pytest.fixture
def small_disk(tmp_path):
    """A real 2 MiB filesystem (tmpfs), so writes fail with ENOSPC like a full disk."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a size-limited tmpfs here (needs root): {result.stderr}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill_until_full(journal: Journal) -> tuple[int, DiskFullError]:
    text = "登记备注" * 2000  # ~24 KB of UTF-8 per entry
    for i in range(1, 10_000):
        try:
            journal.append("case.note", {"i": i, "text": text}, operator="op", case_id="c")
        except DiskFullError as exc:
            return i, exc
    raise AssertionError("the disk never filled")


def test_full_disk_gives_a_clear_error_and_loses_nothing(small_disk):
    data_dir = small_disk / "data"
    filler = small_disk / "other-program.bin"
    filler.write_bytes(b"\0" * 400_000)  # what other programs hold; freed at the end
    journal = Journal.open(data_dir, key_store="file")
    failed_at, error = fill_until_full(journal)
    assert "磁盘已满" in str(error) and "没有保存" in str(error)
    head = journal.head()
    assert head[0] == failed_at - 1, "the failed entry must not be half-written"
    with pytest.raises(DiskFullError):
        journal.put_attachment(os.urandom(600_000), "image/jpeg")
    with pytest.raises(DiskFullError):
        journal.append("case.note", {"i": "again", "text": "登记备注" * 2000}, operator="op")
    assert journal.head() == head
    journal.close()

    # The journal still opens, on the still-full disk, with every committed entry.
    with Journal.open(data_dir, key_store="file") as reopened:
        assert reopened.head() == head
        assert verify(reopened).ok
    assert not list(data_dir.glob("attachments/??/*.tmp")), "partial attachment left behind"
    # Once space is freed the same journal carries on.
    filler.unlink()
    with Journal.open(data_dir, key_store="file") as reopened:
        reopened.append("case.note", {"i": "after", "text": "登记备注" * 2000}, operator="op")
        reopened.put_attachment(os.urandom(300_000), "image/jpeg")
        assert reopened.head()[0] == head[0] + 1
        assert verify(reopened).ok


def test_wrong_key_is_a_clear_error(data_dir):
    with Journal.open(data_dir, key_store="file") as journal:
        journal.append("k", {"x": 1}, operator="op")
    write_key_file(key_file(data_dir), MachineKey.generate())
    with pytest.raises(WrongKeyError, match="无法解密"):
        Journal.open(data_dir, key_store="file")
    result = run_cli("journal", "verify", data_dir=data_dir)
    assert result.returncode == 2
    assert result.stderr.startswith("错误 error: 无法解密日志数据库") and "Traceback" not in result.stderr


NAME = "欧阳娜娜·阿不都热合曼"
ID_NUMBER = "11010519491231002X"


def encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("gb18030")]


def test_copied_files_show_no_plaintext(data_dir):
    journal = Journal.open(data_dir, key_store="file")
    photo = b"JFIF" + NAME.encode() + b" portrait bytes" * 100
    journal.append("party.identified", {"name": NAME, "id_number": ID_NUMBER},
                   operator="op", case_id="c", attachments=[(photo, "image/jpeg")])
    journal.append("case.note", {"text": f"{NAME} 到场"}, operator="op", case_id="c")
    files_while_open = [p for p in data_dir.rglob("*") if p.is_file() and "keys" not in p.parts]
    contents = {p: p.read_bytes() for p in files_while_open}  # including the live WAL
    journal.close()
    contents.update({p: p.read_bytes() for p in data_dir.rglob("*")
                     if p.is_file() and "keys" not in p.parts})
    assert any(p.name == "journal.db" for p in contents)
    assert any("attachments" in p.parts for p in contents)
    needles = encodings(NAME) + encodings(ID_NUMBER) + [b"party.identified", b"JFIF"]
    for path, data in contents.items():
        if path.suffix == ".log":
            continue
        for needle in needles:
            assert needle not in data, f"{needle!r} readable in {path.name}"


def test_the_plaintext_check_would_see_an_unencrypted_name(tmp_path):
    """The search above must be able to fail: a plain SQLite file does show the name."""
    import sqlite3
    plain = tmp_path / "plain.db"
    with sqlite3.connect(plain) as conn:
        conn.execute("CREATE TABLE t (name TEXT)")
        conn.execute("INSERT INTO t VALUES (?)", [NAME])
    assert any(needle in plain.read_bytes() for needle in encodings(NAME))


def test_logs_hold_no_personal_data_at_info(data_dir):
    result = run_cli("journal", "stress", "--entries", "3", data_dir=data_dir)
    assert result.returncode == 0
    log_file = logs.setup(data_dir, "INFO")
    with Journal.open(data_dir, key_store="file") as journal:
        journal.append("party.identified", {"name": NAME, "id_number": ID_NUMBER},
                       operator="op", case_id="c")
    # Even a careless log call is masked by the filter.
    logging.getLogger("counter_app.test").info("card read for %s", ID_NUMBER)
    logging.getLogger().handlers[-1].flush()
    log_text = "".join(p.read_text(encoding="utf-8") for p in log_file.parent.glob("*"))
    assert "card read for **************002X" in log_text
    assert NAME not in log_text and ID_NUMBER not in log_text
    for handler in [h for h in logging.getLogger().handlers if getattr(h, "_counter_app", 0)]:
        logging.getLogger().removeHandler(handler)
        handler.close()


def test_redact_masks_id_numbers_phones_and_mrz():
    assert logs.redact("id 110101199003071234 ok") == "id **************1234 ok"
    assert logs.redact("tel 13912345678") == "tel *******5678"
    assert logs.redact("seq 12345 case c1") == "seq 12345 case c1"
    mrz = "P<CHNZHANG<<SAN<<<<<<<<<<<<<<<<<<<<<<<<<<<<<"
    assert "ZHANG" not in logs.redact(mrz)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions (Windows: the profile's ACL)")
def test_every_data_file_and_the_key_dir_are_owner_only(tmp_path):
    import stat

    from helpers.journals import anchor_file

    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)  # as an installer or a careless copy may leave it
    result = run_cli("journal", "stress", "--entries", "4", "--attachment-every", "2",
                     data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in [data_dir, *data_dir.rglob("*")]}
    assert any("attachments" in p.parts and p.is_file() for p in modes)
    assert any(p.suffix == ".log" for p in modes)
    loose = {str(p): oct(m) for p, m in modes.items() if m & 0o077}
    assert not loose, f"readable by other accounts: {loose}"
    for path in (key_file(data_dir), anchor_file(data_dir)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_the_sync_state_holds_no_attachment_hashes(tmp_path, data_dir):
    """The cache beside the journal is plain SQLite: it must not list which photos and scans
    this counter holds (their SHA-256 would confirm a known picture)."""
    from tests.sync.conftest import enroll, make_engine, start_sim

    sim = start_sim(tmp_path / "sim")
    try:
        with open_test_journal(data_dir) as journal:  # sync pulls accounts: every projection
            enroll(data_dir, journal, sim.url)
            refs = [journal.put_attachment(os.urandom(5000), "image/jpeg") for _ in range(3)]
            journal.append("case.captured", {}, operator="reg01", case_id="c1", attachments=refs)
            engine = make_engine(journal, data_dir)
            try:
                assert engine.run_once().ok
                assert len(engine.state.progress(r.sha256 for r in refs)) == 3
            finally:
                engine.close()
    finally:
        sim.stop()
    state = b"".join(p.read_bytes() for p in (data_dir / "sync").glob("state.db*"))
    assert state, "the sync state was not written"
    for ref in refs:
        assert ref.sha256.encode() not in state and bytes.fromhex(ref.sha256) not in state
