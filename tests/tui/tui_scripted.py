"""Helpers of the TUI tests: two small clue tools and a scripted reasoner.

The scripted reasoner decides from the case state alone (like the offline reasoner), so
a case saved half-way can be reopened and continued.
"""

from __future__ import annotations

from typing import Any, ClassVar

from geosleuth.agent.reasoner import Action, View
from geosleuth.agent.state import Submission, ToolCall, Usage
from geosleuth.model import Finding, PointConstraint
from geosleuth.tools import ClueTool, ToolContext
from geosleuth.tools.registry import Registry

LISBON = (38.7223, -9.1393)
BUDAPEST = (47.4979, 19.0402)


class SignTool(ClueTool):
    """Pretends to read a street sign that points at Lisbon."""

    name = "sign"
    version = "1.0"
    description = "reads the sign"
    parameters: ClassVar[dict[str, Any]] = {"type": "object", "properties": {}}

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        return Finding(summary='sign "Rua Augusta" [b]bold[/b]', data={"text": "Rua Augusta"},
                       constraint=PointConstraint(lat=LISBON[0], lon=LISBON[1], radius_km=5,
                                                  strength=0.99))


class TramTool(ClueTool):
    """Pretends to recognise a tram found in Lisbon and Budapest (a weaker, wider clue)."""

    name = "tram"
    version = "1.0"
    description = "recognises trams"
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"],
    }

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        where = BUDAPEST if args["city"] == "budapest" else LISBON
        return Finding(summary=f"a tram like those of {args['city']}",
                       constraint=PointConstraint(lat=where[0], lon=where[1], radius_km=30,
                                                  strength=0.9))


class ScriptedReasoner:
    """Calls sign, then tram (Budapest), then submits the leading hypothesis."""

    name = "scripted"
    model = "script-1"

    def __init__(self) -> None:
        self.views: list[View] = []

    def decide(self, view: View) -> Action:
        self.views.append(view)
        state = view.state
        called = {c.name for s in state.steps for c in s.calls}
        usage = Usage(tokens_in=100, tokens_out=20, cost_usd=0.001)
        if "sign" not in called:
            return Action(thought="Read the sign.", calls=(ToolCall("c1", "sign"),), usage=usage)
        if "tram" not in called:
            return Action(thought="Look at the tram.",
                          calls=(ToolCall("c2", "tram", {"city": "budapest"}),), usage=usage)
        if not state.hypotheses:
            return Action(thought="Nothing to go on.", conclude=True, usage=usage)
        h = state.hypotheses[0]
        return Action(thought=f"Submit {h.id}.", usage=usage, submit=Submission(
            lat=h.lat, lon=h.lon, radius_km=h.radius_km, evidence=tuple(h.supported_by),
            place=h.place, overrides=tuple(h.contradicted_by)))


def scripted_registry() -> Registry:
    registry = Registry()
    registry.add(SignTool())
    registry.add(TramTool())
    return registry
