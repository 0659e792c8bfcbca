"""The case state the recorder keeps: evidence, hypotheses, and one record per step."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from geosleuth.model import Case, Evidence, Hypothesis, Verdict
from geosleuth.tools.context import Egress


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    args: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "args": self.args}


@dataclass(frozen=True)
class Submission:
    """A reasoner's proposed verdict: where, how wide, and the evidence it rests on."""

    lat: float
    lon: float
    radius_km: float
    evidence: tuple[str, ...] = ()
    place: str | None = None
    confidence: float | None = None
    rationale: str = ""
    overrides: tuple[
        str, ...
    ] = ()  # evidence ids the reasoner knowingly sets aside, with rationale

    def as_dict(self) -> dict[str, Any]:
        return {
            "lat": self.lat,
            "lon": self.lon,
            "radius_km": self.radius_km,
            "evidence": list(self.evidence),
            "place": self.place,
            "confidence": self.confidence,
            "rationale": self.rationale,
            "overrides": list(self.overrides),
        }


@dataclass(frozen=True)
class Observation:
    """What came back from one tool call: evidence ids, or an error for the reasoner."""

    call_id: str
    tool: str
    evidence: tuple[str, ...] = ()
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "tool": self.tool,
            "evidence": list(self.evidence),
            "error": self.error,
        }


@dataclass(frozen=True)
class Usage:
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.tokens_in + other.tokens_in,
            self.tokens_out + other.tokens_out,
            self.cost_usd + other.cost_usd,
            self.latency_ms + other.latency_ms,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "cost_usd": round(self.cost_usd, 6),
            "latency_ms": round(self.latency_ms, 1),
        }


@dataclass
class StepRecord:
    index: int
    thought: str = ""
    calls: list[ToolCall] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    submission: Submission | None = None
    rejection: str | None = None
    usage: Usage = field(default_factory=Usage)
    elapsed_ms: float = 0.0
    transcript: list[dict[str, Any]] = field(default_factory=list)  # raw model exchange, if any

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "thought": self.thought,
            "calls": [c.as_dict() for c in self.calls],
            "observations": [o.as_dict() for o in self.observations],
            "submission": self.submission.as_dict() if self.submission else None,
            "rejection": self.rejection,
            "usage": self.usage.as_dict(),
            "elapsed_ms": round(self.elapsed_ms, 1),
            "transcript": self.transcript,
        }


@dataclass
class CaseState:
    case: Case
    evidence: list[Evidence] = field(default_factory=list)
    hypotheses: list[Hypothesis] = field(default_factory=list)
    verdict: Verdict = field(default_factory=Verdict.unknown)
    steps: list[StepRecord] = field(default_factory=list)
    egress: list[Egress] = field(default_factory=list)
    summary: str = ""
    forced: bool = False
    path: int = 0
    backend: dict[str, Any] = field(default_factory=dict)  # what the reasoner reports of itself
    stopped: str | None = None  # why a verdict was forced before the step budget ended

    def evidence_by_id(self, eid: str) -> Evidence | None:
        return next((e for e in self.evidence if e.id == eid), None)

    def snapshot(self) -> CaseState:
        """A copy that later changes to this state do not reach (evidence, hypotheses and
        the verdict are immutable and shared; the lists and step records are copied)."""
        return replace(self, evidence=list(self.evidence), hypotheses=list(self.hypotheses),
                       steps=[replace(s, calls=list(s.calls), observations=list(s.observations))
                              for s in self.steps],
                       egress=list(self.egress), backend=dict(self.backend))

    def by_tool(self, tool: str) -> list[Evidence]:
        return [e for e in self.evidence if e.tool == tool]

    @property
    def usage(self) -> Usage:
        total = Usage()
        for step in self.steps:
            total = total + step.usage
        return total
