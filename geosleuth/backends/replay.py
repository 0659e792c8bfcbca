"""The replay cache: model calls stored in SQLite by a hash of the request.

``CachedChat`` wraps any ``ChatModel``. The key is the provider, model, endpoint URL,
every message (images by their SHA-256), the tool specs and the sampling parameters,
so the same case re-run asks nothing of the network and gets the same answers. Only
successful replies are stored; faults are never cached. It reuses the tool-result cache
(``geosleuth.tools.cache.ResultCache``) with ``kind="model"``.
"""

from __future__ import annotations

import json
from typing import Any

from geosleuth.backends.chat import ChatModel, ChatReply, Message
from geosleuth.tools.cache import ResultCache

KIND = "model"


def request_key(model: ChatModel, messages: list[Message], tools: list[dict[str, Any]] | None,
                **params: Any) -> str:
    return json.dumps(
        {"provider": model.provider, "model": model.model,
         "endpoint": getattr(model, "base_url", None) or model.host,
         "messages": [m.fingerprint() for m in messages], "tools": tools or [],
         "params": params},
        sort_keys=True, ensure_ascii=False, default=str,
    )


class CachedChat:
    """A ``ChatModel`` that answers from the cache when it can; ``reply.cached`` says so."""

    def __init__(self, inner: ChatModel, cache: ResultCache) -> None:
        self.inner = inner
        self.cache = cache
        self.provider = inner.provider
        self.model = inner.model
        self.host = inner.host
        self.remote = inner.remote
        self.capabilities = inner.capabilities
        self.hits = 0
        self.misses = 0

    def chat(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        *,
        temperature: float | None = None,
        seed: int | None = None,
        max_tokens: int | None = None,
    ) -> ChatReply:
        key = request_key(self.inner, messages, tools, temperature=temperature, seed=seed,
                          max_tokens=max_tokens)
        hit = self.cache.get(KIND, key)
        if hit is not None:
            self.hits += 1
            return ChatReply.from_dict(hit, cached=True)
        self.misses += 1
        reply = self.inner.chat(messages, tools, temperature=temperature, seed=seed,
                                max_tokens=max_tokens)
        if not reply.empty and not reply.refusal:
            self.cache.put(KIND, key, reply.as_dict())
        return reply
