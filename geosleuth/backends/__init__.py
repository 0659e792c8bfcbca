"""Reasoner backends: the built-in offline reasoner, and model providers.

``create_reasoner(settings)`` picks one by ``settings.backend``: ``offline`` (the
default, no model), ``openai`` and ``anthropic`` (official SDKs; keys and endpoints from
the settings ``openai_api_key``/``openai_base_url`` and ``anthropic_api_key``/
``anthropic_base_url`` when set, else from ``OPENAI_API_KEY``/``OPENAI_BASE_URL`` and
``ANTHROPIC_API_KEY``/``ANTHROPIC_BASE_URL``), ``ollama`` (at ``OLLAMA_HOST``), or the
name of a server in the config file's ``[servers]`` table. ``create_chat(settings)`` gives
the model alone (a ``ChatModel``), wrapped in the replay cache unless ``settings.cache`` is
off.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import SecretStr

from geosleuth.agent.reasoner import Reasoner
from geosleuth.errors import ConfigError
from geosleuth.settings import Settings

if TYPE_CHECKING:
    from geosleuth.backends.chat import ChatModel

DEFAULT_MODELS = {"openai": "gpt-4o", "anthropic": "claude-sonnet-4-6"}
BUILTIN = ("offline", "openai", "anthropic", "ollama")


def _key(configured: SecretStr | None, env: Mapping[str, str], var: str, setting: str,
         provider: str) -> str:
    """The API key: the setting when given (config file, GEOSLEUTH_* variable), else ``var``."""
    key = configured.get_secret_value() if configured is not None else env.get(var)
    if not key:
        raise ConfigError(f"{var} is not set: export your {provider} API key in {var} (or set"
                          f" {setting} in the config file), or use --backend offline")
    return key


def create_chat(settings: Settings, *, environ: dict[str, str] | None = None) -> ChatModel:
    """The chat model ``settings.backend`` names (not ``offline``), cached unless --no-cache."""
    env = os.environ if environ is None else environ
    name = settings.backend
    chat: ChatModel
    if name == "openai":
        from geosleuth.backends.openai_chat import OpenAIChat

        chat = OpenAIChat(settings.model or DEFAULT_MODELS["openai"],
                          api_key=_key(settings.openai_api_key, env, "OPENAI_API_KEY",
                                       "openai_api_key", "OpenAI"),
                          base_url=settings.openai_base_url or env.get("OPENAI_BASE_URL") or None,
                          timeout_s=settings.model_timeout_s)
    elif name == "anthropic":
        from geosleuth.backends.anthropic_chat import AnthropicChat

        chat = AnthropicChat(settings.model or DEFAULT_MODELS["anthropic"],
                             api_key=_key(settings.anthropic_api_key, env, "ANTHROPIC_API_KEY",
                                          "anthropic_api_key", "Anthropic"),
                             base_url=settings.anthropic_base_url
                             or env.get("ANTHROPIC_BASE_URL") or None,
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
