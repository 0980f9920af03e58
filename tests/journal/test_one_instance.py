"""Ensure one program per data dir, and that two writers cannot collide even without the lock.

Real processes throughout: a running `journal stress` or window holds the data dir's OS file
lock and a second one exits 2 naming it; two writers that bypass the lock (opening the file
directly, as two instances did before the lock existed) append and issue blanks at the same
moment, and the chain stays whole and no 印制号 is issued twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from counter_app.journal.lock import LOCK_FILE, holder
from counter_app.journal.verify import verify
from counter_app.numbering import receive_range
from helpers.journals import open_test_journal
from swapping import filled, stress
from tampering import CLI, run_cli

WRITER = Path(__file__).with_name("unlocked_writer.py")


def start(data_dir: Path, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "--data-dir", str(data_dir), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "COUNTER_APP_JOURNAL_KEY_STORE": "file", **env})


def stop(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
    proc.communicate(timeout=30)


def wait_for_holder(data_dir: Path, program: str, proc: subprocess.Popen,
                    timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        found = holder(data_dir / LOCK_FILE)
        if found.get("pid") == proc.pid and found.get("program") == program:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{program} did not take the lock")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_second_writing_command_is_refused_while_one_runs(tmp_path):
    data_dir = tmp_path / "d"
    first = start(data_dir, "journal", "stress", "--entries", "1000000")
    try:
        assert first.stdout.readline().startswith("committed 1 ")
        for command in (("journal", "stress", "--entries", "1"), ("journal", "verify")):
            result = run_cli(*command, data_dir=data_dir)
            assert result.returncode == 2, result.stdout + result.stderr
            assert "数据目录" in result.stderr and "正在被使用" in result.stderr
            assert f"进程号 {first.pid}" in result.stderr
            assert "counter-app journal stress" in result.stderr
        # A read-only command runs beside it.
        assert run_cli("sync", "status", "--json", data_dir=data_dir).returncode == 0
        assert first.poll() is None
    finally:
        stop(first)  # killed mid-write: the OS drops the lock with the process
    assert stress(data_dir, 1).returncode == 0
    assert run_cli("journal", "verify", data_dir=data_dir).stdout.startswith("ok ")


def test_a_second_window_on_the_same_data_dir_exits_2_naming_the_first(tmp_path):
    data_dir = filled(tmp_path / "d", 1)
    window = start(data_dir, QT_QPA_PLATFORM="offscreen")
    try:
        who = wait_for_holder(data_dir, "counter-app 窗口", window)
        second = start(data_dir, QT_QPA_PLATFORM="offscreen")
        out, err = second.communicate(timeout=90)
        assert second.returncode == 2, out + err
        assert "正在被使用" in err and "counter-app 窗口" in err
        assert f"进程号 {window.pid}" in err and who["since"] in err
        assert window.poll() is None, "the first window keeps running"
    finally:
        stop(window, signal.SIGTERM)
    assert run_cli("journal", "verify", data_dir=data_dir).stdout.startswith("ok ")


def writers(data_dir: Path, tmp_path: Path, *jobs: list[str]) -> list[list[str]]:
    """Run one unlocked writer per job at the same moment; their output lines."""
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, str(WRITER), str(data_dir), str(go), f"w{n}",
                               *job], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for n, job in enumerate(jobs)]
    time.sleep(3)  # both have opened the journal and wait for the start
    go.touch()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        outputs.append(out.splitlines())
    return outputs


def test_two_writers_past_the_lock_append_without_forking_the_chain(tmp_path):
    data_dir = filled(tmp_path / "d", 1)
    first, second = writers(data_dir, tmp_path, ["append", "150"], ["append", "150"])
    assert first + second == [line for line in first + second if line.startswith("ok ")], \
        "an append failed: " + str([x for x in first + second if not x.startswith("ok ")][:3])
    seqs = [int(line.split()[1]) for line in first + second]
    assert sorted(seqs) == list(range(2, 302)), "two entries got the same seq"
    with open_test_journal(data_dir) as journal:
        report = verify(journal)
        assert report.ok and report.entries == 301, report.problems[:3]


def test_two_writers_past_the_lock_never_issue_one_blank_twice(tmp_path):
    data_dir = tmp_path / "d"
    with open_test_journal(data_dir, staff=True) as journal:
        receive_range(journal, range_id="r1", certificate="marriage", first="J000000001",
                      last="J000000040", operator="boss")  # ranges by hand: a supervisor
    serials = [f"J{n:09d}" for n in range(1, 41)]
    first, second = writers(data_dir, tmp_path, ["issue", *serials], ["issue", *serials])
    issued = Counter(line.split()[1] for line in first + second if line.startswith("issued"))
    refused = [line for line in first + second if line.startswith("refused")]
    assert set(issued) == set(serials) and set(issued.values()) == {1}, issued
    assert len(refused) == len(serials) and all(r.endswith("stock.bad_state") for r in refused)
    with open_test_journal(data_dir) as journal:
        rows = journal.query("SELECT serial, case_id FROM stock_blanks WHERE status = 'issued'")
        assert verify(journal).ok
    winners = {line.split()[1]: f"w{n}" for n, out in enumerate((first, second))
               for line in out if line.startswith("issued")}
    assert {r["serial"]: r["case_id"].split("-")[0] for r in rows} == winners
