"""The path runner offline: shared tool results, events per path, diversity, failures,
and ``investigate_photo`` with one path (unchanged) and with several."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest
from geosleuth_plugins.map_search import MapSearch
from paths_helpers import PLACES, LandmarkTool, registry, session_cache

from geosleuth.agent.events import CaseFinished, Event, StepStarted, ToolCalled
from geosleuth.agent.reasoner import Action, View
from geosleuth.agent.state import Submission, ToolCall
from geosleuth.cases.paths import run_paths
from geosleuth.cases.runner import investigate_photo
from geosleuth.images import load_case
from geosleuth.model import Case, Finding, PointConstraint
from geosleuth.paths.confidence import CalibrationMap
from geosleuth.report.markdown import render
from geosleuth.settings import Settings
from geosleuth.testing import render_photo
from geosleuth.tools.api import ClueTool
from geosleuth.tools.context import ToolContext


@pytest.fixture
def case(tmp_path: Path) -> Case:
    return load_case(render_photo(tmp_path / "scene.jpg", size=(600, 400)))


def settings(**kw: Any) -> Settings:
    return Settings(cache=False, cache_dir=session_cache(), steps=5, **kw)


class GoTo:
    """A scripted reasoner: asks for one landmark, then submits it."""

    name = "scripted"
    model = None

    def __init__(self, place: str, fail: bool = False) -> None:
        self.place = place
        self.fail = fail

    def decide(self, view: View) -> Action:
        if self.fail:
            raise RuntimeError("a bug in this reasoner")
        if view.step == 1:
            return Action(thought=f"look up {self.place}",
                          calls=(ToolCall("c1", "landmark", {"name": self.place}),))
        lat, lon = PLACES[self.place]
        return Action(thought="submit", submit=Submission(lat, lon, 1.0, ("E1",), self.place))


def test_paths_share_one_run_of_a_slow_tool(case: Case) -> None:
    tool = LandmarkTool(delay_s=0.6)
    events: list[Event] = []
    out = run_paths(case, settings(), k=4, make=lambda s, i: GoTo("Eiffel Tower"),
                    tools=registry(tool), on_event=events.append, geo=False)
    assert tool.runs == 1  # four paths asked at the same moment; the tool ran once
    assert out.tool_runs == {"landmark": 1} and out.tool_reuses == {"landmark": 3}
    assert [r.status for r in out.runs] == ["done"] * 4
    assert all(r.state.verdict.known for r in out.runs)  # type: ignore[union-attr]
    # events arrive tagged with their path, each path's in order
    for i in range(4):
        mine = [e for e in events if e.path == i]
        assert isinstance(mine[0], StepStarted) and isinstance(mine[-1], CaseFinished)
    # every path numbers its own evidence from E1
    assert all(r.state.evidence[0].id == "E1" for r in out.runs)  # type: ignore[union-attr]


def test_a_failing_tool_fails_once_for_every_path(case: Case) -> None:
    class Broken(ClueTool):
        name = "landmark"
        version = "1"
        description = "always fails"
        parameters: ClassVar[dict[str, Any]] = {"type": "object"}
        runs = 0

        def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
            Broken.runs += 1
            time.sleep(0.2)
            raise ZeroDivisionError("boom")

    out = run_paths(case, settings(), k=3, make=lambda s, i: GoTo("Eiffel Tower"),
                    tools=registry(Broken()), geo=False)
    assert Broken.runs == 1
    for r in out.runs:
        (obs,) = r.state.steps[0].observations  # type: ignore[union-attr]
        assert "ZeroDivisionError: boom" in (obs.error or "")


def test_a_bug_in_one_path_leaves_the_others(case: Case) -> None:
    out = run_paths(case, settings(), k=3,
                    make=lambda s, i: GoTo("Eiffel Tower", fail=(i == 1)),
                    tools=registry(LandmarkTool()), geo=False)
    assert [r.status for r in out.runs] == ["done", "failed", "done"]
    assert "a bug in this reasoner" in (out.runs[1].error or "")


class FakeOCR(ClueTool):
    name = "ocr_signage"
    version = "1"
    reveals = frozenset({"photo_text"})
    description = "reads signs"
    LINES: ClassVar[list[str]] = ["Boulangerie du Marché", "Pharmacie Centrale", "Rue de Rivoli",
                                  "Hôtel de Ville", "Tabac Presse"]

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        return Finding(summary="5 lines", data={"lines": [{"text": t} for t in self.LINES]})


class FakeMap(ClueTool):
    name = "map_search"
    version = "1"
    stage = "map"
    offline_calls = MapSearch.offline_calls  # the built-in tool's plan, on a fake map
    description = "search names"
    parameters: ClassVar[dict[str, Any]] = {"type": "object", "properties": {
        "op": {"type": "string"}, "text": {"type": "string"}, "country": {"type": "string"}}}

    def __init__(self) -> None:
        self.queries: list[str] = []
        self._lock = threading.Lock()

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        with self._lock:
            self.queries.append(args["text"])
        return Finding(summary=f"{args['text']} found in Paris",
                       constraint=PointConstraint(lat=48.8566, lon=2.3522, radius_km=2.0,
                                                  strength=0.6))


def test_offline_paths_search_different_lines(case: Case) -> None:
    maps = FakeMap()
    out = run_paths(case, settings(), k=3, tools=registry(FakeOCR(), maps), geo=False)
    first = {r.path: [c.args["text"] for s in r.state.steps for c in s.calls  # type: ignore[union-attr]
                      if c.name == "map_search"] for r in out.runs}
    assert first[0] == ["Boulangerie du Marché", "Pharmacie Centrale", "Hôtel de Ville"]
    assert first[1][0] == "Pharmacie Centrale" and first[1] != first[0]
    assert first[2][0] == "Hôtel de Ville"
    # the union covers more of the text than one path does
    assert len(set(maps.queries)) > len(first[0])


def test_one_path_is_unchanged_and_several_are_recorded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("geosleuth.cases.wiring.registry",
                        lambda: registry(FakeOCR(), FakeMap()))
    photo = render_photo(tmp_path / "scene.jpg", size=(600, 400))
    one = investigate_photo(photo, settings()).record
    assert one["paths"] == [] and "verification" not in one and "confidence" not in one
    assert "## Paths" not in render(one)
    seen: list[Event] = []
    many = investigate_photo(photo, settings(paths=3), on_event=seen.append).record
    assert {e.path for e in seen if isinstance(e, ToolCalled)} == {0, 1, 2}
    assert len(many["paths"]) == 3 and many["verification"]["method"] == "evidence"
    assert many["verdict"]["lat"] == one["verdict"]["lat"]
    # all three paths agree: the agreement raises the confidence above one path's
    assert many["confidence"]["agreement"] == 1.0
    assert many["verdict"]["confidence"] >= one["verdict"]["confidence"]
    assert many["usage"]["tokens_in"] == 0 and many["budget"]["model_calls"] == 0
    md = render(many)
    assert "## Paths" in md and "path 0, chosen by the evidence scorer" in md
    # a calibration map rewrites the confidence, and says so
    cmap = CalibrationMap("isotonic", [0.0, 1.0], [0.0, 0.5], 10, "test-map")
    cmap.save(tmp_path / "map.json")
    cal = investigate_photo(photo, settings(calibration=tmp_path / "map.json")).record
    assert cal["verdict"]["confidence"] == pytest.approx(one["verdict"]["confidence"] / 2,
                                                         abs=1e-3)
    assert cal["verdict"]["confidence_raw"] == one["verdict"]["confidence"]
    assert "test-map" in cal["confidence"]["explanation"]
