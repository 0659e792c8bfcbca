"""The small parts of the model backends: JSON-in-text parser, prices, replay keys, zoom, photo."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fake_chat import FakeChat, reply
from PIL import Image

from geosleuth.backends.chat import ImagePart, Message, parse_arguments, user
from geosleuth.backends.compatible import ProtocolError, parse_json_reply
from geosleuth.backends.photo import encode
from geosleuth.backends.prices import cost_usd, price_of
from geosleuth.backends.replay import CachedChat
from geosleuth.errors import ToolError
from geosleuth.model import Case, ImageInfo
from geosleuth.settings import Settings
from geosleuth.tools.cache import ResultCache
from geosleuth.tools.context import ToolContext


def test_json_protocol_accepts_exactly_one_object() -> None:
    thought, calls = parse_json_reply(
        '```json\n{"thought": "t", "calls": [{"name": "zoom", "arguments": {"x": 0.1}}]}\n```')
    assert thought == "t" and [(c.id, c.name, c.arguments) for c in calls] == [
        ("j1", "zoom", {"x": 0.1})]
    assert parse_json_reply('{"thought": "nothing to do"}') == ("nothing to do", [])


@pytest.mark.parametrize(("text", "why"), [
    ("", "empty"),
    ("Sure! Here is my answer: {}", "not one JSON object"),
    ('{"thought": "a"} {"thought": "b"}', "not one JSON object"),
    ("[1, 2]", "must be a JSON object"),
    ('{"thought": "t", "answer": 1}', "unexpected keys ['answer']"),
    ('{"thought": 3}', "'thought' must be a string"),
    ('{"calls": {"name": "x"}}', "'calls' must be a list"),
    ('{"calls": [{"name": "x", "args": {}}]}', "only 'name' and 'arguments'"),
    ('{"calls": [{"name": "", "arguments": {}}]}', "name must be a non-empty string"),
    ('{"calls": [{"name": "x", "arguments": [1]}]}', "arguments must be an object"),
])
def test_json_protocol_rejects_everything_else(text: str, why: str) -> None:
    with pytest.raises(ProtocolError, match=__import__("re").escape(why)):
        parse_json_reply(text)


def test_argument_repair_is_conservative() -> None:
    assert parse_arguments("") == ({}, None)
    assert parse_arguments('{"a": [1, 2,],}') == ({"a": [1, 2]}, None)
    assert parse_arguments("[1]")[1] == "arguments must be a JSON object, not list"
    args, error = parse_arguments("{'a': 1}")
    assert args is None and "not valid JSON" in (error or "")


def test_prices_exact_prefix_override_and_unknown(tmp_path: Path) -> None:
    assert price_of("gpt-4o") == (2.5, 10.0)
    assert price_of("gpt-4o-mini-2024-07-18") == (0.15, 0.6)  # longest prefix wins
    assert price_of("claude-sonnet-4-6") == (3.0, 15.0)
    assert price_of("llava:13b") == (0.0, 0.0) and price_of(None) == (0.0, 0.0)
    settings = Settings(cache_dir=tmp_path, prices={"gpt-4o": {"input": 1.0, "output": 2.0},
                                                     "my-local": {"input": 0.1, "output": 0.1}})
    assert cost_usd("gpt-4o", 1_000_000, 500_000, settings) == pytest.approx(2.0)
    assert cost_usd("my-local", 10_000, 0, settings) == pytest.approx(0.001)


def test_replay_key_covers_images_tools_and_parameters(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "r.sqlite3")
    inner = FakeChat([reply("one"), reply("two"), reply("three"), reply("four")])
    chat = CachedChat(inner, cache)
    img_a, img_b = ImagePart(b"a"), ImagePart(b"b")
    assert chat.chat([user("look", img_a)]).text == "one"
    again = chat.chat([user("look", img_a)])
    assert again.text == "one" and again.cached and len(inner.requests) == 1
    assert chat.chat([user("look", img_b)]).text == "two"  # another image
    assert chat.chat([user("look", img_a)], [{"name": "t"}]).text == "three"  # other tools
    assert chat.chat([user("look", img_a)], temperature=0.5).text == "four"
    assert (chat.hits, chat.misses) == (1, 4)


def test_faults_and_refusals_are_not_cached(tmp_path: Path) -> None:
    inner = FakeChat([reply(refusal="no"), reply("")])
    chat = CachedChat(inner, ResultCache(tmp_path / "r.sqlite3"))
    chat.chat([Message("user", "x")])
    chat.chat([Message("user", "x")])
    assert chat.hits == 0 and len(inner.requests) == 2


def test_encode_scales_and_fits_the_byte_limit() -> None:
    noise = Image.effect_noise((3000, 2000), 80).convert("RGB")
    part = encode(noise, 1568, 300_000, "photo")
    assert max(part.width, part.height) <= 1568 and len(part.data) <= 300_000
    with Image.open(io.BytesIO(part.data)) as im:
        assert im.size == (part.width, part.height)


def test_zoom_tool_crops_and_refuses_tiny_regions(tmp_path: Path) -> None:
    from geosleuth_plugins.zoom import ZoomTool, region_px

    path = tmp_path / "p.png"
    Image.new("RGB", (1000, 500), "white").save(path)
    info = ImageInfo(path=str(path), sha256="0" * 64, width=1000, height=500, format="PNG",
                     size_bytes=path.stat().st_size)
    ctx = ToolContext(case=Case(image=info), settings=Settings(cache_dir=tmp_path))
    found = ZoomTool().run(ctx, {"x": 0.9, "y": 0.5, "width": 0.5, "height": 0.5})
    assert found.data["box_px"] == [900, 250, 1000, 500]  # clamped to the photo
    assert found.constraint is None
    with pytest.raises(ToolError, match="at least 16 px"):
        ZoomTool().run(ctx, {"x": 0.1, "y": 0.1, "width": 0.001, "height": 0.5})
    assert region_px({"x": 0, "y": 0, "width": 1, "height": 1}, 7, 5) == (0, 0, 7, 5)


def test_tool_turns_convert_for_anthropic_and_plain_text_models() -> None:
    from geosleuth.backends.anthropic_chat import to_anthropic
    from geosleuth.backends.chat import ChatToolCall
    from geosleuth.backends.compatible import JsonToolChat

    msgs = [Message("system", "rules"), user("where?"),
            Message("assistant", "checking", tool_calls=(
                ChatToolCall("t1", "landmark", {"name": "X"}),
                ChatToolCall("t2", "zoom", {"x": 0.1}))),
            Message("tool", "E1: X is at 1, 2", tool_call_id="t1"),
            Message("tool", "E2: crop", tool_call_id="t2")]
    system, turns = to_anthropic(msgs)
    assert system == "rules" and [t["role"] for t in turns] == ["user", "assistant", "user"]
    assert [b["type"] for b in turns[1]["content"]] == ["text", "tool_use", "tool_use"]
    assert [b["tool_use_id"] for b in turns[2]["content"]] == ["t1", "t2"]  # one user turn

    inner = FakeChat([reply('{"thought": "ok", "calls": []}')])
    JsonToolChat(inner).chat(msgs, [{"name": "landmark", "description": "d", "parameters": {}}])
    sent, tools = inner.requests[0]
    assert tools is None
    assert [m.role for m in sent] == ["system", "system", "user", "assistant", "user", "user"]
    assert sent[3].text.startswith('{"thought": "checking", "calls": [{"name": "landmark"')
    assert sent[4].text.startswith("Result of call t1:")
