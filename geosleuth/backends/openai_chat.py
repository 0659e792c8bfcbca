"""OpenAI Chat Completions behind ``ChatModel``: tools, image input, usage, faults.

The official ``openai`` SDK does the HTTP; its own retries are switched off
(``max_retries=0``) so that every retry goes through ``faults.with_retries`` and is
visible in the case. The same adapter serves OpenAI-compatible servers by base URL.
"""

from __future__ import annotations

import json
from typing import Any

from geosleuth.backends.chat import (
    Capabilities,
    ChatReply,
    ChatToolCall,
    ChatUsage,
    ImagePart,
    Message,
    TextPart,
    parse_arguments,
)
from geosleuth.backends.sdk import fields, host_of, require_sdk, timed_call

DEFAULT_BASE_URL = "https://api.openai.com/v1"
OPENAI_CAPS = Capabilities(vision=True, native_tools=True, json_mode=True,
                           context_tokens=128_000, max_image_side=2048, max_image_bytes=20_000_000)


def tool_param(spec: dict[str, Any]) -> dict[str, Any]:
    return {"type": "function", "function": {
        "name": spec["name"], "description": spec.get("description", ""),
        "parameters": spec.get("parameters") or {"type": "object", "properties": {}}}}


def to_openai(msg: Message) -> dict[str, Any]:
    if msg.role == "tool":
        return {"role": "tool", "tool_call_id": msg.tool_call_id, "content": msg.text}
    if msg.role == "assistant":
        out: dict[str, Any] = {"role": "assistant", "content": msg.text or None}
        if msg.tool_calls:
            out["tool_calls"] = [
                {"id": c.id, "type": "function", "function": {
                    "name": c.name,
                    "arguments": (json.dumps(c.arguments) if c.arguments is not None
                                  else c.raw_arguments),
                }}
                for c in msg.tool_calls
            ]
        return out
    if msg.role == "system" or not msg.images:
        return {"role": msg.role, "content": msg.text}
    content: list[dict[str, Any]] = []
    for p in msg.parts:
        if isinstance(p, TextPart):
            content.append({"type": "text", "text": p.text})
        elif isinstance(p, ImagePart):
            content.append({"type": "image_url",
                            "image_url": {"url": p.data_url(), "detail": "high"}})
    return {"role": "user", "content": content}


class OpenAIChat:
    """Chat Completions with function tools and images, for OpenAI or a compatible server."""

    provider = "openai"

    def __init__(
        self,
        model: str,
        *,
        api_key: str | None,
        base_url: str | None = None,
        timeout_s: float = 120.0,
        capabilities: Capabilities = OPENAI_CAPS,
        remote: bool = True,
        json_output: bool = False,
        provider: str = "openai",
    ) -> None:
        self._sdk = require_sdk("openai", backend=provider)
        self.model = model
        self.base_url = base_url or DEFAULT_BASE_URL
        self.host = host_of(self.base_url)
        self.remote = remote
        self.capabilities = capabilities
        self.json_output = json_output
        self.provider = provider
        self._client = self._sdk.OpenAI(api_key=api_key or "unused", base_url=self.base_url,
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
        kwargs: dict[str, Any] = {"model": self.model, "messages": [to_openai(m) for m in messages]}
        if tools:
            kwargs["tools"] = [tool_param(t) for t in tools]
        if temperature is not None:
            kwargs["temperature"] = temperature
        if seed is not None:
            kwargs["seed"] = seed
        if max_tokens is not None:
            kwargs["max_tokens"] = max_tokens
        if self.json_output and not tools:
            kwargs["response_format"] = {"type": "json_object"}
        what = f"{self.provider} model {self.model} at {self.host}"
        return timed_call(self._sdk, what,
                          lambda: self._client.chat.completions.create(**kwargs), self._reply)

    @staticmethod
    def _reply(resp: Any, latency: float) -> ChatReply:
        fields(resp, "reply", choices=list)  # JSON without a reply's fields is a fault
        if not resp.choices:
            return ChatReply(raw=resp.model_dump(mode="json"), latency_ms=latency, finish="empty")
        choice = resp.choices[0]
        msg = choice.message
        fields(msg, "message in the first choice", content=(str, type(None)),
               tool_calls=(list, type(None)))
        calls = []
        for i, tc in enumerate(msg.tool_calls or ()):
            fn = getattr(tc, "function", None)
            if fn is None:
                continue
            fields(fn, f"function of tool call {i}", name=str)
            args, error = parse_arguments(fn.arguments)
            calls.append(ChatToolCall(id=tc.id or f"call{i}", name=fn.name or "", arguments=args,
                                      raw_arguments=fn.arguments or "", error=error))
        u = resp.usage
        refusal = getattr(msg, "refusal", None)
        if not refusal and choice.finish_reason == "content_filter":
            refusal = "the provider's content filter stopped the answer"
        return ChatReply(
            text=msg.content or "",
            tool_calls=tuple(calls),
            usage=ChatUsage(u.prompt_tokens or 0, u.completion_tokens or 0) if u else ChatUsage(),
            raw=resp.model_dump(mode="json", exclude_none=True),
            finish=choice.finish_reason,
            refusal=refusal,
            latency_ms=latency,
        )
