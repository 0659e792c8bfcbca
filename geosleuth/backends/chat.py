"""A provider-neutral chat interface: messages (text and images), tool specs, replies.

``ChatModel.chat(messages, tools=None, *, temperature=None, seed=None, max_tokens=None)``
returns a ``ChatReply`` (text, tool calls, usage, the provider's raw answer). Adapters
for OpenAI, Anthropic and OpenAI-compatible servers implement it; the LVLM reasoner and
the verifier of parallel paths call it directly. Provider failures are raised as the
faults in ``geosleuth.backends.faults`` so callers can retry, shrink or give up.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant", "tool"]


@dataclass(frozen=True)
class TextPart:
    text: str


@dataclass(frozen=True)
class ImagePart:
    """An encoded image (JPEG or PNG bytes) sent inline."""

    data: bytes
    media_type: str = "image/jpeg"
    width: int = 0
    height: int = 0
    label: str = "image"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def base64(self) -> str:
        return base64.b64encode(self.data).decode("ascii")

    def data_url(self) -> str:
        return f"data:{self.media_type};base64,{self.base64()}"


Part = TextPart | ImagePart


@dataclass(frozen=True)
class ChatToolCall:
    """A tool call a model made. ``arguments`` is None when the model's JSON did not parse;
    ``error`` then says why and ``raw_arguments`` keeps what it sent."""

    id: str
    name: str
    arguments: dict[str, Any] | None
    raw_arguments: str = ""
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "arguments": self.arguments,
                "raw_arguments": self.raw_arguments, "error": self.error}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ChatToolCall:
        return cls(d["id"], d["name"], d.get("arguments"), d.get("raw_arguments", ""),
                   d.get("error"))


@dataclass(frozen=True)
class Message:
    """One chat message. ``content`` is a string or a list of text and image parts.

    An assistant message may carry ``tool_calls``; a ``tool`` message answers the call
    named by ``tool_call_id``.
    """

    role: Role
    content: str | tuple[Part, ...] = ""
    tool_calls: tuple[ChatToolCall, ...] = ()
    tool_call_id: str | None = None

    @property
    def parts(self) -> tuple[Part, ...]:
        return (TextPart(self.content),) if isinstance(self.content, str) else self.content

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.parts if isinstance(p, TextPart))

    @property
    def images(self) -> tuple[ImagePart, ...]:
        return tuple(p for p in self.parts if isinstance(p, ImagePart))

    def fingerprint(self) -> dict[str, Any]:
        """A JSON-able description that identifies the message (images by hash)."""
        parts = [
            {"text": p.text} if isinstance(p, TextPart)
            else {"image": p.sha256, "media_type": p.media_type}
            for p in self.parts
        ]
        return {"role": self.role, "parts": parts,
                "tool_calls": [c.as_dict() for c in self.tool_calls],
                "tool_call_id": self.tool_call_id}


def system(text: str) -> Message:
    return Message("system", text)


def user(*parts: Part | str) -> Message:
    return Message("user", tuple(TextPart(p) if isinstance(p, str) else p for p in parts))


@dataclass(frozen=True)
class ChatUsage:
    tokens_in: int = 0
    tokens_out: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"tokens_in": self.tokens_in, "tokens_out": self.tokens_out}


@dataclass(frozen=True)
class ChatReply:
    """What a model answered. ``refusal`` holds the provider's refusal text, if any;
    ``finish`` is the provider's stop reason; ``cached`` is True when replayed."""

    text: str = ""
    tool_calls: tuple[ChatToolCall, ...] = ()
    usage: ChatUsage = field(default_factory=ChatUsage)
    raw: dict[str, Any] = field(default_factory=dict)
    finish: str | None = None
    refusal: str | None = None
    cached: bool = False
    latency_ms: float = 0.0
    protocol_error: str | None = None  # the reply could not be read (JSON-in-text protocol)

    @property
    def empty(self) -> bool:
        return not self.text.strip() and not self.tool_calls and not self.refusal

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "tool_calls": [c.as_dict() for c in self.tool_calls],
                "usage": self.usage.as_dict(), "raw": self.raw, "finish": self.finish,
                "refusal": self.refusal, "protocol_error": self.protocol_error}

    @classmethod
    def from_dict(cls, d: dict[str, Any], *, cached: bool = False) -> ChatReply:
        return cls(
            text=d.get("text", ""),
            tool_calls=tuple(ChatToolCall.from_dict(c) for c in d.get("tool_calls", [])),
            usage=ChatUsage(**d.get("usage", {})),
            raw=d.get("raw", {}),
            finish=d.get("finish"),
            refusal=d.get("refusal"),
            protocol_error=d.get("protocol_error"),
            cached=cached,
        )


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, and the limits its requests must respect."""

    vision: bool = True
    native_tools: bool = True
    json_mode: bool = False
    context_tokens: int = 128_000
    max_image_side: int = 2048
    max_image_bytes: int = 5_000_000


@runtime_checkable
class ChatModel(Protocol):
    """A chat model behind one interface; ``host`` is where requests go (for egress),
    ``remote`` is False only for servers on this machine."""

    provider: str
    model: str
    host: str
    remote: bool
    capabilities: Capabilities

    def chat(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        *,
        temperature: float | None = None,
        seed: int | None = None,
        max_tokens: int | None = None,
    ) -> ChatReply: ...


def parse_arguments(raw: str | dict[str, Any] | None) -> tuple[dict[str, Any] | None, str | None]:
    """A tool call's arguments from the model's JSON text, repaired where that is safe.

    Returns (arguments, None) or (None, the reason they could not be read). Repairs:
    empty text means no arguments; a Markdown code fence around the JSON; trailing
    commas before a closing bracket. Anything else is reported, not guessed.
    """
    import json
    import re

    if isinstance(raw, dict):
        return raw, None
    text = (raw or "").strip()
    if not text:
        return {}, None
    fence = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, flags=re.S)
    if fence:
        text = fence.group(1)
    for candidate in (text, re.sub(r",\s*([}\]])", r"\1", text)):
        try:
            value = json.loads(candidate)
        except json.JSONDecodeError as exc:
            error = f"arguments are not valid JSON ({exc.msg} at character {exc.pos})"
            continue
        if not isinstance(value, dict):
            return None, f"arguments must be a JSON object, not {type(value).__name__}"
        return value, None
    return None, error
