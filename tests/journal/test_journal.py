"""Ensure the journal appends, chains, projects, stores attachments and guards the clock."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from counter_app.journal import (AttachmentError, ClockUntrustedError, Journal, JournalError,
                                 KeyStoreError)
from counter_app.journal.canonical import GENESIS_HASH, canonical_json
from counter_app.journal.verify import verify
from helpers.journals import key_file


def test_entries_are_chained_in_order(journal):
    first = journal.append("case.opened", {"item": "marriage"}, operator="reg01", case_id="c1")
    second = journal.append("case.note", {"text": "双方到场"}, operator="reg01", case_id="c1")
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert [e.hash for e in journal.entries()] == [first.hash, second.hash]
    assert journal.head() == (2, second.hash)
    assert second.computed_hash() == second.hash


def test_hash_covers_every_field(journal):
    entry = journal.append("k", {"a": 1}, operator="op", case_id="c")
    from dataclasses import replace
    for change in ({"payload": {"a": 2}}, {"operator": "other"}, {"kind": "x"},
                   {"case_id": "d"}, {"device_time": "2000-01-01T00:00:00.000Z"},
                   {"seq": 9}, {"prev_hash": "1" * 64}, {"clock": {}}):
        assert replace(entry, **change).computed_hash() != entry.hash, change


def test_canonical_json_is_stable_and_keeps_chinese():
    assert canonical_json({"b": 1, "a": "张三·买买提"}) == '{"a":"张三·买买提","b":1}'
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_projection_follows_entries_in_the_same_transaction(journal):
    journal.append("case.opened", {}, operator="reg01", case_id="c1")
    journal.append("case.note", {}, operator="reg01", case_id="c1")
    journal.append("case.opened", {}, operator="reg01", case_id="c2")
    rows = journal.query("SELECT case_id, first_seq, last_seq, entry_count FROM cases "
                         "ORDER BY case_id")
    assert rows == [{"case_id": "c1", "first_seq": 1, "last_seq": 2, "entry_count": 2},
                    {"case_id": "c2", "first_seq": 3, "last_seq": 3, "entry_count": 1}]


def test_rebuild_gives_the_same_projections(journal):
    for i in range(5):
        journal.append("case.note", {"i": i}, operator="op", case_id=f"c{i % 2}")
    before = journal.query("SELECT * FROM cases ORDER BY case_id")
    rebuilt = journal.rebuild_projections()
    assert rebuilt == [p.name for p in journal.projections]
    assert {"attachments", "cases"} <= set(rebuilt)
    assert journal.query("SELECT * FROM cases ORDER BY case_id") == before
    assert verify(journal).ok


def test_same_entry_id_twice_writes_once(journal):
    a = journal.append("case.opened", {"x": 1}, operator="op", case_id="c", entry_id="e-1")
    b = journal.append("case.opened", {"x": 1}, operator="op", case_id="c", entry_id="e-1")
    assert a == b and journal.head()[0] == 1
    with pytest.raises(JournalError):
        journal.append("case.opened", {"x": 2}, operator="op", case_id="c", entry_id="e-1")


def test_entries_cannot_be_updated_or_deleted_through_sql(journal):
    journal.append("k", {}, operator="op")
    conn = journal._wdb.conn
    for statement in ("UPDATE entries SET kind = 'x'", "DELETE FROM entries"):
        with pytest.raises(Exception, match="append-only"):
            journal._on_writer(lambda s=statement: conn.execute(s))


def test_payload_must_be_json(journal):
    with pytest.raises(JournalError):
        journal.append("k", {"when": object()}, operator="op")
    with pytest.raises(JournalError):
        journal.append("k", ["not", "a", "dict"], operator="op")  # type: ignore[arg-type]
    assert journal.head()[0] == 0


def test_attachments_round_trip_and_are_referenced(journal, data_dir):
    photo = "人像照片".encode() * 1000
    ref = journal.put_attachment(photo, "image/jpeg")
    entry = journal.append("capture.photo", {"role": "man"}, operator="op", case_id="c",
                           attachments=[ref, (b"scan-bytes", "image/png")])
    assert [a["sha256"] for a in entry.attachments][0] == ref.sha256
    assert journal.get_attachment(ref.sha256) == photo
    rows = journal.query("SELECT sha256, size, media_type FROM attachments ORDER BY size")
    assert {r["media_type"] for r in rows} == {"image/jpeg", "image/png"}
    stored = list((data_dir / "attachments").glob("??/*"))
    assert len(stored) == 2 and all(ref.sha256 not in p.name for p in stored)


def test_an_unstored_attachment_cannot_be_referenced(journal):
    from counter_app.journal import AttachmentRef
    with pytest.raises(AttachmentError):
        journal.append("k", {}, operator="op", attachments=[AttachmentRef("ab" * 32, 1, "x")])
    assert journal.head()[0] == 0


def test_clock_going_back_is_detected_and_order_kept(journal, clock):
    journal.append("k", {"n": 1}, operator="op")
    clock.advance(minutes=-10)
    late = journal.append("k", {"n": 2}, operator="op")
    assert late.seq == 2
    assert late.clock["trusted"] is False and late.clock["regressed_ms"] == 600_000
    assert "回拨" in journal.last_clock_problem
    clock.advance(minutes=5)  # still behind the high-water mark
    assert journal.append("k", {"n": 3}, operator="op").clock["trusted"] is False
    with pytest.raises(ClockUntrustedError, match="时钟"):
        journal.append("case.registered", {}, operator="op", legal_act=True)
    clock.advance(minutes=6)
    assert journal.append("case.registered", {}, operator="op", legal_act=True).clock["trusted"]
    assert [e.seq for e in journal.entries()] == [1, 2, 3, 4]


def test_small_backward_steps_within_slack_are_tolerated(journal, clock):
    journal.append("k", {}, operator="op")
    clock.advance(milliseconds=-500)
    assert journal.append("k", {}, operator="op").clock["trusted"] is True


def test_clock_listener_is_told(journal, clock):
    heard = []
    journal.on_clock_problem(heard.append)
    journal.append("k", {}, operator="op")
    clock.advance(hours=-1)
    journal.append("k", {}, operator="op")
    assert len(heard) == 1 and heard[0].regressed_ms == 3_600_000


def test_server_offset_is_kept_and_skew_blocks_legal_acts(journal, clock):
    assert journal.server_offset() is None
    offset = journal.record_server_time(clock.now() + timedelta(minutes=30))
    assert offset.offset_ms == 1_800_000
    assert journal.server_offset() == offset
    entry = journal.append("k", {}, operator="op")
    assert entry.clock["server_offset_ms"] == 1_800_000 and entry.clock["trusted"] is False
    with pytest.raises(ClockUntrustedError, match="省级系统时间"):
        journal.append("case.registered", {}, operator="op", legal_act=True)
    journal.record_server_time(clock.now() + timedelta(seconds=2))
    assert journal.append("case.registered", {}, operator="op", legal_act=True).clock["trusted"]


def test_reopening_keeps_everything(data_dir, clock):
    with Journal.open(data_dir, key_store="file", clock=clock) as j:
        ref = j.put_attachment(b"sig", "image/png")
        j.append("k", {"名字": "测试"}, operator="op", case_id="c", attachments=[ref])
        head = j.head()
    with Journal.open(data_dir, key_store="file", clock=clock) as j:
        assert j.head() == head
        assert j.get_attachment(ref.sha256) == b"sig"
        assert verify(j).ok


def test_a_missing_key_is_never_silently_replaced(data_dir, clock):
    with Journal.open(data_dir, key_store="file", clock=clock) as j:
        j.append("k", {}, operator="op")
    key_file(data_dir).unlink()
    with pytest.raises(KeyStoreError, match="密钥"):
        Journal.open(data_dir, key_store="file", clock=clock)


def test_key_file_is_private(data_dir, journal):
    import os
    import stat
    if os.name == "nt":
        pytest.skip("POSIX permissions")
    assert not (data_dir / "keys").exists()
    assert stat.S_IMODE(key_file(data_dir).stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file(data_dir).parent.stat().st_mode) == 0o700


def test_writes_from_many_threads_are_serialised(journal):
    def work(n):
        for i in range(20):
            journal.append("k", {"t": n, "i": i}, operator="op", case_id=f"t{n}")
    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = verify(journal)
    assert report.ok and report.entries == 80


def test_a_projection_that_fails_takes_its_entry_back_with_it(journal, monkeypatch):
    """The entry and every projection commit together: when one projection raises, nothing
    of that entry remains, the head is unchanged and the next entry follows cleanly."""
    import dataclasses

    journal.append("case.opened", {}, operator="reg01", case_id="c1")
    head = journal.head()
    cases = next(p for p in journal.projections if p.name == "cases")

    def failing(db, entry):
        if entry.kind == "case.broken":
            raise RuntimeError("a projection bug")
        cases.apply(db, entry)

    monkeypatch.setattr(journal, "projections", tuple(
        dataclasses.replace(p, apply=failing) if p is cases else p for p in journal.projections))
    with pytest.raises(RuntimeError):
        journal.append("case.broken", {}, operator="reg01", case_id="c2")
    assert journal.head() == head
    assert not journal.query("SELECT 1 FROM entries WHERE kind = 'case.broken'")
    assert not journal.query("SELECT 1 FROM cases WHERE case_id = 'c2'")
    after = journal.append("case.note", {}, operator="reg01", case_id="c1")
    assert after.seq == head[0] + 1
    monkeypatch.undo()
    assert verify(journal).ok
