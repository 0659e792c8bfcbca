"""A tool that reads more than the pixels says so, and its cached results follow: two copies
of one photo under two names are two results for a tool that reads the file name."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

from geosleuth.agent.executor import Executor
from geosleuth.agent.state import ToolCall
from geosleuth.images import load_case
from geosleuth.model import Finding
from geosleuth.settings import Settings
from geosleuth.testing import render_photo
from geosleuth.tools.api import ClueTool
from geosleuth.tools.cache import ResultCache
from geosleuth.tools.context import ToolContext


class NameReader(ClueTool):
    name: ClassVar[str] = "name_reader"
    version: ClassVar[str] = "1"
    description: ClassVar[str] = "the file name, as a finding"
    cache_inputs: ClassVar[tuple[str, ...]] = ("file_name",)

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        return Finding(summary=f"named {ctx.case.path.name}")


class PixelReader(NameReader):
    name: ClassVar[str] = "pixel_reader"
    cache_inputs: ClassVar[tuple[str, ...]] = ()


def _ctx(path: Path) -> ToolContext:
    return ToolContext(case=load_case(path), settings=Settings(cache_dir=path.parent))


def test_a_tool_that_reads_the_file_name_gets_its_own_result(tmp_path: Path) -> None:
    first = render_photo(tmp_path / "48.85837_2.29448.jpg", size=(64, 48))
    second = tmp_path / "IMG_20230614_153012.jpg"
    second.write_bytes(first.read_bytes())  # the same pixels, another name
    registry = SimpleNamespace(tools={"name_reader": NameReader(),
                                      "pixel_reader": PixelReader()})
    executor = Executor(registry, cache=ResultCache(tmp_path / "cache.sqlite"))  # type: ignore[arg-type]
    call = ToolCall(id="c1", name="name_reader")
    one, cached_one = executor._findings(_ctx(first), call)
    two, cached_two = executor._findings(_ctx(second), call)
    assert not cached_one and not cached_two
    assert one[0].summary != two[0].summary
    assert executor._findings(_ctx(second), call) == (two, True)
    # a tool that declares no such input shares one result between the copies
    pixels = ToolCall(id="c2", name="pixel_reader")
    executor._findings(_ctx(first), pixels)
    assert executor._findings(_ctx(second), pixels)[1] is True


def test_a_tools_code_is_part_of_its_cache_key(tmp_path, monkeypatch) -> None:
    """A result cached by older code of the tool's package is never served, even when the
    tool's version string was not raised."""
    import sys

    from geosleuth.tools import api

    pkg = tmp_path / "hint_tools"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("RULE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("hint_tools", None)
    api._package_digest.cache_clear()
    before = api.code_fingerprint("hint_tools.tool")
    (pkg / "__init__.py").write_text("RULE = 2\n")
    api._package_digest.cache_clear()
    after = api.code_fingerprint("hint_tools.tool")
    assert before != after
    assert before.split("-")[0] == after.split("-")[0]  # geosleuth's own part is the same
    api._package_digest.cache_clear()
