"""Tools speak for themselves: what a third-party tool declares is honoured by the core
without the core knowing its name (privacy, --ignore-metadata, the offline plan, its own
settings, and the API keys its context holds)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import pytest
from PIL import Image
from pydantic import BaseModel, ConfigDict

from geosleuth.agent.reasoner import View
from geosleuth.agent.recorder import render_summary
from geosleuth.agent.state import CaseState
from geosleuth.backends.chat import Capabilities, ChatReply, Message
from geosleuth.backends.llm_reasoner import LLMReasoner
from geosleuth.backends.offline import OfflineReasoner
from geosleuth.cases.paths import run_paths
from geosleuth.errors import ConfigError
from geosleuth.images import load_case
from geosleuth.model import Case, Finding, PointConstraint
from geosleuth.paths.verifier import path_summary
from geosleuth.settings import Settings
from geosleuth.tools import ClueTool, PlanInput, ToolContext
from geosleuth.tools.registry import Registry

SIDECAR = "sidecar GPS 46.94800, 7.44740 from the XMP sidecar"


class SidecarGps(ClueTool):
    """A third-party metadata reader (not named exif_metadata)."""

    name = "sidecar_gps"
    version = "1"
    description = "Reads the GPS of an XMP sidecar file."
    basis = "observed"
    reveals = frozenset({"camera_metadata"})

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        return Finding(summary=SIDECAR,
                       constraint=PointConstraint(lat=46.948, lon=7.4474, radius_km=0.05,
                                                  strength=0.95))


class SignWords(ClueTool):
    """A tool that stands in for the OCR: it reveals text read from the photo."""

    name = "sign_words"
    version = "1"
    description = "Reads words."
    basis = "read"
    reveals = frozenset({"photo_text"})

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        return Finding(summary="read 2 lines", data={"lines": [
            {"text": "Bundesplatz 3"}, {"text": "Bern"}]})


class Gazette(ClueTool):
    """A third-party tool that takes arguments, called by the offline plan with the text."""

    name = "gazette"
    version = "1"
    description = "Looks words up in a private gazetteer."
    stage = "interpret"
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object", "properties": {"words": {"type": "string"}}, "required": ["words"]}

    def offline_calls(self, plan: PlanInput) -> list[dict[str, Any]]:
        return [{"words": line} for line in plan.text]

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        return Finding(summary=f"looked up {args['words']!r}")


class KeyedOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    depth: int = 1


class Keyed(ClueTool):
    """A tool with settings of its own that may read the OpenAI key (and only that one)."""

    name = "keyed"
    version = "1"
    description = "Reports what its context holds."
    Options = KeyedOptions
    api_keys = ("openai",)
    seen: ClassVar[list[tuple[Any, ...]]] = []

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        s = ctx.settings
        self.seen.append((ctx.options.depth,  # type: ignore[attr-defined]
                          s.openai_api_key is not None, s.anthropic_api_key is not None))
        return Finding(summary="looked")


class Nosy(ClueTool):
    """A tool that asked for no key."""

    name = "nosy"
    version = "1"
    description = "Reports what its context holds."
    seen: ClassVar[list[tuple[bool, bool]]] = []

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        s = ctx.settings
        self.seen.append((s.openai_api_key is not None, s.anthropic_api_key is not None))
        return Finding(summary="looked")


class Remote:
    """A remote chat model that is never called: the tests read the requests built for it."""

    provider = "fake"
    model = "fake-model"
    host = "api.example.test"
    remote = True
    capabilities = Capabilities(vision=False)

    def chat(self, messages: list[Message], tools: Any = None, **kw: Any) -> ChatReply:
        raise AssertionError("not called")


def registry(*tools: ClueTool) -> Registry:
    reg = Registry()
    for t in tools:
        reg.add(t, "third-party")
    return reg


@pytest.fixture
def case(tmp_path: Path) -> Case:
    photo = tmp_path / "p.png"
    Image.new("RGB", (40, 30)).save(photo)
    return load_case(photo)


def run(case: Case, *tools: ClueTool, settings: Settings | None = None) -> CaseState:
    out = run_paths(case, settings or Settings(steps=4, cache=False), k=1,
                    make=lambda s, i: OfflineReasoner(i), tools=registry(*tools), geo=False)
    state = out.runs[0].state
    assert state is not None
    return state


def test_a_third_party_metadata_tool_is_withheld_from_remote_models(case: Case) -> None:
    state = run(case, SidecarGps(), SignWords())
    gps = state.by_tool("sidecar_gps")[0]
    assert gps.reveals == ("camera_metadata",) and gps.constraint is not None
    reasoner = LLMReasoner(Remote(), Settings(), name="fake")  # type: ignore[arg-type]
    # the model's view of the evidence (the offline path's own steps left out)
    view = View(replace(state, steps=[]), 5, 6, [], render_summary(state).text)
    messages, _, shown = reasoner.messages(view)
    prompt = "\n".join(m.text for m in messages)
    assert SIDECAR not in prompt and "46.948" not in prompt and "46.94800" not in prompt
    assert f"{gps.id} [sidecar_gps] (camera metadata, withheld" in shown
    assert "[sign_words] read 2 lines" in prompt  # the text read is not withheld
    assert SIDECAR not in path_summary(state, redact=True)
    # with send_metadata the model sees it, and the egress record says so
    open_reasoner = LLMReasoner(Remote(), Settings(send_metadata=True), name="fake")  # type: ignore[arg-type]
    _, _, shown = open_reasoner.messages(view)
    assert SIDECAR in shown


def test_ignore_metadata_takes_the_place_out_of_a_third_party_metadata_tool(
        tmp_path: Path) -> None:
    photo = tmp_path / "p.png"
    Image.new("RGB", (40, 30)).save(photo)
    state = run(load_case(photo, ignore_metadata=True), SidecarGps())
    (gps,) = state.by_tool("sidecar_gps")
    assert gps.constraint is None and gps.summary == SIDECAR  # recorded, locating nothing
    assert not state.verdict.known


def test_the_offline_plan_calls_a_third_party_tool_with_its_own_arguments(case: Case) -> None:
    state = run(case, SignWords(), Gazette())
    calls = [c for step in state.steps for c in step.calls if c.name == "gazette"]
    assert [c.args for c in calls] == [{"words": "Bundesplatz 3"}, {"words": "Bern"}]
    # the text was read first, at the observe stage
    first = [c.name for c in state.steps[0].calls]
    assert first == ["sign_words"]


def test_a_tool_gets_its_own_settings_and_only_the_keys_it_asked_for(case: Case) -> None:
    Keyed.seen.clear()
    Nosy.seen.clear()
    settings = Settings(steps=2, cache=False, openai_api_key="sk-test-1",
                        anthropic_api_key="sk-ant-test-2", tools={"keyed": {"depth": 3}})
    run(case, Keyed(), Nosy(), settings=settings)
    assert Keyed.seen == [(3, True, False)]
    assert Nosy.seen == [(False, False)]


def test_bad_tool_settings_are_a_config_error_before_the_case_starts(case: Case) -> None:
    with pytest.raises(ConfigError, match=r"\[tools.keyed\] depth"):
        run(case, Keyed(), settings=Settings(tools={"keyed": {"depth": "deep"}}))
    with pytest.raises(ConfigError, match=r"\[tools.kayed\]: no such clue tool"):
        run(case, Keyed(), settings=Settings(tools={"kayed": {"depth": 2}}))


def test_a_tools_settings_are_part_of_its_cache_key(case: Case) -> None:
    tool = Keyed()
    one = ToolContext(case=case, settings=Settings(tools={"keyed": {"depth": 1}}))
    two = ToolContext(case=case, settings=Settings(tools={"keyed": {"depth": 2}}))
    assert tool.cache_key(one.for_tool(tool), {}) != tool.cache_key(two.for_tool(tool), {})


class Loupe(ClueTool):
    """A third-party tool whose findings are crops for a model to look at."""

    name = "loupe"
    version = "1"
    description = "Crops the top left of the photo."
    shows_image = True
    example_args: ClassVar[dict[str, Any] | None] = {"corner": "top left"}

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        return Finding(summary="the top left corner", data={"box_px": [0, 0, 20, 15]})


def test_a_tool_that_shows_an_image_is_seen_by_a_model_that_sees(case: Case) -> None:
    state = run(case, Loupe())
    loupe = Loupe()
    toolbox = {"loupe": loupe}
    specs = [loupe.spec()]
    view = View(replace(state, steps=[]), 2, 6, specs, render_summary(state).text,
                last=list(state.steps[0].observations), toolbox=toolbox)
    seeing = Remote()
    seeing.capabilities = Capabilities(vision=True, max_image_side=256)  # type: ignore[misc]
    reasoner = LLMReasoner(seeing, Settings(), name="fake")  # type: ignore[arg-type]
    _, images, _ = reasoner.messages(view)
    assert [img.label for img in images][1:] == [f"zoom {state.evidence[-1].id}"]
    assert "loupe" in {t["name"] for t in reasoner.tools(view)}
    blind = LLMReasoner(Remote(), Settings(), name="fake")  # type: ignore[arg-type]
    assert "loupe" not in {t["name"] for t in blind.tools(view)}


def test_the_tool_dialog_offers_a_tools_own_example() -> None:
    from geosleuth.tui.screens.tool import example_args

    spec = Loupe().spec()
    assert example_args(spec, Loupe.example_args) == {"corner": "top left"}
    assert example_args(spec) == {}
