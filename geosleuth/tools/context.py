"""What a tool may use besides its arguments: the case, the settings, shared services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from geosleuth.model import Case, Evidence
from geosleuth.settings import Settings

if TYPE_CHECKING:
    from PIL import Image

    from geosleuth.geo.gazetteer import Gazetteer


@dataclass
class Egress:
    """One thing that left the machine: where to and what went."""

    host: str
    what: str
    tool: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"host": self.host, "what": self.what, "tool": self.tool}


@dataclass
class ToolContext:
    """Handed to ``ClueTool.run``. Services are opened lazily and shared across tools."""

    case: Case
    settings: Settings
    evidence: Sequence[Evidence] = ()
    egress: list[Egress] = field(default_factory=list)

    @cached_property
    def image(self) -> Image.Image:
        """The photo as a viewer shows it (orientation applied, RGB), decoded once."""
        from geosleuth.images import open_image, oriented

        return oriented(open_image(self.case.path, self.settings.max_pixels))

    @cached_property
    def gazetteer(self) -> Gazetteer:
        from geosleuth.geo.gazetteer import Gazetteer

        return Gazetteer.open(self.settings.cache_dir)

    def record_egress(self, host: str, what: str, tool: str | None = None) -> None:
        self.egress.append(Egress(host=host, what=what, tool=tool))
