"""The recorder: numbers evidence, folds it into the case state, fuses, and keeps a summary.

The summary is what a reasoner sees of the case at each step instead of the whole
transcript: a bounded list of the most informative evidence, the current hypotheses,
and the failed calls. Its size does not grow with the number of steps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from geosleuth.agent.state import CaseState
from geosleuth.fusion import FusionResult, fuse
from geosleuth.model import Case, Evidence, Place
from geosleuth.text.quoting import clip

MAX_SUMMARY_EVIDENCE = 12
MAX_LINE = 180

CountryLookup = Callable[[np.ndarray, np.ndarray], np.ndarray]
Describe = Callable[[float, float], Place]


class Recorder:
    def __init__(
        self,
        case: Case,
        *,
        coverage: float = 0.8,
        countries: CountryLookup | None = None,
        describe: Describe | None = None,
        path: int = 0,
    ) -> None:
        self.state = CaseState(case=case, path=path)
        self.coverage = coverage
        self.countries = countries
        self.describe = describe
        self._next = 0
        self._lock = threading.Lock()
        self.failures: list[str] = []
        self.last: tuple[int, FusionResult] | None = None  # evidence count, its fusion

    def next_id(self) -> str:
        with self._lock:
            self._next += 1
            return f"E{self._next}"

    def add(self, evidence: Evidence) -> None:
        self.state.evidence.append(evidence)

    def fail(self, tool: str, error: str) -> None:
        self.failures.append(f"{tool}: {error}")

    def fuse(self) -> FusionResult:
        result = fuse(
            self.state.evidence,
            coverage=self.coverage,
            countries=self.countries,
            describe=self.describe,
        )
        self.state.hypotheses = list(result.hypotheses)
        self.state.verdict = result.verdict
        self.last = (len(self.state.evidence), result)
        self.state.summary = self.summary()
        return result

    def summary(self) -> str:
        """The compact case state a reasoner reads each step (bounded in size)."""
        return render_summary(self.state, self.failures).text

    def resume(self, state: CaseState) -> None:
        """Carry on with ``state`` (read back from a case folder, or new): evidence ids
        continue after the last one in it, and its failed calls are remembered."""
        self.state = state
        numbers = [int(e.id[1:]) for e in state.evidence if e.id[:1] == "E" and e.id[1:].isdigit()]
        self._next = max(numbers, default=0)
        self.failures = [f"{o.tool}: {o.error}" for step in state.steps
                         for o in step.observations if o.error]
        if state.evidence or state.steps:
            state.summary = self.summary()


@dataclass(frozen=True)
class Summary:
    """The summary's text and the ids of the evidence it shows in full."""

    text: str
    shown: frozenset[str]


def render_summary(state: CaseState, failures: Sequence[str] = (), *,
                   withheld: Mapping[str, str] | None = None) -> Summary:
    """The compact case state: the most informative evidence, the hypotheses, the failed
    calls. Evidence in ``withheld`` (id -> summary) is named but not shown, and so is the
    place of a hypothesis resting on it (what a remote model may not see)."""
    hidden = withheld or {}
    ev = state.evidence
    ranked = sorted(
        ev,
        key=lambda e: (e.constraint is None, -(e.constraint.strength if e.constraint else 0.0)),
    )
    shown = ranked[:MAX_SUMMARY_EVIDENCE]
    lines = [f"Evidence ({len(ev)} in all, {len(shown)} shown):"]
    for e in sorted(shown, key=lambda e: int(e.id[1:]) if e.id[1:].isdigit() else 0):
        if e.id in hidden:
            lines.append(f"- {e.id} [{e.tool}] (camera metadata, withheld from this model for"
                         " privacy; the fusion and the checks use it)")
            continue
        extra = e.constraint.describe() if e.constraint is not None else ""
        lines.append(
            clip(f"- {e.id} [{e.tool}] {e.summary}" + (f" -> {extra}" if extra else ""),
                 MAX_LINE)
        )
    lines.append("Hypotheses:")
    if not state.hypotheses:
        lines.append("- none yet")
    for h in state.hypotheses[:3]:
        if any(eid in hidden for eid in h.supported_by):
            lines.append(f"- {h.id} p={h.score:.2f} (rests on withheld camera metadata"
                         f" {', '.join(h.supported_by)}; position not shown)")
            continue
        lines.append(
            clip(
                f"- {h.id} p={h.score:.2f} within {h.radius_km:g} km"
                f" of {h.lat:.5f}, {h.lon:.5f}"
                f" ({h.place or 'unnamed'}); supported by {', '.join(h.supported_by) or '-'};"
                f" contradicted by {', '.join(h.contradicted_by) or '-'}",
                MAX_LINE,
            )
        )
    if failures:
        lines.append("Failed calls:")
        lines.extend(clip(f"- {f}", MAX_LINE) for f in failures[-4:])
    text = "\n".join(lines)
    for summary in hidden.values():  # a withheld reading quoted elsewhere (a failed call)
        if summary:
            text = text.replace(summary, "withheld camera metadata")
    return Summary(text, frozenset(e.id for e in shown if e.id not in hidden))
