"""The clue-tool contract. Built-in tools and third-party plugins implement the same class.

A plugin registers tools through the entry-point group ``geosleuth.tools``. The entry
point may name a ``ClueTool`` subclass, an instance, or a callable returning a list of
either. A tool has a name, a version, a one-paragraph description for the model, a
JSON schema of its arguments, a cost class, and ``run`` which takes the context (the
case and the shared services) and validated arguments and returns findings.

Besides, a tool declares what the core must know about it without knowing its name:

- ``reveals``: what its findings give away ("camera_metadata": withheld from remote
  models unless ``send_metadata``, and without location under ``--ignore-metadata``;
  "photo_text": recorded as such when a remote model is shown it);
- ``cache_inputs``: what its cache key depends on besides the pixels and its arguments;
- ``stage`` and ``offline_calls``: when the built-in offline reasoner calls it, and with
  what arguments (from the text found, the leading hypotheses);
- ``Options`` and ``api_keys``: its own settings (a ``[tools.NAME]`` table of the config,
  validated by the pydantic model ``Options`` and read as ``ctx.options``), and the API
  keys it may read from ``ctx.settings`` (every other key is blanked in its context);
- ``shows_image``: its findings hold a crop of the photo (``data["box_px"]``) or a picture
  the tool drew (``data["view"]``, stored by ``tools.views``: a map view) that a model
  reasoner that sees images is shown at its next step (and the tool is not offered to a
  model that cannot see);
- ``example_args``: arguments the TUI's tool dialog offers an investigator.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from geosleuth.model import Basis, Finding

if TYPE_CHECKING:
    from geosleuth.tools.context import ToolContext
    from geosleuth.tools.plan import PlanInput

Cost = Literal["local", "network", "paid"]
Reveal = Literal["camera_metadata", "photo_text"]
# The offline plan's stages, in order: read the file and the pixels; interpret what was
# read; look it up on the map; check the leading hypotheses.
Stage = Literal["observe", "interpret", "map", "verify"]
ApiKey = Literal["openai", "anthropic", "servers"]


class NoOptions(BaseModel):
    """A tool without settings of its own: its ``[tools.NAME]`` table must be empty."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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


@lru_cache(maxsize=32)
def _package_digest(package: str) -> str:
    """sha256 of the Python source of one installed package (every .py file below it)."""
    import hashlib
    from importlib.util import find_spec as spec_of

    digest = hashlib.sha256()
    spec = spec_of(package)
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.py")):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def code_fingerprint(module: str) -> str:
    """What a cached tool result depends on besides its inputs: the source of geosleuth and
    of the tool's own package. A result cached by an older version of either is never
    served, even when a tool's ``version`` was not raised with its code."""
    top = module.split(".")[0]
    parts = {"geosleuth", top}
    return "-".join(_package_digest(p) for p in sorted(parts))


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
    # What the findings give away (see the module docstring).
    reveals: ClassVar[frozenset[Reveal]] = frozenset()
    # When the offline reasoner calls the tool (None: never; see ``offline_calls``). By
    # default a tool that needs no arguments is called with the metadata and the OCR.
    stage: ClassVar[Stage | None] = "observe"
    # The tool's own settings, from the config's ``[tools.NAME]`` table.
    Options: ClassVar[type[BaseModel]] = NoOptions
    # API keys the tool may read from ``ctx.settings`` (the others are blanked there).
    api_keys: ClassVar[tuple[ApiKey, ...]] = ()
    # Its findings hold a crop of the photo (``data["box_px"]``) or a picture it drew
    # (``data["view"]``) for a model that sees.
    shows_image: ClassVar[bool] = False
    # Arguments the TUI's tool dialog offers (None: a template from the schema).
    example_args: ClassVar[dict[str, Any] | None] = None

    def offline_calls(self, plan: PlanInput) -> list[dict[str, Any]]:
        """The arguments of each call the offline reasoner makes at the tool's ``stage``.

        The default is one call without arguments when the tool needs none, else nothing:
        a tool that takes arguments says how to build them from ``plan`` (the text read,
        the hypotheses, the investigator's clues).
        """
        return [] if self.parameters.get("required") else [{}]

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

        extra: dict[str, Any] = (
            {"file_name": ctx.case.path.name} if "file_name" in self.cache_inputs else {})
        options = ctx.options.model_dump(mode="json")
        if options:  # settings of the tool change its results
            extra["options"] = options
        image = ctx.case.image
        if image.decoded_width is not None:  # read reduced: pixel positions depend on it
            extra["decoded"] = [image.decoded_width, image.decoded_height]
        return json.dumps(
            [self.name, self.version, code_fingerprint(type(self).__module__),
             ctx.case.image.sha256, ctx.case.ignore_metadata, args,
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
