"""The ``filename_hints`` clue tool: coordinates and capture times written into file names."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, ClassVar

from geosleuth.model import Finding, PointConstraint
from geosleuth.tools import ClueTool, ToolContext

# Two signed decimals with at least four decimals each, separated by a comma, underscore or space.
COORDS = re.compile(r"(?<![\d.])(-?\d{1,2}\.\d{4,})[,_ ]+(-?\d{1,3}\.\d{4,})(?!\d|\.\d)")
# Phone cameras and messengers: IMG_20230614_153012, PXL_20230614_153012123, 2023-06-14 15.30.12
STAMP = re.compile(r"(20\d{2})-?(\d{2})-?(\d{2})[_ T-](\d{2})[.:]?(\d{2})[.:]?(\d{2})")


class FilenameHints(ClueTool):
    name = "filename_hints"
    version = "0.1.0"
    basis = "inferred"  # a guess from the file's name, not a reading of the photo
    cache_inputs = ("file_name",)  # the same pixels under another name are another result
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
        findings: list[Finding] = []
        for m in COORDS.finditer(name):
            lat, lon = float(m.group(1)), float(m.group(2))
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                findings.append(
                    Finding(
                        summary=f"file name holds coordinates {lat:.5f}, {lon:.5f}",
                        data={"lat": lat, "lon": lon, "text": m.group(0)},
                        constraint=PointConstraint(lat=lat, lon=lon, radius_km=0.5, strength=0.5),
                    )
                )
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
