"""Ensure the PyInstaller bundle runs on a Debian 12 with no Python: built here, run in a clean
minbase root (tests/helpers/cleanroot.py), not on the build machine.

Slow (about two minutes with the root cached, the build being most of it); `./dev test` runs it
like every other test (the slow marker only lets a developer leave it out: -m "not slow").
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from counter_app import __version__
from helpers import cleanroot

ROOT = Path(__file__).resolve().parents[2]
INSTALLED = "/opt/counter-app"
DEMO_LOG = "/root/.local/share/counter-app/demo/logs/counter-app.log"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(cleanroot.unavailable() is not None,
                                 reason=str(cleanroot.unavailable()))]


def runtime_deps() -> list[str]:
    text = (ROOT / "installer/linux/runtime-deps.txt").read_text(encoding="utf-8")
    return [line for line in text.split("\n") if line and not line.startswith("#")]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The bundle, built with the developers' command (installer/build.py, as ./dev bundle)."""
    dist = tmp_path_factory.mktemp("dist")
    start = time.perf_counter()
    cleanroot.run([sys.executable, str(ROOT / "installer/build.py"), "bundle", "--dist",
                   str(dist)], timeout=1800)
    print(f"bundle built in {time.perf_counter() - start:.0f} s")
    return dist / "counter-app"


def no_python(root: cleanroot.Root) -> bool:
    found = root.sh("command -v python3 python; ls -d /usr/lib/python3* /usr/bin/python*",
                    check=False)
    return found.stdout.strip() == ""


def gui_reaches_login(root: cleanroot.Root, command: str, log: str) -> str:
    """Start the demo GUI on a host Xvfb; return the log once it says the login is shown."""
    with cleanroot.xvfb() as display:
        proc = root.popen(command, env={"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"},
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and proc.poll() is None:
                text = root.host(log).read_text("utf-8") if root.host(log).exists() else ""
                if "GUI ready: login screen shown" in text:
                    assert proc.poll() is None, "the GUI exited right after its first screen"
                    return text
                time.sleep(0.2)
        finally:
            stop(proc)
            output = proc.communicate(timeout=30)[0].decode("utf-8", "replace")
    raise AssertionError(f"no login screen within 90 s (exit {proc.returncode}):\n"
                         f"{output[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    """End the program's whole process group: politely, then for sure."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if proc.poll() is not None:
            return
        os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait)


def log_problems(text: str) -> list[str]:
    return [line for line in text.splitlines() if " ERROR " in line or " CRITICAL " in line]


def test_the_bundle_runs_in_a_clean_debian_root_without_python(bundle, tmp_path):
    with cleanroot.clean_root(tmp_path) as root:
        assert no_python(root)
        root.sh("apt-get install -y -q " + " ".join(runtime_deps()), timeout=900)
        assert no_python(root), "a runtime dependency pulled in Python"
        shutil.copytree(bundle, root.host(INSTALLED), symlinks=True)

        version = root.sh(f"{INSTALLED}/counter-app --version")
        assert version.stdout.strip() == f"counter-app {__version__}"

        log = gui_reaches_login(root, f"{INSTALLED}/counter-app --demo", DEMO_LOG)
        assert log_problems(log) == []
