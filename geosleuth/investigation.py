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
from geosleuth.agent.investigator import read_input
from geosleuth.agent.run import run_case
from geosleuth.agent.state import CaseState
from geosleuth.images import load_case
from geosleuth.model import Case
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
    """Investigate one photo; raises BadInputError for a photo that cannot be used.

    With ``settings.paths`` > 1 (or a total budget across paths) the case runs as
    parallel paths (``geosleuth.paths``) and the record holds every path, the clusters,
    the verifier's choice and how the confidence was reached.
    """
    started = time.perf_counter()
    for text in clues:  # a clue that cannot be read is bad input: one line, exit 2
        read_input(text)
    case = load_case(
        photo, max_pixels=settings.max_pixels, ignore_metadata=ignore_metadata, clues=clues
    )
    from geosleuth.paths.confidence import calibration_for, observed_support

    calibration = calibration_for(settings)
    if settings.paths > 1 or any(
        cap is not None
        for cap in (settings.max_model_calls, settings.total_tokens, settings.total_cost_usd)
    ):
        return _investigate_paths(case, settings, started, on_event, calibration)
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
    v = finished.state.verdict
    if (calibration is not None and v.known
            and calibration.applies(observed_support(v.evidence, finished.state.evidence))):
        _calibrate_single(record, calibration)
    return CaseResult(record=record, state=finished.state, error=finished.error)


def _calibrate_single(record: dict[str, Any], calibration: Any) -> None:
    """One path with a calibration map: the map turns the fusion's confidence into the final."""
    v = record["verdict"]
    raw = v["confidence"]
    v["confidence_raw"] = raw
    v["confidence"] = round(calibration.apply(raw), 4)
    record["confidence"] = {"value": v["confidence"], "raw": raw,
                            "calibration": calibration.source,
                            "explanation": f"the fusion's {raw:.3f}, calibrated by"
                                           f" {calibration.source} to {v['confidence']:.3f}"}


def _investigate_paths(case: Case, settings: Settings, started: float, on_event: OnEvent | None,
                       calibration: Any) -> CaseResult:
    from geosleuth.agent.run import geo_services
    from geosleuth.paths.aggregate import conclude, path_entry
    from geosleuth.paths.budgets import TotalBudget
    from geosleuth.paths.runner import run_paths

    chat = None
    budget = TotalBudget.from_settings(settings)
    if settings.backend != "offline" and settings.paths > 1:
        from geosleuth.backends import create_chat

        chat = create_chat(settings)
        budget.hold(1)  # the verifier's call
    countries, describe = geo_services(settings)
    outcome = run_paths(case, settings, budget=budget, on_event=on_event, chat=chat,
                        countries=countries, describe=describe, geo=False)
    done = conclude(case, settings, outcome, chat=chat, countries=countries,
                    calibration=calibration)
    finished = [r for r in outcome.finished if r.state is not None]
    errors = [r.error for r in outcome.runs if r.error]
    # The case failed only when no path finished without a backend failure.
    error = errors[0] if errors and all(r.error for r in finished) else None
    state = done.chosen if done.chosen is not None else (
        finished[0].state if finished else None)
    if state is None:
        raise RuntimeError("no investigation path produced a case state")
    chosen = done.verification.choice
    entries = [path_entry(r, done.clusters, chosen) for r in outcome.runs]
    state.verdict = done.verdict
    seen: set[tuple[str, str, str | None]] = set()
    egress = []
    for r in finished:
        for e in [*r.state.egress, *done.egress]:  # type: ignore[union-attr]
            if (e.host, e.what, e.tool) not in seen:
                seen.add((e.host, e.what, e.tool))
                egress.append(e)
    state.egress = egress
    usage = outcome.usage + done.verification.usage
    record = case_record(
        state, settings, backend=settings.backend, model=settings.model,
        total_ms=(time.perf_counter() - started) * 1000.0, error=error, paths=entries,
        extra={
            "clusters": [c.as_dict() for c in done.clusters],
            "verification": done.verification.as_dict(),
            "confidence": done.confidence.as_dict(),
            "budget": {**outcome.budget.as_dict(), "early_stop": outcome.early_stop,
                       "paths_run": len(finished), "paths_asked": len(outcome.runs)},
            "tool_sharing": {"ran": outcome.tool_runs, "reused": outcome.tool_reuses},
        },
    )
    record["usage"] = usage.as_dict()
    record["verdict"]["confidence_raw"] = round(done.confidence.raw, 4)
    record["verdict"]["path"] = chosen
    return CaseResult(record=record, state=state, error=error)


__all__ = ["CaseResult", "investigate_photo"]
