"""One photo from start to case record: what ``locate``, ``batch`` and ``eval`` call.

It loads and checks the photo, runs K ≥ 1 paths of the loop (``paths.run_paths``; one
path is K = 1), hands each event to an optional callback for a progress display,
concludes (``conclude``: the verifier's choice and the final confidence, the
calibration map included), and builds the case record. Writing the case folder is
separate (``folder.write_case``) so callers choose where.

The record shows the paths, their clusters, the verifier and the budget only when the
case used them (more than one path, or a total budget across paths); a one-path case
reads as one investigation.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geosleuth.agent.events import Event
from geosleuth.agent.investigator import read_input
from geosleuth.agent.state import CaseState
from geosleuth.cases import wiring
from geosleuth.cases.conclude import Conclusion, conclude, path_entry
from geosleuth.cases.paths import PathsOutcome, run_paths
from geosleuth.cases.record import case_record
from geosleuth.images import load_case
from geosleuth.model import Case
from geosleuth.paths.budgets import TotalBudget
from geosleuth.paths.confidence import calibration_for
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


def uses_paths(settings: Settings) -> bool:
    """Whether the case runs as several paths or under a budget across paths."""
    return settings.paths > 1 or any(
        cap is not None
        for cap in (settings.max_model_calls, settings.total_tokens, settings.total_cost_usd))


def open_case(photo: str | Path | Case, settings: Settings, *, clues: tuple[str, ...] = (),
              ignore_metadata: bool = False) -> Case:
    """The case of a photo, its clues read; raises BadInputError for a photo or a clue that
    cannot be used (one line, exit 2). A case already opened is returned as it is."""
    if isinstance(photo, Case):
        return photo
    for text in clues:
        read_input(text)
    return load_case(
        photo, max_pixels=settings.max_pixels, decode_budget_mb=settings.decode_budget_mb,
        ignore_metadata=ignore_metadata, clues=clues
    )


def investigate_photo(
    photo: str | Path | Case,
    settings: Settings,
    *,
    clues: tuple[str, ...] = (),
    ignore_metadata: bool = False,
    on_event: OnEvent | None = None,
) -> CaseResult:
    """Investigate one photo (or a case ``open_case`` made of it); raises BadInputError for a
    photo that cannot be used."""
    started = time.perf_counter()
    case = open_case(photo, settings, clues=clues, ignore_metadata=ignore_metadata)
    chat = None
    budget = TotalBudget.from_settings(settings)
    if settings.backend != "offline" and settings.paths > 1:
        from geosleuth.backends import create_chat

        chat = create_chat(settings)  # one client for every path and the verifier
        budget.hold(1)  # the verifier's call
    countries, describe = wiring.geo_services(settings)
    outcome = run_paths(case, settings, budget=budget, on_event=on_event, chat=chat,
                        countries=countries, describe=describe, geo=False)
    done = conclude(case, settings, outcome, chat=chat, countries=countries,
                    calibration=calibration_for(settings))
    finished = [r for r in outcome.finished if r.state is not None]
    errors = [r.error for r in outcome.runs if r.error]
    # The case failed only when no path finished without a backend failure.
    error = errors[0] if errors and all(r.error for r in finished) else None
    state = done.chosen if done.chosen is not None else (
        finished[0].state if finished else None)
    if state is None:
        raise RuntimeError("no investigation path produced a case state")
    if len(outcome.runs) > 1:
        state.egress = _egress(outcome, done)
    total_ms = (time.perf_counter() - started) * 1000.0
    if uses_paths(settings):
        record = _paths_record(state, settings, outcome, done, error, total_ms)
    else:
        record = _one_path_record(state, settings, done, error, total_ms)
    return CaseResult(record=record, state=state, error=error)


def _egress(outcome: PathsOutcome, done: Conclusion) -> list[Any]:
    seen: set[tuple[str, str, str | None]] = set()
    egress = []
    for r in outcome.finished:
        for e in [*r.state.egress, *done.egress]:  # type: ignore[union-attr]
            if (e.host, e.what, e.tool) not in seen:
                seen.add((e.host, e.what, e.tool))
                egress.append(e)
    return egress


def _one_path_record(state: CaseState, settings: Settings, done: Conclusion,
                     error: str | None, total_ms: float) -> dict[str, Any]:
    """One path: its own verdict, with the calibration map's confidence when one applies."""
    record = case_record(state, settings, backend=settings.backend, model=settings.model,
                         total_ms=total_ms, error=error)
    report = done.confidence
    if report.calibration is not None and state.verdict.known:
        v = record["verdict"]
        v["confidence_raw"] = v["confidence"]
        v["confidence"] = round(report.value, 4)
        record["confidence"] = {"value": v["confidence"], "raw": v["confidence_raw"],
                                "calibration": report.calibration,
                                "explanation": f"the fusion's {v['confidence_raw']:.3f},"
                                               f" calibrated by {report.calibration} to"
                                               f" {v['confidence']:.3f}"}
    return record


def _paths_record(state: CaseState, settings: Settings, outcome: PathsOutcome,
                  done: Conclusion, error: str | None, total_ms: float) -> dict[str, Any]:
    chosen = done.verification.choice
    entries = [path_entry(r, done.clusters, chosen) for r in outcome.runs]
    state.verdict = done.verdict
    finished = [r for r in outcome.finished if r.state is not None]
    record = case_record(
        state, settings, backend=settings.backend, model=settings.model,
        total_ms=total_ms, error=error, paths=entries,
        extra={
            "clusters": [c.as_dict() for c in done.clusters],
            "verification": done.verification.as_dict(),
            "confidence": done.confidence.as_dict(),
            "budget": {**outcome.budget.as_dict(), "early_stop": outcome.early_stop,
                       "paths_run": len(finished), "paths_asked": len(outcome.runs)},
            "tool_sharing": {"ran": outcome.tool_runs, "reused": outcome.tool_reuses},
        },
    )
    record["usage"] = (outcome.usage + done.verification.usage).as_dict()
    record["verdict"]["confidence_raw"] = round(done.confidence.raw, 4)
    record["verdict"]["path"] = chosen
    return record


__all__ = ["CaseResult", "investigate_photo", "open_case"]
