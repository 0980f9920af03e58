"""Journal commit latency and throughput, against plain sqlite3 on the same disk in the same run.

    ./dev bench journal [--entries N] [--dir DIR]

Measures, for N sequential appends each in its own durable transaction:
  * counter-app Journal.append (SQLCipher, WAL, synchronous=FULL, hash chain, projections,
    writer-thread hop, the anchor sealed after each commit and synced once a second) — what
    the counter does for every step;
  * the same with the anchor fdatasynced after every commit (the alternative not taken:
    counter_app/journal/anchor.py);
  * baseline: Python's sqlite3, WAL, synchronous=FULL, one INSERT + COMMIT per row;
  * reference: the same baseline with synchronous=NORMAL (not durable on power loss).
Target (PRODUCT.md §9): durable journal commit p99 < 5 ms on SSD with full fsync.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from counter_app.journal import Journal, anchor  # noqa: E402
from counter_app.wiring.journal import PROJECTION_MODULES  # noqa: E402

PAYLOAD = {"item": "marriage", "step": "party.identified", "role": "man",
           "name": "阿依古丽·买买提", "id_number": "650102199502023456",
           "address": "新疆维吾尔自治区乌鲁木齐市天山区某某路1号"}


# The journals made here keep their keys and anchors in a temporary key dir, not the
# user's (journal.key_dir).
KEY_DIR = tempfile.mkdtemp(prefix="counter-app-bench-keys-")
atexit.register(shutil.rmtree, KEY_DIR, True)
os.environ["COUNTER_APP_JOURNAL_KEY_DIR"] = KEY_DIR


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def bench_journal(directory: Path, n: int, sync_every_s: float = anchor.SYNC_EVERY_S
                  ) -> list[float]:
    latencies = []
    default, anchor.SYNC_EVERY_S = anchor.SYNC_EVERY_S, sync_every_s
    try:
        return _appends(directory / f"journal-{sync_every_s}", n, latencies)
    finally:
        anchor.SYNC_EVERY_S = default


def _appends(data_dir: Path, n: int, latencies: list[float]) -> list[float]:
    with Journal.open(data_dir, key_store="file", projections=PROJECTION_MODULES) as journal:
        for i in range(n):
            start = time.perf_counter()
            journal.append("bench.step", dict(PAYLOAD, i=i), operator="bench",
                           case_id=f"case-{i % 50}")
            latencies.append(time.perf_counter() - start)
    return latencies


def bench_sqlite(directory: Path, n: int, synchronous: str) -> list[float]:
    import json

    path = directory / f"plain-{synchronous}.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute("CREATE TABLE entries (seq INTEGER PRIMARY KEY, case_id TEXT, payload TEXT)")
    latencies = []
    for i in range(n):
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO entries (case_id, payload) VALUES (?, ?)",
                     [f"case-{i % 50}", json.dumps(dict(PAYLOAD, i=i), ensure_ascii=False)])
        conn.execute("COMMIT")
        latencies.append(time.perf_counter() - start)
    conn.close()
    return latencies


def report(name: str, latencies: list[float]) -> None:
    ms = [x * 1000 for x in latencies]
    total = sum(latencies)
    print(f"{name:<44} p50 {statistics.median(ms):6.3f} ms  p99 {percentile(ms, 99):6.3f} ms  "
          f"max {max(ms):7.3f} ms  {len(ms) / total:8.0f} entries/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=3000)
    parser.add_argument("--dir", type=Path, default=None,
                        help="where to write (default: a temp dir under .cache/ on this disk)")
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[1] / ".cache"
    root.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.dir or root) as tmp:
        directory = Path(tmp)
        print(f"{args.entries} sequential durable appends in {directory} "
              f"({os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
              f"SQLite {sqlite3.sqlite_version})")
        report("counter-app Journal.append (SQLCipher FULL)", bench_journal(directory, args.entries))
        report("  same, anchor fdatasync every commit", bench_journal(directory, args.entries, 0.0))
        report("baseline sqlite3 insert+commit (WAL FULL)", bench_sqlite(directory, args.entries, "FULL"))
        report("reference sqlite3 (WAL NORMAL, not durable)", bench_sqlite(directory, args.entries, "NORMAL"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
