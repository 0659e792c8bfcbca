"""One investigation path: a short generator of events.

Each step the reasoner sees the recorder's compact summary and decides; the executor
runs its tool calls; the recorder folds the evidence in and fuses. The path ends when a
submitted verdict passes the checks, or when the step budget ends (a forced verdict
from the fusion). A backend or network failure that retries could not overcome ends
the case with what was found and the error.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from geosleuth.agent.checks import check_submission
from geosleuth.agent.events import (
    CaseFinished,
    Event,
    EvidenceAdded,
    HypothesesUpdated,
    StepStarted,
    Thought,
    ToolCalled,
    ToolFailed,
    VerdictReached,
    VerdictRejected,
)
from geosleuth.agent.executor import Executor
from geosleuth.agent.reasoner import Reasoner, View
from geosleuth.agent.recorder import Recorder
from geosleuth.agent.state import CaseState, Observation, StepRecord, Submission
from geosleuth.errors import GeosleuthError
from geosleuth.fusion.posterior import posterior
from geosleuth.fusion.verdicts import verdict_from_submission
from geosleuth.settings import Settings
from geosleuth.tools.context import ToolContext


def investigate(
    reasoner: Reasoner,
    executor: Executor,
    recorder: Recorder,
    settings: Settings,
    *,
    budget: int | None = None,
) -> Iterator[Event]:
    state = recorder.state
    path = state.path
    budget = budget or settings.steps
    ctx = ToolContext(
        case=state.case, settings=settings, evidence=state.evidence, egress=state.egress,
        hypotheses=lambda: state.hypotheses,
    )
    last: list[Observation] = []
    rejection: str | None = None
    error: str | None = None
    for index in range(1, budget + 1):
        yield StepStarted(index, budget, path=path)
        started = time.perf_counter()
        view = View(
            state, index, budget, executor.tool_specs(), recorder.summary(), last, rejection,
            failures=tuple(recorder.failures), toolbox=executor.toolbox(),
        )
        try:
            action = reasoner.decide(view)
        except GeosleuthError as exc:
            error = str(exc)
            break
        record = StepRecord(
            index=index,
            thought=action.thought,
            calls=list(action.calls),
            usage=action.usage,
            transcript=list(action.transcript),
        )
        state.steps.append(record)
        if action.thought:
            yield Thought(index, action.thought, path=path)
        last, added = [], 0
        for call in action.calls:
            yield ToolCalled(index, call.id, call.name, call.args, path=path)
            evidence, obs = executor.run(ctx, call, recorder.next_id)
            for e in evidence:
                recorder.add(e)
                added += 1
                yield EvidenceAdded(index, e, path=path)
            if obs.error:
                recorder.fail(call.name, obs.error)
                yield ToolFailed(index, call.id, call.name, obs.error, path=path)
            last.append(obs)
        record.observations = last
        if added:
            result = recorder.fuse()
            yield HypothesesUpdated(index, tuple(result.hypotheses), result.verdict, path=path)
        rejection = None
        if action.submit is not None:
            record.submission = action.submit
            rejection = check_submission(action.submit, state)
            if rejection is None:
                state.verdict = _accept(action.submit, recorder)
                record.elapsed_ms = (time.perf_counter() - started) * 1000.0
                yield VerdictReached(state.verdict, path=path)
                break
            record.rejection = rejection
            yield VerdictRejected(index, rejection, path=path)
        elif action.conclude:
            recorder.fuse()
            record.elapsed_ms = (time.perf_counter() - started) * 1000.0
            yield VerdictReached(state.verdict, path=path)
            break
        record.elapsed_ms = (time.perf_counter() - started) * 1000.0
        spent = budget_spent(state, settings)
        if spent is not None:
            state.forced, state.stopped = True, spent
            recorder.fuse()
            yield VerdictReached(state.verdict, forced=True, path=path)
            break
    else:
        state.forced = True
        recorder.fuse()
        yield VerdictReached(state.verdict, forced=True, path=path)
    if error is not None:
        state.forced = True
        recorder.fuse()
        yield VerdictReached(state.verdict, forced=True, path=path)
    state.summary = recorder.summary()
    yield CaseFinished(state.snapshot(), error=error, path=path)


def budget_spent(state: CaseState, settings: Settings) -> str | None:
    """Why the path must stop now (its token or cost budget is spent), or None."""
    used = state.usage
    if settings.max_tokens is not None and used.tokens_in + used.tokens_out >= settings.max_tokens:
        return f"token budget spent ({used.tokens_in + used.tokens_out} of {settings.max_tokens})"
    if settings.max_cost_usd is not None and used.cost_usd >= settings.max_cost_usd:
        return f"cost budget spent (${used.cost_usd:.4f} of ${settings.max_cost_usd:g})"
    return None


def _accept(sub: Submission, recorder: Recorder):  # -> Verdict
    """The submitted point and radius, with the posterior probability of that circle."""
    state = recorder.state
    post = None
    if recorder.last is not None and recorder.last[0] == len(state.evidence):
        post = recorder.last[1].posterior  # fused after this step's evidence: reuse it
    if post is None:
        constrained = [e for e in state.evidence if e.constraint is not None]
        post = posterior(constrained, recorder.countries)
    return verdict_from_submission(sub, post, recorder.describe, recorder.countries)
