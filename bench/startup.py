"""Cold start to the login screen, against a bare PySide6 window in the same run.

    ./dev bench startup [--runs N]

Each run starts a fresh process (offscreen Qt) twice on one demo data dir: the first start
creates and migrates the journal and seeds the demo accounts (three scrypt hashes); the normal
start opens the existing journal. The clock stops when the app logs
"GUI ready: login screen shown" (the first event-loop turn after the window is shown).
Baseline: a Python process that imports PySide6, shows one QLabel and prints when its first
event-loop turn runs. Target (PRODUCT.md §9): < 2 s on a 2-core PC. The first run after a
reboot also pays for reading the libraries from disk; later runs hit the page cache.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ("from PySide6.QtCore import QTimer\n"
            "from PySide6.QtWidgets import QApplication, QLabel\n"
            "app = QApplication([]); w = QLabel('婚姻登记'); w.show()\n"
            "QTimer.singleShot(0, lambda: print('shown', flush=True))\n"
            "QTimer.singleShot(50, app.quit); app.exec()\n")


# The journals made here keep their keys and anchors in a temporary key dir, not the
# user's (journal.key_dir).
KEY_DIR = tempfile.mkdtemp(prefix="counter-app-bench-keys-")
atexit.register(shutil.rmtree, KEY_DIR, True)
os.environ["COUNTER_APP_JOURNAL_KEY_DIR"] = KEY_DIR


def time_app(data_dir: Path) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COUNTER_APP_JOURNAL_KEY_STORE="file")
    log = data_dir / "logs" / "counter-app.log"
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "counter_app", "--demo", "--data-dir",
                             str(data_dir)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < 60:
            if log.exists() and "GUI ready" in log.read_text(encoding="utf-8"):
                return time.perf_counter() - start
            time.sleep(0.005)
        raise RuntimeError("the app did not show its login screen within 60 s")
    finally:
        proc.kill()
        proc.wait()


def time_baseline() -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", BASELINE], stdout=subprocess.PIPE, env=env,
                            text=True)
    proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.wait()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    first, normal, base_times = [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            first.append(time_app(Path(tmp)))
            (Path(tmp) / "logs" / "counter-app.log").unlink()
            normal.append(time_app(Path(tmp)))
        base_times.append(time_baseline())
    for name, times in (("counter-app: normal start to login", normal),
                        ("counter-app: first start (new journal)", first),
                        ("baseline: bare PySide6 QLabel shown", base_times)):
        ms = sorted(t * 1000 for t in times)
        print(f"{name:<38} median {statistics.median(ms):6.0f} ms  min {ms[0]:6.0f} ms  "
              f"max {ms[-1]:6.0f} ms  ({len(ms)} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
