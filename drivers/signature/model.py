"""The stroke model of a handwritten signature: points with position, pressure and time.

Coordinates are in the pad's own units (pixels of the capture area) with the origin at the
top-left; pressure is 0..1 (a mouse reports 0.5); ``t_ms`` counts milliseconds from the first
point. The JSON form (:meth:`Signature.to_json`) is what the journal stores and what the
simulator replays.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from counter_app.errors import CounterAppError


class SignatureError(CounterAppError):
    """A signature is empty or its data is malformed."""

    code = "signature.invalid"


@dataclass(frozen=True)
class Point:
    """One sample of the pen."""

    x: float
    y: float
    pressure: float
    t_ms: int


@dataclass(frozen=True)
class Signature:
    """A captured signature: strokes (pen-down to pen-up) on a pad of a given size."""

    strokes: tuple[tuple[Point, ...], ...]
    width: float
    height: float
    device: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def is_empty(self) -> bool:
        """True when no stroke has at least two points (a dot or nothing is no signature)."""
        return not any(len(stroke) >= 2 for stroke in self.strokes)

    def to_json(self) -> str:
        """Canonical JSON (sorted keys, no spaces): stable bytes for hashing and storage."""
        data = {"width": self.width, "height": self.height, "device": self.device,
                "strokes": [[[p.x, p.y, p.pressure, p.t_ms] for p in s] for s in self.strokes]}
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    @property
    def sha256(self) -> str:
        """SHA-256 of the canonical JSON."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    @classmethod
    def from_json(cls, text: str) -> Signature:
        """Parse the JSON form; raise SignatureError with a Chinese message if malformed."""
        try:
            data = json.loads(text)
            strokes = tuple(tuple(Point(float(x), float(y), float(p), int(t)) for x, y, p, t in s)
                            for s in data["strokes"])
            return cls(strokes, float(data["width"]), float(data["height"]),
                       str(data.get("device", "")))
        except (ValueError, KeyError, TypeError, RecursionError) as err:
            # RecursionError: JSON nested deeper than the decoder follows (not a signature).
            raise SignatureError("签名数据已损坏，无法读取，请重新签名。", detail=str(err)) from None

    def for_form(self) -> tuple[float, float, list[list[tuple[float, float, float]]]]:
        """(pad width, pad height, strokes as (x, y, pressure) lists) for a form slot; the
        painter fits the pad area into the slot keeping its aspect ratio."""
        if self.is_empty():
            raise SignatureError("签名为空，请在签名板上签名。")
        strokes = [[(p.x, p.y, min(max(p.pressure, 0.0), 1.0)) for p in stroke]
                   for stroke in self.strokes if len(stroke) >= 2]
        return self.width, self.height, strokes
