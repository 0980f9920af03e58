"""Ensure each projection table is named in SQL only by the package that owns it.

A projection's tables are its package's private storage: other packages read them through
the owner's read API (numbering.issued_blanks, sync.projections.check_outcomes, ...), so a
table can change with its projection's version without hunting for its readers. The owner is
the package of the module that registers the projection; the tables are taken from the
projections the app's journal maintains, so a new projection is covered as soon as it is listed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from counter_app.journal import core_projections
from counter_app.journal.projections import defined_in
from counter_app.wiring.journal import PROJECTION_MODULES

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("counter_app", "sync", "drivers", "forms")

# The provincial server's stand-in keeps its own database, whose cases and attachments tables
# are the server's, not the journal's projections.
OTHER_DATABASES = ("sync/simulator/",)

SQL_NAMING = r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE(?:\s+IF\s+(?:NOT\s+)?EXISTS)?)\s+\[?({})\]?(?!\w)"


def table_owners() -> dict[str, str]:
    """Each projection table -> the package that owns it."""
    owners = {}
    for proj in defined_in((core_projections, *PROJECTION_MODULES)):
        for table in proj.tables:
            owners[table] = proj.apply.__module__.rpartition(".")[0]
    return owners


def docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes (prose, which may quote SQL, is not SQL that runs)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def offences(module: str, source: str, owners: dict[str, str]) -> list[tuple[int, str]]:
    """(line, table) for each string literal of ``module`` naming a table it does not own."""
    foreign = sorted(t for t, owner in owners.items()
                     if module != owner and not module.startswith(owner + "."))
    if not foreign:
        return []
    naming = re.compile(SQL_NAMING.format("|".join(map(re.escape, foreign))), re.IGNORECASE)
    tree = ast.parse(source)
    skip = docstrings(tree)
    found = [(node.lineno, match.group(1)) for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and id(node) not in skip for match in naming.finditer(node.value)]
    return sorted(found, key=lambda offence: offence[0])


def production_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if not relative.startswith(OTHER_DATABASES):
                yield relative, ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_projection_tables_are_named_only_by_their_owners():
    owners = table_owners()
    found = [f"{relative}:{line}: {table} (owned by {owners[table]})"
             for relative, module in production_files()
             for line, table in offences(module, (ROOT / relative).read_text("utf-8"), owners)]
    assert found == [], "use the owner's read API instead:\n" + "\n".join(found)


def test_the_owner_check_finds_a_foreign_table():
    """The check above must be able to fail, and must not fail on the owner or on prose."""
    owners = table_owners()
    source = ('"""Counts rows FROM stock_blanks."""\n'
              'def n(journal):\n'
              '    return journal.query("SELECT count(*) FROM stock_blanks "\n'
              '                         "JOIN [case_state] USING (case_id)")\n')
    assert offences("counter_app.ui.sample", source, owners) == [
        (3, "stock_blanks"), (3, "case_state")]
    assert offences("counter_app.numbering.sample", source, owners) == [(3, "case_state")]
    assert offences("counter_app.ui.sample", 'x = "FROM stock_blanks_old"\n', owners) == []


def test_every_projection_in_the_code_is_maintained_by_the_app():
    """A projection module missing from the composition root's list would never be kept."""
    listed = {m.__name__ for m in (core_projections, *PROJECTION_MODULES)}
    defining = set()
    for relative, module in production_files():
        tree = ast.parse((ROOT / relative).read_text("utf-8"))
        if any(isinstance(d, ast.Call) and getattr(d.func, "id", "") == "projection"
               for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
               for d in node.decorator_list):
            defining.add(module)
    assert defining - listed == set()
