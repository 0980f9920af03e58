"""The compiled stand-in for ZKTeco's libzkfp (tests/fingerprint/fake_zkfp.c)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def fake_zkfp_lib(tmp_path_factory) -> Path:
    """fake_zkfp.c built as a shared library (skips without a C compiler)."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler (cc/gcc) to build the stand-in libzkfp")
    out = tmp_path_factory.mktemp("zkfp") / "libzkfp.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(out), str(HERE / "fake_zkfp.c")],
                   check=True)
    return out
