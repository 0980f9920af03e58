"""Make the journals of earlier schema versions that test_migrations.py opens.

Run once per released schema version and commit the output (never regenerate an old one):
    .venv/bin/python tests/journal/make_fixtures.py v1 v2

Each fixture is a data dir: journal.db, attachments/, keys/machine.key (a test-only key). The
entries are written with raw SQL in the layout of that version, exactly as that version's code
wrote them, so the test proves today's code reads yesterday's files.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import sqlcipher3

from counter_app.journal import Journal
from counter_app.journal.attachments import AttachmentStore
from counter_app.journal.canonical import GENESIS_HASH, canonical_json, entry_hash
from counter_app.journal.keys import MachineKey, write_key_file

HERE = Path(__file__).parent / "fixtures"
TEST_KEY = MachineKey(bytes(range(32)))
STOP_BEFORE = {"v1": "m002_attachments", "v2": "m003_server_clock"}

ENTRIES = [
    ("case-1", "case.opened", {"item": "marriage", "office": "445202"}),
    ("case-1", "party.identified", {"role": "man", "name": "李四", "id_number": "445202199001011234"}),
    ("case-1", "party.identified", {"role": "woman", "name": "阿依古丽·买买提", "id_number": "650102199502023456"}),
    (None, "operator.login", {"operator": "reg01"}),
    ("case-2", "case.opened", {"item": "reissue"}),
    ("case-1", "case.transition", {"from": "accepted", "to": "examined"}),
]


def make(version: str) -> Path:
    target = HERE / f"journal_{version}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    write_key_file(target / "keys" / "machine.key", TEST_KEY)
    # The constructor, not Journal.open: these are data dirs from before the anchor, with the
    # key inside (keys/machine.key), exactly as that version left them.
    Journal(target / "journal.db", TEST_KEY, target / "attachments",
            stop_before=STOP_BEFORE[version]).close()
    conn = sqlcipher3.connect(str(target / "journal.db"), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{TEST_KEY.sqlcipher_key.hex()}'\"")
    prev = GENESIS_HASH
    store = AttachmentStore(target / "attachments", TEST_KEY.attachment_key,
                            TEST_KEY.attachment_name_key)
    for seq, (case_id, kind, payload) in enumerate(ENTRIES, start=1):
        attachments = []
        if version != "v1" and kind == "party.identified":
            attachments = [store.put(f"photo of {payload['role']}".encode(), "image/jpeg").as_record()]
        fields = dict(seq=seq, entry_id=f"fixture-{version}-{seq}", case_id=case_id, kind=kind,
                      payload=payload, operator="reg01",
                      device_time=f"2025-06-0{seq}T08:00:00.000Z",
                      clock={"trusted": True, "regressed_ms": 0, "monotonic_ns": seq},
                      attachments=attachments, prev_hash=prev)
        digest = entry_hash(**fields)
        row = {k: v for k, v in fields.items() if k != "attachments"}
        row.update(payload=canonical_json(payload), clock=canonical_json(fields["clock"]),
                   hash=digest)
        if version != "v1":
            row["attachments"] = json.dumps(attachments)
        conn.execute(f"INSERT INTO entries ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                     list(row.values()))
        prev = digest
    conn.execute("UPDATE journal_state SET head_seq = ?, head_hash = ?, high_water_time = ?",
                 [len(ENTRIES), prev, f"2025-06-0{len(ENTRIES)}T08:00:00.000Z"])
    conn.close()
    for leftover in target.glob("journal.db-*"):
        leftover.unlink()
    return target


if __name__ == "__main__":
    for name in sys.argv[1:] or ["v1", "v2"]:
        print("wrote", make(name))
