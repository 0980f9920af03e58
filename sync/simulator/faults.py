"""Fault injection for the provincial simulator, from a ``--faults`` SPEC string.

SPEC is comma-separated ``name=value`` pairs, e.g.
``5xx=0.1,timeout=0.05,drop=0.1,lost_ack=0.1,dup_ack=0.2,slow=0.1,reject=0.05,seed=7``.
Probabilities apply per request (``reject`` per uploaded entry, decided from the entry id so
a re-sent entry gets the same verdict). ``lie=NAME+NAME`` makes the server lie (``LIES``)
in every answer concerned. See docs/sync-protocol.md, "Simulator".
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

PROBABILITIES = {
    "5xx": "answer 503 Service Unavailable without doing anything",
    "timeout": "hold the connection for hang_s seconds without doing anything, then close it",
    "drop": "close the connection half-way through reading the request body (an attachment "
            "chunk's received half is kept, as a real resumable server would)",
    "lost_ack": "do the work, then close the connection without answering",
    "dup_ack": "answer with the previous batch's acknowledgements repeated",
    "slow": "do the work, then wait slow_s seconds before answering",
    "reject": "reject an uploaded entry (per entry, deterministic by entry id)",
}
NUMBERS = {"seed": 0.0, "slow_s": 1.0, "hang_s": 10.0, "skew_s": 0.0, "time_skew_s": 0.0}
#: A lying server (``lie=NAME+NAME``), to prove the client refuses each lie and the conformance
#: checker names it. Every answer concerned lies, not a random share.
LIES = {
    "ack_beyond": "batch answers acknowledge one seq more than was sent, with a made-up hash",
    "bad_signature": "every answer signature (and every 联网核对 signature) is invalid",
    "wrong_office": "enrolment and position answers name another office",
    "wrong_request_id": "联网核对 answers are for another request id (validly signed)",
    "wrong_case": "batch answers carry a verdict for a case the machine never sent",
}


@dataclass
class Faults:
    """Parsed fault settings; ``roll(name)`` decides one request's fate."""

    probabilities: dict[str, float] = field(default_factory=dict)
    numbers: dict[str, float] = field(default_factory=lambda: dict(NUMBERS))
    married: tuple[str, ...] = ()
    lies: tuple[str, ...] = ()

    def lies_about(self, name: str) -> bool:
        return name in self.lies

    def __post_init__(self) -> None:
        self._rng = random.Random(int(self.numbers.get("seed", 0)))
        self._lock = threading.Lock()

    def roll(self, name: str) -> bool:
        p = self.probabilities.get(name, 0.0)
        if p <= 0:
            return False
        with self._lock:
            return self._rng.random() < p

    def rejects(self, entry_id: str) -> bool:
        p = self.probabilities.get("reject", 0.0)
        if p <= 0:
            return False
        rng = random.Random(f"{int(self.numbers['seed'])}|{entry_id}")
        return rng.random() < p

    def __getattr__(self, name: str) -> float:
        numbers = self.__dict__.get("numbers", {})
        if name in numbers:
            return numbers[name]
        raise AttributeError(name)


def parse(spec: str | None) -> Faults:
    """Parse SPEC; raises ValueError naming the bad part."""
    probabilities: dict[str, float] = {}
    numbers = dict(NUMBERS)
    married: list[str] = []
    lies: list[str] = []
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep:
            raise ValueError(f"fault {part!r} has no '=value'")
        if name == "married":
            married.extend(v for v in value.split("+") if v)
        elif name == "lie":
            unknown = [v for v in value.split("+") if v not in LIES]
            if unknown:
                raise ValueError(f"unknown lie {unknown[0]!r} (known: {', '.join(LIES)})")
            lies.extend(value.split("+"))
        elif name in PROBABILITIES:
            p = float(value)
            if not 0 <= p <= 1:
                raise ValueError(f"fault {name} probability {p} not in [0, 1]")
            probabilities[name] = p
        elif name in numbers:
            numbers[name] = float(value)
        else:
            known = ", ".join([*PROBABILITIES, *NUMBERS, "married", "lie"])
            raise ValueError(f"unknown fault {name!r} (known: {known})")
    return Faults(probabilities, numbers, tuple(married), tuple(lies))
