"""zoom: a region of the photo at full resolution, for a reasoner that sees images.

The tool itself only checks and records the region (so the zoom is in the audit trail,
validated and limited like any tool call); a model reasoner shows the model the crop at
its next step. Regions are fractions of the photo as a viewer shows it (0..1 from the
top-left corner), so they do not depend on the size the model was shown.
"""

from __future__ import annotations

from typing import Any, ClassVar

from geosleuth.errors import ToolError
from geosleuth.model import Finding
from geosleuth.tools.api import ClueTool, Stage
from geosleuth.tools.context import ToolContext

MIN_SIDE_PX = 16


def _unit(desc: str) -> dict[str, Any]:
    return {"type": "number", "minimum": 0.0, "maximum": 1.0, "description": desc}


def region_px(box: dict[str, float], width: int, height: int) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) in pixels of a width×height image, clamped to it."""
    left = max(0, min(width, round(box["x"] * width)))
    top = max(0, min(height, round(box["y"] * height)))
    right = max(left, min(width, round((box["x"] + box["width"]) * width)))
    bottom = max(top, min(height, round((box["y"] + box["height"]) * height)))
    return left, top, right, bottom


class ZoomTool(ClueTool):
    name = "zoom"
    stage: ClassVar[Stage | None] = None  # for a model or the investigator
    example_args: ClassVar[dict[str, Any] | None] = {
        "x": 0.25, "y": 0.25, "width": 0.5, "height": 0.5}
    shows_image: ClassVar[bool] = True  # a crop the model sees at its next step
    version = "1.0"
    basis = "read"
    description = (
        "See a region of the photo at full resolution (small or distant text, a sign, a plate, "
        "a landmark). Give the region as fractions of the photo as shown: x and y of its "
        "top-left corner, width and height, each between 0 and 1. The crop is shown to you at "
        "the next step. It adds no location evidence by itself."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "x": _unit("left edge, fraction of the photo's width"),
            "y": _unit("top edge, fraction of the photo's height"),
            "width": _unit("width, fraction of the photo's width"),
            "height": _unit("height, fraction of the photo's height"),
            "why": {"type": "string", "maxLength": 200,
                    "description": "what you want to read or see"},
        },
        "required": ["x", "y", "width", "height"],
        "additionalProperties": False,
    }

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        width, height = ctx.image.size
        left, top, right, bottom = region_px(args, width, height)
        w, h = right - left, bottom - top
        if w < MIN_SIDE_PX or h < MIN_SIDE_PX:
            raise ToolError(
                f"the region is {w}×{h} px of a {width}×{height} photo; make it at least"
                f" {MIN_SIDE_PX} px on each side (larger width/height)"
            )
        return Finding(
            summary=f"zoomed into {w}×{h} px at ({left}, {top}) of the {width}×{height} photo",
            data={"box_px": [left, top, right, bottom], "photo_px": [width, height],
                  "why": args.get("why", "")},
        )


def tools() -> list[ClueTool]:
    return [ZoomTool()]
