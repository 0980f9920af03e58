"""Write docs/roles.md from the permission table (resources/permissions.toml).

    .venv/bin/python scripts/roles_doc.py

tests/operators/test_permissions.py fails when the page and the table differ.
"""

from __future__ import annotations

from pathlib import Path

from counter_app.operators.permissions import render_doc

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    out = ROOT / "docs" / "roles.md"
    out.write_text(render_doc(), encoding="utf-8")
    print(out)
