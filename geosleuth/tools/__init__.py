"""The clue-tool API, the registry that finds tools through entry points, and the cache."""

from geosleuth.tools.api import Availability, ClueTool, Cost, Requirement
from geosleuth.tools.context import Egress, ToolContext

__all__ = ["Availability", "ClueTool", "Cost", "Egress", "Requirement", "ToolContext"]
