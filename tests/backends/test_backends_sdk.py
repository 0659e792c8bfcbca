"""Backends end to end: the real openai and anthropic SDKs against a local scripted server.

Each test runs the loop with ``create_reasoner`` (keys and endpoints from the environment
given to it), so the SDK, the adapter, the reasoner and the replay cache are all real.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_chat import LandmarkTool, photo_case, registry, run
from scripted_server import (
    Scripted,
    ScriptedServer,
    anthropic_error,
    anthropic_reply,
    openai_error,
    openai_reply,
)

from geosleuth.backends import create_chat, create_reasoner
from geosleuth.backends.llm_reasoner import LLMReasoner
from geosleuth.errors import ConfigError
from geosleuth.settings import ServerConfig, Settings

SUBMIT_EIFFEL = json.dumps({"lat": 48.8584, "lon": 2.2945, "radius_km": 1.0, "confidence": 0.7,
                            "place": "Paris", "evidence": ["E1"], "rationale": "the tower"})


def settings_for(tmp_path: Path, backend: str, **kw: object) -> Settings:
    return Settings(backend=backend, cache_dir=tmp_path / "cache", steps=4, **kw)


def quiet(reasoner: object, sleeps: list[float]) -> LLMReasoner:
    assert isinstance(reasoner, LLMReasoner)
    reasoner.sleep = sleeps.append  # record the waits instead of sleeping
    return reasoner


def test_openai_case_runs_then_replays_from_cache_without_network(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.add(
        Scripted(openai_reply("A tower.", [("call_1", "landmark", '{"name": "Eiffel Tower"}')],
                              usage=(1500, 40))),
        Scripted(openai_reply("Paris.", [("call_2", "submit_verdict", SUBMIT_EIFFEL)],
                              usage=(1700, 60))),
    )
    case = photo_case(tmp_path)
    settings = settings_for(tmp_path, "openai", model="gpt-4o")
    env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": server.url + "/v1"}
    _, first = run(create_reasoner(settings, environ=env), case, settings, registry(LandmarkTool()))
    assert first.error is None and first.state.verdict.known
    assert len(server.seen) == 2
    req = server.seen[0].body
    assert [t["function"]["name"] for t in req["tools"]] == [
        "landmark", "zoom", "submit_verdict", "conclude"]
    assert req["messages"][1]["content"][1]["type"] == "image_url"
    assert req["seed"] == 0  # path 0; path k asks with seed k
    assert first.state.usage.tokens_in == 3200
    assert first.state.usage.cost_usd == pytest.approx((3200 * 2.5 + 100 * 10) / 1e6)
    assert {e.host for e in first.state.egress} == {"127.0.0.1"}

    # the same case again: every model call comes from the cache; the endpoint is down
    server.httpd.shutdown()
    server.httpd.server_close()
    _, again = run(create_reasoner(settings, environ=env), case, settings,
                   registry(LandmarkTool()))
    assert again.error is None
    assert len(server.seen) == 2
    assert [s.as_dict()["calls"] for s in again.state.steps] == [
        s.as_dict()["calls"] for s in first.state.steps]
    assert again.state.verdict == first.state.verdict
    assert again.state.usage.cost_usd == 0.0 and again.state.egress == []
    assert again.state.steps[0].transcript[0]["reply"]["cached"] is True

    # --no-cache asks the model again (and finds it down: the case ends with the error)
    nocache = settings_for(tmp_path, "openai", model="gpt-4o", cache=False)
    reasoner = quiet(create_reasoner(nocache, environ=env), [])
    _, down = run(reasoner, case, nocache, registry(LandmarkTool()))
    assert down.error and "cannot connect" in down.error


def test_openai_faults_over_http(tmp_path: Path, server: ScriptedServer) -> None:
    server.add(
        Scripted(openai_error(429, "Rate limit reached"), status=429, headers={"retry-after": "3"}),
        Scripted(openai_error(500, "The server had an error"), status=500),
        Scripted(openai_reply(None, [("c1", "landmark", '{"name": "Eiffel Tower"')])),  # bad JSON
        Scripted(openai_error(400, "This model's maximum context length is 128000 tokens. "
                              "However, your messages resulted in 130000 tokens.",
                              "context_length_exceeded"), status=400),
        Scripted(openai_reply(None, refusal="I'm sorry, I can't assist with that.")),
        Scripted(openai_reply("", [("c2", "conclude", "{}")])),
    )
    sleeps: list[float] = []
    settings = settings_for(tmp_path, "openai", cache=False)
    env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": server.url + "/v1"}
    _, done = run(quiet(create_reasoner(settings, environ=env), sleeps), photo_case(tmp_path),
                  settings, registry(LandmarkTool()))
    assert done.error is None
    assert sleeps == [3.0, 4.0]  # Retry-After, then the backoff (2 s · 2)
    assert done.state.steps[0].calls == []  # the malformed call was not run ...
    step2 = server.seen[3].body["messages"][1]["content"][-1]["text"]
    assert "was not run: arguments are not valid JSON" in step2  # ... and reported
    # after the context error the request shrank (smaller image), then the refusal was re-asked
    assert server.seen[4].body != server.seen[3].body
    assert "the model declined" in server.seen[5].body["messages"][1]["content"][-1]["text"]


def test_anthropic_tools_images_and_faults(tmp_path: Path, server: ScriptedServer) -> None:
    server.add(
        Scripted(anthropic_error(529, "Overloaded", "overloaded_error"), status=529),
        Scripted(anthropic_reply("A tower.", [("toolu_1", "landmark", {"name": "Eiffel Tower"})])),
        Scripted(anthropic_error(429, "rate limited", "rate_limit_error"), status=429,
                 headers={"retry-after": "11"}),
        Scripted(anthropic_error(400, "prompt is too long: 210000 tokens > 200000 maximum"),
                 status=400),
        Scripted(anthropic_reply(None, stop="refusal")),
        Scripted(anthropic_reply("Paris.", [("toolu_2", "submit_verdict",
                                             json.loads(SUBMIT_EIFFEL))], usage=(2000, 80))),
    )
    sleeps: list[float] = []
    settings = settings_for(tmp_path, "anthropic", model="claude-sonnet-4-6", cache=False)
    env = {"ANTHROPIC_API_KEY": "sk-ant-test", "ANTHROPIC_BASE_URL": server.url}
    _, done = run(quiet(create_reasoner(settings, environ=env), sleeps), photo_case(tmp_path),
                  settings, registry(LandmarkTool()))
    assert done.error is None and done.state.verdict.known
    assert sleeps == [2.0, 11.0]
    first = server.seen[0]
    assert first.path == "/v1/messages"
    sent_key = first.headers.get("x-api-key", "") + first.headers.get("authorization", "")
    assert "sk-ant-test" in sent_key
    body = first.body
    assert body["system"].startswith("You are the reasoner of geosleuth")
    blocks = body["messages"][0]["content"]
    assert blocks[1]["type"] == "image" and blocks[1]["source"]["media_type"] == "image/jpeg"
    assert [t["name"] for t in body["tools"]][-2:] == ["submit_verdict", "conclude"]
    assert "input_schema" in body["tools"][0]
    # claude-sonnet-4 at $3 / $15 per million tokens
    assert done.state.steps[0].usage.cost_usd == pytest.approx((120 * 3 + 30 * 15) / 1e6)


def test_compatible_server_without_native_tools_uses_the_json_protocol(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.add(
        Scripted(openai_reply("I think it is Paris.")),  # prose, not the protocol: asked again
        Scripted(openai_reply(json.dumps({"thought": "check the tower", "calls": [
            {"name": "landmark", "arguments": {"name": "Eiffel Tower"}}]}))),
        Scripted(openai_reply("```json\n" + json.dumps({"thought": "done", "calls": [
            {"name": "submit_verdict", "arguments": json.loads(SUBMIT_EIFFEL)}]}) + "\n```")),
    )
    servers = {"local": ServerConfig(base_url=server.url + "/v1", model="llava:13b",
                                     native_tools=False)}
    settings = settings_for(tmp_path, "local", cache=False, servers=servers)
    _, done = run(create_reasoner(settings, environ={}), photo_case(tmp_path), settings,
                  registry(LandmarkTool()))
    assert done.error is None and done.state.verdict.known
    body = server.seen[0].body
    assert "tools" not in body and body["response_format"] == {"type": "json_object"}
    assert body["model"] == "llava:13b"
    protocol = body["messages"][1]["content"]
    assert "strict JSON protocol" in protocol and "- landmark: Find a named landmark" in protocol
    assert "did not follow the JSON protocol" in server.seen[1].body["messages"][-1]["content"][-1][
        "text"]
    assert done.state.steps[0].calls[0].name == "landmark"
    assert done.state.egress == []  # a server on this machine: nothing left it
    assert done.state.backend["remote"] is False


def test_ollama_host_and_missing_keys(tmp_path: Path, server: ScriptedServer) -> None:
    server.add(Scripted(openai_reply("hello")))
    settings = settings_for(tmp_path, "ollama", model="qwen2.5vl", cache=False)
    chat = create_chat(settings, environ={"OLLAMA_HOST": server.url})
    assert chat.chat([]).text == "hello"
    assert server.seen[0].path == "/v1/chat/completions"
    for backend, var in (("openai", "OPENAI_API_KEY"), ("anthropic", "ANTHROPIC_API_KEY")):
        with pytest.raises(ConfigError, match=rf"^{var} is not set"):
            create_reasoner(settings_for(tmp_path, backend), environ={})
    keyed = {"vllm": ServerConfig(base_url="http://gpu.lan:8000/v1", model="m",
                                  api_key_env="VLLM_KEY")}
    with pytest.raises(ConfigError, match=r"^VLLM_KEY is not set"):
        create_reasoner(settings_for(tmp_path, "vllm", servers=keyed), environ={})
    with pytest.raises(ConfigError, match="unknown backend 'nope'"):
        create_reasoner(settings_for(tmp_path, "nope"), environ={})
