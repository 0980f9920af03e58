"""Journal entry kinds are named once, by the package whose flow writes them.

The catalogue is every module-level ``KIND_<NAME> = "x.y"`` in production code (each package's
``kinds.py``; sync's in sync/kinds.py). Everyone else imports the constant: a catalogued kind
spelled as a string (in code or in SQL) outside its defining module fails here, as does a kind
defined twice, and a string kind handed to ``journal.append``, compared with ``.kind`` or put
in ``kind = '…'`` SQL (that is how a new kind would slip in without a constant).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("counter_app", "sync", "drivers", "forms")
KIND = re.compile(r"^[a-z_]+\.[a-z_]+$")
QUOTED_KIND = re.compile(r"'([a-z_]+\.[a-z_]+)'")
SQL_KIND = re.compile(r"\bkind\s*(=|IN)\s*\(?\s*'", re.IGNORECASE)

#: Files other engineers are rewriting while the catalogue goes in; their literals move to the
#: constants after the merge, and then this list is emptied.
NOT_YET: tuple[str, ...] = ()


def production_files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def definitions(tree: ast.Module) -> list[tuple[str, str]]:
    """(constant name, kind) of each module-level ``KIND_X = "x.y"``."""
    found = []
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id.startswith("KIND_")
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
                and KIND.match(node.value.value)):
            found.append((node.targets[0].id, node.value.value))
    return found


def catalogue(paths: list[Path]) -> dict[str, list[str]]:
    """kind -> where it is defined ("path:NAME"), over ``paths``."""
    where = defaultdict(list)
    for path in paths:
        for name, kind in definitions(parse(path)):
            where[kind].append(f"{relative(path)}:{name}")
    return dict(where)


def kinds_in(text: str) -> set[str]:
    """The kinds a string constant spells: all of it, or quoted inside it (SQL)."""
    return {text} if KIND.match(text) else set(QUOTED_KIND.findall(text))


def spelled_kinds(tree: ast.Module, kinds: set[str]) -> list[tuple[int, str]]:
    """(line, kind) of each catalogued kind written as a string, definitions left out."""
    defining = {id(n.value) for n in tree.body if isinstance(n, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id.startswith("KIND_") for t in n.targets)}
    return sorted((node.lineno, kind) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in defining for kind in kinds_in(node.value) & kinds)


def _is_str(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _strings(node: ast.AST) -> list[ast.AST]:
    """The operand itself, or the items of a literal tuple, list or set."""
    return list(node.elts) if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]


def raw_kinds(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, code) where a string stands for a kind: journal.append("x.y", …),
    ``… .kind == "x.y"`` / ``in ("x.y", …)``, or SQL ``kind = 'x.y'`` / ``kind IN ('x.y')``."""
    hits = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "append" and node.args and _is_str(node.args[0])
                and ast.unparse(node.func.value).endswith("journal")):
            hits.append((node.lineno, ast.unparse(node)[:80]))
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Attribute) and o.attr == "kind" for o in operands) and any(
                    _is_str(s) and KIND.match(s.value) for o in operands for s in _strings(o)):
                hits.append((node.lineno, ast.unparse(node)[:80]))
        elif _is_str(node) and SQL_KIND.search(node.value):
            hits.append((node.lineno, node.value[:80]))
    return sorted(hits)


def allowed_later(path: Path) -> bool:
    return relative(path).startswith(NOT_YET)


def test_every_kind_is_defined_once():
    twice = {kind: where for kind, where in catalogue(production_files()).items()
             if len(where) > 1}
    assert twice == {}


def test_catalogued_kinds_are_not_spelled_outside_their_module():
    paths = production_files()
    owners = {kind: where[0].split(":")[0] for kind, where in catalogue(paths).items()}
    offenders = [f"{relative(path)}:{line} spells {kind!r} (import it from {owners[kind]})"
                 for path in paths if not allowed_later(path)
                 for line, kind in spelled_kinds(parse(path), set(owners))
                 if owners[kind] != relative(path)]
    assert offenders == []


def test_no_kind_is_written_or_tested_as_a_bare_string():
    offenders = [f"{relative(path)}:{line}: {code}" for path in production_files()
                 if not allowed_later(path) for line, code in raw_kinds(parse(path))]
    assert offenders == []


# --- the checks above must be able to fail -------------------------------------------------

def _sample(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_catalogue_check_finds_a_kind_defined_twice(tmp_path):
    a = _sample(tmp_path, "a.py", 'KIND_INTAKE_PARTY = "intake.party"\n')
    b = _sample(tmp_path, "b.py", 'KIND_PARTY = "intake.party"\nKIND_OTHER = "x.y"\n')
    assert catalogue([a, b]) == {"intake.party": ["a.py:KIND_INTAKE_PARTY", "b.py:KIND_PARTY"],
                                 "x.y": ["b.py:KIND_OTHER"]}


def test_the_spelling_check_finds_a_catalogued_kind_in_code_and_sql(tmp_path):
    tree = parse(_sample(tmp_path, "c.py", (
        'KIND_X = "intake.party"\n'
        'wanted = "intake.party"\n'
        'rows = "SELECT seq FROM entries WHERE kind IN (\'intake.party\', \'y.z\')"\n'
        'doc = "the ``intake.party`` entries"\n')))
    assert spelled_kinds(tree, {"intake.party"}) == [(2, "intake.party"), (3, "intake.party")]


def test_the_bare_string_check_finds_appends_comparisons_and_sql(tmp_path):
    tree = parse(_sample(tmp_path, "d.py", (
        'self.journal.append("new.kind", {}, operator="x")\n'
        'if entry.kind in ("a.b", KIND_C):\n    pass\n'
        'q = "SELECT 1 FROM entries WHERE e.kind = \'a.b\'"\n'
        'journal.append(KIND_C, {}, operator="x")\n'
        'ok = rule.kind == "grant" and lines.append("a.b")\n')))
    assert [line for line, _ in raw_kinds(tree)] == [1, 2, 4]


def test_the_real_catalogue_is_not_empty():
    kinds = catalogue(production_files())
    assert {"intake.party", "case.registered", "sync.marital_check"} <= set(kinds)
