"""The executor: validates a tool call, runs the tool, turns findings into evidence.

A tool's mistake (bad arguments, a failure on this input, a missing dependency) comes
back as an error string for the reasoner to read; it never stops the case.

The executor applies what a tool declares (``geosleuth.tools.api``): each tool runs in
its own view of the context (its options, only the API keys it asked for); its evidence
records what it reveals; under ``--ignore-metadata`` the findings of a tool that reveals
camera metadata locate nothing. Paths of one case may share an executor's results
through a ``Shared`` object: one identical call runs once for all of them.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, Protocol

import jsonschema

from geosleuth.agent.state import Observation, ToolCall
from geosleuth.errors import ToolError
from geosleuth.fusion.groups import capped
from geosleuth.model import Evidence, Finding
from geosleuth.tools.api import ClueTool
from geosleuth.tools.cache import ResultCache
from geosleuth.tools.context import ToolContext
from geosleuth.tools.registry import Registry

DEFAULT_CALLS_PER_TOOL = 25
Compute = Callable[[], list[Finding]]


class Shared(Protocol):
    """Results shared between the paths of a case: ``once`` runs ``compute`` for the first
    caller of ``key`` and hands its findings to the others."""

    def once(self, tool: str, key: str, compute: Compute) -> list[Finding]: ...


class Executor:
    def __init__(
        self,
        registry: Registry,
        *,
        cache: ResultCache | None = None,
        disabled: tuple[str, ...] = (),
        calls_per_tool: int = DEFAULT_CALLS_PER_TOOL,
        shared: Shared | None = None,
    ) -> None:
        self.registry = registry
        self.shared = shared
        self.cache = cache
        self.disabled = set(disabled)
        self.calls_per_tool = calls_per_tool
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def tool_specs(self) -> list[dict[str, Any]]:
        """The tools a reasoner may call here, as name, description and JSON schema."""
        return [t.spec() for t in self.registry.available(self.disabled).values()]

    def toolbox(self) -> dict[str, ClueTool]:
        """The tools a reasoner may call here, by name."""
        return self.registry.available(self.disabled)

    def available(self) -> set[str]:
        return set(self.registry.available(self.disabled))

    def _findings(self, ctx: ToolContext, call: ToolCall) -> tuple[list[Finding], bool]:
        tool = self.registry.tools[call.name]
        key = tool.cache_key(ctx, call.args)
        if key is not None and self.cache is not None:
            hit = self.cache.get("tool", key)
            if hit is not None:
                return [Finding.model_validate(f) for f in hit], True

        def compute() -> list[Finding]:
            produced = tool.run(ctx, call.args)
            return [produced] if isinstance(produced, Finding) else list(produced)

        if key is None or self.shared is None:  # reads other evidence or the clock
            findings = compute()
        else:
            findings = self.shared.once(tool.name, key, compute)
        if key is not None and self.cache is not None and not any(f.host for f in findings):
            self.cache.put("tool", key, [f.model_dump(mode="json") for f in findings])
        return findings, False

    def run(
        self, ctx: ToolContext, call: ToolCall, next_id: Callable[[], str]
    ) -> tuple[list[Evidence], Observation]:
        """Run one call; evidence ids come from ``next_id`` so the recorder owns numbering."""
        error = self._refuse(call)
        if error:
            return [], Observation(call.id, call.name, error=error)
        tool = self.registry.tools[call.name]
        start = time.perf_counter()
        try:
            findings, cached = self._findings(ctx.for_tool(tool), call)
        except ToolError as exc:
            return [], Observation(call.id, call.name, error=str(exc))
        except Exception as exc:  # a bug in a tool is an observation, not a crash of the case
            return [], Observation(
                call.id,
                call.name,
                error=f"the tool failed unexpectedly: {type(exc).__name__}: {exc}",
            )
        elapsed = (time.perf_counter() - start) * 1000.0
        share = elapsed / max(len(findings), 1)
        evidence = []
        hidden = ctx.case.ignore_metadata and "camera_metadata" in tool.reveals
        for f in findings:
            basis = f.basis or tool.basis
            evidence.append(
                Evidence(
                    id=next_id(),
                    tool=tool.name,
                    tool_version=tool.version,
                    args=call.args,
                    summary=f.summary,
                    data={**f.data, **({"cached": True} if cached else {})},
                    constraint=None if hidden else capped(f.constraint, basis),
                    elapsed_ms=round(share, 2),
                    host=f.host,
                    basis=basis,
                    source=f.source,
                    reveals=tuple(sorted(tool.reveals)),
                )
            )
        return evidence, Observation(call.id, call.name, evidence=tuple(e.id for e in evidence))

    def _refuse(self, call: ToolCall) -> str | None:
        tool = self.registry.get(call.name)
        if tool is None or call.name in self.disabled:
            names = ", ".join(sorted(self.available())) or "none"
            return f"unknown tool {call.name!r}; available tools: {names}"
        status = tool.availability()
        if not status.available:
            return f"tool {call.name!r} is unavailable here: {status.reason}"
        try:
            jsonschema.validate(call.args, tool.parameters)
        except jsonschema.ValidationError as exc:
            where = "/".join(str(p) for p in exc.absolute_path) or "arguments"
            return f"invalid arguments for {call.name!r} at {where}: {exc.message}"
        with self._lock:
            self._counts[call.name] += 1
            if self._counts[call.name] > self.calls_per_tool:
                return (
                    f"tool {call.name!r} reached its limit of {self.calls_per_tool} calls per case"
                )
        return None
