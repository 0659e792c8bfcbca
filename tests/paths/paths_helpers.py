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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from geosleuth.model import Finding, PointConstraint
from geosleuth.settings import ServerConfig, Settings
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
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "test-vlm",
        "choices": [{"index": 0, "message": message,
                     "finish_reason": "tool_calls" if message.get("tool_calls") else "stop"}],
        "usage": {"prompt_tokens": tokens[0], "completion_tokens": tokens[1],
                  "total_tokens": sum(tokens)},
    }


def tool_message(name: str, args: dict[str, Any], cid: str = "call_1") -> dict[str, Any]:
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": cid, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}]}


def text_message(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


def _text(messages: list[dict[str, Any]]) -> str:
    out = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, str):
            out.append(content)
        elif isinstance(content, list):
            out += [p.get("text", "") for p in content if p.get("type") == "text"]
    return "\n".join(out)


class PathsModelServer:
    def __init__(self, landmarks: dict[int, str], verifier: dict[str, Any] | None = None,
                 delay_s: float = 0.0) -> None:
        self.landmarks = landmarks
        self.verifier = verifier or text_message('{"path": 0, "reasons": "default"}')
        self.delay_s = delay_s
        self.requests: list[dict[str, Any]] = []
        self.verifier_requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
                data = json.dumps(owner.answer(body)).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        messages = body.get("messages") or []
        system = _text([m for m in messages if m.get("role") == "system"])
        with self._lock:
            self.requests.append(body)
        time.sleep(self.delay_s)
        if "verifier of a photo geolocation" in system:
            with self._lock:
                self.verifier_requests.append(body)
            return _completion(self.verifier, (1500, 80))
        name = self.landmarks[int(body.get("seed") or 0)]
        if "called landmark" in _text(messages):
            lat, lon = PLACES[name]
            return _completion(tool_message("submit_verdict", {
                "lat": lat, "lon": lon, "radius_km": 1.0, "evidence": ["E1"],
                "place": name, "rationale": f"the landmark {name}"}, "call_submit"))
        return _completion(tool_message("landmark", {"name": name}, "call_landmark"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> PathsModelServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def session_cache() -> Path:
    """The test session's cache folder (tests/conftest.py): the gazetteer index is built once."""
    return Path(os.environ["GEOSLEUTH_CACHE_DIR"])


def model_settings(server: PathsModelServer, tmp_path: Path, **kw: Any) -> Settings:
    return Settings(backend="scripted", cache=False, cache_dir=session_cache(), steps=4,
                    servers={"scripted": ServerConfig(base_url=server.url, model="test-vlm",
                                                      context_tokens=128_000)}, **kw)
