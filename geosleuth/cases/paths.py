"""K ≥ 1 investigation paths of one case, run concurrently in threads (one path is K = 1).

Each path has its own reasoner (``create_reasoner(settings, path=i)``), executor and
recorder; their events carry ``path=i`` and reach the caller's ``on_event`` from the
calling thread, in the order they happen. Every path is opened by ``wiring``: it starts
from the case's clues (``--clue``), recorded as the investigator's evidence before its
first step; the verifier's pooled evidence holds each once. The paths share:

- the tool results (``shared.SharedResults``): one call (same tool, same cache key) runs
  once per case however many paths ask for it at the same moment, on top of the
  persistent ``ResultCache``;
- the total budget (``budgets.TotalBudget``): model calls, tokens and cost across paths.

Diversity: the offline reasoner varies its map queries, candidate country and checked
hypothesis with its path number; a model reasoner asks with its own seed (the path
number), at ``settings.path_temperature`` after the first path, and sees the clue
tools listed in another order (rotated by the path number), so it tends to open the
investigation differently.

Early stopping (``settings.early_stop_agree`` = M ≥ 2): only the first M paths start;
when they all answer within ``settings.agree_km`` of one another the others are
skipped; as soon as two of them disagree (or one finds no answer) the rest start.
Threads suit this work: paths spend their time waiting for models and in numpy,
SQLite and ONNX Runtime, which release the GIL.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from geosleuth.agent.events import CaseFinished, Event
from geosleuth.agent.executor import Executor
from geosleuth.agent.investigator import read_input
from geosleuth.agent.loop import investigate
from geosleuth.agent.reasoner import Reasoner
from geosleuth.agent.state import CaseState, Usage
from geosleuth.backends.chat import ChatModel
from geosleuth.cases import wiring
from geosleuth.cases.shared import SharedResults
from geosleuth.model import Case, Verdict
from geosleuth.paths.budgets import BudgetedReasoner, TotalBudget, agreement
from geosleuth.settings import Settings
from geosleuth.tools.cache import ResultCache
from geosleuth.tools.registry import Registry

OnEvent = Callable[[Event], None]
ReasonerFactory = Callable[[Settings, int], Reasoner]


class PathExecutor(Executor):
    """An executor that lists the tools to the reasoner in an order rotated by path."""

    def __init__(self, registry: Registry, *, path: int, **kw: Any) -> None:
        super().__init__(registry, **kw)
        self.path = path

    def tool_specs(self) -> list[dict[str, Any]]:
        specs = super().tool_specs()
        if not specs or not self.path:
            return specs
        shift = self.path % len(specs)
        return specs[shift:] + specs[:shift]


# -- reasoners --------------------------------------------------------------------------


def make_reasoner(settings: Settings, path: int, chat: ChatModel | None = None) -> Reasoner:
    """Path ``path``'s reasoner, with its diversity (see the module docstring).

    With ``chat`` given, a model backend's reasoner talks to that chat model: the paths
    of a case share one client (building one costs tens of milliseconds: TLS context).
    """
    from geosleuth.backends import create_reasoner

    if chat is not None and settings.backend != "offline":
        from geosleuth.backends.llm_reasoner import LLMReasoner

        reasoner: Reasoner = LLMReasoner(chat, settings, name=settings.backend, path=path)
    else:
        reasoner = create_reasoner(settings, path=path)
    if path and hasattr(reasoner, "temperature") and reasoner.temperature is None:
        reasoner.temperature = settings.path_temperature
    return reasoner


# -- the run ----------------------------------------------------------------------------


@dataclass
class PathRun:
    """One path: ``status`` is done, failed (a backend error ended it), stopped (told to
    stop), or skipped (early stopping: never started)."""

    path: int
    status: str = "pending"
    state: CaseState | None = None
    error: str | None = None
    elapsed_ms: float = 0.0
    note: str | None = None
    exception: Exception | None = field(default=None, repr=False)  # a bug, not a failure

    @property
    def verdict(self) -> Verdict | None:
        return self.state.verdict if self.state is not None else None

    @property
    def ran(self) -> bool:
        return self.status in ("done", "failed", "stopped")


@dataclass
class PathsOutcome:
    runs: list[PathRun]
    budget: TotalBudget
    early_stop: str | None = None
    tool_runs: dict[str, int] = field(default_factory=dict)
    tool_reuses: dict[str, int] = field(default_factory=dict)
    elapsed_ms: float = 0.0

    @property
    def finished(self) -> list[PathRun]:
        return [r for r in self.runs if r.state is not None and r.ran]

    @property
    def usage(self) -> Usage:
        total = Usage()
        for r in self.finished:
            total = total + r.state.usage  # type: ignore[union-attr]
        return total


_DONE = object()


def run_paths(
    case: Case,
    settings: Settings,
    *,
    k: int | None = None,
    make: ReasonerFactory | None = None,
    chat: ChatModel | None = None,
    tools: Registry | None = None,
    cache: ResultCache | None = None,
    budget: TotalBudget | None = None,
    on_event: OnEvent | None = None,
    countries: Any = None,
    describe: Any = None,
    geo: bool = True,
) -> PathsOutcome:
    """Run ``k`` (default ``settings.paths``) paths of the loop on ``case`` concurrently.

    ``make(settings, i)`` builds path i's reasoner; by default ``make_reasoner`` with the
    shared ``chat`` (or a chat per path when none is given).
    """
    started = time.perf_counter()
    k = k or settings.paths
    budget = budget or TotalBudget.from_settings(settings)
    shared = SharedResults()
    tools = tools or wiring.registry()
    wiring.check_tool_options(tools, settings)
    if geo and countries is None and describe is None:
        countries, describe = wiring.geo_services(settings)
    cache = cache if cache is not None else wiring.make_cache(settings)
    events: queue.Queue[tuple[int, Any]] = queue.Queue()
    stop = threading.Event()
    runs = [PathRun(i) for i in range(k)]

    # Built here, before any thread starts, so a configuration error (or a clue that cannot
    # be read) surfaces as such.
    for text in case.clues:
        read_input(text)
    if make is None:
        def make(s: Settings, i: int) -> Reasoner:
            return make_reasoner(s, i, chat)
    reasoners = [BudgetedReasoner(make(settings, i), budget, settings) for i in range(k)]

    def work(i: int) -> None:
        run = runs[i]
        t0 = time.perf_counter()
        try:
            reasoner = reasoners[i]
            executor = wiring.make_executor(tools, settings, cache, PathExecutor, path=i,
                                            shared=shared)
            # The investigator's clues (--clue) are evidence of every path: each path
            # records the same readings, which the pooled fusion counts once.
            recorder = wiring.open_recorder(CaseState(case=case, path=i), settings,
                                            countries=countries, describe=describe)
            run.state = recorder.state
            stream = investigate(reasoner, executor, recorder, settings)
            for event in stream:
                events.put((i, event))
                if isinstance(event, CaseFinished):
                    run.error = event.error
                    run.status = "failed" if event.error else "done"
                if stop.is_set() and run.status == "running":
                    stream.close()
                    run.status, run.note = "stopped", "the case was stopped"
                    break
        except Exception as exc:  # a bug in one path must not hang the others
            run.status, run.error = "failed", f"{type(exc).__name__}: {exc}"
            run.exception = exc
        finally:
            run.elapsed_ms = (time.perf_counter() - t0) * 1000.0
            events.put((i, _DONE))

    threads: dict[int, threading.Thread] = {}

    def start(indices: list[int]) -> None:
        for i in indices:
            runs[i].status = "running"
            t = threading.Thread(target=work, args=(i,), name=f"geosleuth-path-{i}", daemon=True)
            threads[i] = t
            t.start()

    m = settings.early_stop_agree
    staged = 2 <= m < k  # one path always "agrees" with itself: M = 1 is off too
    start(list(range(m if staged else k)))
    early: str | None = None
    open_paths = len(threads)
    try:
        while open_paths:
            _i, event = events.get()
            if event is _DONE:
                open_paths -= 1
                if staged and len(threads) < k:
                    done = [runs[j].verdict if runs[j].status in ("done", "failed") else None
                            for j in range(m)]
                    verdict = agreement(done, m, settings.agree_km)
                    if verdict.decided and verdict.agree:
                        early = f"{verdict.reason}: paths {m}–{k - 1} were not run"
                        for run in runs[m:]:
                            run.status, run.note = "skipped", verdict.reason
                    elif verdict.decided:
                        early = None
                        start(list(range(m, k)))
                        open_paths += k - m
                continue
            if on_event is not None:
                on_event(event)
    except BaseException:
        stop.set()
        raise
    finally:
        for t in threads.values():
            t.join(timeout=0 if stop.is_set() else None)
    crashed = [r.exception for r in runs if r.exception is not None]
    if crashed and not any(r.status == "done" for r in runs):
        raise crashed[0]  # every path hit the same bug: report it as one
    return PathsOutcome(runs=runs, budget=budget, early_stop=early,
                        tool_runs=dict(shared.runs), tool_reuses=dict(shared.reused),
                        elapsed_ms=(time.perf_counter() - started) * 1000.0)
