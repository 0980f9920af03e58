"""Ensure the .deb installs with apt in a clean Debian 12 minbase root (its dependencies come
from the mirror), starts (version, the demo GUI's login screen, the launcher's allocator bound)
and is removed and purged without a trace of itself while the data and the key stay.

Slow: builds the bundle and the package (gzip -1), then installs about 60 MB of dependencies
(cached in .cache/debroot/apt-archives after the first run).
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import cleanroot
from helpers.installed import (DEMO_DATA, ROOT, doctor, gui_reaches_login, log_problems,
                               no_python, stop)

from counter_app import __version__

in_clean_root = pytest.mark.skipif(cleanroot.unavailable() is not None,
                                   reason=str(cleanroot.unavailable()))

PACKAGE_FILES = ("/usr/bin/counter-app", "/opt/counter-app/counter-app",
                 "/usr/share/applications/counter-app.desktop",
                 "/usr/share/icons/hicolor/256x256/apps/counter-app.png",
                 "/lib/udev/rules.d/60-counter-app-readers.rules",
                 "/usr/share/doc/counter-app/copyright")
KEPT = (f"{DEMO_DATA}/journal.db",)
#: The machine keys and journal anchors live outside the data dir (journal.key_dir's default).
KEY_DIR = "/root/.local/state/counter-app-keys"


def exists(root: cleanroot.Root, path: str) -> bool:
    return root.sh(f"test -e '{path}'", check=False).returncode == 0


def digests(root: cleanroot.Root) -> dict[str, str]:
    keys = sorted(str(p) for p in root.host(KEY_DIR).glob("journal-*.key"))
    assert len(keys) == 1, keys  # the demo data dir's key, outside the data dir
    return {p: hashlib.sha256(Path(p).read_bytes() if p in keys else
                              root.host(p).read_bytes()).hexdigest() for p in (*KEPT, *keys)}


def package_status(root: cleanroot.Root) -> str:
    """dpkg's abbreviated status ('ii', 'rc', ...) or '' when dpkg does not know it at all."""
    out = root.sh("dpkg-query -W -f='${db:Status-Abbrev}' counter-app 2>/dev/null", check=False)
    return out.stdout.strip()


def owned_files(root: cleanroot.Root) -> list[str]:
    """Files (not directories) dpkg lists for the package."""
    listed = root.sh("dpkg -L counter-app").stdout.split("\n")
    return [p for p in listed if p.startswith("/") and not root.host(p).is_dir()]


def install(root: cleanroot.Root, deb) -> None:
    shutil.copyfile(deb, root.host("/tmp/counter-app.deb"))
    root.sh("apt-get install -y -q /tmp/counter-app.deb", timeout=900)
    assert package_status(root) == "ii"
    assert no_python(root), "the package or a dependency pulled in Python"
    for path in PACKAGE_FILES:
        assert exists(root, path), path


@contextlib.contextmanager
def pcscd_running(root: cleanroot.Root) -> Iterator[None]:
    """The pcscd the package depends on, started by hand (no init system in the root)."""
    daemon = root.popen("exec pcscd --foreground", stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not root.host("/run/pcscd/pcscd.comm").exists():
            assert daemon.poll() is None and time.monotonic() < deadline, "pcscd did not start"
            time.sleep(0.1)
        yield
    finally:
        stop(daemon)


def starts(root: cleanroot.Root) -> None:
    assert root.sh("counter-app --version").stdout.strip() == f"counter-app {__version__}"
    with pcscd_running(root):
        report = doctor(root, "counter-app")
    for check in ("version", "fonts", "models", "qt_platform", "screen", "pcscd"):
        assert report[check]["status"] == "ok", report[check]
    gui = gui_reaches_login(root, "counter-app --demo")
    assert log_problems(gui.log) == []
    assert gui.environ.get("MALLOC_ARENA_MAX") == "2"


def test_the_desktop_entry_is_valid_and_chinese_first():
    entry = ROOT / "installer/linux/counter-app.desktop"
    result = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0 and result.stdout == "", result.stdout
    assert "Name=婚姻登记窗口客户端" in entry.read_text(encoding="utf-8")


@pytest.mark.slow
@in_clean_root
def test_the_package_installs_starts_and_leaves_only_the_data(deb, tmp_path):
    with cleanroot.clean_root(tmp_path) as root:
        install(root, deb)
        files = owned_files(root)
        assert set(PACKAGE_FILES) <= set(files)
        starts(root)
        kept = digests(root)

        root.sh("apt-get remove -y -q counter-app", timeout=300)
        root.sh("apt-get purge -y -q counter-app", timeout=300)
        assert package_status(root) in ("", "un", "pn")
        assert [p for p in files if exists(root, p)] == []
        assert not exists(root, "/opt/counter-app")
        assert digests(root) == kept
