"""Reasoner backends: the built-in offline reasoner, and model providers.

``create_reasoner(settings)`` picks one by ``settings.backend``: ``offline`` (the
default, no model), ``openai`` and ``anthropic`` (official SDKs; keys and endpoints
from ``OPENAI_API_KEY``/``OPENAI_BASE_URL`` and ``ANTHROPIC_API_KEY``/
``ANTHROPIC_BASE_URL``), ``ollama`` (at ``OLLAMA_HOST``), or the name of a server in
the config file's ``[servers]`` table. ``create_chat(settings)`` gives the model alone
(a ``ChatModel``), wrapped in the replay cache unless ``settings.cache`` is off.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from geosleuth.agent.reasoner import Reasoner
from geosleuth.errors import ConfigError
from geosleuth.settings import Settings

if TYPE_CHECKING:
    from geosleuth.backends.chat import ChatModel

DEFAULT_MODELS = {"openai": "gpt-4o", "anthropic": "claude-sonnet-4-6"}
BUILTIN = ("offline", "openai", "anthropic", "ollama")


def _key(env: dict[str, str] | os._Environ[str], var: str, provider: str) -> str:
    key = env.get(var)
    if not key:
        raise ConfigError(f"{var} is not set: export your {provider} API key in {var}, or use"
                          " --backend offline")
    return key


def create_chat(settings: Settings, *, environ: dict[str, str] | None = None) -> ChatModel:
    """The chat model ``settings.backend`` names (not ``offline``), cached unless --no-cache."""
    env = os.environ if environ is None else environ
    name = settings.backend
    chat: ChatModel
    if name == "openai":
        from geosleuth.backends.openai_chat import OpenAIChat

        chat = OpenAIChat(settings.model or DEFAULT_MODELS["openai"],
                          api_key=_key(env, "OPENAI_API_KEY", "OpenAI"),
                          base_url=env.get("OPENAI_BASE_URL") or None,
                          timeout_s=settings.model_timeout_s)
    elif name == "anthropic":
        from geosleuth.backends.anthropic_chat import AnthropicChat

        chat = AnthropicChat(settings.model or DEFAULT_MODELS["anthropic"],
                             api_key=_key(env, "ANTHROPIC_API_KEY", "Anthropic"),
                             base_url=env.get("ANTHROPIC_BASE_URL") or None,
                             timeout_s=settings.model_timeout_s)
    elif name in settings.servers or name == "ollama":
        from geosleuth.backends.compatible import ollama_server, server_chat

        server = settings.servers.get(name) or ollama_server(dict(env))
        chat = server_chat(name, server, settings, dict(env))
    else:
        known = [*BUILTIN, *sorted(settings.servers)]
        raise ConfigError(f"unknown backend {name!r}; available: {', '.join(known)}"
                          " (named servers come from the config file's [servers] table)")
    if settings.cache:
        from geosleuth.backends.replay import CachedChat
        from geosleuth.tools.cache import open_cache

        chat = CachedChat(chat, open_cache(settings.cache_dir))
    return chat


def create_reasoner(settings: Settings, *, path: int = 0,
                    environ: dict[str, str] | None = None) -> Reasoner:
    if settings.backend == "offline":
        from geosleuth.backends.offline import OfflineReasoner

        return OfflineReasoner(path=path)
    from geosleuth.backends.llm_reasoner import LLMReasoner

    return LLMReasoner(create_chat(settings, environ=environ), settings, name=settings.backend,
                       path=path)
