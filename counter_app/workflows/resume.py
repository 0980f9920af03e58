"""Which case the counter has open, so that after a crash the next login reopens it.

The journal already holds every step of every case; what it does not hold is which case was
on the screen when the program died. A tiny file next to the journal says so (case id and
operator id only, no personal data), written atomically when a case opens and removed when
the registrar goes back home or closes the window normally.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

FILE_NAME = "open-case.json"


class OpenCase:
    """The marker file in ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE_NAME

    def opened(self, case_id: str, operator_id: str) -> None:
        """Remember ``case_id`` as on screen (replaces any earlier one)."""
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump({"case_id": case_id, "operator": operator_id}, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)

    def closed(self) -> None:
        """Nothing is open any more."""
        self.path.unlink(missing_ok=True)

    def pending(self, operator_id: str) -> str | None:
        """The case left open by ``operator_id`` when the program last stopped, or None (an
        unreadable marker is treated as none: the case is still on the home page)."""
        try:
            marker = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(marker, dict) or marker.get("operator") != operator_id:
            return None
        case_id = marker.get("case_id")
        return case_id if isinstance(case_id, str) and case_id else None
