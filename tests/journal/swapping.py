"""Helpers for the swap and restore tests: fill a data dir through the CLI, swap its journal
out, and check that a refusal says what it must and writes nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

from helpers.journals import anchor_file, key_file
from tampering import run_cli

SWAP_FILES = ("journal.db", "journal.db-wal", "journal.db-shm")


def stress(data_dir: Path, entries: int):
    return run_cli("journal", "stress", "--entries", str(entries), "--attachment-every", "2",
                   data_dir=data_dir)


def filled(data_dir: Path, entries: int) -> Path:
    result = stress(data_dir, entries)
    assert result.returncode == 0, result.stderr
    return data_dir


def fingerprint(data_dir: Path) -> dict[str, str]:
    """Digests of everything a refused opening must leave alone (the log and the lock file,
    which every run touches, aside)."""
    paths = [p for p in data_dir.rglob("*") if p.is_file()
             and "logs" not in p.relative_to(data_dir).parts and p.name != "counter-app.lock"]
    paths += [p for p in (key_file(data_dir), anchor_file(data_dir)) if p.exists()]
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def assert_refused(data_dir: Path, *words: str) -> None:
    """Both a writing command and `journal verify` refuse with exit 2, say ``words`` and the
    way out, and write nothing."""
    before = fingerprint(data_dir)
    for command in (("journal", "stress", "--entries", "1"), ("journal", "verify")):
        result = run_cli(*command, data_dir=data_dir)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert result.stdout == "" and "Traceback" not in result.stderr
        message = result.stderr
        assert message.startswith("错误 error: ") and message.count("\n") == 1, message
        for word in words:
            assert word in message, (word, message)
        assert "counter-app journal restore" in message, message
    assert fingerprint(data_dir) == before, "a refused opening wrote something"


def remove_journal(data_dir: Path) -> None:
    for name in SWAP_FILES:
        (data_dir / name).unlink(missing_ok=True)
