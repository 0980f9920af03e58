"""Start a real pcscd (with vsmartcard's vpcd virtual reader) for the chip tests.

Session-scoped: if a pcscd already answers on its socket we use it and leave it alone;
otherwise we start ``pcscd -f`` ourselves and stop it afterwards. Skips, with the precise
reason, only where pcscd or vpcd is not installed, on non-Linux systems, or when not root
(pcscd must create /run/pcscd).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
VPCD_CONF = Path("/etc/reader.conf.d/vpcd")


def _socket_alive() -> bool:
    if not PCSCD_SOCKET.exists():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        try:
            s.connect(str(PCSCD_SOCKET))
            return True
        except OSError:
            return False


def _skip_reason() -> str | None:
    if not sys.platform.startswith("linux"):
        return "pcscd + vpcd chip tests run on Linux only"
    pcscd = shutil.which("pcscd") or ("/usr/sbin/pcscd" if Path("/usr/sbin/pcscd").exists()
                                      else None)
    if pcscd is None:
        return "pcscd is not installed (Debian package pcscd; scripts/system-deps.sh)"
    if not VPCD_DRIVER.exists() or not VPCD_CONF.exists():
        return "vpcd is not installed (Debian package vsmartcard-vpcd; scripts/system-deps.sh)"
    try:
        import smartcard  # noqa: F401
    except ImportError:
        return "pyscard is not installed"
    if not _socket_alive() and os.geteuid() != 0:
        return "starting pcscd needs root (it creates /run/pcscd); run the suite as root"
    return None


@pytest.fixture(scope="session")
def pcscd():
    """A running pcscd with the two vpcd readers ("Virtual PCD 00 00" / "00 01")."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    if _socket_alive():
        yield None  # someone else's daemon: use it, do not stop it
        return
    pcscd_bin = shutil.which("pcscd") or "/usr/sbin/pcscd"
    proc = subprocess.Popen([pcscd_bin, "-f"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not _socket_alive():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"pcscd did not start (exit code {proc.poll()})")
            time.sleep(0.05)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
