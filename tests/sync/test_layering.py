"""Only sync/transport.py talks HTTP (so every request has timeouts and typed errors)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def http_importers(paths):
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] in ("requests", "urllib3", "httpx") for n in names):
                yield path.relative_to(ROOT).as_posix()


def test_only_the_transport_imports_an_http_client():
    files = [p for pkg in ("sync", "counter_app", "drivers", "forms")
             for p in (ROOT / pkg).rglob("*.py")]
    assert sorted(set(http_importers(files))) == ["sync/transport.py"]


def test_the_check_can_fail():
    sample = ROOT / "sync" / "transport.py"
    assert list(http_importers([sample])) and not list(http_importers(
        [ROOT / "sync" / "decide.py"]))
