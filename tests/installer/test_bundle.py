"""Ensure the PyInstaller bundle runs on a Debian 12 with no Python: built here, run in a clean
minbase root (tests/helpers/cleanroot.py), not on the build machine.

Slow (about a minute with the root cached, the build being most of it); `./dev test` runs it
like every other test (the slow marker only lets a developer leave it out: -m "not slow").
"""

from __future__ import annotations

import shutil

import pytest
from helpers import cleanroot
from helpers.installed import doctor, gui_reaches_login, log_problems, no_python, runtime_deps

from counter_app import __version__

INSTALLED = "/opt/counter-app"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(cleanroot.unavailable() is not None,
                                 reason=str(cleanroot.unavailable()))]


def test_the_bundle_runs_in_a_clean_debian_root_without_python(bundle, tmp_path):
    with cleanroot.clean_root(tmp_path) as root:
        assert no_python(root)
        root.sh("apt-get install -y -q " + " ".join(runtime_deps()), timeout=900)
        assert no_python(root), "a runtime dependency pulled in Python"
        shutil.copytree(bundle, root.host(INSTALLED), symlinks=True)

        version = root.sh(f"{INSTALLED}/counter-app --version")
        assert version.stdout.strip() == f"counter-app {__version__}"

        report = doctor(root, f"{INSTALLED}/counter-app")
        assert f"安装包 {INSTALLED}" in report["version"]["detail"]
        for check in ("version", "disk_space", "fonts", "models", "qt_platform", "screen"):
            assert report[check]["status"] == "ok", report[check]
        assert report["journal"]["status"] == "warn"  # a new counter: no journal yet
        assert report["pcscd"]["status"] == "fail"  # no PC/SC daemon in the bare root

        gui = gui_reaches_login(root, f"{INSTALLED}/counter-app --demo")
        assert log_problems(gui.log) == []
