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
import time
from typing import Any

from geosleuth.testing.model_server import ScriptedChatServer


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


class FakeVLMServer(ScriptedChatServer):
    """The slow server; ``reply(body)`` gives the completion (subclasses script their own)."""

    def __init__(self, delay_s: float = 2.0) -> None:
        super().__init__()
        self.delay_s = delay_s
        self.calls = 0
        self.max_in_flight = 0
        self._in_flight = 0

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.calls += 1
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            time.sleep(self.delay_s)
        finally:
            with self._lock:
                self._in_flight -= 1
        return self.reply(body)

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
