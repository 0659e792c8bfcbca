"""Typed, immutable events: the one stream every front end consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from geosleuth.model import Evidence, Hypothesis, Verdict

if TYPE_CHECKING:
    from geosleuth.agent.state import CaseState


@dataclass(frozen=True)
class Event:
    path: int = field(default=0, kw_only=True)


@dataclass(frozen=True)
class StepStarted(Event):
    step: int
    budget: int


@dataclass(frozen=True)
class Thought(Event):
    step: int
    text: str


@dataclass(frozen=True)
class ToolCalled(Event):
    step: int
    call_id: str
    tool: str
    args: dict[str, Any]


@dataclass(frozen=True)
class EvidenceAdded(Event):
    step: int
    evidence: Evidence


@dataclass(frozen=True)
class ToolFailed(Event):
    step: int
    call_id: str
    tool: str
    error: str


@dataclass(frozen=True)
class HypothesesUpdated(Event):
    step: int
    hypotheses: tuple[Hypothesis, ...]
    verdict: Verdict


@dataclass(frozen=True)
class VerdictRejected(Event):
    step: int
    reason: str


@dataclass(frozen=True)
class VerdictReached(Event):
    verdict: Verdict
    forced: bool = False


@dataclass(frozen=True)
class CaseFinished(Event):
    state: CaseState  # a snapshot of the case as the path ended (``CaseState.snapshot``)
    error: str | None = None
