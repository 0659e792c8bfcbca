"""Tool results shared between the paths of one case: one identical call runs once.

The executors of a case's paths hand every cacheable call to ``SharedResults.once``:
the first path to ask runs it, the others asking at the same moment wait for it and
reuse its findings (on top of the persistent ``ResultCache``). Network answers are not
reused: each path records its own egress.
"""

from __future__ import annotations

import threading

from geosleuth.agent.executor import Compute
from geosleuth.model import Finding


class _Flight:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = False
        self.findings: list[Finding] = []
        self.error: Exception | None = None


class SharedResults:
    """Single flight per cache key, with counts of the calls run and reused per tool."""

    def __init__(self) -> None:
        self._flights: dict[str, _Flight] = {}
        self._lock = threading.Lock()
        self.runs: dict[str, int] = {}
        self.reused: dict[str, int] = {}

    def _flight(self, key: str) -> _Flight:
        with self._lock:
            return self._flights.setdefault(key, _Flight())

    def _count(self, tool: str, *, ran: bool) -> None:
        with self._lock:
            target = self.runs if ran else self.reused
            target[tool] = target.get(tool, 0) + 1

    def once(self, tool: str, key: str, compute: Compute) -> list[Finding]:
        flight = self._flight(key)
        ran_here = False
        with flight.lock:
            if not flight.done:
                ran_here = True
                self._count(tool, ran=True)
                try:
                    flight.findings = compute()
                except Exception as exc:  # the same failure for every path that asks
                    flight.error = exc
                flight.done = True
            else:
                self._count(tool, ran=False)
        if flight.error is not None:
            raise flight.error
        if not ran_here and any(f.host for f in flight.findings):
            return compute()  # network answers are not shared: each path records its egress
        return list(flight.findings)
