"""A scripted OpenAI-compatible model server that investigates with the real clue tools.

``ExifModelServer`` listens on 127.0.0.1 (a free port) and answers chat-completion
requests as a vision model would in geosleuth's loop, by the request's seed (the path
number): first it calls ``exif_metadata`` (path 2 also calls a tool that does not
exist, so its trajectory has a tool error), then, once the prompt shows the EXIF GPS
evidence, it submits a verdict at that position moved north by the path's offset
(``OFFSETS_DEG``), or concludes when there is none. The verifier of parallel paths gets
``{"path": 0}``. Every request body is kept in ``requests``. Nothing leaves the machine.

With ``look_at_map``, a path that found the GPS position first asks for a ``map_view`` of
it, and submits once its request carries the view's picture.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

OFFSETS_DEG = {0: 0.0, 1: 0.05, 2: 0.2}  # about 0, 5.6 and 22 km north of the EXIF point
_GPS = re.compile(r"-> (E\d+): EXIF GPS position (-?\d+\.\d+), (-?\d+\.\d+)")


def completion(message: dict[str, Any], tokens: tuple[int, int] = (900, 60),
               model: str = "scripted-vlm") -> dict[str, Any]:
    """An OpenAI chat-completion response carrying ``message``."""
    return {
        "id": "chatcmpl-scripted", "object": "chat.completion", "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message,
                     "finish_reason": "tool_calls" if message.get("tool_calls") else "stop"}],
        "usage": {"prompt_tokens": tokens[0], "completion_tokens": tokens[1],
                  "total_tokens": sum(tokens)},
    }


def tool_calls(text: str, *calls: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {"role": "assistant", "content": text, "tool_calls": [
        {"id": f"call_{i}_{name}", "type": "function",
         "function": {"name": name, "arguments": json.dumps(args)}}
        for i, (name, args) in enumerate(calls, start=1)]}


def message_text(messages: list[dict[str, Any]]) -> str:
    """The text parts of ``messages``, one per line (images left out)."""
    out = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, str):
            out.append(content)
        elif isinstance(content, list):
            out += [p.get("text", "") for p in content if p.get("type") == "text"]
    return "\n".join(out)


def _has_view(messages: list[dict[str, Any]]) -> bool:
    """Whether a request carries a map view: its label, then its picture."""
    for m in messages:
        content = m.get("content")
        if not isinstance(content, list):
            continue
        for label, part in itertools.pairwise(content):
            if (label.get("type") == "text" and "map view" in label.get("text", "")
                    and part.get("type") == "image_url"):
                return True
    return False


class ScriptedChatServer:
    """An OpenAI-compatible chat-completions endpoint on 127.0.0.1 (a free port), served in
    a thread while the object is entered; each POST is answered by ``answer(body)``."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
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
        raise NotImplementedError

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class ExifModelServer(ScriptedChatServer):
    def __init__(self, *, look_at_map: bool = False) -> None:
        super().__init__()
        self.look_at_map = look_at_map

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.requests.append(body)
        messages = body.get("messages") or []
        system = message_text([m for m in messages if m.get("role") == "system"])
        if "verifier of a photo geolocation" in system:
            return completion({"role": "assistant",
                               "content": '{"path": 0, "reasons": "path 0 read the EXIF"}'})
        path = int(body.get("seed") or 0)
        text = message_text(messages)
        found = _GPS.search(text)
        if found is not None:
            eid, lat, lon = found.group(1), float(found.group(2)), float(found.group(3))
            if self.look_at_map and not _has_view(messages):
                return completion(tool_calls(
                    "Let me see the map around the GPS position.",
                    ("map_view", {"lat": lat, "lon": lon, "zoom": 16, "why": "the GPS fix"})))
            offset = OFFSETS_DEG.get(path, 0.0)
            verdict: dict[str, Any] = {
                "lat": round(lat + offset, 5), "lon": lon, "radius_km": 1.0, "confidence": 0.9,
                "evidence": [eid], "place": "the EXIF position",
                "rationale": "the camera's GPS position"}
            if offset:  # away from hard evidence: the checks want it named, with a reason
                verdict.update(overrides=[eid], rationale="the GPS fix is off by a few km")
            return completion(tool_calls("The EXIF position is the place; I submit it.",
                                         ("submit_verdict", verdict)))
        if "called exif_metadata" in text:
            return completion(tool_calls("No GPS position in the file.",
                                         ("conclude", {"why": "no clue"})))
        calls: list[tuple[str, dict[str, Any]]] = [("exif_metadata", {})]
        if path == 2:
            calls.append(("teleport", {"where": "there"}))
        return completion(tool_calls("I read the metadata first.", *calls))

    def config(self, folder: Path, name: str = "scripted") -> Path:
        """A geosleuth config file naming this server ``name``."""
        path = folder / "config.toml"
        path.write_text(f'[servers.{name}]\nbase_url = "{self.url}"\nmodel = "scripted-vlm"\n',
                        encoding="utf-8")
        return path
