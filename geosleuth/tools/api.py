"""The clue-tool contract. Built-in tools and third-party plugins implement the same class.

A plugin registers tools through the entry-point group ``geosleuth.tools``. The entry
point may name a ``ClueTool`` subclass, an instance, or a callable returning a list of
either. A tool has a name, a version, a one-paragraph description for the model, a
JSON schema of its arguments, a cost class, and ``run`` which takes the context (the
case and the shared services) and validated arguments and returns findings.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from geosleuth.model import Basis, Finding

if TYPE_CHECKING:
    from geosleuth.tools.context import ToolContext

Cost = Literal["local", "network", "paid"]


@dataclass(frozen=True)
class Requirement:
    """An optional dependency: a Python module or an executable, and how to get it."""

    module: str | None = None
    executable: str | None = None
    install: str = ""

    def missing(self) -> bool:
        if self.module is not None:
            try:
                if find_spec(self.module) is None:
                    return True
            except (ImportError, ValueError):
                return True
        if self.executable is not None:
            from shutil import which

            return which(self.executable) is None
        return False

    def describe(self) -> str:
        what = self.module or self.executable or "dependency"
        return f"{what} is missing: {self.install}" if self.install else f"{what} is missing"


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str = ""

    @classmethod
    def ok(cls) -> Availability:
        return cls(True)


@dataclass(frozen=True)
class Coverage:
    """One thing a tool handles (an OCR script, say): who handles it here, or how to add it."""

    item: str
    available: bool
    by: str = ""  # what handles it here ("tesseract hin")
    install: str = ""  # the one command that adds it, when it is missing
    note: str = ""


class ClueTool(ABC):
    """Base class of every clue tool."""

    name: ClassVar[str]
    version: ClassVar[str]
    description: ClassVar[str]
    parameters: ClassVar[dict[str, Any]] = {"type": "object", "properties": {}}
    cost: ClassVar[Cost] = "local"
    requires: ClassVar[tuple[Requirement, ...]] = ()
    # How the tool's findings are obtained (see ``geosleuth.model.Basis``): it caps how far
    # the fusion trusts them. A finding may say otherwise for itself.
    basis: ClassVar[Basis] = "computed"
    # What the tool reads besides the pixels and its arguments, for its cache key:
    # "file_name" (two copies of a photo under two names are two results).
    cache_inputs: ClassVar[tuple[str, ...]] = ()

    def availability(self) -> Availability:
        """Whether the tool can run here; override to check more than ``requires``."""
        missing = [req.describe() for req in self.requires if req.missing()]
        if missing:
            return Availability(False, "; ".join(missing))
        return Availability.ok()

    def coverage(self) -> list[Coverage]:
        """What the tool can and cannot handle here, item by item (for ``geosleuth tools``);
        empty when there is nothing finer to say than ``availability``."""
        return []

    def cache_key(self, ctx: ToolContext, args: dict[str, Any]) -> str | None:
        """A key under which a result may be cached, or None for "never cache".

        The default caches by image hash, tool version and arguments, and the file name
        when ``cache_inputs`` declares it; tools that read other evidence or the clock
        return None.
        """
        import json

        extra = {"file_name": ctx.case.path.name} if "file_name" in self.cache_inputs else {}
        return json.dumps(
            [self.name, self.version, ctx.case.image.sha256, ctx.case.ignore_metadata, args,
             *([extra] if extra else [])],
            sort_keys=True,
            default=str,
        )

    @abstractmethod
    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding | list[Finding]:
        """Examine the case and return what was found. Raise ToolError on failure."""

    def spec(self) -> dict[str, Any]:
        """The tool as a model sees it: name, description, JSON schema of arguments."""
        return {"name": self.name, "description": self.description, "parameters": self.parameters}
