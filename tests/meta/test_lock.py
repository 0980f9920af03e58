"""Ensure every locked dependency installs on both target platforms from the lock file.

Counter PCs run Windows 10/11 (x86-64) and Linux (x86-64). Each locked package must ship a
wheel for Windows (no compiler there) and one for Linux, except those listed below, which build
from source on Linux against system packages that scripts/system-deps.sh installs.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILT_FROM_SOURCE_ON_LINUX = {"pyscard": "libpcsclite-dev and swig"}


def wheel_names(package: dict) -> list[str]:
    return [w["url"].rsplit("/", 1)[-1] for w in package.get("wheels", [])]


def test_every_package_has_windows_and_linux_wheels():
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    problems = []
    for package in lock["package"]:
        if {"editable", "virtual"} & set(package.get("source", {})):
            continue
        names = wheel_names(package)
        windows = any("win_amd64" in n or "-none-any" in n for n in names)
        linux = any(("manylinux" in n and "x86_64" in n) or "-none-any" in n for n in names)
        if not windows:
            problems.append(f"{package['name']}: no Windows wheel")
        if not linux and package["name"] not in BUILT_FROM_SOURCE_ON_LINUX:
            problems.append(f"{package['name']}: no Linux wheel")
    assert problems == []


def test_source_builds_have_their_system_packages():
    script = (ROOT / "scripts" / "system-deps.sh").read_text(encoding="utf-8")
    for needs in BUILT_FROM_SOURCE_ON_LINUX.values():
        for package in needs.split(" and "):
            assert package in script
