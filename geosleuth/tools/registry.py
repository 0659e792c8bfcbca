"""Discovering clue tools through the ``geosleuth.tools`` entry-point group.

Built-in tools in ``plugins/`` load the same way as any third-party plugin. A plugin
that fails to import produces one warning and the others still load.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from geosleuth.tools.api import ClueTool

GROUP = "geosleuth.tools"


@dataclass
class Registry:
    tools: dict[str, ClueTool] = field(default_factory=dict)
    plugins: dict[str, str] = field(default_factory=dict)  # tool name -> distribution
    warnings: list[str] = field(default_factory=list)

    def add(self, tool: ClueTool, plugin: str = "") -> None:
        if tool.name in self.tools:
            self.warnings.append(
                f"tool {tool.name!r} from {plugin or 'unknown'} ignored: the name is taken"
            )
            return
        self.tools[tool.name] = tool
        self.plugins[tool.name] = plugin

    def get(self, name: str) -> ClueTool | None:
        return self.tools.get(name)

    def available(self, disabled: Iterable[str] = ()) -> dict[str, ClueTool]:
        off = set(disabled)
        return {
            name: tool
            for name, tool in self.tools.items()
            if name not in off and tool.availability().available
        }


def _as_tools(obj: Any) -> list[ClueTool]:
    if isinstance(obj, ClueTool):
        return [obj]
    if inspect.isclass(obj) and issubclass(obj, ClueTool):
        return [obj()]
    if callable(obj):
        produced = obj()
        items = produced if isinstance(produced, (list, tuple)) else [produced]
        out: list[ClueTool] = []
        for item in items:
            out.extend(_as_tools(item))
        return out
    raise TypeError(f"{obj!r} is not a ClueTool, a ClueTool class, or a callable returning them")


def _plugin_name(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return f"{dist.name} {dist.version}" if dist is not None else ep.value


def load_registry(extra: Iterable[ClueTool] = ()) -> Registry:
    """Load every tool registered under the entry-point group, plus ``extra`` ones."""
    registry = Registry()
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            loaded = ep.load()
            tools = _as_tools(loaded)
        except Exception as exc:  # a broken plugin must not break the others
            registry.warnings.append(
                f"plugin {ep.name!r} ({ep.value}) failed to load: {type(exc).__name__}: {exc}"
            )
            continue
        for tool in tools:
            registry.add(tool, _plugin_name(ep))
    for tool in extra:
        registry.add(tool, "extra")
    return registry
