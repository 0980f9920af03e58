"""Running the installed program in a clean root (tests/installer): its GUI up to the login
screen on a host Xvfb, and what its log and its process say."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from helpers import cleanroot

ROOT = Path(__file__).resolve().parents[2]
READY = "GUI ready: login screen shown"
DEMO_DATA = "/root/.local/share/counter-app/demo"


def runtime_deps() -> list[str]:
    """installer/linux/runtime-deps.txt: what the bundle needs of the system."""
    text = (ROOT / "installer/linux/runtime-deps.txt").read_text(encoding="utf-8")
    return [line for line in text.split("\n") if line and not line.startswith("#")]


def no_python(root: cleanroot.Root) -> bool:
    found = root.sh("command -v python3 python; ls -d /usr/lib/python3* /usr/bin/python*",
                    check=False)
    return found.stdout.strip() == ""


@dataclass
class GuiRun:
    log: str                    # the demo data dir's log when the login was shown
    environ: dict[str, str]     # the running program's environment (/proc/PID/environ)


def gui_reaches_login(root: cleanroot.Root, command: str) -> GuiRun:
    """Start ``command`` (the demo GUI) on a host Xvfb; return once its log says the login
    screen is shown, with the program still running."""
    log = root.host(f"{DEMO_DATA}/logs/counter-app.log")
    with cleanroot.xvfb() as display:
        proc = root.popen(f"exec {command}", env={"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"},
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and proc.poll() is None:
                text = log.read_text("utf-8") if log.exists() else ""
                if READY in text:
                    return GuiRun(text, _environ(proc.pid))
                time.sleep(0.2)
        finally:
            stop(proc)
            output = proc.communicate(timeout=30)[0].decode("utf-8", "replace")
    raise AssertionError(f"no login screen within 90 s (exit {proc.returncode}):\n"
                         f"{output[-3000:]}")


def doctor(root: cleanroot.Root, command: str) -> dict[str, dict[str, str]]:
    """``command doctor --json`` in the root on a host Xvfb: the rows by check name. A new
    counter has warnings (no journal, not enrolled) and failures (no devices): exit 1."""
    with cleanroot.xvfb() as display:
        result = root.sh(f"{command} doctor --json", check=False, timeout=300,
                         env={"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"})
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    rows = json.loads(result.stdout)
    assert all(list(row) == ["check", "status", "detail", "hint"] for row in rows)
    return {row["check"]: row for row in rows}


def _environ(pid: int) -> dict[str, str]:
    """The environment of a running process (chroot, env and sh all exec, so the pid is the
    program's own)."""
    raw = Path(f"/proc/{pid}/environ").read_bytes().decode("utf-8", "replace")
    return dict(item.split("=", 1) for item in raw.split("\0") if "=" in item)


def stop(proc: subprocess.Popen) -> None:
    """End the program's whole process group: politely, then for sure."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if proc.poll() is not None:
            return
        os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait)


def log_problems(text: str) -> list[str]:
    """Lines logged at ERROR or above."""
    return [line for line in text.splitlines() if " ERROR " in line or " CRITICAL " in line]
