"""Suite-wide fixtures. Every test runs with its own config and data dir; nothing touches
the developer's real config, keystore or data."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

# Tests never read the developer's configuration or keystore, and Qt never needs a display.
os.environ["COUNTER_APP_CONFIG"] = str(ROOT / "tests" / "helpers" / "no-config.toml")
os.environ["COUNTER_APP_JOURNAL_KEY_STORE"] = "file"
# Machine keys and journal anchors live outside the data dir, by default in the user's state
# dir: the suite (and every process it starts) keeps them in a temporary dir of its own. Each
# data dir's files there are named after its path, so tests never share them.
KEY_DIR = Path(tempfile.mkdtemp(prefix="counter-app-test-keys-"))
os.environ["COUNTER_APP_JOURNAL_KEY_DIR"] = str(KEY_DIR)
# Nor write to the developer's data dir: a command run without --data-dir (forms render and
# print receipt journal their audit entry) gets a throw-away one.
os.environ["COUNTER_APP_DATA_DIR"] = tempfile.mkdtemp(prefix="counter-app-tests-")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_addoption(parser):
    parser.addoption("--hardware", action="store_true", help="run tests that need real devices")


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(KEY_DIR, ignore_errors=True)
    shutil.rmtree(os.environ["COUNTER_APP_DATA_DIR"], ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    if config.getoption("--hardware"):
        return
    skip = pytest.mark.skip(reason="needs real hardware (run with --hardware)")
    for item in items:
        if "hardware" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh, empty data directory."""
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def clock():
    """A clock the test moves by hand (helpers.stubs.FakeClock)."""
    from helpers.stubs import FakeClock

    return FakeClock()


@pytest.fixture
def journal(data_dir, clock):
    """A journal in the fresh data dir, on the fake clock, closed afterwards."""
    from helpers.journals import open_test_journal

    j = open_test_journal(data_dir, key_store="file", clock=clock)
    yield j
    j.close()
