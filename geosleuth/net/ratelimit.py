"""A minimum-interval rate limiter with an injectable clock, and the clock protocol.

Written by hand (a dozen lines) because it must share its clock with the retry and
cache code so that tests can drive all three with one fake clock and never sleep.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Time as the network layer sees it: a monotonic reading, wall time, and sleep."""

    def monotonic(self) -> float: ...

    def time(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class Limiter(Protocol):
    """What the client needs of a rate limiter: wait for a slot, or push the next one back."""

    def acquire(self) -> float: ...

    def defer(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class RateLimiter:
    """At most one request every ``min_interval_s`` seconds (thread-safe)."""

    def __init__(self, min_interval_s: float, clock: Clock | None = None) -> None:
        if min_interval_s < 0:
            raise ValueError("min_interval_s must not be negative")
        self.min_interval_s = min_interval_s
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._next_slot: float | None = None

    def acquire(self) -> float:
        """Wait for the next request slot; return the seconds waited."""
        with self._lock:
            now = self.clock.monotonic()
            start = now if self._next_slot is None else max(now, self._next_slot)
            self._next_slot = start + self.min_interval_s
        wait = start - now
        if wait > 0:
            self.clock.sleep(wait)
        return wait

    def defer(self, seconds: float) -> None:
        """Push the next slot at least ``seconds`` into the future (a server said so)."""
        with self._lock:
            later = self.clock.monotonic() + seconds
            if self._next_slot is None or self._next_slot < later:
                self._next_slot = later
