"""ID-card text block -> parsed record, against the bare decode in the same run.

    ./dev bench idcard [--n N]

Measures, for each sample card type (resident, long-term, minority name, J, I, Y):
  * parse_text_block: UTF-16LE fields, dates, ethnicity, warnings, ID-number validation by
    type (counter_app.domain.idnumber, which consults python-stdnum) — what the form gets;
  * record_from_bytes on a whole 30 01 read-response frame (sync, checksum, SW3, split, parse);
  * baseline: block.decode("utf-16-le") and slicing the nine fields, nothing else.
Also one complete find/select/read over the simulator's serial port (samsim://), which adds
the pyserial round trips. Target (PRODUCT.md §9): text block -> form filled < 100 ms after
the reader answers.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.idcard import protocol
from drivers.idcard.parse_input import record_from_bytes
from drivers.idcard.sam_reader import SamReader
from drivers.idcard.samples import SAMPLES
from drivers.idcard.textblock import parse_text_block

OFFSETS = ((0, 30), (30, 2), (32, 4), (36, 16), (52, 70), (122, 36), (158, 30), (188, 16),
           (204, 16))


def timed(fn, arg, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn(arg)
        out.append(time.perf_counter() - start)
    return out


def baseline(block: bytes) -> list[str]:
    return [block[o: o + s].decode("utf-16-le").strip() for o, s in OFFSETS]


def row(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * (len(ordered) - 1)))]
    return (f"{label:<44} p50 {statistics.median(values) * 1e3:8.3f} ms  "
            f"p99 {p99 * 1e3:8.3f} ms  max {max(values) * 1e3:8.3f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="repetitions per measurement")
    args = parser.parse_args()
    print(f"{args.n} repetitions per row ({os.cpu_count()} CPUs, Python "
          f"{platform.python_version()})")
    start = time.perf_counter()
    parse_text_block(SAMPLES["resident"].files.text)  # cold: loads python-stdnum's tables
    print(f"{'first parse in this process (cold)':<44} {1e3 * (time.perf_counter() - start):8.3f} ms")
    for key, card in SAMPLES.items():
        frame = protocol.build_response(0x90, protocol.build_read_data(card.files, False))
        print(row(f"parse_text_block [{key}]", timed(parse_text_block, card.files.text, args.n)))
        print(row(f"record_from_bytes(1295 B frame) [{key}]",
                  timed(record_from_bytes, frame, args.n)))
        print(row(f"baseline: decode + slice [{key}]", timed(baseline, card.files.text, args.n)))
    with SamReader.open("samsim://?card=resident", timeout=2.0) as reader:
        reads = timed(lambda _: reader.read_card(), None, min(args.n, 200))
    print(row("full read over samsim:// (find+select+read)", reads))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
