"""Ensure SIGKILL at random moments never loses an entry the journal said was committed.

`journal stress` prints `committed <seq> <hash>` only after each entry's durable commit. We kill
it at random moments (during start-up, migrations, attachment writes and commits alike) and
check that every seq it reported is there with the same hash, and that the journal verifies.
SIGKILL leaves the OS page cache intact, so this proves the commit protocol and the writer's
ordering, not the disk's honesty about fsync (that needs a power-cut rig; see docs).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest

from helpers.journals import open_test_journal
from counter_app.journal.verify import verify

TRIALS = 50


def run_and_kill(data_dir, rng: random.Random) -> list[tuple[int, str]]:
    """Start `journal stress`, kill it at a random moment, return what it said it committed.

    One kill in five lands at a random time during start-up (opening, migrating, building
    projections); the others land a random 0-300 ms after the first commit, whatever the
    machine's load, so most kills hit appends, attachment writes and commits.
    """
    env = dict(os.environ, COUNTER_APP_JOURNAL_KEY_STORE="file")
    proc = subprocess.Popen(
        [sys.executable, "-m", "counter_app", "--data-dir", str(data_dir), "journal", "stress",
         "--entries", "1000000", "--attachment-every", "5"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    lines: list[str] = []
    first = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            lines.append(line)
            first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if rng.random() < 0.2:
        time.sleep(rng.uniform(0.0, 0.6))
    else:
        first.wait(timeout=60)
        time.sleep(rng.uniform(0.0, 0.3))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    reader.join(timeout=30)
    committed = []
    for line in lines:
        word, seq, digest = line.split()
        assert word == "committed"
        committed.append((int(seq), digest))
    return committed


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_never_loses_a_committed_entry(data_dir):
    rng = random.Random(20261122)
    promised: dict[int, str] = {}
    killed_before_first_commit = 0
    for trial in range(TRIALS):
        committed = run_and_kill(data_dir, rng)
        killed_before_first_commit += not committed
        promised.update(dict(committed))
        with open_test_journal(data_dir, key_store="file") as journal:
            stored = {e.seq: e.hash for e in journal.entries()}
            report = verify(journal)
        missing = {s for s in promised if stored.get(s) != promised[s]}
        assert not missing, f"trial {trial}: committed entries lost or changed: {sorted(missing)}"
        assert report.ok, f"trial {trial}: {report.problems[:3]}"
    assert len(promised) > TRIALS, "the kills should have landed after some commits"
    print(f"{TRIALS} kills, {len(promised)} committed entries all present; "
          f"{killed_before_first_commit} kills before the first commit of their run")
