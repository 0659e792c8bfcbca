"""The loop with scripted reasoners and small test tools: events, checks, budget, faults."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from PIL import Image

from geosleuth.agent.events import (
    CaseFinished,
    EvidenceAdded,
    HypothesesUpdated,
    StepStarted,
    ToolCalled,
    ToolFailed,
    VerdictReached,
    VerdictRejected,
)
from geosleuth.agent.executor import Executor
from geosleuth.agent.loop import investigate
from geosleuth.agent.reasoner import Action, View
from geosleuth.agent.recorder import MAX_SUMMARY_EVIDENCE, Recorder
from geosleuth.agent.state import Submission, ToolCall
from geosleuth.backends.offline import OfflineReasoner
from geosleuth.errors import BackendError, ToolError
from geosleuth.images import load_case
from geosleuth.model import Finding, PointConstraint
from geosleuth.settings import Settings
from geosleuth.tools import ClueTool, ToolContext
from geosleuth.tools.registry import Registry

VADUZ = (47.1410, 9.5209)


class FixTool(ClueTool):
    """Pretends to read a GPS fix."""

    name = "fix"
    version = "1.0"
    description = "test fix"
    parameters: ClassVar[dict[str, Any]] = {"type": "object", "properties": {}}

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        return Finding(
            summary="GPS fix",
            constraint=PointConstraint(lat=VADUZ[0], lon=VADUZ[1], radius_km=0.03, strength=0.97),
        )


class EchoTool(ClueTool):
    name = "echo"
    version = "1.0"
    description = "echoes text"
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"text": {"type": "string"}},
        "required": ["text"],
    }

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        if args["text"] == "fail":
            raise ToolError("cannot read that")
        if args["text"] == "bug":
            raise ZeroDivisionError("oops")
        return Finding(summary=f"echo {args['text']}")


class Scripted:
    name = "scripted"
    model = None

    def __init__(self, actions: list[Action | Exception]) -> None:
        self.actions = actions
        self.views: list[View] = []

    def decide(self, view: View) -> Action:
        self.views.append(view)
        nxt = self.actions.pop(0) if self.actions else Action(thought="idle")
        if isinstance(nxt, Exception):
            raise nxt
        return nxt


@pytest.fixture
def case(tmp_path: Path):
    path = tmp_path / "photo.png"
    Image.new("RGB", (64, 48), (10, 20, 30)).save(path)
    return load_case(path)


def run(case, reasoner, steps: int = 6):
    registry = Registry()
    registry.add(FixTool())
    registry.add(EchoTool())
    settings = Settings(steps=steps)
    recorder = Recorder(case)
    return list(investigate(reasoner, Executor(registry), recorder, settings))


def call(name: str, **args: Any) -> ToolCall:
    return ToolCall(id=f"c-{name}-{len(args)}", name=name, args=args)


def test_offline_reasoner_calls_tools_fuses_and_submits(case) -> None:
    events = run(case, OfflineReasoner())
    kinds = [type(e) for e in events]
    assert kinds[0] is StepStarted
    assert ToolCalled in kinds and EvidenceAdded in kinds and HypothesesUpdated in kinds
    final = [e for e in events if isinstance(e, VerdictReached)]
    assert len(final) == 1 and not final[0].forced
    v = final[0].verdict
    assert v.level == "exact" and v.confidence > 0.75
    assert isinstance(events[-1], CaseFinished) and events[-1].error is None


def test_submission_against_hard_evidence_is_rejected_then_accepted(case) -> None:
    far = Submission(lat=38.72, lon=-9.14, radius_km=10, evidence=("E1",))
    near = Submission(lat=VADUZ[0], lon=VADUZ[1], radius_km=0.1, evidence=("E1",))
    reasoner = Scripted([Action(calls=(call("fix"),)), Action(submit=far), Action(submit=near)])
    events = run(case, reasoner)
    rejected = [e for e in events if isinstance(e, VerdictRejected)]
    assert len(rejected) == 1 and "E1" in rejected[0].reason
    assert reasoner.views[2].rejection == rejected[0].reason  # the reasoner is told why
    verdict = next(e for e in events if isinstance(e, VerdictReached)).verdict
    assert verdict.radius_km == 0.1 and verdict.confidence > 0.9


def test_override_with_reason_is_accepted(case) -> None:
    far = Submission(
        lat=38.72,
        lon=-9.14,
        radius_km=10,
        evidence=(),
        overrides=("E1",),
        rationale="the EXIF position was copied from another photo",
    )
    events = run(case, Scripted([Action(calls=(call("fix"),)), Action(submit=far)]))
    verdict = next(e for e in events if isinstance(e, VerdictReached)).verdict
    assert verdict.lat == 38.72 and verdict.confidence < 0.05  # the evidence disagrees, and says so


def test_citing_missing_evidence_is_rejected(case) -> None:
    sub = Submission(lat=1.0, lon=1.0, radius_km=5, evidence=("E9",))
    events = run(case, Scripted([Action(submit=sub)]), steps=2)
    assert any(isinstance(e, VerdictRejected) and "E9" in e.reason for e in events)
    assert next(e for e in events if isinstance(e, VerdictReached)).forced


def test_budget_end_forces_a_verdict(case) -> None:
    events = run(case, Scripted([Action(calls=(call("fix"),))]), steps=3)
    assert sum(isinstance(e, StepStarted) for e in events) == 3
    final = next(e for e in events if isinstance(e, VerdictReached))
    assert final.forced and final.verdict.level == "exact"


def test_tool_mistakes_are_observations(case) -> None:
    calls = (
        call("nope"),
        call("echo"),
        call("echo", text="fail"),
        call("echo", text="bug"),
        call("echo", text="hi"),
    )
    reasoner = Scripted([Action(calls=calls)])
    events = run(case, reasoner, steps=2)
    failed = [e.error for e in events if isinstance(e, ToolFailed)]
    assert len(failed) == 4
    assert "unknown tool 'nope'" in failed[0] and "echo" in failed[0]
    assert "invalid arguments" in failed[1] and "text" in failed[1]
    assert failed[2] == "cannot read that"
    assert "ZeroDivisionError" in failed[3]
    assert [o.error is None for o in reasoner.views[1].last] == [False, False, False, False, True]
    assert "Failed calls" in reasoner.views[1].summary


def test_backend_failure_ends_the_case_with_what_was_found(case) -> None:
    reasoner = Scripted(
        [Action(calls=(call("fix"),)), BackendError("the model server kept failing")]
    )
    events = run(case, reasoner)
    end = events[-1]
    assert isinstance(end, CaseFinished) and "kept failing" in (end.error or "")
    assert end.state.evidence and end.state.verdict.level == "exact"


def test_summary_stays_bounded(case) -> None:
    many = tuple(call("echo", text=f"line {i}") for i in range(40))
    reasoner = Scripted(
        [Action(calls=many[:20]), Action(calls=many[20:]), Action(calls=(call("fix"),))]
    )
    run(case, reasoner, steps=4)
    sizes = [len(v.summary.splitlines()) for v in reasoner.views]
    assert max(sizes) <= MAX_SUMMARY_EVIDENCE + 10
