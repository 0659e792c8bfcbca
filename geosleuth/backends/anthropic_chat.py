"""Anthropic Messages behind ``ChatModel``: tools, image input, usage, faults.

The official ``anthropic`` SDK does the HTTP, with its own retries off
(``max_retries=0``) so that retries go through ``faults.with_retries``. System
messages become the ``system`` field; tool results become ``tool_result`` blocks in a
user turn. Anthropic has no ``seed`` parameter: it is not sent.
"""

from __future__ import annotations

from typing import Any

from geosleuth.backends.chat import (
    Capabilities,
    ChatReply,
    ChatToolCall,
    ChatUsage,
    ImagePart,
    Message,
    TextPart,
)
from geosleuth.backends.sdk import fields, host_of, require_sdk, timed_call

DEFAULT_BASE_URL = "https://api.anthropic.com"
DEFAULT_MAX_TOKENS = 2048
# Anthropic's vision guide (docs.anthropic.com, "Vision", read 2025-06): images over
# 1568 px on the long edge are scaled down server-side; at most 5 MB per image via the API.
ANTHROPIC_CAPS = Capabilities(vision=True, native_tools=True, json_mode=False,
                              context_tokens=200_000, max_image_side=1568,
                              max_image_bytes=5_000_000)


def _content(msg: Message) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for p in msg.parts:
        if isinstance(p, TextPart) and p.text:
            blocks.append({"type": "text", "text": p.text})
        elif isinstance(p, ImagePart):
            blocks.append({"type": "image", "source": {"type": "base64", "media_type": p.media_type,
                                                        "data": p.base64()}})
    return blocks


def to_anthropic(messages: list[Message]) -> tuple[str, list[dict[str, Any]]]:
    """The system text and the alternating user/assistant turns of the Messages API."""
    system = "\n\n".join(m.text for m in messages if m.role == "system")
    turns: list[dict[str, Any]] = []
    for m in messages:
        if m.role == "system":
            continue
        if m.role == "tool":
            block = {"type": "tool_result", "tool_use_id": m.tool_call_id, "content": m.text}
            if turns and turns[-1]["role"] == "user" and all(
                b.get("type") == "tool_result" for b in turns[-1]["content"]
            ):
                turns[-1]["content"].append(block)
            else:
                turns.append({"role": "user", "content": [block]})
            continue
        blocks = _content(m)
        if m.role == "assistant":
            blocks += [{"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments or {}}
                       for c in m.tool_calls]
        turns.append({"role": m.role, "content": blocks or [{"type": "text", "text": "(empty)"}]})
    return system, turns


class AnthropicChat:
    """Claude models through the Messages API with tools and images."""

    provider = "anthropic"

    def __init__(
        self,
        model: str,
        *,
        api_key: str | None,
        base_url: str | None = None,
        timeout_s: float = 120.0,
        capabilities: Capabilities = ANTHROPIC_CAPS,
    ) -> None:
        self._sdk = require_sdk("anthropic")
        self.model = model
        self.base_url = base_url or DEFAULT_BASE_URL
        self.host = host_of(self.base_url)
        self.remote = True
        self.capabilities = capabilities
        self._client = self._sdk.Anthropic(api_key=api_key or "unused", base_url=self.base_url,
                                           timeout=timeout_s, max_retries=0)

    def chat(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        *,
        temperature: float | None = None,
        seed: int | None = None,
        max_tokens: int | None = None,
    ) -> ChatReply:
        system, turns = to_anthropic(messages)
        kwargs: dict[str, Any] = {"model": self.model, "messages": turns,
                                  "max_tokens": max_tokens or DEFAULT_MAX_TOKENS}
        if system:
            kwargs["system"] = system
        if tools:
            kwargs["tools"] = [{"name": t["name"], "description": t.get("description", ""),
                                "input_schema": t.get("parameters") or {"type": "object"}}
                               for t in tools]
        if temperature is not None:
            kwargs["temperature"] = temperature
        what = f"anthropic model {self.model} at {self.host}"
        return timed_call(self._sdk, what, lambda: self._client.messages.create(**kwargs),
                          self._reply)

    @staticmethod
    def _reply(resp: Any, latency: float) -> ChatReply:
        fields(resp, "reply", content=list)  # JSON without a reply's fields is a fault
        texts: list[str] = []
        calls: list[ChatToolCall] = []
        for i, block in enumerate(resp.content):
            if getattr(block, "type", None) == "text":
                fields(block, f"text block {i}", text=str)
                texts.append(block.text)
            elif getattr(block, "type", None) == "tool_use":
                fields(block, f"tool_use block {i}", id=str, name=str)
                args = block.input if isinstance(block.input, dict) else None
                calls.append(ChatToolCall(
                    id=block.id, name=block.name, arguments=args,
                    raw_arguments="" if args is not None else repr(block.input),
                    error=None if args is not None else "arguments must be a JSON object"))
        refusal = None
        if resp.stop_reason == "refusal":
            refusal = "".join(texts).strip() or "the model declined to answer"
        return ChatReply(
            text="".join(texts),
            tool_calls=tuple(calls),
            usage=ChatUsage(getattr(resp.usage, "input_tokens", 0) or 0,
                            getattr(resp.usage, "output_tokens", 0) or 0),
            raw=resp.model_dump(mode="json", exclude_none=True),
            finish=resp.stop_reason,
            refusal=refusal,
            latency_ms=latency,
        )
