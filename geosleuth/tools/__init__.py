"""The clue-tool API, the registry that finds tools through entry points, and the cache."""

from geosleuth.tools.api import (
    Availability,
    ClueTool,
    Cost,
    Coverage,
    NoOptions,
    Requirement,
    Reveal,
    Stage,
)
from geosleuth.tools.context import Egress, ToolContext
from geosleuth.tools.plan import PlanInput

__all__ = ["Availability", "ClueTool", "Cost", "Coverage", "Egress", "NoOptions", "PlanInput",
           "Requirement", "Reveal", "Stage", "ToolContext"]
