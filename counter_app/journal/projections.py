"""Projections: current-state tables derived from entries.

A projection is a pure function of the entry stream: ``apply(db, entry)`` updates its tables
for one entry, inside the same transaction that appends the entry, so state and history never
disagree. Because projections are derived they are never migrated: when a projection's
``version`` changes its tables are dropped and rebuilt from the entries, and ``journal verify``
rebuilds every projection in memory and compares it with the stored tables.

Register a projection with the decorator in the module of the package that owns its tables
(the only package whose SQL names them; the others call its read API)::

    @projection("case_state", version=1, tables=("case_state",), schema=(
        "CREATE TABLE case_state (case_id TEXT PRIMARY KEY, state TEXT NOT NULL)",))
    def apply_case_state(db: sqlite_utils.Database, entry: Entry) -> None:
        if entry.kind == KIND_CASE_TRANSITION:
            db["case_state"].upsert({...}, pk="case_id")

``apply`` must depend only on the entry and the projection's own tables (no clock, no
randomness, no other files), or a rebuild would give a different answer.

The journal does not know its clients: whoever opens it hands it the modules whose projections
to maintain (the composition root lists them in ``counter_app.wiring.journal``); the journal's
own projections (``core_projections``: cases, attachments) are always maintained.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Callable, Iterable

import sqlite_utils

from counter_app.journal.entry import Entry

ApplyFn = Callable[[sqlite_utils.Database, Entry], None]


@dataclass(frozen=True)
class Projection:
    """A named set of derived tables and the function that maintains them."""

    name: str
    version: int
    schema: tuple[str, ...]
    tables: tuple[str, ...]
    apply: ApplyFn

    def create(self, db: sqlite_utils.Database) -> None:
        for statement in self.schema:
            db.execute(statement)

    def drop(self, db: sqlite_utils.Database) -> None:
        for table in self.tables:
            db.execute(f"DROP TABLE IF EXISTS [{table}]")


_REGISTRY: dict[str, Projection] = {}


def projection(name: str, *, version: int, schema: tuple[str, ...],
               tables: tuple[str, ...]) -> Callable[[ApplyFn], ApplyFn]:
    """Register ``apply`` as the projection ``name``."""

    def register(fn: ApplyFn) -> ApplyFn:
        existing = _REGISTRY.get(name)
        assert existing is None or existing.apply.__qualname__ == fn.__qualname__, (
            f"projection {name} registered twice")
        _REGISTRY[name] = Projection(name, version, tuple(schema), tuple(tables), fn)
        return fn

    return register


def defined_in(modules: Iterable[ModuleType]) -> tuple[Projection, ...]:
    """The projections ``modules`` register, in a stable order (by name)."""
    names = {module.__name__ for module in modules}
    found = tuple(_REGISTRY[name] for name in sorted(_REGISTRY)
                  if _REGISTRY[name].apply.__module__ in names)
    # A module handed in that registers nothing is a wrong entry in the list, not a no-op.
    missing = names - {p.apply.__module__ for p in found}
    assert not missing, f"no projection registered in {sorted(missing)}"
    return found


def table_rows(db: sqlite_utils.Database, table: str) -> list[tuple]:
    """All rows of ``table`` in a canonical order, for comparing a table with its rebuild."""
    columns = [c.name for c in db[table].columns]
    order = ", ".join(f"[{c}]" for c in columns)
    return [tuple(r) for r in db.execute(f"SELECT * FROM [{table}] ORDER BY {order}").fetchall()]
