"""One photo from start to case record: the shared path of ``locate``, ``batch`` and ``eval``.

It loads and checks the photo, runs the loop, consumes its events (handing each to an
optional callback for a progress display), and builds the case record. Writing the
case folder is separate (``report.writer.write_case``) so callers choose where.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geosleuth.agent.events import CaseFinished, Event
from geosleuth.agent.run import run_case
from geosleuth.agent.state import CaseState
from geosleuth.errors import BackendError, NetworkError
from geosleuth.images import load_case
from geosleuth.report.record import case_record
from geosleuth.settings import Settings

OnEvent = Callable[[Event], None]


@dataclass
class CaseResult:
    record: dict[str, Any]
    state: CaseState
    error: str | None

    @property
    def exit_code(self) -> int:
        return 3 if self.error else 0


def investigate_photo(
    photo: str | Path,
    settings: Settings,
    *,
    clues: tuple[str, ...] = (),
    ignore_metadata: bool = False,
    on_event: OnEvent | None = None,
) -> CaseResult:
    """Investigate one photo; raises BadInputError for a photo that cannot be used."""
    started = time.perf_counter()
    case = load_case(
        photo, max_pixels=settings.max_pixels, ignore_metadata=ignore_metadata, clues=clues
    )
    finished: CaseFinished | None = None
    for event in run_case(case, settings):
        if on_event is not None:
            on_event(event)
        if isinstance(event, CaseFinished):
            finished = event
    if finished is None:  # the loop always ends with CaseFinished; guard against a bug
        raise RuntimeError("the investigation ended without a CaseFinished event")
    record = case_record(
        finished.state,
        settings,
        backend=settings.backend,
        model=settings.model,
        total_ms=(time.perf_counter() - started) * 1000.0,
        error=finished.error,
    )
    return CaseResult(record=record, state=finished.state, error=finished.error)


__all__ = ["BackendError", "CaseResult", "NetworkError", "investigate_photo"]
