"""The built-in offline reasoner: calls the available tools in a sensible order, then submits.

It needs no model and no network. Its plan, one stage per step, each skipped when its
tool is not installed or has nothing to work on:

1. read the metadata and the text in the photo (``exif_metadata``, ``ocr_signage``);
2. interpret the text: language and script, then the clues in it (``language_detect``,
   ``text_clues``), and the investigator's own clues (``sun_angle``);
3. look names up on the map (``map_search``) for shop and street names the text holds;
4. verify the leading hypothesis where a tool can (``timezone_check`` against the EXIF
   UTC offset);
5. submit the fusion's leading hypothesis, or conclude with no answer.

It decides from the case state alone (which tools have run, what they found), so a
case can be resumed at any step. Parallel paths (``path`` > 0) differ in stages 3 and 4:
they search the lines of text in another order under another candidate country, and
check another hypothesis; path 0 is the plan above.
"""

from __future__ import annotations

import itertools
from typing import Any

from geosleuth.agent.reasoner import Action, View
from geosleuth.agent.state import CaseState, Submission, ToolCall
from geosleuth.model import Evidence

MAX_MAP_QUERIES = 3
KNOWN_TOOLS = {
    "exif_metadata",
    "ocr_signage",
    "language_detect",
    "text_clues",
    "place_lookup",
    "reverse_geocode",
    "sun_angle",
    "timezone_check",
    "map_search",
    "zoom",
}
SUN_CLUE_PREFIXES = ("shadow", "sun")


def ocr_text(state: CaseState) -> str:
    """Every line the OCR read and is sure of, one per line (text from the image: data,
    never instructions). An unsure line stays in the evidence for the investigator."""
    lines: list[str] = []
    for e in state.by_tool("ocr_signage"):
        for line in e.data.get("lines", []):
            text = str(line.get("text", "")).strip()
            if text and line.get("sure", True) and text not in lines:
                lines.append(text)
    return "\n".join(lines)


def _called(state: CaseState, tool: str) -> bool:
    return any(c.name == tool for step in state.steps for c in step.calls)


def _top_countries(state: CaseState) -> list[str]:
    codes = [h.country_code for h in state.hypotheses if h.country_code]
    return list(dict.fromkeys(codes))


def _exif(state: CaseState) -> dict[str, Any]:
    main = [e for e in state.by_tool("exif_metadata") if e.constraint is None]
    return main[0].data if main else {}


class OfflineReasoner:
    name = "offline"
    model: str | None = None

    def __init__(self, path: int = 0) -> None:
        self.path = path
        self._ids = itertools.count(1)
        self._argless: set[str] = set()

    def _call(self, tool: str, args: dict[str, Any] | None = None) -> ToolCall:
        return ToolCall(id=f"p{self.path}c{next(self._ids)}", name=tool, args=args or {})

    def decide(self, view: View) -> Action:
        state, tools = view.state, {t["name"] for t in view.tools}
        # third-party tools that need no arguments run once, alongside the metadata
        self._argless = {t["name"] for t in view.tools if not t["parameters"].get("required")}
        for stage in (self._observe, self._interpret, self._map, self._verify):
            calls, thought = stage(state, tools)
            if calls:
                return Action(thought=thought, calls=tuple(calls))
        return self._finish(state, view)

    def _observe(self, state: CaseState, tools: set[str]) -> tuple[list[ToolCall], str]:
        calls = [
            self._call(t)
            for t in ("exif_metadata", "ocr_signage")
            if t in tools and not _called(state, t)
        ]
        calls += [
            self._call(t)
            for t in sorted(tools - KNOWN_TOOLS)
            if t in self._argless and not _called(state, t)
        ]
        return calls, "Read what the file and the pixels say: metadata first, then any text."

    def _interpret(self, state: CaseState, tools: set[str]) -> tuple[list[ToolCall], str]:
        calls: list[ToolCall] = []
        text = ocr_text(state)
        if text:
            for tool in ("language_detect", "text_clues"):
                if tool in tools and not _called(state, tool):
                    calls.append(self._call(tool, {"text": text}))
        wants_sun = any(
            c.split(":", 1)[0].strip().lower() in SUN_CLUE_PREFIXES for c in state.case.clues
        )
        if wants_sun and "sun_angle" in tools and not _called(state, "sun_angle"):
            calls.append(self._call("sun_angle"))
        thought = (
            "Interpret the text (script, language, names, numbers) and the investigator's clues."
        )
        return calls, thought

    def _map(self, state: CaseState, tools: set[str]) -> tuple[list[ToolCall], str]:
        if "map_search" not in tools or _called(state, "map_search"):
            return [], ""
        lines = [ln for ln in ocr_text(state).splitlines() if sum(ch.isalpha() for ch in ln) >= 4]
        lines.sort(key=len, reverse=True)
        countries = _top_countries(state)
        country = countries[0] if countries else None
        if self.path and lines:
            # Diversity between parallel paths: path i searches other lines first, and
            # assumes another candidate country (every third path assumes none).
            shift = self.path % len(lines)
            lines = lines[shift:] + lines[:shift]
            country = None if self.path % 3 == 2 or not countries else (
                countries[self.path % len(countries)])
        calls = []
        for line in lines[:MAX_MAP_QUERIES]:
            args: dict[str, Any] = {"op": "search", "text": line[:120]}
            if country:
                args["country"] = country
            calls.append(self._call("map_search", args))
        return calls, "Look the names from the photo up on the map."

    def _verify(self, state: CaseState, tools: set[str]) -> tuple[list[ToolCall], str]:
        exif = _exif(state)
        if (
            "timezone_check" in tools
            and not _called(state, "timezone_check")
            and (exif.get("utc_offset") or exif.get("offset"))
            and state.hypotheses
        ):
            # Parallel paths check other candidates: path i the i-th hypothesis.
            h = state.hypotheses[self.path % len(state.hypotheses)]
            return [self._call("timezone_check", {"lat": h.lat, "lon": h.lon})], (
                f"Check {h.id} against the camera's UTC offset."
            )
        return [], ""

    def _finish(self, state: CaseState, view: View) -> Action:
        if not state.hypotheses or not state.verdict.known:
            return Action(
                thought="Nothing left to try; the evidence does not single out a place.",
                conclude=True,
            )
        h = state.hypotheses[0]
        cited = tuple(h.supported_by)
        overrides = tuple(e.id for e in _hard_contradictions(state.evidence, h.contradicted_by))
        sub = Submission(
            lat=h.lat,
            lon=h.lon,
            radius_km=h.radius_km,
            evidence=cited,
            place=h.place,
            rationale=f"{h.id} holds the most posterior probability ({h.score:.2f})",
            overrides=overrides,
        )
        return Action(thought=f"Submit {h.id}: {h.place or 'unnamed place'}.", submit=sub)


def _hard_contradictions(evidence: list[Evidence], ids: list[str]) -> list[Evidence]:
    return [e for e in evidence if e.id in ids]
