"""Two clue tools: coordinates and capture times written into file names, and coordinates
written in the text read from the photo.

They show every declaration a tool can make (``geosleuth.tools.api``): its basis, what its
cache key depends on, what its findings reveal, when the offline reasoner calls it and
with what arguments, and settings of its own (a ``[tools.NAME]`` table in the config).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from geosleuth.model import Finding, PointConstraint
from geosleuth.tools import ClueTool, PlanInput, ToolContext

# Two signed decimals with at least four decimals each, separated by a comma, underscore or space.
COORDS = re.compile(r"(?<![\d.])(-?\d{1,2}\.\d{4,})[,_ ]+(-?\d{1,3}\.\d{4,})(?!\d|\.\d)")
# Phone cameras and messengers: IMG_20230614_153012, PXL_20230614_153012123, 2023-06-14 15.30.12
STAMP = re.compile(r"(20\d{2})-?(\d{2})-?(\d{2})[_ T-](\d{2})[.:]?(\d{2})[.:]?(\d{2})")


class HintOptions(BaseModel):
    """``[tools.filename_hints]`` / ``[tools.text_coordinates]`` in the config file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    strength: float = Field(0.5, gt=0.0, le=1.0, description="how far a coordinate is trusted")
    radius_km: float = Field(0.5, gt=0.0, description="the circle around a coordinate")


def coordinates(text: str, options: HintOptions, where: str) -> list[Finding]:
    findings = []
    for m in COORDS.finditer(text):
        lat, lon = float(m.group(1)), float(m.group(2))
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            findings.append(Finding(
                summary=f"{where} holds coordinates {lat:.5f}, {lon:.5f}",
                data={"lat": lat, "lon": lon, "text": m.group(0)},
                constraint=PointConstraint(lat=lat, lon=lon, radius_km=options.radius_km,
                                           strength=options.strength),
            ))
    return findings


class FilenameHints(ClueTool):
    name = "filename_hints"
    version = "0.2.0"
    basis = "inferred"  # a guess from the file's name, not a reading of the photo
    cache_inputs = ("file_name",)  # the same pixels under another name are another result
    # A file name travels with the file like its EXIF: withheld from remote models unless
    # send_metadata, and locating nothing under --ignore-metadata.
    reveals = frozenset({"camera_metadata"})
    stage = "observe"  # the offline reasoner calls it first (it takes no arguments)
    Options = HintOptions
    description = (
        "Reads hints written into the photo's file name: decimal coordinates such as "
        "'48.85837_2.29448' and capture times such as 'IMG_20230614_153012'. A file name is "
        "easy to change, so coordinates found there are a weak clue."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {},
        "additionalProperties": False,
    }

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> list[Finding]:
        name = ctx.case.path.name
        findings = coordinates(name, ctx.options, "file name")  # type: ignore[arg-type]
        for m in STAMP.finditer(name):
            try:
                when = datetime(*(int(g) for g in m.groups()))
            except ValueError:
                continue
            findings.append(
                Finding(
                    summary=f"file name holds a local time {when.isoformat()}",
                    data={"local_time": when.isoformat(), "text": m.group(0)},
                )
            )
        return findings or [Finding(summary="no coordinates or times in the file name")]


class TextCoordinates(ClueTool):
    name = "text_coordinates"
    version = "0.1.0"
    basis = "read"  # read from the pixels (a survey marker, a plaque, a caption)
    stage = "interpret"  # once the photo's text is read
    Options = HintOptions
    api_keys = ()  # it needs no API key: its context carries none
    description = (
        "Finds decimal coordinates such as '48.85837, 2.29448' in text read from the photo "
        "(a survey marker, a geocache plaque, a caption burnt into the image)."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"text": {"type": "string", "description": "text read from the photo"}},
        "required": ["text"],
        "additionalProperties": False,
    }

    def offline_calls(self, plan: PlanInput) -> list[dict[str, Any]]:
        """The offline reasoner hands it every line of text the OCR is sure of."""
        return [{"text": "\n".join(plan.text)}] if plan.text else []

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> list[Finding]:
        found = coordinates(args["text"], ctx.options, "the text")  # type: ignore[arg-type]
        return found or [Finding(summary="no coordinates in the text")]


def tools() -> list[ClueTool]:
    return [FilenameHints(), TextCoordinates()]
