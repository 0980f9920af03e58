"""A clean Debian 12 root to run the bundle and the .deb in, not on the build machine.

The base is ``debootstrap --variant=minbase bookworm`` (no Python, no X, no Qt libraries),
made once and cached in ``.cache/debroot/`` (rebuilt after MAX_AGE_DAYS, when the mirror's
package lists may have moved on). Each test gets a throw-away overlay on it, with /proc, /sys
and a private /dev/shm; downloaded .debs are kept in ``.cache/debroot/apt-archives`` so a rerun
installs from the cache. The GUI talks to an Xvfb started on the host: the chroot shares the
host's network namespace, so the X server's abstract socket is reachable from inside it.

Needs root (debootstrap, mount, chroot) and a Debian mirror
(COUNTER_APP_DEBIAN_MIRROR, default deb.debian.org).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "debroot"
SUITE = "bookworm"
MIRROR = os.environ.get("COUNTER_APP_DEBIAN_MIRROR", "http://deb.debian.org/debian")
MAX_AGE_DAYS = 7
STAMP = ".counter-app-base"
CHROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
APT_CONF = ('APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n'
            'Acquire::Retries "3";\nAPT::Keep-Downloaded-Packages "true";\n')


def unavailable() -> str | None:
    """Why a clean root cannot be made here, or None when it can."""
    if not sys.platform.startswith("linux"):
        return "a clean Debian root needs Linux"
    if os.geteuid() != 0:
        return "debootstrap, mount and chroot need root"
    if not shutil.which("debootstrap"):
        return "debootstrap is missing (scripts/system-deps.sh installs it)"
    return None


def run(cmd: list[str], timeout: float = 900, **kw) -> subprocess.CompletedProcess:
    """Run a host command; its output is in the assertion message when it fails."""
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False,
                            **kw)
    assert result.returncode == 0, f"{cmd} -> {result.returncode}\n{result.stdout[-4000:]}" \
                                   f"\n{result.stderr[-4000:]}"
    return result


@contextlib.contextmanager
def _cache_lock() -> Iterator[None]:
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _fresh(base: Path) -> bool:
    stamp = base / STAMP
    return stamp.exists() and time.time() - stamp.stat().st_mtime < MAX_AGE_DAYS * 86400


def base_root() -> Path:
    """The cached minbase root, made (or remade when stale) under a lock."""
    base = CACHE / f"{SUITE}-minbase"
    with _cache_lock():
        if _fresh(base):
            return base
        new = CACHE / f"{SUITE}-minbase.new"
        shutil.rmtree(new, ignore_errors=True)
        run(["debootstrap", "--variant=minbase", SUITE, str(new), MIRROR], timeout=1800)
        (new / "etc/apt/apt.conf.d/90counter-app-tests").write_text(APT_CONF)
        with _mounted(new) as root:
            root.sh("apt-get update -q", timeout=600)
        (new / STAMP).write_text(f"{SUITE} minbase from {MIRROR}\n")
        shutil.rmtree(base, ignore_errors=True)
        new.rename(base)
        return base


@dataclass
class Root:
    """A chroot the tests run commands in; ``path`` is where it is on the host."""

    path: Path
    env: dict[str, str] = field(default_factory=dict)

    def _argv(self, command: str, env: dict[str, str] | None) -> list[str]:
        variables = {"PATH": CHROOT_PATH, "HOME": "/root", "LANG": "C.UTF-8",
                     "DEBIAN_FRONTEND": "noninteractive", **self.env, **(env or {})}
        return ["chroot", str(self.path), "/usr/bin/env", "-i",
                *(f"{k}={v}" for k, v in variables.items()), "/bin/sh", "-c", command]

    def sh(self, command: str, timeout: float = 600, check: bool = True,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """Run ``command`` with /bin/sh inside the root."""
        result = subprocess.run(self._argv(command, env), capture_output=True, text=True,
                                timeout=timeout, check=False)
        if check:
            assert result.returncode == 0, f"in the root: {command} -> {result.returncode}\n" \
                                           f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        return result

    def popen(self, command: str, env: dict[str, str] | None = None, **kw) -> subprocess.Popen:
        """Start ``command`` inside the root in its own process group."""
        return subprocess.Popen(self._argv(command, env), start_new_session=True, **kw)

    def host(self, path: str) -> Path:
        """Where the root's ``path`` is on the host."""
        return self.path / path.lstrip("/")


def _mount(*args: str) -> None:
    run(["mount", *args], timeout=60)


@contextlib.contextmanager
def _mounted(path: Path) -> Iterator[Root]:
    """/proc, /sys, a private /dev/shm, the host's resolv.conf and the shared .deb cache."""
    mounts: list[Path] = []
    archives = CACHE / "apt-archives"
    (archives / "partial").mkdir(parents=True, exist_ok=True)
    shutil.copyfile("/etc/resolv.conf", path / "etc/resolv.conf")
    try:
        # /sys read-only: mediapipe's tcmalloc reads the CPUs from it and aborts without it.
        for target, args in ((path / "proc", ["-t", "proc", "proc"]),
                             (path / "sys", ["-t", "sysfs", "-o", "ro", "sysfs"]),
                             (path / "dev/shm", ["-t", "tmpfs", "-o", "mode=1777", "shm"]),
                             (path / "var/cache/apt/archives", ["--bind", str(archives)])):
            target.mkdir(parents=True, exist_ok=True)
            _mount(*args, str(target))
            mounts.append(target)
        yield Root(path)
    finally:
        for target in reversed(mounts):
            subprocess.run(["umount", "-l", str(target)], capture_output=True, timeout=60,
                           check=False)


@contextlib.contextmanager
def clean_root(work: Path) -> Iterator[Root]:
    """A throw-away overlay on the cached minbase root, unmounted afterwards."""
    base = base_root()
    upper, scratch, merged = work / "upper", work / "overlay-work", work / "root"
    for d in (upper, scratch, merged):
        d.mkdir(parents=True)
    _mount("-t", "overlay", "overlay", "-o",
           f"lowerdir={base},upperdir={upper},workdir={scratch}", str(merged))
    try:
        with _mounted(merged) as root:
            yield root
    finally:
        subprocess.run(["umount", "-l", str(merged)], capture_output=True, timeout=60,
                       check=False)


@contextlib.contextmanager
def xvfb(width: int = 1366, height: int = 768) -> Iterator[str]:
    """An Xvfb on the host (a free display number); yields DISPLAY, e.g. ':73'."""
    for number in range(73, 140):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and \
                not Path(f"/tmp/.X{number}-lock").exists():
            break
    proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24",
                             "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            assert proc.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.05)
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
