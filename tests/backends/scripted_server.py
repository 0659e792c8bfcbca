"""A local HTTP server that replays scripted responses to the real openai/anthropic SDKs.

Each request pops the next ``Scripted`` response (status, JSON body or raw bytes, headers,
an optional delay before answering) and is recorded (path, headers, JSON body) so tests
can check what the SDK sent. It listens on 127.0.0.1 with a free port; nothing here
touches the internet.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Scripted:
    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    raw: bytes | None = None  # sent as it is instead of ``body`` (a body that is not JSON)


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: Any


class ScriptedServer:
    def __init__(self) -> None:
        self.script: deque[Scripted] = deque()
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except json.JSONDecodeError:
                    body = raw.decode("utf-8", "replace")
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.seen.append(Seen(self.path, headers, body))
                item = server.script.popleft() if server.script else Scripted(
                    {"error": {"message": "no scripted response left"}}, status=500)
                if item.delay_s:
                    time.sleep(item.delay_s)
                data = json.dumps(item.body).encode() if item.body is not None else b""
                if item.raw is not None:
                    data = item.raw
                try:
                    self.send_response(item.status)
                    if "content-type" not in {k.lower() for k in item.headers}:
                        self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for k, v in item.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out first
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def add(self, *items: Scripted) -> None:
        self.script.extend(items)

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def openai_reply(text: str | None = None, tool_calls: list[tuple[str, str, str]] = (),
                 *, finish: str | None = None, refusal: str | None = None,
                 usage: tuple[int, int] = (100, 20)) -> dict[str, Any]:
    """A Chat Completions response body; ``tool_calls`` are (id, name, arguments JSON text)."""
    msg: dict[str, Any] = {"role": "assistant", "content": text}
    if refusal is not None:
        msg["refusal"] = refusal
    if tool_calls:
        msg["tool_calls"] = [{"id": i, "type": "function", "function": {"name": n, "arguments": a}}
                             for i, n, a in tool_calls]
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 1700000000,
        "model": "gpt-4o",
        "choices": [{"index": 0, "message": msg,
                     "finish_reason": finish or ("tool_calls" if tool_calls else "stop")}],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1],
                  "total_tokens": usage[0] + usage[1]},
    }


def anthropic_reply(
    text: str | None = None, tool_uses: list[tuple[str, str, dict[str, Any]]] = (),
    *, stop: str | None = None, usage: tuple[int, int] = (120, 30),
) -> dict[str, Any]:
    """A Messages response body; ``tool_uses`` are (id, name, input object)."""
    content: list[dict[str, Any]] = []
    if text is not None:
        content.append({"type": "text", "text": text})
    content += [{"type": "tool_use", "id": i, "name": n, "input": a} for i, n, a in tool_uses]
    return {
        "id": "msg_test", "type": "message", "role": "assistant", "model": "claude-test",
        "content": content, "stop_reason": stop or ("tool_use" if tool_uses else "end_turn"),
        "stop_sequence": None,
        "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
    }


def openai_error(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "code": code}}


def anthropic_error(status: int, message: str,
                    kind: str = "invalid_request_error") -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}
