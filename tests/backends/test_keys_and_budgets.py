"""Keys and endpoints from the config file, and budgets from the command line.

The real openai and anthropic SDKs talk to the local scripted server; the key must reach
the provider and nothing else: not case.json, not the report, not ``geosleuth config``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scripted_server import Scripted, ScriptedServer, anthropic_reply, openai_reply
from test_report_cli import geosleuth

from geosleuth.backends import create_chat
from geosleuth.errors import ConfigError
from geosleuth.settings import load_settings
from geosleuth.testing import render_photo


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_openai_key_and_endpoint_from_the_config_file_win_over_the_environment(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.add(Scripted(openai_reply("hello")))
    path = config(tmp_path, f'openai_api_key = "sk-from-config"\n'
                            f'openai_base_url = "{server.url}/v1"\n')
    settings, sources = load_settings({"backend": "openai", "cache": False}, environ={},
                                      path=path)
    assert sources["openai_api_key"] == "file"
    env = {"OPENAI_API_KEY": "sk-from-env", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    assert create_chat(settings, environ=env).chat([]).text == "hello"
    assert server.seen[0].headers["authorization"] == "Bearer sk-from-config"


def test_anthropic_key_from_geosleuth_variable_endpoint_from_provider_variable(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.add(Scripted(anthropic_reply("hello")))
    env = {"GEOSLEUTH_ANTHROPIC_API_KEY": "sk-ant-geosleuth", "ANTHROPIC_BASE_URL": server.url}
    settings, sources = load_settings({"backend": "anthropic", "cache": False}, environ=env,
                                      path=tmp_path / "none.toml")
    assert sources["anthropic_api_key"] == "env"
    assert create_chat(settings, environ=env).chat([]).text == "hello"
    headers = server.seen[0].headers  # the SDK sends X-Api-Key or Authorization: Bearer
    assert "sk-ant-geosleuth" in headers.get("x-api-key", "") + headers.get("authorization", "")


def test_a_named_server_may_hold_its_key(tmp_path: Path, server: ScriptedServer) -> None:
    server.add(Scripted(openai_reply("hello")))
    path = config(tmp_path, f'[servers.gpu]\nbase_url = "{server.url}/v1"\nmodel = "m"\n'
                            'api_key = "lan-key"\napi_key_env = "UNSET_VARIABLE"\n')
    settings, _ = load_settings({"backend": "gpu", "cache": False}, environ={}, path=path)
    assert create_chat(settings, environ={}).chat([]).text == "hello"
    assert server.seen[0].headers["authorization"] == "Bearer lan-key"


def test_missing_key_names_the_variable_and_the_setting(tmp_path: Path) -> None:
    settings, _ = load_settings({"backend": "openai"}, environ={}, path=tmp_path / "none.toml")
    with pytest.raises(ConfigError) as err:
        create_chat(settings, environ={})
    assert str(err.value) == (
        "OPENAI_API_KEY is not set: export your OpenAI API key in OPENAI_API_KEY (or set"
        " openai_api_key in the config file), or use --backend offline")


def test_locate_with_a_config_key_and_a_token_budget_leaks_no_key(
    tmp_path: Path, server: ScriptedServer
) -> None:
    """The first reply spends 1,540 tokens of a 100-token budget: the verdict is forced from
    the evidence so far (the EXIF position the tool call read), with no second request."""
    server.add(Scripted(openai_reply("Reading the metadata.",
                                     [("c1", "exif_metadata", "{}")], usage=(1500, 40))))
    photo = render_photo(tmp_path / "p.jpg", size=(640, 480), gps=(47.141, 9.5209))
    path = config(tmp_path, f'openai_api_key = "sk-from-config"\n'
                            f'openai_base_url = "{server.url}/v1"\n')
    out = tmp_path / "cases"
    proc = geosleuth(["locate", str(photo), "--backend", "openai", "--model", "gpt-4o",
                      "--max-tokens", "100", "--no-cache", "--out", str(out)], tmp_path,
                     GEOSLEUTH_CONFIG=str(path))
    assert proc.returncode == 0, proc.stderr
    assert len(server.seen) == 1
    assert server.seen[0].headers["authorization"] == "Bearer sk-from-config"
    (folder,) = out.iterdir()
    text = (folder / "case.json").read_text()
    record = json.loads(text)
    assert record["settings"]["max_tokens"] == 100
    assert "openai_api_key" not in record["settings"]
    assert record["verdict"]["stopped"] == "token budget spent (1540 of 100)"
    assert record["verdict"]["level"] == "exact"
    for name in ("case.json", "report.md", "hypotheses.geojson"):
        assert "sk-from-config" not in (folder / name).read_text()
    assert "sk-from-config" not in proc.stdout + proc.stderr

    shown = geosleuth(["config", "--json"], tmp_path, GEOSLEUTH_CONFIG=str(path))
    assert shown.returncode == 0, shown.stderr
    assert "sk-from-config" not in shown.stdout
    values = json.loads(shown.stdout)
    assert values["openai_api_key"] == {"value": "**********", "source": "file"}
    assert values["openai_base_url"]["value"] == f"{server.url}/v1"
    table = geosleuth(["config"], tmp_path, GEOSLEUTH_CONFIG=str(path))
    assert "sk-from-config" not in table.stdout and "openai_api_key" in table.stdout


def test_budget_flags_are_validated(tmp_path: Path) -> None:
    photo = render_photo(tmp_path / "p.jpg", size=(320, 240))
    for flag, value, setting in (("--max-cost", "0", "max_cost_usd"),
                                 ("--max-tokens", "-3", "max_tokens")):
        proc = geosleuth(["locate", str(photo), flag, value, "--out", str(tmp_path / "c")],
                         tmp_path)
        assert proc.returncode == 2
        (line,) = proc.stderr.strip().splitlines()
        assert line.startswith(f"geosleuth: setting '{setting}' (flag):")
    assert not (tmp_path / "c").exists()
