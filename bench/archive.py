"""Archive search (补领): a large synthetic encrypted index, searched by ID, name, pinyin.

    ./dev bench archive [--records N] [--queries Q] [--keep DIR]

Builds an ArchiveIndex of N synthetic records (default 1 000 000; PRODUCT.md §9 names a
5-million-record pack) in a temporary data dir, SQLCipher-encrypted like the real one, then
times Q searches of each kind through ``ArchiveIndex.search`` (what the reissue screen runs),
plus the full audited ``Archive.search`` (the search and its durable journal entry). Baseline in
the same run: the same ID and name lookups as full scans of the records table (what a naive
archive without the key index does). Targets: p95 < 50 ms by ID, < 200 ms by name or pinyin.

The bulk build appends records in rid order and sorts the search keys before inserting them
(a sorted insert into the key B-tree); importing a file through ``Archive.import_file`` streams
it in batches (bench/archive_import.py measures a million-row import).
"""

from __future__ import annotations

import argparse
import atexit
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from counter_app.domain.idnumber import check_digit  # noqa: E402
from counter_app.journal import Journal  # noqa: E402
from counter_app.operators import OperatorService  # noqa: E402
from counter_app.reissue import Archive, ArchiveIndex  # noqa: E402
from counter_app.reissue.index import pinyin_keys  # noqa: E402
from counter_app.wiring.journal import PROJECTION_MODULES  # noqa: E402

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
            "毛郝龚邵万钱严覃武戴莫孔向汤单")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红文玉梅兵春荣海燕林玲淑珍云飞鹏辉"
REGIONS = ("110105", "110102", "330281", "445202", "532301", "440301", "510104", "420102")


# The journals made here keep their keys and anchors in a temporary key dir, not the
# user's (journal.key_dir).
KEY_DIR = tempfile.mkdtemp(prefix="counter-app-bench-keys-")
atexit.register(shutil.rmtree, KEY_DIR, True)
os.environ["COUNTER_APP_JOURNAL_KEY_DIR"] = KEY_DIR


def person(rng: random.Random, male: bool, year: int) -> tuple[str, str, str]:
    """(name, 18-digit id, birth date) of a synthetic person born in ``year``."""
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    birth = f"{year:04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    seq = rng.randrange(0, 1000, 1) // 2 * 2 + (1 if male else 0)
    first17 = rng.choice(REGIONS) + birth + f"{seq % 1000:03d}"
    return name, first17 + check_digit(first17), f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"


def build(index: ArchiveIndex, n: int, seed: int = 7) -> tuple[list, float]:
    """Bulk-load n records; returns (a sample of records for the queries, seconds)."""
    rng = random.Random(seed)
    db, conn = index.db, index.db.conn
    sample, started = [], time.perf_counter()
    conn.execute("PRAGMA cache_size = -400000")
    conn.execute("CREATE TEMP TABLE staging (key TEXT, rid INTEGER, role INTEGER)")
    with db.atomic():
        for start in range(1, n + 1, 50_000):
            records, keys = [], []
            for rid in range(start, min(n, start + 49_999) + 1):
                year = rng.randint(1980, 2025)
                man = person(rng, True, year - rng.randint(22, 40))
                woman = person(rng, False, year - rng.randint(20, 38))
                item = "divorce" if rng.random() < 0.15 else "marriage"
                records.append((rid, f"bench:{rid}", "bench", item, f"{year}-06-18", year,
                                f"{'L' if item == 'divorce' else 'J'}110105-{year}-{rid:07d}",
                                "110105-HY", "朝阳区", man[0], man[1], man[2],
                                woman[0], woman[1], woman[2], ""))
                for role, (name, number, _) in enumerate((man, woman)):
                    keys.append(("i" + number, rid, role))
                    keys.append(("n" + name, rid, role))
                    keys.extend(("p" + k, rid, role) for k in pinyin_keys(name))
                if rid % max(1, n // 2000) == 0:
                    sample.append((man, woman, year))
            conn.executemany("INSERT INTO records VALUES "
                             "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", records)
            conn.executemany("INSERT INTO staging VALUES (?, ?, ?)", keys)
            print(f"  {min(n, start + 49_999):>9,} records generated "
                  f"({time.perf_counter() - started:6.1f} s)", flush=True)
        conn.execute("INSERT OR IGNORE INTO keys SELECT key, rid, role FROM staging "
                     "ORDER BY key, rid, role")
        conn.execute("DROP TABLE staging")
    return sample, time.perf_counter() - started


def stats(label: str, measured: tuple[list[float], float]) -> None:
    samples, found = measured
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(f"{label:46s} p50 {statistics.median(ms):8.2f} ms  p95 {p95:8.2f} ms  "
          f"max {ms[-1]:8.2f} ms  (n={len(ms)}, {found:.1f} found on average)")


def timed(fn, queries) -> tuple[list[float], float]:
    """Seconds per query, and how many records a query found on average (never zero: the
    queries come from records in the index)."""
    out, found = [], 0
    for q in queries:
        t = time.perf_counter()
        result = fn(q)
        out.append(time.perf_counter() - t)
        found += len(result.hits if hasattr(result, "hits") else result)
    return out, found / len(queries)


def naive(index: ArchiveIndex, kind: str):
    """The baseline: the same lookup as a scan of the records table (no key index)."""
    sql = {"id": "SELECT rid FROM records WHERE man_id = ?1 OR woman_id = ?1 LIMIT 50",
           "name": "SELECT rid FROM records WHERE man_name = ?1 OR woman_name = ?1 LIMIT 50"}
    return lambda q: index.db.execute(sql[kind], [q]).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--baseline-queries", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="build in this dir and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parents[1] / ".cache") as tmp:
        data = args.keep or Path(tmp)
        journal = Journal.open(data, key_store="file", projections=PROJECTION_MODULES)
        index = ArchiveIndex.for_journal(journal)
        print(f"building {args.records:,} synthetic records in {data} (SQLCipher)")
        sample, seconds = build(index, args.records)
        size = (data / "archive.db").stat().st_size / 1e6
        print(f"built in {seconds:.1f} s, archive.db {size:.0f} MB, {index.count():,} records\n")
        rng = random.Random(11)
        picks = [rng.choice(sample) for _ in range(args.queries)]
        ids = [p[rng.randrange(2)][1] for p in picks]
        names = [p[rng.randrange(2)][0] for p in picks]
        pinyins = [pinyin_keys(n)[0] for n in names]
        initials = [pinyin_keys(n)[1] for n in names]
        couples = [f"{p[0][0]} {p[1][0]} {p[2]}" for p in picks]
        index.search(ids[0])  # warm the page cache a little, as a running counter has it
        stats("index search by ID number", timed(index.search, ids))
        stats("index search by name", timed(index.search, names))
        stats("index search by full pinyin", timed(index.search, pinyins))
        stats("index search by pinyin initials", timed(index.search, initials))
        stats("index search by both names + year", timed(index.search, couples))
        # the search is a registrar's (the permission table): the bench has its account
        OperatorService(journal).set_account("bench", "bench", ["registrar"], "bench")
        audited = Archive(journal, index, "bench")
        stats("Archive.search by ID (+ durable audit entry)", timed(audited.search, ids))
        stats("Archive.search by name (+ durable audit entry)", timed(audited.search, names))
        nb = args.baseline_queries
        stats("baseline: full scan by ID number", timed(naive(index, "id"), ids[:nb]))
        stats("baseline: full scan by name", timed(naive(index, "name"), names[:nb]))
        index.close()
        journal.close()


if __name__ == "__main__":
    main()
