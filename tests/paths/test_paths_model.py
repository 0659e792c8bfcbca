"""Parallel paths over a scripted OpenAI-compatible server: disagreeing paths, the model
verifier (good and bad answers), a total budget that runs out mid-way, the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from paths_helpers import (
    LandmarkTool,
    PathsModelServer,
    model_settings,
    registry,
    text_message,
    tool_message,
)

from geosleuth.agent.events import CaseFinished, Event, VerdictReached
from geosleuth.cases.runner import investigate_photo
from geosleuth.report.markdown import render
from geosleuth.testing import render_photo

PARIS, BERLIN = "Eiffel Tower", "Brandenburg Gate"


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    return render_photo(tmp_path / "scene.jpg", size=(800, 500))


@pytest.fixture
def tool(monkeypatch: pytest.MonkeyPatch) -> LandmarkTool:
    landmark = LandmarkTool()
    monkeypatch.setattr("geosleuth.cases.wiring.registry", lambda: registry(landmark))
    return landmark


def _run(server: PathsModelServer, tmp_path: Path, photo: Path, **kw: Any):
    events: list[Event] = []
    settings = model_settings(server, tmp_path, **kw)
    result = investigate_photo(photo, settings, on_event=events.append)
    return result, events


def test_disagreeing_paths_and_a_verifier_that_picks_one(
        tmp_path: Path, photo: Path, tool: LandmarkTool) -> None:
    verifier = tool_message("choose_path", {
        "path": 1, "reasons": "The gate's *quadriga* is visible | [x](y)"}, "call_choose")
    with PathsModelServer({0: PARIS, 1: BERLIN, 2: PARIS}, verifier) as server:
        result, events = _run(server, tmp_path, photo, paths=3)
    rec = result.record
    assert result.error is None
    # every path ran its own loop: 2 model calls each, plus one verifier call
    assert len(server.requests) == 7 and len(server.verifier_requests) == 1
    assert sorted(b["seed"] for b in server.requests if b not in server.verifier_requests) == [
        0, 0, 1, 1, 2, 2]
    # paths after the first sample at the path temperature; the first at the default
    temps = {b["seed"]: b.get("temperature") for b in server.requests
             if b not in server.verifier_requests}
    assert temps[0] is None and temps[1] == temps[2] == 0.8
    # the landmark tool: Paris asked by two paths at once ran once (shared results)
    assert tool.runs == 2
    assert {e.path for e in events if isinstance(e, CaseFinished)} == {0, 1, 2}
    assert sum(isinstance(e, VerdictReached) for e in events) == 3
    # clusters: Paris (paths 0 and 2) first, Berlin (path 1)
    assert [c["members"] for c in rec["clusters"]] == [[0, 2], [1]]
    ver = rec["verification"]
    assert ver["method"] == "model" and ver["choice"] == 1 and ver["status"] == "ok"
    assert "quadriga" in ver["reasons"]
    assert rec["verdict"]["path"] == 1
    assert abs(rec["verdict"]["lat"] - 52.5163) < 1e-3
    conf = rec["confidence"]
    # one of three paths agrees; paths 0 and 2 saw the same evidence and count as one
    assert conf["agreeing_paths"] == [1] and conf["independent_paths"] == 2
    assert conf["agreement"] == pytest.approx(0.5, abs=1e-3)
    assert conf["paths_run"] == 3 and 0 < conf["value"] < 1
    # the model verifier overruled the evidence scorer, or agreed with it: it says which
    assert conf["verifier"] == (1.0 if ver["evidence_choice"] == 1 else 0.0)
    # the weighted geometric mean of evidence and agreement (w = 1/4 for two independent
    # paths), a quarter off when the verifier overruled the evidence
    expected = conf["evidence"] ** 0.75 * conf["agreement"] ** 0.25 * (
        1 - 0.25 * (1 - conf["verifier"]))
    assert conf["raw"] == pytest.approx(expected, abs=2e-4)
    assert rec["verdict"]["confidence"] == conf["value"]
    assert [p["status"] for p in rec["paths"]] == ["done"] * 3
    assert rec["paths"][1]["chosen"] and rec["paths"][1]["cluster"] == "C2"
    assert rec["budget"]["model_calls"] == 7
    assert rec["usage"]["tokens_in"] == 6 * 800 + 1500
    # the verifier saw the photo and every path's summary, no scores or confidences
    vreq = server.verifier_requests[0]
    user = vreq["messages"][-1]["content"]
    assert any(p["type"] == "image_url" for p in user)
    text = "\n".join(p.get("text", "") for p in user if p["type"] == "text")
    assert "Path 0:" in text and "Path 1:" in text and "Path 2:" in text
    assert "«Brandenburg Gate is at 52.5163, 13.3777»" in text
    assert "confidence" not in text.lower() and "p=" not in text and "score" not in text.lower()
    # the report shows it all, with the model's words escaped
    md = render(rec)
    assert "## Paths" in md and "### Path 0" in md and "### Path 2" in md
    assert "path 1, chosen by a model" in md
    assert r"\*quadriga\* is visible \| \[x\](y)" in md
    assert "| C1 | 0, 2 |" in md and "**Confidence:**" in md


@pytest.mark.parametrize("answer", [
    text_message("I would go with the seventh path."),
    text_message('{"path": 7, "reasons": "no such path"}'),
    tool_message("choose_path", {"path": "Berlin", "reasons": "x"}),
    tool_message("landmark", {"name": "Eiffel Tower"}),
    text_message(""),
])
def test_a_verifier_that_answers_badly_falls_back_to_the_evidence(
        tmp_path: Path, photo: Path, tool: LandmarkTool, answer: dict[str, Any]) -> None:
    with PathsModelServer({0: PARIS, 1: BERLIN}, answer) as server:
        result, _ = _run(server, tmp_path, photo, paths=2)
    ver = result.record["verification"]
    assert result.error is None
    assert ver["status"] == "fallback" and ver["method"] == "evidence"
    assert ver["problem"].startswith("the verifier's answer could not be used")
    assert ver["choice"] == ver["evidence_choice"] in (0, 1)
    assert result.record["verdict"]["path"] == ver["choice"]
    assert result.record["confidence"]["verifier"] == 1.0
    assert "the evidence scorer decided" in render(result.record)


def test_agreeing_paths_need_no_verifier_call(
        tmp_path: Path, photo: Path, tool: LandmarkTool) -> None:
    with PathsModelServer({0: PARIS, 1: PARIS, 2: PARIS, 3: PARIS}) as server:
        result, _ = _run(server, tmp_path, photo, paths=4)
    rec = result.record
    assert not server.verifier_requests and len(server.requests) == 8
    assert len(rec["clusters"]) == 1 and rec["verification"]["method"] == "evidence"
    assert rec["confidence"]["agreement"] == 1.0
    assert tool.runs == 1  # four paths, one run of the tool


def test_a_total_budget_that_runs_out_mid_way(
        tmp_path: Path, photo: Path, tool: LandmarkTool) -> None:
    # three paths want two calls each; four calls in all, one of them held for the verifier
    with PathsModelServer({0: PARIS, 1: BERLIN, 2: PARIS}) as server:
        result, _ = _run(server, tmp_path, photo, paths=3, max_model_calls=4)
    rec = result.record
    assert result.error is None
    assert len(server.requests) <= 4
    assert rec["budget"]["model_calls"] == len(server.requests)
    path_calls = len(server.requests) - len(server.verifier_requests)
    assert path_calls == 3
    stopped = [p for p in rec["paths"] if (p["verdict"] or {}).get("stopped")]
    assert stopped and all("model-call budget spent" in p["verdict"]["stopped"] for p in stopped)
    assert all(p["verdict"]["forced"] for p in stopped)
    assert "model-call budget spent" in render(rec)


def test_token_budget_across_paths(tmp_path: Path, photo: Path, tool: LandmarkTool) -> None:
    # each call costs 840 tokens; after two calls no path may start another
    with PathsModelServer({0: PARIS, 1: PARIS}) as server:
        result, _ = _run(server, tmp_path, photo, paths=2, total_tokens=1500)
    rec = result.record
    assert rec["budget"]["tokens_in"] + rec["budget"]["tokens_out"] >= 1500
    assert len(server.requests) == 2
    assert all("token budget spent" in (p["verdict"]["stopped"] or "") for p in rec["paths"])


def test_early_stop_when_the_first_paths_agree(
        tmp_path: Path, photo: Path, tool: LandmarkTool) -> None:
    with PathsModelServer({0: PARIS, 1: PARIS, 2: BERLIN, 3: BERLIN}) as server:
        result, events = _run(server, tmp_path, photo, paths=4, early_stop_agree=2)
    rec = result.record
    assert len(server.requests) == 4  # paths 0 and 1 only
    assert [p["status"] for p in rec["paths"]] == ["done", "done", "skipped", "skipped"]
    assert "the first 2 paths agree" in rec["budget"]["early_stop"]
    assert {e.path for e in events} == {0, 1}
    assert rec["confidence"]["paths_run"] == 2


def test_early_stop_starts_the_rest_when_the_first_paths_disagree(
        tmp_path: Path, photo: Path, tool: LandmarkTool) -> None:
    with PathsModelServer({0: PARIS, 1: BERLIN, 2: PARIS, 3: PARIS}) as server:
        result, _ = _run(server, tmp_path, photo, paths=4, early_stop_agree=2)
    rec = result.record
    assert [p["status"] for p in rec["paths"]] == ["done"] * 4
    assert rec["budget"]["early_stop"] is None
    assert len(server.requests) - len(server.verifier_requests) == 8
    assert [c["members"] for c in rec["clusters"]] == [[0, 2, 3], [1]]
