"""``OLLAMA_HOST`` read exactly as Ollama reads it, and the errors of a backend without its SDK."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from scripted_server import Scripted, ScriptedServer, openai_reply

from geosleuth.backends import create_chat
from geosleuth.backends.compatible import ollama_server, ollama_url
from geosleuth.errors import ConfigError
from geosleuth.settings import ServerConfig, Settings

# The cases of Ollama's own envconfig TestHost, but ":PORT" (Ollama: "http://:PORT", which
# its client dials on this machine) is 127.0.0.1:PORT here.
CASES = {
    None: "http://127.0.0.1:11434",
    "": "http://127.0.0.1:11434",
    "127.0.0.1": "http://127.0.0.1:11434",
    "localhost": "http://localhost:11434",
    ":11434": "http://127.0.0.1:11434",
    ":1234": "http://127.0.0.1:1234",
    "1.2.3.4": "http://1.2.3.4:11434",
    "1.2.3.4:1234": "http://1.2.3.4:1234",
    "example.com": "http://example.com:11434",
    "example.com:1234": "http://example.com:1234",
    "0.0.0.0": "http://0.0.0.0:11434",
    ":0": "http://127.0.0.1:0",
    ":66000": "http://127.0.0.1:11434",
    ":-1": "http://127.0.0.1:11434",
    "localhost:": "http://localhost:11434",
    "[::1]": "http://[::1]:11434",
    "[::]": "http://[::]:11434",
    "::1": "http://[::1]:11434",
    "[::1]:1337": "http://[::1]:1337",
    " 1.2.3.4 ": "http://1.2.3.4:11434",
    '"1.2.3.4"': "http://1.2.3.4:11434",
    ' " 1.2.3.4 " ': "http://1.2.3.4:11434",
    "'1.2.3.4'": "http://1.2.3.4:11434",
    "http://1.2.3.4": "http://1.2.3.4:80",
    "http://1.2.3.4:4321": "http://1.2.3.4:4321",
    "https://1.2.3.4": "https://1.2.3.4:443",
    "https://1.2.3.4:4321": "https://1.2.3.4:4321",
    "https://example.com/ollama": "https://example.com:443/ollama",
    "http://gpu.lan:11434/": "http://gpu.lan:11434",
}


@pytest.mark.parametrize(("value", "url"), list(CASES.items()), ids=repr)
def test_ollama_host_forms(value: str | None, url: str) -> None:
    assert ollama_url(value) == url
    env = {} if value is None else {"OLLAMA_HOST": value}
    assert ollama_server(env).base_url == url + "/v1"


def test_a_unix_socket_is_refused_with_one_line() -> None:
    with pytest.raises(ConfigError, match=r"^OLLAMA_HOST='unix:///tmp/ollama.sock': .* http or"
                                          r" https, not unix://$"):
        ollama_url("unix:///tmp/ollama.sock")


@pytest.mark.parametrize("form", [":{port}", "127.0.0.1:{port}", "'http://127.0.0.1:{port}/'"])
def test_requests_reach_the_host_given(form: str, tmp_path: Path,
                                       server: ScriptedServer) -> None:
    server.add(Scripted(openai_reply("hello")))
    port = server.url.rsplit(":", 1)[1]
    settings = Settings(backend="ollama", model="qwen2.5vl", cache=False,
                        cache_dir=tmp_path / "cache")
    chat = create_chat(settings, environ={"OLLAMA_HOST": form.format(port=port)})
    assert chat.chat([]).text == "hello"
    assert server.seen[0].path == "/v1/chat/completions"
    assert chat.host == "127.0.0.1" and chat.remote is False


def test_a_missing_sdk_names_the_backend_chosen(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openai", None)  # import openai fails
    monkeypatch.setitem(sys.modules, "anthropic", None)
    servers = {"lab": ServerConfig(base_url="http://127.0.0.1:9/v1", model="m")}
    env = {"OPENAI_API_KEY": "k", "ANTHROPIC_API_KEY": "k"}
    for backend, package in (("ollama", "openai"), ("lab", "openai"), ("openai", "openai"),
                             ("anthropic", "anthropic")):
        settings = Settings(backend=backend, model="m", cache=False, servers=servers,
                            cache_dir=tmp_path / "cache")
        with pytest.raises(ConfigError) as info:
            create_chat(settings, environ=env)
        assert str(info.value) == (f"the {backend} backend needs the {package} package:"
                                   f" pip install 'geosleuth[{package}]'")
