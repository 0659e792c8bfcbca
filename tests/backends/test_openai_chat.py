"""The OpenAI adapter against the real openai SDK and a local scripted server."""

from __future__ import annotations

import json

import pytest
from scripted_server import Scripted, ScriptedServer, openai_error, openai_reply

from geosleuth.backends.chat import ImagePart, Message, user
from geosleuth.backends.faults import (
    ContextTooLong,
    PermanentFault,
    RateLimited,
    ServerFault,
    TimeoutFault,
)
from geosleuth.backends.openai_chat import OpenAIChat

TOOLS = [{"name": "map_search", "description": "search the map",
          "parameters": {"type": "object", "properties": {"text": {"type": "string"}}}}]


def make(server: ScriptedServer, **kw: object) -> OpenAIChat:
    return OpenAIChat("gpt-4o", api_key="sk-test", base_url=server.url + "/v1", **kw)


def test_tool_calls_image_and_usage_round_trip(server: ScriptedServer) -> None:
    server.add(Scripted(openai_reply("Looking.", [("call_1", "map_search", '{"text": "Rue X"}')],
                                     usage=(812, 31))))
    img = ImagePart(b"\xff\xd8fakejpeg", width=4, height=3)
    reply = make(server).chat([Message("system", "sys"), user("look", img)], TOOLS,
                              temperature=0.0, seed=7, max_tokens=500)
    assert reply.text == "Looking."
    assert [(c.id, c.name, c.arguments) for c in reply.tool_calls] == [
        ("call_1", "map_search", {"text": "Rue X"})]
    assert (reply.usage.tokens_in, reply.usage.tokens_out) == (812, 31)
    sent = server.seen[0]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == "Bearer sk-test"
    body = sent.body
    assert body["model"] == "gpt-4o" and body["seed"] == 7 and body["temperature"] == 0.0
    assert body["tools"][0]["function"]["name"] == "map_search"
    parts = body["messages"][1]["content"]
    assert parts[0] == {"type": "text", "text": "look"}
    assert parts[1]["image_url"]["url"].startswith("data:image/jpeg;base64,")


def test_malformed_arguments_are_repaired_or_reported(server: ScriptedServer) -> None:
    server.add(Scripted(openai_reply(None, [
        ("c1", "map_search", '```json\n{"text": "A",}\n```'),
        ("c2", "map_search", '{"text": "unterminated'),
    ])))
    reply = make(server).chat([user("x")], TOOLS)
    good, bad = reply.tool_calls
    assert good.arguments == {"text": "A"} and good.error is None
    assert bad.arguments is None and "not valid JSON" in (bad.error or "")
    assert bad.raw_arguments == '{"text": "unterminated'


def test_refusal_is_reported(server: ScriptedServer) -> None:
    server.add(Scripted(openai_reply(None, refusal="I can't help with locating people.")))
    reply = make(server).chat([user("x")])
    assert reply.refusal == "I can't help with locating people."


def test_429_carries_retry_after(server: ScriptedServer) -> None:
    server.add(Scripted(openai_error(429, "slow down"), status=429, headers={"retry-after": "7"}))
    with pytest.raises(RateLimited) as info:
        make(server).chat([user("x")])
    assert info.value.retry_after_s == 7.0


def test_5xx_context_auth_and_timeout_faults(server: ScriptedServer) -> None:
    server.add(
        Scripted(openai_error(503, "overloaded"), status=503),
        Scripted(openai_error(400, "This model's maximum context length is 128000 tokens.",
                              "context_length_exceeded"), status=400),
        Scripted(openai_error(401, "Incorrect API key provided"), status=401),
        Scripted(openai_reply("late"), delay_s=1.5),
    )
    with pytest.raises(ServerFault):
        make(server).chat([user("x")])
    with pytest.raises(ContextTooLong):
        make(server).chat([user("x")])
    with pytest.raises(PermanentFault, match="API key was rejected"):
        make(server).chat([user("x")])
    with pytest.raises(TimeoutFault):
        make(server, timeout_s=0.3).chat([user("x")])


def test_json_mode_for_servers_without_tools(server: ScriptedServer) -> None:
    server.add(Scripted(openai_reply(json.dumps({"thought": "t", "calls": []}))))
    make(server, json_output=True).chat([user("x")])
    assert server.seen[0].body["response_format"] == {"type": "json_object"}


def test_unreadable_answers_are_server_faults(server: ScriptedServer) -> None:
    from geosleuth.backends.anthropic_chat import AnthropicChat

    server.add(Scripted("not a completion"), Scripted({"content": 5}))
    with pytest.raises(ServerFault, match="unreadable response"):
        make(server).chat([user("x")])
    with pytest.raises(ServerFault, match="unreadable response"):
        AnthropicChat("claude-sonnet-4-6", api_key="k", base_url=server.url).chat([user("x")])
