"""The reasoner's side of the loop: what it sees each step and what it answers.

Every backend (the offline reasoner, OpenAI, Anthropic, OpenAI-compatible servers)
implements ``Reasoner.decide``. The loop never needs to know which one it talks to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from geosleuth.agent.state import CaseState, Observation, StepRecord, Submission, ToolCall, Usage
from geosleuth.tools.api import ClueTool


@dataclass(frozen=True)
class View:
    """What the reasoner is given at one step."""

    state: CaseState
    step: int
    budget: int
    tools: list[dict[str, Any]]
    summary: str
    last: list[Observation] = field(default_factory=list)
    rejection: str | None = None
    failures: tuple[str, ...] = ()  # the failed calls so far, as the summary lists them
    # The tools behind ``tools``, for reasoners that plan from their declarations.
    toolbox: Mapping[str, ClueTool] = field(default_factory=dict)

    @property
    def final(self) -> bool:
        return self.step >= self.budget


@dataclass(frozen=True)
class Action:
    """The reasoner's answer: a thought, tool calls, and/or a verdict to submit."""

    thought: str = ""
    calls: tuple[ToolCall, ...] = ()
    submit: Submission | None = None
    conclude: bool = False  # stop with the fusion's verdict (possibly "unknown") without submitting
    usage: Usage = field(default_factory=Usage)
    transcript: tuple[dict[str, Any], ...] = ()


class Reasoner(Protocol):
    name: str
    model: str | None

    def decide(self, view: View) -> Action: ...


def history(steps: list[StepRecord], keep: int = 3) -> list[StepRecord]:
    """The last few step records: with the recorder's summary, all a reasoner re-reads."""
    return steps[-keep:]
