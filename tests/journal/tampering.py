"""Helpers that tamper with a journal the way an insider holding the key could."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlcipher3

from counter_app.journal.keys import load_or_create

CLI = [sys.executable, "-m", "counter_app"]


def raw_sql(data_dir: Path, *statements: str) -> None:
    """Run SQL on the decrypted file directly, bypassing the journal and its triggers."""
    key = load_or_create(data_dir, "file", create=False)
    conn = sqlcipher3.connect(str(data_dir / "journal.db"), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.sqlcipher_key.hex()}'\"")
    conn.execute("DROP TRIGGER IF EXISTS entries_no_update")
    conn.execute("DROP TRIGGER IF EXISTS entries_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.close()


def run_cli(*args: str, data_dir: Path | None = None, timeout: float = 120
            ) -> subprocess.CompletedProcess:
    env = dict(os.environ, COUNTER_APP_JOURNAL_KEY_STORE="file")
    prefix = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run([*CLI, *prefix, *args], capture_output=True, text=True,
                          timeout=timeout, env=env)
