"""A scripted ChatModel for unit tests, and small helpers to build replies and cases."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from geosleuth.agent.events import CaseFinished, Event
from geosleuth.agent.executor import Executor
from geosleuth.agent.loop import investigate
from geosleuth.agent.reasoner import Reasoner
from geosleuth.agent.recorder import Recorder
from geosleuth.backends.chat import Capabilities, ChatReply, ChatToolCall, ChatUsage, Message
from geosleuth.images import load_case
from geosleuth.model import Case, Finding, PointConstraint
from geosleuth.settings import Settings
from geosleuth.tools.api import ClueTool
from geosleuth.tools.context import ToolContext
from geosleuth.tools.registry import Registry


class FakeChat:
    """Answers each ``chat`` with the next scripted reply, or raises the next scripted fault."""

    provider = "fake"

    def __init__(self, script: Iterable[ChatReply | Exception], *, model: str = "gpt-4o",
                 remote: bool = True, capabilities: Capabilities | None = None,
                 host: str = "api.example.test") -> None:
        self.script = list(script)
        self.model = model
        self.host = host
        self.remote = remote
        self.capabilities = capabilities or Capabilities(max_image_side=1024)
        self.requests: list[tuple[list[Message], list[dict[str, Any]] | None]] = []

    def chat(self, messages: list[Message], tools: list[dict[str, Any]] | None = None, *,
             temperature: float | None = None, seed: int | None = None,
             max_tokens: int | None = None) -> ChatReply:
        self.requests.append((messages, tools))
        if not self.script:
            raise AssertionError("the fake model ran out of scripted replies")
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


def call(name: str, args: dict[str, Any] | str, cid: str = "") -> ChatToolCall:
    if isinstance(args, str):
        from geosleuth.backends.chat import parse_arguments

        parsed, error = parse_arguments(args)
        return ChatToolCall(cid or f"c_{name}", name, parsed, args, error)
    return ChatToolCall(cid or f"c_{name}", name, args, json.dumps(args))


def reply(text: str = "", *calls: ChatToolCall, tokens: tuple[int, int] = (1000, 50),
          **kw: Any) -> ChatReply:
    return ChatReply(text=text, tool_calls=calls, usage=ChatUsage(*tokens), **kw)


class LandmarkTool(ClueTool):
    """Names a landmark and places it: a stand-in for map_search in loop tests."""

    name = "landmark"
    version = "1"
    description = "Find a named landmark on the map."
    parameters = {"type": "object", "properties": {"name": {"type": "string"}},  # noqa: RUF012
                  "required": ["name"], "additionalProperties": False}
    PLACES = {"Eiffel Tower": (48.8584, 2.2945), "Brandenburg Gate": (52.5163, 13.3777)}  # noqa: RUF012

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        lat, lon = self.PLACES[args["name"]]
        return Finding(summary=f"{args['name']} is at {lat}, {lon}",
                       constraint=PointConstraint(lat=lat, lon=lon, radius_km=0.5, strength=0.9))


class CameraGpsTool(ClueTool):
    """Stands in for exif_metadata: a hard GPS reading (the checks hold verdicts to it)."""

    name = "exif_metadata"
    version = "1"
    description = "Read the camera metadata."
    reveals = frozenset({"camera_metadata"})

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        return Finding(summary="GPS 52.51630, 13.37770 (camera)",
                       data={"gps": [52.5163, 13.3777]},
                       constraint=PointConstraint(lat=52.5163, lon=13.3777, radius_km=0.05,
                                                  strength=0.99))


def registry(*tools: ClueTool) -> Registry:
    from geosleuth_plugins.zoom import ZoomTool

    reg = Registry()
    for t in (*tools, ZoomTool()):
        reg.add(t, "test")
    return reg


def photo_case(tmp_path: Path, **kw: Any) -> Case:
    from geosleuth.testing import render_photo

    path = render_photo(tmp_path / "street.jpg", size=(1600, 1000), **kw)
    return load_case(path)


def run(reasoner: Reasoner, case: Case, settings: Settings, reg: Registry,
        ) -> tuple[list[Event], CaseFinished]:
    executor = Executor(reg)
    recorder = Recorder(case, coverage=settings.coverage)
    events = list(investigate(reasoner, executor, recorder, settings))
    finished = events[-1]
    assert isinstance(finished, CaseFinished)
    return events, finished
