"""Ensure `journal verify` finds every kind of tampering and names the first broken seq."""

from __future__ import annotations

import pytest

from counter_app.journal import Journal
from tampering import raw_sql, run_cli


@pytest.fixture
def filled(data_dir, clock):
    """A journal with 6 entries over two cases; entry 4 carries an attachment."""
    with Journal.open(data_dir, key_store="file", clock=clock) as j:
        for i in range(1, 7):
            clock.advance(seconds=1)
            attachments = [(f"扫描件 {i}".encode() * 100, "image/jpeg")] if i == 4 else []
            j.append("case.note", {"n": i, "text": "备注"}, operator="reg01",
                     case_id=f"c{i % 2}", attachments=attachments)
    return data_dir


def verify_cli(data_dir):
    return run_cli("journal", "verify", data_dir=data_dir)


def test_a_whole_journal_verifies(filled):
    result = verify_cli(filled)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "ok 6 entries, last seq 6\n"


def test_verify_with_explicit_db_path(filled, tmp_path):
    result = run_cli("--data-dir", str(tmp_path / "elsewhere"), "journal", "verify",
                     "--db", str(filled / "journal.db"))
    assert result.stdout == "ok 6 entries, last seq 6\n", result.stderr


def test_an_edited_payload_is_named(filled):
    raw_sql(filled, """UPDATE entries SET payload = '{"n":3,"text":"改过"}' WHERE seq = 3""")
    result = verify_cli(filled)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "broken at seq 3"
    assert "altered" in result.stdout


def test_a_deleted_entry_is_named(filled):
    raw_sql(filled, "DELETE FROM entries WHERE seq = 2")
    result = verify_cli(filled)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "broken at seq 2"
    assert "missing" in result.stdout


def test_a_cut_off_tail_is_named(filled):
    raw_sql(filled, "DELETE FROM entries WHERE seq >= 5")
    result = verify_cli(filled)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "broken at seq 5"
    assert "cut off" in result.stdout


def test_two_swapped_entries_are_named(filled):
    columns = ("entry_id, case_id, kind, payload, operator, device_time, clock, prev_hash, "
               "hash, attachments")
    raw_sql(filled,
            "CREATE TEMP TABLE s AS SELECT * FROM entries WHERE seq IN (2, 3)",
            "DELETE FROM entries WHERE seq IN (2, 3)",
            f"INSERT INTO entries (seq, {columns}) SELECT 5 - seq, {columns} FROM s")
    result = verify_cli(filled)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "broken at seq 2"
    assert "chain_broken" in result.stdout


def test_a_corrupted_attachment_is_named(filled):
    files = list((filled / "attachments").glob("??/*"))
    assert len(files) == 1
    blob = bytearray(files[0].read_bytes())
    blob[len(blob) // 2] ^= 0x01
    files[0].write_bytes(bytes(blob))
    result = verify_cli(filled)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "broken at seq 4"
    assert "attachment" in result.stdout


def test_a_missing_attachment_is_named(filled):
    next((filled / "attachments").glob("??/*")).unlink()
    result = verify_cli(filled)
    assert result.stdout.splitlines()[0] == "broken at seq 4"


def test_an_edited_projection_is_found(filled):
    raw_sql(filled, "UPDATE cases SET entry_count = 99 WHERE case_id = 'c1'")
    result = verify_cli(filled)
    assert result.returncode == 1
    assert "projection table cases differs" in result.stdout
    assert run_cli("journal", "rebuild", data_dir=filled).returncode == 0
    assert verify_cli(filled).returncode == 0


def test_a_flipped_byte_in_the_file_is_reported_without_traceback(filled):
    db = filled / "journal.db"
    data = bytearray(db.read_bytes())
    assert len(data) >= 3 * 4096
    data[2 * 4096 + 100] ^= 0x40  # inside the third page, away from the header
    db.write_bytes(bytes(data))
    result = verify_cli(filled)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert "damaged" in result.stdout or "损坏" in result.stderr


def test_a_flipped_byte_in_the_header_is_a_clear_error(filled):
    db = filled / "journal.db"
    data = bytearray(db.read_bytes())
    data[5] ^= 0xFF  # the salt: nothing decrypts any more
    db.write_bytes(bytes(data))
    result = verify_cli(filled)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "无法解密" in result.stderr and result.stderr.count("\n") == 1


def test_garbage_file_is_a_clear_error(tmp_path):
    bogus = tmp_path / "journal.db"
    bogus.write_bytes(b"this is not a journal" * 500)
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "machine.key").write_text("11" * 32)
    result = run_cli("journal", "verify", "--db", str(bogus))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "无法解密" in result.stderr


def test_missing_journal_is_a_clear_error(tmp_path):
    result = run_cli("journal", "verify", data_dir=tmp_path)
    assert result.returncode == 2 and "不存在" in result.stderr
