"""What a tool may use besides its arguments: the case, the settings, shared services.

One context is made per path; the executor hands each tool its own view of it
(``for_tool``): the tool's own options, and the settings with every API key the tool did
not declare blanked. The decoded photo and the gazetteer are shared by all views.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from geosleuth.errors import ConfigError
from geosleuth.model import Case, Evidence, Hypothesis
from geosleuth.settings import Settings
from geosleuth.tools.api import NoOptions

if TYPE_CHECKING:
    from PIL import Image

    from geosleuth.geo.gazetteer import Gazetteer
    from geosleuth.tools.api import ClueTool


@dataclass
class Egress:
    """One thing that left the machine: where to and what went."""

    host: str
    what: str
    tool: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"host": self.host, "what": self.what, "tool": self.tool}


def _no_hypotheses() -> Sequence[Hypothesis]:
    return ()


class _Services:
    """What the views of one context share: opened once, on first use."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.image: Image.Image | None = None
        self.gazetteer: Gazetteer | None = None


@dataclass
class ToolContext:
    """Handed to ``ClueTool.run``. Services are opened lazily and shared across tools."""

    case: Case
    settings: Settings
    evidence: Sequence[Evidence] = ()
    egress: list[Egress] = field(default_factory=list)
    options: BaseModel = field(default_factory=NoOptions)  # the tool's [tools.NAME] table
    # the path's current hypotheses, best first (a map view draws them)
    hypotheses: Callable[[], Sequence[Hypothesis]] = _no_hypotheses
    _services: _Services = field(default_factory=_Services, repr=False)

    @property
    def image(self) -> Image.Image:
        """The photo as a viewer shows it (orientation applied, RGB), decoded once."""
        from geosleuth.images import open_image, oriented

        s = self._services
        with s.lock:
            if s.image is None:
                s.image = oriented(open_image(self.case.path, self.settings.max_pixels,
                                              self.settings.decode_budget_mb))
            return s.image

    @property
    def gazetteer(self) -> Gazetteer:
        from geosleuth.geo.gazetteer import Gazetteer

        s = self._services
        with s.lock:
            if s.gazetteer is None:
                s.gazetteer = Gazetteer.open(self.settings.cache_dir)
            return s.gazetteer

    def record_egress(self, host: str, what: str, tool: str | None = None) -> None:
        self.egress.append(Egress(host=host, what=what, tool=tool))

    def for_tool(self, tool: ClueTool) -> ToolContext:
        """This context as ``tool`` sees it: its options, and only the API keys it asked for."""
        return replace(self, settings=settings_for(self.settings, tool.api_keys),
                       options=tool_options(self.settings, tool))


def tool_options(settings: Settings, tool: ClueTool) -> BaseModel:
    """The tool's ``[tools.NAME]`` table, validated by its ``Options`` model."""
    try:
        return tool.Options.model_validate(settings.tools.get(tool.name, {}))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "table"
        raise ConfigError(f"[tools.{tool.name}] {where}: {err['msg']}") from None


def settings_for(settings: Settings, keys: tuple[str, ...]) -> Settings:
    """``settings`` with the API keys not in ``keys`` blanked (named servers lose theirs)."""
    update: dict[str, Any] = {}
    if "openai" not in keys and settings.openai_api_key is not None:
        update["openai_api_key"] = None
    if "anthropic" not in keys and settings.anthropic_api_key is not None:
        update["anthropic_api_key"] = None
    if "servers" not in keys and settings.servers:
        update["servers"] = {
            name: server.model_copy(update={"api_key": None, "api_key_env": None})
            for name, server in settings.servers.items()}
    return settings.model_copy(update=update) if update else settings
