"""Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
Jitter", 2015): the n-th retry waits a uniform random time in [0, min(cap, base * 2**n)], so
hundreds of counters coming back after a provincial outage do not retry in lock-step."""

from __future__ import annotations

import random


class Backoff:
    """Delays for consecutive failures; ``reset()`` after a success."""

    def __init__(self, base_s: float = 1.0, cap_s: float = 300.0,
                 rng: random.Random | None = None) -> None:
        self.base_s = base_s
        self.cap_s = cap_s
        self.rng = rng or random.Random()
        self.failures = 0

    def next_delay(self, retry_after_s: float | None = None) -> float:
        """The wait before the next attempt; never shorter than the server's Retry-After."""
        # The exponent is bounded: after days offline 2**failures would overflow a float.
        ceiling = min(self.cap_s, self.base_s * 2.0 ** min(self.failures, 32))
        self.failures += 1
        delay = self.rng.uniform(0, ceiling)
        if retry_after_s is not None:
            delay = max(delay, min(retry_after_s, self.cap_s))
        return delay

    def reset(self) -> None:
        self.failures = 0
