"""Fixtures for the ID-card reader tests: simulators on samsim:// URLs, the compiled fake
vendor library."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from drivers.idcard import simulator

HERE = Path(__file__).parent


@pytest.fixture
def sim():
    """A fresh simulator (no card), reachable as ``sim.url``."""
    name = "t" + uuid.uuid4().hex[:8]
    s = simulator.SamSimulator(slow_s=0.6)
    s.url = simulator.register(name, s)
    yield s
    simulator.unregister(name)


@pytest.fixture(scope="session")
def fake_vendor_lib(tmp_path_factory) -> Path:
    """tests/idcard/fake_vendor.c built as a shared library (skips without a C compiler)."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler (cc/gcc) to build the fake vendor library")
    out = tmp_path_factory.mktemp("vendor") / "libfakesdtapi.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(out), str(HERE / "fake_vendor.c")],
                   check=True)
    return out
