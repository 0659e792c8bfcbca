"""A server answering HTTP 200 with a body that is not a reply: a fault like a 500.

Not JSON at all (a proxy's HTML page, an empty or cut-off body), or JSON without the
fields of a reply: both adapters raise ``MalformedReply`` (a transient server fault), the
reasoner retries it, and when retries are spent ``geosleuth locate`` exits 3 with the case
saved, as for an HTTP 500.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fake_chat import LandmarkTool, photo_case, registry, run
from scripted_server import Scripted, ScriptedServer, anthropic_reply, openai_reply

from geosleuth.backends import create_reasoner
from geosleuth.backends.anthropic_chat import AnthropicChat
from geosleuth.backends.chat import user
from geosleuth.backends.faults import MalformedReply, ServerFault
from geosleuth.backends.llm_reasoner import LLMReasoner
from geosleuth.backends.openai_chat import OpenAIChat
from geosleuth.settings import Settings
from geosleuth.testing import render_photo

NOT_JSON = [
    Scripted(raw=b"<html><body>502 Bad Gateway</body></html>"),
    Scripted(raw=b"<html>maintenance</html>", headers={"content-type": "text/html"}),
    Scripted(raw=b""),
    Scripted(raw=b'{"choices": [{"index": 0, "message": {"role": "assis'),  # cut off
    Scripted(raw=b"\xff\xfe\x00garbage"),
]
OPENAI_SHAPELESS = [
    Scripted({"error": "none", "detail": "ok"}),  # JSON, but no choices
    Scripted({"choices": "none"}),
    Scripted({"choices": [{"index": 0, "finish_reason": "stop"}]}),  # a choice, no message
    Scripted({"choices": [{"index": 0, "message": {"role": "assistant", "content": 5}}]}),
    Scripted({"choices": [{"index": 0, "message": {"role": "assistant", "tool_calls": [
        {"id": "c1", "type": "function", "function": {"arguments": "{}"}}]}}]}),  # no name
    Scripted([1, 2, 3]),
]
ANTHROPIC_SHAPELESS = [
    Scripted({"id": "msg", "type": "message"}),  # no content
    Scripted({"content": "text"}),
    Scripted({"content": [{"type": "text"}], "usage": {"input_tokens": 1, "output_tokens": 1}}),
    Scripted({"content": [{"type": "tool_use", "input": {}}]}),  # a call with no id or name
    Scripted("a JSON string"),
]


def openai_chat(server: ScriptedServer) -> OpenAIChat:
    return OpenAIChat("gpt-4o", api_key="sk-test", base_url=server.url + "/v1")


def anthropic_chat(server: ScriptedServer) -> AnthropicChat:
    return AnthropicChat("claude-sonnet-4-6", api_key="k", base_url=server.url)


@pytest.mark.parametrize(("make", "shapeless"), [(openai_chat, OPENAI_SHAPELESS),
                                                 (anthropic_chat, ANTHROPIC_SHAPELESS)],
                         ids=["openai", "anthropic"])
def test_a_body_that_is_not_a_reply_is_a_transient_fault(make: object, shapeless: list[Scripted],
                                                         server: ScriptedServer) -> None:
    assert callable(make)
    for item in [*NOT_JSON, *shapeless]:
        server.add(item)
        with pytest.raises(MalformedReply, match="unreadable response") as info:
            make(server).chat([user("x")])
        assert isinstance(info.value, ServerFault) and info.value.transient, item
    assert not server.script


def test_the_reasoner_retries_a_malformed_reply(tmp_path: Path, server: ScriptedServer) -> None:
    server.add(Scripted(raw=b"<html>busy</html>"), Scripted({"content": None}),
               Scripted(anthropic_reply("Done.", [("t1", "conclude", {})])))
    settings = Settings(backend="anthropic", cache_dir=tmp_path / "cache", steps=2, cache=False)
    reasoner = create_reasoner(settings, environ={"ANTHROPIC_API_KEY": "k",
                                                  "ANTHROPIC_BASE_URL": server.url})
    assert isinstance(reasoner, LLMReasoner)
    sleeps: list[float] = []
    reasoner.sleep = sleeps.append
    _, done = run(reasoner, photo_case(tmp_path), settings, registry(LandmarkTool()))
    assert done.error is None
    assert sleeps == [2.0, 4.0] and len(server.seen) == 3
    retries = done.state.steps[0].transcript[0]["retries"]
    assert "the body is not JSON" in retries[0] and "has no valid 'content'" in retries[1]


# The retries' waits (2 + 4 + 8 s) are skipped in the child process; nothing else changes.
NO_WAIT = ("import geosleuth.backends.llm_reasoner as r;"
           " r.LLMReasoner.__init__.__kwdefaults__['sleep'] = lambda s: None;"
           " from geosleuth.cli.app import main; main()")


@pytest.mark.parametrize("backend", ["openai", "anthropic"])
def test_locate_exits_3_and_keeps_the_case_when_replies_stay_malformed(
    backend: str, tmp_path: Path, server: ScriptedServer
) -> None:
    bad = (Scripted({"choices": None}) if backend == "openai"
           else Scripted(raw=b"upstream connect error"))
    server.add(*[bad] * 4, Scripted(openai_reply("never asked")))
    photo = render_photo(tmp_path / "p.jpg", size=(320, 240))
    out = tmp_path / "cases"
    keep = ("GEOSLEUTH_CACHE_DIR", "GEOSLEUTH_DATA_DIR")
    env = {k: v for k, v in os.environ.items() if k in keep or
           not k.startswith(("GEOSLEUTH_", "OPENAI_", "ANTHROPIC_", "OLLAMA_"))}
    env |= {"GEOSLEUTH_CONFIG": str(tmp_path / "none.toml"), "OPENAI_API_KEY": "sk-test",
            "OPENAI_BASE_URL": server.url + "/v1", "ANTHROPIC_API_KEY": "k",
            "ANTHROPIC_BASE_URL": server.url}
    proc = subprocess.run([sys.executable, "-c", NO_WAIT, "locate", str(photo), "--backend",
                           backend, "--out", str(out), "--no-cache"],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 3, proc.stderr
    assert len(server.seen) == 4  # asked four times, then gave up
    assert "kept failing after 4 attempts" in proc.stderr and "unreadable response" in proc.stderr
    assert "is saved in" in proc.stderr and "Traceback" not in proc.stderr
    (folder,) = out.iterdir()
    record = json.loads((folder / "case.json").read_text())
    assert "unreadable response" in record["error"]
    assert record["backend"]["name"] == backend
    assert "The case stopped early" in (folder / "report.md").read_text().replace("\\", "")
