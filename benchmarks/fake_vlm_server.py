"""A stand-in for a local OpenAI-compatible vision model server that takes a fixed time per call.

Used by bench_batch.py to measure how batch workers overlap model latency. Each POST to
``/v1/chat/completions`` waits ``delay_s`` (in its own thread, as a server that batches
requests would) and then answers like a model following the tool protocol: first it
calls ``exif_metadata``; once the conversation shows that call (the loop renders
past steps as text) or holds a tool result, it submits a verdict.
Nothing here leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _reply(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-bench", "object": "chat.completion", "created": int(time.time()),
        "model": "bench-vlm",
        "choices": [{"index": 0, "message": message,
                     "finish_reason": "tool_calls" if message.get("tool_calls") else "stop"}],
        "usage": {"prompt_tokens": 900, "completion_tokens": 60, "total_tokens": 960},
    }


def _tool_call(name: str, args: dict[str, Any], call_id: str) -> dict[str, Any]:
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": call_id, "type": "function",
         "function": {"name": name, "arguments": json.dumps(args)}}]}


class FakeVLMServer:
    """The slow server; ``reply(body)`` gives the completion (subclasses script their own)."""

    def __init__(self, delay_s: float = 2.0) -> None:
        self.delay_s = delay_s
        self.calls = 0
        self.max_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with owner._lock:
                    owner.calls += 1
                    owner._in_flight += 1
                    owner.max_in_flight = max(owner.max_in_flight, owner._in_flight)
                try:
                    time.sleep(owner.delay_s)
                finally:
                    with owner._lock:
                        owner._in_flight -= 1
                data = json.dumps(owner.reply(body)).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def reply(self, body: dict[str, Any]) -> dict[str, Any]:
        """Read the metadata first; once that call shows in the conversation, submit."""
        messages = body.get("messages") or []
        if "called exif_metadata" in json.dumps(messages) or any(
                m.get("role") == "tool" for m in messages):
            message = _tool_call("submit_verdict", {
                "lat": 48.8584, "lon": 2.2945, "radius_km": 2500.0, "confidence": 0.2,
                "place": "Paris, France", "evidence": [],
                "rationale": "benchmark stand-in"}, "call_submit")
        else:
            message = _tool_call("exif_metadata", {}, "call_exif")
        return _reply(message)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeVLMServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
