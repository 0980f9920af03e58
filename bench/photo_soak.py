"""Memory over a working day: enter and leave the photo page (F7, Esc) many times.

    ./dev bench photo_soak [--visits 100] [--frames 10] [--pause 1.2]
                           [--page photos|papers] [--only app|glibc-default]

The demo counter as it runs (main window, demo devices, the sync thread with the built-in
provincial simulator, offscreen Qt), logged in, one couple accepted from the demo cards. Each
visit presses F7 on the case page, waits until the photo page has analysed ``--frames``
frames of the demo camera (mediapipe detect + landmarks + quality + the blink challenge),
reads the RSS while capturing, presses Esc, waits for the case page again and stays there
``--pause`` seconds (the registrar between two visits). Printed: RSS, OS threads and open file
descriptors before the first visit, after the first, and at the end; the highest RSS seen
while capturing; the growth per visit after the first (the first loads the models).

``--page papers`` soaks the papers page instead (opened as F11 opens it, at the demo document
camera's 2592x1944): each visit waits until a demo page was captured (kept, or refused as one
already kept), then Esc.

Each configuration runs in a process of its own: ``app``, glibc's allocator bounded first
thing as ``counter-app`` does (counter_app/memory.py: two arenas, a fixed mmap threshold; a
camera page left gives its free memory back); and the baseline in the same run,
``glibc-default``, the same without any of it (one arena per thread, up to 8 per core; a
sliding mmap threshold; nothing given back). MALLOC_* variables in the environment apply to
both (and the app then leaves them as they are).

Targets (PRODUCT.md §9, issue 16 item 11): < 400 MB while capturing, < 0.5 MB growth a visit.
Linux only (reads /proc/self).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "ui"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ["COUNTER_APP_CONFIG"] = str(ROOT / "tests" / "helpers" / "no-config.toml")
os.environ["COUNTER_APP_JOURNAL_KEY_STORE"] = "file"

MIB = 1024 * 1024


def status() -> dict[str, int]:
    """RSS (bytes), OS threads and open file descriptors of this process, from /proc."""
    fields = {}
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    return {"rss": int(fields["VmRSS"][0]) * 1024, "peak": int(fields["VmHWM"][0]) * 1024,
            "threads": int(fields["Threads"][0]), "fds": len(os.listdir("/proc/self/fd"))}


class Bot:
    """What the UI test helpers need of pytest-qt's qtbot: keyClick and waitUntil."""

    def keyClick(self, widget, key) -> None:  # noqa: N802 - qtbot's name
        from PySide6.QtTest import QTest

        QTest.keyClick(widget, key)

    def waitUntil(self, check, timeout: int = 5000) -> None:  # noqa: N802 - qtbot's name
        from PySide6.QtWidgets import QApplication

        deadline = time.monotonic() + timeout / 1000
        while not check():
            if time.monotonic() > deadline:
                raise TimeoutError("the screen did not get there in time")
            QApplication.processEvents()
            time.sleep(0.005)

    def wait(self, ms: int) -> None:
        deadline = time.monotonic() + ms / 1000
        self.waitUntil(lambda: time.monotonic() > deadline, ms + 1000)


def demo_counter(data_dir: Path):
    """The demo main window, logged in as demo, with its sync thread (as conftest builds it)."""
    from counter_app.app import build_main_window
    from counter_app.cli import build_parser, make_context
    from counter_app.ui.application import create_application
    from counter_app.wiring.journal import open_journal
    from counter_app.wiring.sync import background_sync

    create_application([])
    ctx = make_context(build_parser().parse_args(["--demo", "--data-dir", str(data_dir)]))
    ctx.config.values["ui.idle_lock_s"] = 0
    journal = open_journal(ctx)
    background = background_sync(ctx, journal).start()
    window = build_main_window(ctx, journal, background)
    window.show()
    return window, background, journal


def log_in_and_accept(bot: Bot, window) -> str:
    """Log in, take a couple from the demo cards to an accepted case; on its case page."""
    from PySide6.QtCore import Qt
    from test_marriage_intake import accept_a_couple

    page = window.login_page
    page.operator_id.setText("demo")
    page.password.setText("demo")
    bot.keyClick(page.password, Qt.Key.Key_Return)
    bot.waitUntil(lambda: window.stack.currentWidget() is window.home_page, 10_000)
    result = accept_a_couple(bot, window)
    case_id = window.intake_page.case_id
    bot.keyClick(result.proceed, Qt.Key.Key_Return)
    bot.waitUntil(lambda: type(window.case_page).__name__ == "RegistrationPage", 10_000)
    return case_id


