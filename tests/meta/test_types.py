"""Ensure the fully annotated packages type-check (mypy, configured in pyproject.toml).

``[tool.mypy] packages`` names them: domain, rules, journal, cases, numbering, sync and
drivers first; the rest of the code joins package by package once mypy passes on it.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIRST_PACKAGES = {"counter_app.domain", "counter_app.rules", "counter_app.journal",
                  "counter_app.cases", "counter_app.numbering", "sync", "drivers"}


def mypy(*targets: str) -> subprocess.CompletedProcess[str]:
    """The venv's mypy with the project's configuration (its packages when no targets)."""
    return subprocess.run([sys.executable, "-m", "mypy", *targets], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_the_annotated_packages_type_check():
    result = mypy()
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_package_leaves_the_checked_ones():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert FIRST_PACKAGES <= set(config["tool"]["mypy"]["packages"])


def test_an_untyped_definition_or_a_type_error_fails(tmp_path):
    module = tmp_path / "untyped_sample.py"
    module.write_text("def double(x):\n    return x * 2\n\n\ncount: int = 'one'\n",
                      encoding="utf-8")
    result = mypy(str(module))
    assert result.returncode == 1
    assert "[no-untyped-def]" in result.stdout and "[assignment]" in result.stdout
