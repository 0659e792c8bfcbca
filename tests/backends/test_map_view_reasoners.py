"""map_view in the reasoners' hands: a model asks for a view through the real openai SDK
and receives the picture in its next request; the offline plan looks at a hypothesis that
a name read in the photo located, and its verdict stays what it was without the view."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from pathlib import Path
from typing import Any, ClassVar

from fake_chat import LandmarkTool, photo_case, registry, run
from geosleuth_plugins.map_view import MapView
from PIL import Image
from scripted_server import Scripted, ScriptedServer, openai_reply

from geosleuth.backends import create_reasoner
from geosleuth.backends.chat import ImagePart, Message, TextPart
from geosleuth.backends.llm_reasoner import estimate_tokens
from geosleuth.backends.offline import OfflineReasoner
from geosleuth.model import Basis, Finding, PointConstraint
from geosleuth.settings import Settings
from geosleuth.tools.api import ClueTool
from geosleuth.tools.context import ToolContext
from geosleuth.tools.views import load_view

SUBMIT = json.dumps({"lat": 48.8584, "lon": 2.2945, "radius_km": 1.0, "confidence": 0.6,
                     "place": "Paris", "evidence": ["E1"]})


def _images(body: dict[str, Any]) -> list[str]:
    return [p["image_url"]["url"] for m in body["messages"] if isinstance(m["content"], list)
            for p in m["content"] if p.get("type") == "image_url"]


def test_a_model_asks_for_a_map_view_and_sees_it_at_its_next_step(
        tmp_path: Path, server: ScriptedServer) -> None:
    view_args = json.dumps({"lat": 48.8584, "lon": 2.2945, "zoom": 15, "why": "the tower"})
    server.add(
        Scripted(openai_reply("A tower.", [("c1", "landmark", '{"name": "Eiffel Tower"}')])),
        Scripted(openai_reply("Look at the map.", [("c2", "map_view", view_args)])),
        Scripted(openai_reply("It fits.", [("c3", "submit_verdict", SUBMIT)])),
    )
    settings = Settings(backend="openai", model="gpt-4o", cache_dir=tmp_path / "cache",
                        data_dir=tmp_path / "data", steps=4, cache=False)
    env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": server.url + "/v1"}
    _, done = run(create_reasoner(settings, environ=env), photo_case(tmp_path), settings,
                  registry(LandmarkTool(), MapView()))
    assert done.error is None and done.state.verdict.known
    names = [t["function"]["name"] for t in server.seen[0].body["tools"]]
    assert "map_view" in names  # offered to a model that sees
    view_evidence = done.state.by_tool("map_view")
    assert len(view_evidence) == 1 and view_evidence[0].constraint is None
    view = view_evidence[0].data["view"]
    assert view["drawn"] == ["E1", "H1"]  # the landmark's point and the hypothesis on it
    before, after = _images(server.seen[1].body), _images(server.seen[2].body)
    assert len(after) == len(before) + 1  # the photo, then the view
    assert after[-1].startswith("data:image/png;base64,")
    sent = base64.b64decode(after[-1].split(",", 1)[1])
    assert hashlib.sha256(sent).hexdigest() == view["sha256"]
    assert sent == load_view(settings.cache_dir, view["sha256"])
    texts = [p.get("text", "") for m in server.seen[2].body["messages"]
             if isinstance(m["content"], list) for p in m["content"]]
    assert any(t.startswith("[map view E2, 640×640 px]") for t in texts)


def test_an_lvlm_step_with_one_view_costs_the_view_s_pixels_in_tokens() -> None:
    text = Message("user", (TextPart("step"),))
    with_view = Message("user", (TextPart("step"), ImagePart(b"x", "image/png", 640, 640)))
    assert estimate_tokens([with_view], []) - estimate_tokens([text], []) == 640 * 640 // 750


class SignTool(ClueTool):
    """Stands in for a street name read on a sign and matched on the map."""

    name = "sign_match"
    version = "1"
    description = "A street name read in the photo, found on the map."
    basis: ClassVar[Basis] = "read"

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        return Finding(summary="«Hauptstrasse» matched on the map at 47.00000, 9.00000",
                       constraint=PointConstraint(lat=47.0, lon=9.0, radius_km=0.2,
                                                  strength=0.8))


def test_the_offline_plan_looks_at_a_hypothesis_a_sign_located_and_keeps_its_verdict(
        tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path / "cache", data_dir=tmp_path / "data")
    case = photo_case(tmp_path)
    _, plain = run(OfflineReasoner(), case, settings, registry(SignTool()))
    _, viewed = run(OfflineReasoner(), case, settings, registry(SignTool(), MapView()))
    views = viewed.state.by_tool("map_view")
    assert len(views) == 1 and views[0].constraint is None
    assert views[0].args["layer"] == "map" and views[0].data["view"]["drawn"]
    assert abs(views[0].args["lat"] - 47.0) < 0.01 and abs(views[0].args["lon"] - 9.0) < 0.01
    assert viewed.state.verdict == plain.state.verdict
    assert [h.model_dump() for h in viewed.state.hypotheses] == [
        h.model_dump() for h in plain.state.hypotheses]


def test_the_offline_plan_does_not_look_at_a_camera_position(tmp_path: Path) -> None:
    from fake_chat import CameraGpsTool

    settings = Settings(cache_dir=tmp_path / "cache", data_dir=tmp_path / "data")
    _, done = run(OfflineReasoner(), photo_case(tmp_path), settings,
                  registry(CameraGpsTool(), MapView()))
    assert done.state.by_tool("map_view") == []


def test_the_verifier_of_paths_sees_the_map_view_each_path_saw(tmp_path: Path) -> None:
    from fake_chat import FakeChat

    from geosleuth.agent.state import CaseState
    from geosleuth.model import Evidence, Verdict
    from geosleuth.paths.verifier import EvidenceVerifier, ModelVerifier
    from geosleuth.tools.views import save_view

    settings = Settings(cache_dir=tmp_path / "cache", cache=False)
    case = photo_case(tmp_path)
    buf = io.BytesIO()
    Image.new("RGB", (640, 640), (200, 220, 240)).save(buf, format="PNG")
    sha = save_view(settings.cache_dir, buf.getvalue())
    states = []
    for path, (lat, lon) in enumerate([(48.8584, 2.2945), (52.5163, 13.3777)]):
        located = Evidence(id="E1", tool="landmark", tool_version="1", summary="a landmark",
                           constraint=PointConstraint(lat=lat, lon=lon, radius_km=0.5,
                                                      strength=0.9))
        evidence = [located]
        if path == 1:
            evidence.append(Evidence(id="E2", tool="map_view", tool_version="1.0",
                                     summary="map view", data={"view": {
                                         "sha256": sha, "width": 640, "height": 640,
                                         "layer": "map"}}))
        states.append(CaseState(case=case, evidence=evidence, path=path,
                                verdict=Verdict(lat=lat, lon=lon, radius_km=1.0,
                                                confidence=0.5, level="street",
                                                evidence=["E1"])))
    verifier = ModelVerifier(FakeChat([]), settings, EvidenceVerifier(25.0))
    msgs, text = verifier.messages(case, states)
    images = [p for p in msgs[1].parts if isinstance(p, ImagePart)]
    assert [i.label for i in images] == ["photo", "path 1: map view E2"]
    assert images[1].media_type == "image/png" and images[1].sha256 == sha
    assert "map views are what those paths saw" in text
    assert "the map views the paths saw" in [e.what for e in verifier.egress(states)]
    assert "the map views the paths saw" not in [e.what for e in verifier.egress(states[:1])]


def test_locate_with_a_model_server_that_asks_for_a_map_view(tmp_path: Path) -> None:
    """The whole chain through the CLI: the real tools, the runner, the case folder."""
    import os

    from geosleuth.testing.cli import run_cli
    from geosleuth.testing.model_server import ExifModelServer
    from geosleuth.testing.photos import render_photo

    photo = render_photo(tmp_path / "tower.jpg", size=(96, 64), gps=(48.8584, 2.2945))
    with ExifModelServer(look_at_map=True) as server:
        env = {**os.environ, "GEOSLEUTH_CONFIG": str(server.config(tmp_path))}
        proc = run_cli("locate", str(photo), "--backend", "scripted", "--steps", "4",
                       "--no-cache", "--out", str(tmp_path / "cases"), "--json", env=env)
        assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    views = [e for e in record["evidence"] if e["tool"] == "map_view"]
    assert len(views) == 1 and views[0]["constraint"] is None
    assert record["verdict"]["lat"] is not None
    # three requests: the metadata, then the view asked for, then the answer with the view
    assert [len(_images(r)) for r in server.requests] == [1, 1, 2]
    sent = _images(server.requests[2])[-1]
    view = views[0]["data"]["view"]
    assert hashlib.sha256(base64.b64decode(sent.split(",", 1)[1])).hexdigest() == view["sha256"]
    folder = next((tmp_path / "cases").iterdir())
    name = f"view-{views[0]['id']}.png"
    assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == view["sha256"]
    assert f"]({name})" in (folder / "report.md").read_text()
