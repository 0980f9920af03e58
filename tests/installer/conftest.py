"""The bundle and the .deb, built once per test session with the developers' commands
(installer/build.py, which ./dev bundle and ./dev deb run)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from helpers import cleanroot

ROOT = Path(__file__).resolve().parents[2]


def build(*args: str) -> None:
    start = time.perf_counter()
    cleanroot.run([sys.executable, str(ROOT / "installer/build.py"), *args], timeout=1800)
    print(f"installer/build.py {args[0]}: {time.perf_counter() - start:.0f} s")


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("dist")


@pytest.fixture(scope="session")
def bundle(dist) -> Path:
    build("bundle", "--dist", str(dist))
    return dist / "counter-app"


@pytest.fixture(scope="session")
def deb(bundle, dist) -> Path:
    """The package, gzip -1 (the content is what xz would pack; xz takes minutes)."""
    build("deb", "--dist", str(dist), "--compression", "gzip")
    (package,) = dist.glob("counter-app_*_amd64.deb")
    return package
