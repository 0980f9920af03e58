"""Journal-backed cases: each state change is a ``case.transition`` entry; ``case_state`` is
the projection of where every case stands. See counter_app.cases.service."""

from counter_app.cases.service import CaseService, CaseState

__all__ = ["CaseService", "CaseState"]
