"""Rules evaluation and 字号 allocation, each against a baseline measured in the same run.

    ./dev bench rules [--n N]

* rules check: parse_case + evaluate for a mix of cases (each with a different man, so the
  ID-number validation cache does not flatter the figure) (marriage at a Jieyang township in 2022,
  Beijing pilot 2024, divorce completion 2021, pop-up reissue 2026), against the baseline of
  parse_case alone (JSON already decoded): the evaluator's own cost is the difference.
* allocate_number: one allocation (projection queries + one durable journal append), against a
  bare Journal.append of an entry of the same size in the same journal.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "rules"))

from casebuilder import make_case, office, party

from counter_app.rules.caseinput import parse_case
from counter_app.rules.evaluator import evaluate
from counter_app.rules.packs import load_packs


# The journals made here keep their keys and anchors in a temporary key dir, not the
# user's (journal.key_dir).
KEY_DIR = tempfile.mkdtemp(prefix="counter-app-bench-keys-")
atexit.register(shutil.rmtree, KEY_DIR, True)
os.environ["COUNTER_APP_JOURNAL_KEY_DIR"] = KEY_DIR


def cases() -> list[dict]:
    jy = make_case(day="2022-01-10", off=office("445222", level="township"),
                   man_hukou="445202", woman_hukou="440301")
    bj = make_case(day="2024-01-10", man_hukou="310101", woman_hukou="440301")
    bj["parties"][0]["residence_permit_region_code"] = "110108"
    dv = make_case(item="divorce_completion", day="2021-10-20", receipt_date="2021-09-01",
                   receiving_office_code="110105-HY", off=office("110105", code="110105-HY"))
    rp = make_case(item="reissue", off=office("330281", level="township", popup=True),
                   man_hukou="330281")
    return [jy, bj, dv, rp]


def stats(label: str, samples: list[float]) -> None:
    ms = sorted(s * 1000 for s in samples)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"{label:44s} p50 {statistics.median(ms):7.3f} ms  p99 {p99:7.3f} ms  "
          f"{len(ms) / sum(samples):9.0f} /s")


def bench_rules(n: int) -> None:
    load_packs()
    data = cases()
    evaluate(parse_case(data[0]))  # warm the calendar and pack caches
    full, base = [], []
    for i in range(n):
        case = dict(data[i % len(data)])
        # a new man each time, so no ID-number validation is served from a cache
        birth = (date(1980, 1, 1) + timedelta(days=i % 5000)).isoformat()
        hukou = case["parties"][0]["hukou_region_code"]
        case["parties"] = [party("man", birth, hukou, **{
            k: v for k, v in case["parties"][0].items()
            if k not in ("birth_date", "id_number", "role", "sex", "hukou_region_code")}),
            case["parties"][1]]
        t0 = time.perf_counter()
        parse_case(case)
        base.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        evaluate(parse_case(case))
        full.append(time.perf_counter() - t0)
    print(f"rules check, {n} cases ({len(load_packs())} packs)")
    stats("parse_case + evaluate", full)
    stats("baseline parse_case only", base)


def bench_numbers(n: int) -> None:
    from counter_app.journal import Journal
    from counter_app.numbering import allocate_number, receive_block
    from counter_app.operators import OperatorService
    from counter_app.wiring.journal import PROJECTION_MODULES

    with tempfile.TemporaryDirectory() as tmp, Journal.open(
            Path(tmp), key_store="file", projections=PROJECTION_MODULES) as j:
        # receiving a block by hand is a supervisor's act: the bench has such an account
        OperatorService(j).set_account("bench", "bench", ["supervisor"], "bench")
        receive_block(j, block_id="b", prefix="J", division_code="445202", year=2026,
                      first_serial=1, last_serial=n + 10, operator="bench")
        alloc, base = [], []
        for i in range(n):
            t0 = time.perf_counter()
            allocate_number(j, case_id=f"c{i}", prefix="J", division_code="445202", year=2026,
                            operator="bench")
            alloc.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            j.append("bench.plain", {"number": f"J445202-2026-{i:06d}", "prefix": "J",
                                     "division_code": "445202", "year": 2026, "serial": i,
                                     "block_id": "b"}, operator="bench", case_id=f"c{i}")
            base.append(time.perf_counter() - t0)
    print(f"字号 allocation, {n} numbers from one block")
    stats("allocate_number (queries + durable append)", alloc)
    stats("baseline Journal.append (same payload)", base)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    bench_rules(args.n)
    bench_numbers(min(args.n, 500))
