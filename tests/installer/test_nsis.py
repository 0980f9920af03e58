"""Ensure the Windows installer script compiles (Debian's makensis, warnings as errors) over a
placeholder payload laid out like the Windows bundle, refuses a payload that is not one, and
that its uninstaller deletes nothing but the program (the data and the key stay)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "installer" / "windows" / "counter-app.nsi"

pytestmark = pytest.mark.skipif(shutil.which("makensis") is None,
                                reason="makensis missing (scripts/system-deps.sh installs nsis)")


def placeholder(where: Path, gui: bool = True) -> Path:
    """counter-app.exe, counter-app-gui.exe and _internal/ with 1 MB that cannot be compressed
    (so the setup's size shows whether the payload went in)."""
    bundle = where / "counter-app"
    (bundle / "_internal" / "resources").mkdir(parents=True)
    (bundle / "counter-app.exe").write_bytes(b"MZ placeholder")
    if gui:
        (bundle / "counter-app-gui.exe").write_bytes(b"MZ placeholder")
    (bundle / "_internal" / "resources" / "noise.bin").write_bytes(os.urandom(1 << 20))
    return bundle


def compile_over(payload: Path, dist: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "installer/build.py"), "nsis", "--dist",
                           str(dist), "--payload", str(payload)], capture_output=True,
                          text=True, timeout=300, check=False)


def test_the_script_compiles_over_a_bundle_shaped_payload(tmp_path):
    result = compile_over(placeholder(tmp_path), tmp_path / "dist")
    assert result.returncode == 0, result.stdout + result.stderr
    (setup,) = (tmp_path / "dist").glob("counter-app-*-setup.exe")
    assert setup.read_bytes()[:2] == b"MZ"
    assert setup.stat().st_size > 1 << 20


def test_a_payload_that_is_not_a_windows_bundle_is_refused(tmp_path):
    result = compile_over(placeholder(tmp_path, gui=False), tmp_path / "dist")
    assert result.returncode != 0
    assert "no counter-app-gui.exe" in result.stdout + result.stderr
    assert not list((tmp_path / "dist").glob("*.exe"))


def uninstall_section() -> list[str]:
    text = SCRIPT.read_text(encoding="utf-8")
    body = text.split('Section "Uninstall"', 1)[1].split("SectionEnd", 1)[0]
    return [line.strip() for line in body.splitlines()
            if line.strip() and not line.strip().startswith(";")]


def test_the_uninstaller_removes_the_program_only():
    lines = uninstall_section()
    recursive = [line for line in lines if re.match(r"RMDir\s+/r", line, re.I)]
    assert recursive == ['RMDir /r "$INSTDIR\\_internal"']
    assert 'RMDir "$INSTDIR"' in lines  # only when empty: nothing else is lost with it
    for line in lines:
        assert not re.search(r"APPDATA|LOCALAPPDATA|PROFILE|Credential|keys|\.key|journal",
                             line, re.I), line
