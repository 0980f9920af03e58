"""Today's work at a glance: what waits for the 联网核对, which divorces need action, what is
ready to issue. The case navigator (counter_app.cases.navigator) decides where each open case
belongs and what its line says; nothing is stored here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from counter_app.cases.navigator import ARCHIVE, NOTICE, PRINT, open_cases
from counter_app.domain.cases import CASE_TYPE_ZH
from counter_app.journal import Journal

#: Within a list: the ended divorces' notices and the booklets to print first, then the archive
#: files to build, then the rest (the least recently moved case first in each).
LIST_ORDER = {NOTICE: 0, PRINT: 0, ARCHIVE: 1}


@dataclass(frozen=True)
class CaseLine:
    """One case as a line on the home page."""

    case_id: str
    case_type: str
    state: str
    note: str
    urgent: bool = False

    @property
    def title(self) -> str:
        return f"{CASE_TYPE_ZH.get(self.case_type, self.case_type)} {self.case_id[:8]}"


@dataclass
class Overview:
    """The three lists of the home page."""

    awaiting_check: list[CaseLine] = field(default_factory=list)
    divorce_deadlines: list[CaseLine] = field(default_factory=list)
    ready_to_issue: list[CaseLine] = field(default_factory=list)


def overview(journal: Journal, on: date) -> Overview:
    """What needs the registrar's attention on ``on``."""
    result = Overview()
    for nxt in sorted(open_cases(journal, on), key=lambda n: LIST_ORDER.get(n.stage, 2)):
        line = CaseLine(nxt.case_id, nxt.case_type, nxt.state, nxt.action, urgent=nxt.urgent)
        getattr(result, str(nxt.home_list)).append(line)   # the lists are named alike
    return result
