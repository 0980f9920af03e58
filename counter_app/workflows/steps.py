"""The preparation steps of a case between acceptance and examination, as data.

Each step (photos and identity checks, declarations, document scans, ...) is a page of its own
that the case page opens; the first step not yet done (``next_step``) is handed to the case
navigator, which puts it before 审查 and 登记, and the case page shows it as its one next
action, so adding a step is one ``CaseStep`` (counter_app.wiring.services.Services.case_steps)
and its page (counter_app.ui.items.CASE_PAGES), not an edit of the case page. ``done`` reads the
journal, so a case left half-way resumes at the right
step after a restart or a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CaseStep:
    """One step: its key (names its page), the button text, its shortcut, which case types it
    applies to and whether a case has done it."""

    key: str
    label: str
    shortcut: str
    case_types: tuple[str, ...]
    done: Callable[[str], bool]

    def applies_to(self, case_type: str) -> bool:
        return case_type in self.case_types


def next_step(steps: Sequence[CaseStep], case_type: str, case_id: str) -> CaseStep | None:
    """The first step of ``case_type`` that ``case_id`` has not done, or None: what the case
    navigator (counter_app.cases.navigator, ``pending_step``) is told, and what registration
    waits for."""
    return next((s for s in steps if s.applies_to(case_type) and not s.done(case_id)), None)
