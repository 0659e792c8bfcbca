"""Fixtures for the parallel-path tests: test tools, a scripted model server, photos.

``PathsModelServer`` is a local OpenAI-compatible chat-completions server (127.0.0.1, a
free port) driven by the real openai SDK through a named server in the settings. It
answers the investigation loop by the request's seed (the path number): first a call
of the ``landmark`` tool for that path's landmark, then ``submit_verdict`` at it once
the prompt shows the call. A request whose system prompt is the verifier's gets the
scripted verifier reply. Every request is recorded.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any, ClassVar

from geosleuth.model import Finding, PointConstraint
from geosleuth.settings import ServerConfig, Settings
from geosleuth.testing.model_server import ScriptedChatServer, completion, message_text
from geosleuth.tools.api import ClueTool
from geosleuth.tools.context import ToolContext
from geosleuth.tools.registry import Registry

PLACES = {"Eiffel Tower": (48.8584, 2.2945), "Brandenburg Gate": (52.5163, 13.3777),
          "Sydney Opera House": (-33.8568, 151.2153)}


class LandmarkTool(ClueTool):
    """Places a named landmark (a stand-in for map_search); counts its runs."""

    name = "landmark"
    version = "1"
    description = "Find a named landmark on the map."
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"],
        "additionalProperties": False}

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.runs = 0
        self._lock = threading.Lock()

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        with self._lock:
            self.runs += 1
        time.sleep(self.delay_s)
        lat, lon = PLACES[args["name"]]
        return Finding(summary=f"{args['name']} is at {lat}, {lon}",
                       constraint=PointConstraint(lat=lat, lon=lon, radius_km=0.5, strength=0.9))


def registry(*tools: ClueTool) -> Registry:
    reg = Registry()
    for t in tools:
        reg.add(t, "test")
    return reg


def _completion(message: dict[str, Any], tokens: tuple[int, int] = (800, 40)) -> dict[str, Any]:
    return completion(message, tokens, model="test-vlm")


def tool_message(name: str, args: dict[str, Any], cid: str = "call_1") -> dict[str, Any]:
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": cid, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}]}


def text_message(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


class PathsModelServer(ScriptedChatServer):
    def __init__(self, landmarks: dict[int, str], verifier: dict[str, Any] | None = None,
                 delay_s: float = 0.0) -> None:
        super().__init__()
        self.landmarks = landmarks
        self.verifier = verifier or text_message('{"path": 0, "reasons": "default"}')
        self.delay_s = delay_s
        self.verifier_requests: list[dict[str, Any]] = []

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        messages = body.get("messages") or []
        system = message_text([m for m in messages if m.get("role") == "system"])
        with self._lock:
            self.requests.append(body)
        time.sleep(self.delay_s)
        if "verifier of a photo geolocation" in system:
            with self._lock:
                self.verifier_requests.append(body)
            return _completion(self.verifier, (1500, 80))
        name = self.landmarks[int(body.get("seed") or 0)]
        if "called landmark" in message_text(messages):
            lat, lon = PLACES[name]
            return _completion(tool_message("submit_verdict", {
                "lat": lat, "lon": lon, "radius_km": 1.0, "evidence": ["E1"],
                "place": name, "rationale": f"the landmark {name}"}, "call_submit"))
        return _completion(tool_message("landmark", {"name": name}, "call_landmark"))



def session_cache() -> Path:
    """The test session's cache folder (tests/conftest.py): the gazetteer index is built once."""
    return Path(os.environ["GEOSLEUTH_CACHE_DIR"])


def model_settings(server: PathsModelServer, tmp_path: Path, **kw: Any) -> Settings:
    return Settings(backend="scripted", cache=False, cache_dir=session_cache(), steps=4,
                    servers={"scripted": ServerConfig(base_url=server.url, model="test-vlm",
                                                      context_tokens=128_000)}, **kw)
