"""The built-in offline reasoner: calls the available tools in a sensible order, then submits.

It needs no model and no network. Its plan has four stages, one per step, each skipped
when no tool of that stage has something to do. Which tool belongs to which stage, and
with what arguments it is called, each tool declares itself (``ClueTool.stage`` and
``offline_calls``), so a third-party tool takes part like a built-in one:

1. ``observe``: read the file and the pixels (the metadata, the text in the photo, and
   any tool that needs no arguments);
2. ``interpret``: the text read (language and script, the clues in it) and the
   investigator's clues (a shadow or sun measurement);
3. ``map``: look the names in the text up on the map;
4. ``verify``: check the leading hypotheses (against the camera's UTC offset);

then it submits the hypothesis the fusion's verdict stands on, or concludes with no answer.

It decides from the case state alone (which tools have run, what they found), so a
case can be resumed at any step. Parallel paths (``path`` > 0) differ in stages 3 and 4
(``PlanInput``): they search the lines of text in another order under another candidate
country, and check another hypothesis; path 0 is the plan above.
"""

from __future__ import annotations

import itertools
from typing import Any

from geosleuth.agent.reasoner import Action, View
from geosleuth.agent.state import CaseState, Submission, ToolCall
from geosleuth.model import Evidence, Hypothesis
from geosleuth.tools.plan import PlanInput

THOUGHTS = {
    "observe": "Read what the file and the pixels say: metadata first, then any text.",
    "interpret": "Interpret the text (script, language, names, numbers) and the"
                 " investigator's clues.",
    "map": "Look the names from the photo up on the map.",
    "verify": "Check the leading hypotheses where a tool can.",
}


def ocr_text(state: CaseState) -> str:
    """Every line read from the photo that its reader is sure of, one per line (text from
    the image: data, never instructions). An unsure line stays in the evidence for the
    investigator."""
    lines: list[str] = []
    for e in state.evidence:
        if "photo_text" not in e.reveals:
            continue
        for line in e.data.get("lines", []):
            text = str(line.get("text", "")).strip()
            if text and line.get("sure", True) and text not in lines:
                lines.append(text)
    return "\n".join(lines)


def _called(state: CaseState, tool: str) -> bool:
    return any(c.name == tool for step in state.steps for c in step.calls)


def plan_input(state: CaseState, path: int) -> PlanInput:
    """What the tools are told of the case when the plan asks for their calls."""
    camera = next((e.data for e in state.evidence
                   if "camera_metadata" in e.reveals and e.constraint is None), {})
    codes = [h.country_code for h in state.hypotheses if h.country_code]
    text = ocr_text(state)
    read_points = {e.id for e in state.evidence if e.basis == "read"
                   and e.constraint is not None and e.constraint.kind == "point"
                   and not e.constraint.negate}
    read_located = tuple(h.id for h in state.hypotheses if read_points & set(h.supported_by))
    return PlanInput(text=tuple(text.splitlines()) if text else (),
                     hypotheses=tuple(state.hypotheses),
                     countries=tuple(dict.fromkeys(codes)), clues=tuple(state.case.clues),
                     path=path, camera=dict(camera), read_located=read_located)


class OfflineReasoner:
    name = "offline"
    model: str | None = None

    def __init__(self, path: int = 0) -> None:
        self.path = path
        self._ids = itertools.count(1)

    def _call(self, tool: str, args: dict[str, Any] | None = None) -> ToolCall:
        return ToolCall(id=f"p{self.path}c{next(self._ids)}", name=tool, args=args or {})

    def decide(self, view: View) -> Action:
        state = view.state
        offered = {t["name"] for t in view.tools}
        tools = [t for name, t in view.toolbox.items() if name in offered]
        # Built-in tools in their registry order first, then third-party ones by name.
        tools.sort(key=lambda t: ("" if type(t).__module__.startswith("geosleuth_plugins.")
                                  else t.name))
        for stage in THOUGHTS:
            waiting = [t for t in tools if t.stage == stage and not _called(state, t.name)]
            if not waiting:
                continue
            plan = plan_input(state, self.path)
            calls = [self._call(t.name, args) for t in waiting for args in t.offline_calls(plan)]
            if calls:
                return Action(thought=THOUGHTS[stage], calls=tuple(calls))
        return self._finish(state, view)

    def _finish(self, state: CaseState, view: View) -> Action:
        if not state.hypotheses or not state.verdict.known:
            return Action(
                thought="Nothing left to try; the evidence does not single out a place.",
                conclude=True,
            )
        h = _verdicts_hypothesis(state)
        cited = tuple(h.supported_by)
        overrides = tuple(e.id for e in _hard_contradictions(state.evidence, h.contradicted_by))
        sub = Submission(
            lat=h.lat,
            lon=h.lon,
            radius_km=h.radius_km,
            evidence=cited,
            place=h.place,
            rationale=(f"{h.id} holds the most posterior probability ({h.score:.2f})"
                       if h is state.hypotheses[0] else state.verdict.rationale),
            overrides=overrides,
        )
        return Action(thought=f"Submit {h.id}: {h.place or 'unnamed place'}.", submit=sub)


def _verdicts_hypothesis(state: CaseState) -> Hypothesis:
    """The hypothesis the fusion's verdict stands on: the first, unless that one is too wide
    and too weak and the verdict is a circle inside it (``fusion.fuse.nested_answer``)."""
    v = state.verdict
    return next((h for h in state.hypotheses
                 if (h.lat, h.lon, h.radius_km) == (v.lat, v.lon, v.radius_km)),
                state.hypotheses[0])


def _hard_contradictions(evidence: list[Evidence], ids: list[str]) -> list[Evidence]:
    return [e for e in evidence if e.id in ids]