def visit(bot: Bot, window, frames: int) -> int:
    """F7, ``frames`` analysed frames on the photo page, Esc; the RSS while capturing."""
    from PySide6.QtCore import Qt

    bot.keyClick(window.case_page, Qt.Key.Key_F7)
    page = window.case_page
    assert type(page).__name__ == "CapturePage", type(page).__name__
    seen = []
    page.frame_ready.connect(lambda result: seen.append(result.seq))
    bot.waitUntil(lambda: len(seen) >= frames, 60_000)
    capturing = status()["rss"]
    bot.keyClick(page, Qt.Key.Key_Escape)
    bot.waitUntil(lambda: type(window.case_page).__name__ == "RegistrationPage", 10_000)
    return capturing


def visit_papers(bot: Bot, window, case_id: str) -> int:
    """The papers page (as F11 opens it) until a page was captured, Esc; the RSS then."""
    from PySide6.QtCore import Qt

    window.open_step("documents", case_id)
    page = window.case_page
    assert type(page).__name__ == "DocumentPage", type(page).__name__
    captured = []
    page.frame_ready.connect(lambda frame: frame.captured is not None and captured.append(1))
    bot.waitUntil(lambda: bool(captured), 60_000)
    capturing = status()["rss"]
    bot.keyClick(page, Qt.Key.Key_Escape)
    bot.waitUntil(lambda: type(window.case_page).__name__ == "RegistrationPage", 10_000)
    return capturing


def line(label: str, s: dict[str, int]) -> str:
    return f"  {label:<34} RSS {s['rss'] / MIB:7.1f} MiB  threads {s['threads']:3d}  " \
           f"fds {s['fds']:4d}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=100)
    parser.add_argument("--frames", type=int, default=10, help="analysed frames per visit")
    parser.add_argument("--pause", type=float, default=1.2, help="seconds between visits")
    parser.add_argument("--page", choices=("photos", "papers"), default="photos")
    parser.add_argument("--only", choices=("app", "glibc-default"),
                        help="run one configuration in this process")
    args = parser.parse_args()
    if args.only is None:
        for config in ("app", "glibc-default"):
            subprocess.run([sys.executable, __file__, "--visits", str(args.visits),
                            "--frames", str(args.frames), "--pause", str(args.pause),
                            "--page", args.page, "--only", config], check=True)
        return 0
    from counter_app import memory

    if args.only == "app":
        allocator = memory.bound_allocator()      # first, as counter_app.cli.main does
    else:
        allocator = "glibc's default, nothing given back on leaving a page"
        memory.release_free_memory = lambda: None
    soak(args, allocator)
    return 0


def soak(args, allocator: str) -> None:
    bot = Bot()
    with tempfile.TemporaryDirectory() as tmp:
        window, background, journal = demo_counter(Path(tmp))
        try:
            case_id = log_in_and_accept(bot, window)
            bot.wait(500)
            before = status()
            capturing, after, seconds = [], [], []
            for _ in range(args.visits):
                start = time.monotonic()
                capturing.append(visit(bot, window, args.frames) if args.page == "photos"
                                 else visit_papers(bot, window, case_id))
                seconds.append(time.monotonic() - start)
                bot.wait(round(args.pause * 1000))
                after.append(status())
        finally:
            window.back_home()
            window.services.close()
            window.close()
            background.stop()
            journal.close()
    report(args, allocator, before, capturing, after, seconds)


def report(args, allocator, before, capturing, after, seconds) -> None:
    what = f"the photo page, {args.frames} analysed frames each" if args.page == "photos" \
        else "the papers page, one page captured each"
    print(f"{args.only}: {args.visits} visits to {what}, {args.pause} s between visits "
          f"(cpus {os.cpu_count()}; allocator: {allocator})")
    print(line("before the first visit", before))
    print(line("after visit 1", after[0]))
    for n in (10, 30, 60):
        if n < len(after):
            print(line(f"after visit {n}", after[n - 1]))
    print(line(f"after visit {len(after)}", after[-1]))
    print(f"  RSS while capturing: first visit {capturing[0] / MIB:.1f} MiB, highest "
          f"{max(capturing) / MIB:.1f} MiB, process peak {after[-1]['peak'] / MIB:.1f} MiB "
          f"(target < 400 MB = {400e6 / MIB:.1f} MiB)")
    if len(after) > 1:
        growth = (after[-1]["rss"] - after[0]["rss"]) / (len(after) - 1) / MIB
        print(f"  growth per visit after the first: {growth:+.2f} MiB (target < 0.5 MB = "
              f"{0.5e6 / MIB:.2f} MiB)")
    print(f"  one visit takes {statistics.median(seconds):.2f} s (median, without the pause; "
          f"first {seconds[0]:.2f} s)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
