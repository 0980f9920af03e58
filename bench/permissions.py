"""The permission guard's cost, against baselines measured in the same run.

    ./dev bench permissions [--n N]

Every user-facing service calls ``require(journal, operator, action)`` before it acts: one
read of the operator's account in the ``operators`` projection and a look-up in the table.
Baselines: the cheapest read on the same connection (``SELECT 1``), and the durable
Journal.append every such service then does at least once.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from counter_app.journal import Journal  # noqa: E402
from counter_app.operators import OperatorService, require  # noqa: E402
from counter_app.wiring.journal import PROJECTION_MODULES  # noqa: E402


def timed(fn, n: int) -> list[float]:
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - t0)
    return out


def stats(label: str, xs: list[float]) -> None:
    ordered = sorted(xs)
    print(f"{label:<40} p50 {statistics.median(xs) * 1000:7.3f} ms  "
          f"p99 {ordered[int(len(xs) * 0.99)] * 1000:7.3f} ms  (n={len(xs)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        journal = Journal.open(Path(tmp), "file", projections=PROJECTION_MODULES)
        accounts = OperatorService(journal)
        for i in range(200):  # an office's worth of accounts and more
            accounts.set_account(f"op{i:03d}", "x", ["registrar"], None,
                                 password_hash={"scheme": "none"})
        stats("require (allowed)", timed(lambda i: require(journal, "op042", "case.register"),
                                         args.n))
        stats("baseline journal.query SELECT 1", timed(lambda i: journal.query("SELECT 1"),
                                                       args.n))
        stats("baseline durable Journal.append", timed(
            lambda i: journal.append("bench.plain", {"i": i}, operator="op042"),
            min(args.n, 500)))
        journal.close()


if __name__ == "__main__":
    main()
