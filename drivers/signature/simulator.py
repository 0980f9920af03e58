"""A signature pad that replays recorded strokes, with their timing, through the interface.

Used by the demo, the training counter and the tests. Recordings are JSON files in
drivers/signature/recordings (the :class:`~drivers.signature.model.Signature` JSON form).
"""

from __future__ import annotations

import time
from pathlib import Path

from drivers.signature.base import SignaturePad
from drivers.signature.model import Signature

RECORDINGS = Path(__file__).resolve().parent / "recordings"


def recording(name: str) -> Signature:
    """A bundled recording by name (e.g. "zhang_san")."""
    return Signature.from_json((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))


class SimulatorPad(SignaturePad):
    """Replays a recorded signature sample by sample, as a pad would deliver it."""

    BACKEND = "simulator"

    def __init__(self, source: Signature, speed: float = 0.0) -> None:
        super().__init__(source.width, source.height)
        self.source = source
        #: 1.0 replays in real time, 0 as fast as possible (tests).
        self.speed = speed

    def replay(self) -> None:
        """Feed every recorded sample through add_point/pen_up."""
        last = 0
        for stroke in self.source.strokes:
            for point in stroke:
                if self.speed:
                    time.sleep(max(point.t_ms - last, 0) / 1000 / self.speed)
                last = point.t_ms
                self.add_point(point.x, point.y, point.pressure, point.t_ms)
            self.pen_up()
