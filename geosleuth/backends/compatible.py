"""OpenAI-compatible servers (Ollama, vLLM, LM Studio, llama.cpp) and the JSON-in-text protocol.

Servers are named entries in the config file (``[servers.<name>]`` with ``base_url``,
``model``, ``api_key_env`` and capability flags), not code. A server whose model has no
native tool calls is wrapped in ``JsonToolChat``: the tools are described in the system
prompt, the model answers with one JSON object, and a strict parser turns that object
into tool calls or reports exactly what is wrong with it (never guesses).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
from typing import Any
from urllib.parse import urlsplit

from geosleuth.agent.prompts import load_prompt
from geosleuth.backends.chat import (
    Capabilities,
    ChatModel,
    ChatReply,
    ChatToolCall,
    Message,
)
from geosleuth.backends.openai_chat import OpenAIChat
from geosleuth.errors import ConfigError
from geosleuth.settings import ServerConfig, Settings

LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}
_FENCE = re.compile(r"\A```(?:json)?\s*(.*?)\s*```\Z", re.S)


class ProtocolError(ValueError):
    """A reply that does not follow the JSON-in-text protocol."""


def parse_json_reply(text: str) -> tuple[str, list[ChatToolCall]]:
    """The thought and the tool calls of a JSON-in-text reply, or ProtocolError saying why.

    The reply must be exactly one JSON object (a single ```json fence around it is
    allowed) with a string ``thought`` and a list ``calls`` of objects with a string
    ``name`` and an object ``arguments``; no other keys. Names are only checked to be
    non-empty strings here: an unknown tool is the executor's to report.
    """
    body = text.strip()
    fence = _FENCE.match(body)
    if fence:
        body = fence.group(1)
    if not body:
        raise ProtocolError("the reply is empty; answer with one JSON object")
    try:
        value = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ProtocolError(
            f"the reply is not one JSON object ({exc.msg} at character {exc.pos})") from None
    if not isinstance(value, dict):
        raise ProtocolError(f"the reply must be a JSON object, not {type(value).__name__}")
    extra = set(value) - {"thought", "calls"}
    if extra:
        raise ProtocolError(f"unexpected keys {sorted(extra)}; use only 'thought' and 'calls'")
    thought = value.get("thought", "")
    if not isinstance(thought, str):
        raise ProtocolError("'thought' must be a string")
    calls_in = value.get("calls", [])
    if not isinstance(calls_in, list):
        raise ProtocolError("'calls' must be a list")
    calls: list[ChatToolCall] = []
    for i, c in enumerate(calls_in):
        if not isinstance(c, dict) or set(c) - {"name", "arguments"}:
            raise ProtocolError(f"calls[{i}] must be an object with only 'name' and 'arguments'")
        name, args = c.get("name"), c.get("arguments", {})
        if not isinstance(name, str) or not name:
            raise ProtocolError(f"calls[{i}].name must be a non-empty string")
        if not isinstance(args, dict):
            raise ProtocolError(f"calls[{i}].arguments must be an object")
        calls.append(ChatToolCall(id=f"j{i + 1}", name=name, arguments=args,
                                  raw_arguments=json.dumps(args, ensure_ascii=False)))
    return thought, calls


def protocol_prompt(tools: list[dict[str, Any]]) -> str:
    listing = "\n".join(
        f"- {t['name']}: {' '.join(t.get('description', '').split())}\n"
        f"  arguments schema: {json.dumps(t.get('parameters') or {}, sort_keys=True)}"
        for t in tools
    )
    return load_prompt("json_protocol").fill(tools=listing)


class JsonToolChat:
    """Tool calls over plain text for models without native tool calling."""

    def __init__(self, inner: ChatModel) -> None:
        self.inner = inner
        self.provider = inner.provider
        self.model = inner.model
        self.host = inner.host
        self.remote = inner.remote
        self.capabilities = inner.capabilities

    def _plain(self, messages: list[Message], tools: list[dict[str, Any]]) -> list[Message]:
        out: list[Message] = []
        for m in messages:
            if m.role == "assistant" and m.tool_calls:
                calls = [{"name": c.name, "arguments": c.arguments or {}} for c in m.tool_calls]
                out.append(Message("assistant", json.dumps({"thought": m.text, "calls": calls})))
            elif m.role == "tool":
                out.append(Message("user", f"Result of call {m.tool_call_id}:\n{m.text}"))
            else:
                out.append(m)
        rules = Message("system", protocol_prompt(tools))
        first_user = next((i for i, m in enumerate(out) if m.role != "system"), len(out))
        return [*out[:first_user], rules, *out[first_user:]]

    def chat(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        *,
        temperature: float | None = None,
        seed: int | None = None,
        max_tokens: int | None = None,
    ) -> ChatReply:
        if not tools:
            return self.inner.chat(messages, None, temperature=temperature, seed=seed,
                                   max_tokens=max_tokens)
        reply = self.inner.chat(self._plain(messages, tools), None, temperature=temperature,
                                seed=seed, max_tokens=max_tokens)
        if reply.refusal:
            return reply
        try:
            thought, calls = parse_json_reply(reply.text)
        except ProtocolError as exc:
            return ChatReply(text=reply.text, usage=reply.usage, raw=reply.raw, finish=reply.finish,
                             latency_ms=reply.latency_ms, protocol_error=str(exc))
        return ChatReply(text=thought, tool_calls=tuple(calls), usage=reply.usage, raw=reply.raw,
                         finish=reply.finish, latency_ms=reply.latency_ms)


def is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOOPBACK


def server_chat(name: str, server: ServerConfig, settings: Settings,
                environ: dict[str, str] | None = None) -> ChatModel:
    """The chat model of a named server from the config file."""
    env = os.environ if environ is None else environ
    model = settings.model or server.model
    if not model:
        raise ConfigError(f"server {name!r} has no model; give --model or set servers.{name}.model")
    key = server.api_key.get_secret_value() if server.api_key is not None else None
    if key is None and server.api_key_env:
        key = env.get(server.api_key_env)
        if not key:
            raise ConfigError(f"{server.api_key_env} is not set (the API key of server {name!r})")
    caps = Capabilities(vision=server.vision, native_tools=server.native_tools,
                        json_mode=server.json_mode, context_tokens=server.context_tokens,
                        max_image_side=server.max_image_side)
    chat: ChatModel = OpenAIChat(model, api_key=key, base_url=server.base_url,
                                 timeout_s=settings.model_timeout_s, capabilities=caps,
                                 remote=not is_loopback(server.base_url),
                                 json_output=not server.native_tools and server.json_mode,
                                 provider=name)
    return chat if server.native_tools else JsonToolChat(chat)


def ollama_server(environ: dict[str, str] | None = None) -> ServerConfig:
    """Ollama's OpenAI-compatible endpoint at ``OLLAMA_HOST`` (default 127.0.0.1:11434)."""
    env = os.environ if environ is None else environ
    return ServerConfig(base_url=ollama_url(env.get("OLLAMA_HOST")) + "/v1")


def ollama_url(value: str | None) -> str:
    """``OLLAMA_HOST`` read the way Ollama reads it (``envconfig.Host``): quotes and spaces
    around it dropped; no scheme means http and port 11434 (``localhost``,
    ``127.0.0.1``, ``[::1]``); ``:11434`` is that port on 127.0.0.1; a scheme with no
    port means its own port (http 80, https 443); a port that is not 0-65535 is the
    default; a path is kept (a proxy). Unset or empty: http://127.0.0.1:11434."""
    text = (value or "").strip().strip("\"'").strip()
    scheme, sep, hostport = text.partition("://")
    default_port = "11434"
    if not sep:
        scheme, hostport = "http", text
    elif scheme in ("http", "https"):
        default_port = "80" if scheme == "http" else "443"
    else:
        raise ConfigError(f"OLLAMA_HOST={value!r}: geosleuth reaches Ollama over http or"
                          f" https, not {scheme}://")
    hostport, _, path = hostport.partition("/")
    split = _split_host_port(hostport)
    if split is None:
        host, port = hostport or "127.0.0.1", default_port
        with contextlib.suppress(ValueError):
            host = ipaddress.ip_address(hostport.strip("[]")).compressed
    else:
        host, port = split
    if not re.fullmatch(r"[+-]?\d{1,10}", port) or not 0 <= int(port) <= 65535:
        port = default_port
    host = host or "127.0.0.1"  # ":11434": the port on this machine
    if ":" in host:
        host = f"[{host}]"
    path = path.strip("/")
    return f"{scheme}://{host}:{int(port)}" + (f"/{path}" if path else "")


def _split_host_port(hostport: str) -> tuple[str, str] | None:
    """Go's ``net.SplitHostPort``: ("host", "port"), or None when there is no port part."""
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0 or hostport[end + 1:end + 2] != ":":
            return None
        return hostport[1:end], hostport[end + 2:]
    host, sep, port = hostport.rpartition(":")
    if not sep or ":" in host:
        return None
    return host, port
