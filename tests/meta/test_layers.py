"""Ensure the layer boundaries hold: import-linter contracts plus the QtWidgets rule."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("counter_app", "sync", "drivers", "forms")
WIDGET_MODULES = ("PySide6.QtWidgets", "PySide6.QtPrintSupport")


def test_import_linter_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_only_counter_app_ui_imports_qt_widgets():
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path.is_relative_to(ROOT / "counter_app" / "ui"):
                continue
            for module in imported_modules(path):
                if module.startswith(WIDGET_MODULES):
                    offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_the_widget_check_finds_a_widget_import(tmp_path):
    """The check above must be able to fail."""
    sample = tmp_path / "x.py"
    sample.write_text("from PySide6.QtWidgets import QLabel\n", encoding="utf-8")
    assert any(m.startswith(WIDGET_MODULES) for m in imported_modules(sample))


#: Where JSON from outside (a case file, the CLI) becomes a typed case; the workflows build
#: theirs from typed parties and never go through the case-file JSON.
#: (`print receipt --case` reads its file through forms.case_data.load_case.)
PARSE_CASE_AT = {"counter_app/cli/rules.py", "forms/case_data.py"}  # rules check, forms render


def parse_case_calls(path: Path) -> int:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return sum(1 for node in ast.walk(tree) if isinstance(node, ast.Call)
               and getattr(node.func, "id", getattr(node.func, "attr", None)) == "parse_case")


def test_case_files_are_parsed_only_at_the_file_and_cli_boundaries():
    callers = {str(path.relative_to(ROOT)) for package in PACKAGES
               for path in (ROOT / package).rglob("*.py") if parse_case_calls(path)}
    assert callers == PARSE_CASE_AT


def test_the_parse_case_check_finds_a_call(tmp_path):
    """The check above must be able to fail."""
    sample = tmp_path / "x.py"
    sample.write_text("from counter_app.rules import caseinput\ncaseinput.parse_case({})\n",
                      encoding="utf-8")
    assert parse_case_calls(sample) == 1
