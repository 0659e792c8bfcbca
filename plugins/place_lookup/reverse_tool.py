"""The ``reverse_geocode`` tool: the names of a point (country, region, town)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from geosleuth.errors import ToolError
from geosleuth.model import Finding
from geosleuth.tools.api import ClueTool, Stage
from geosleuth.tools.context import ToolContext


class ReverseGeocodeTool(ClueTool):
    name = "reverse_geocode"
    stage: ClassVar[Stage | None] = None  # for a model or the investigator
    version = "1.0"
    description = (
        "Name a point offline: its country (exact to borders), region and the town that "
        "best names it (GeoNames, within 30 km). Gives no constraint: use it to check "
        "what a candidate location is called."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
        },
        "required": ["lat", "lon"],
        "additionalProperties": False,
    }
    cost = "local"
    basis = "read"

    def cache_key(self, ctx: ToolContext, args: dict[str, Any]) -> str | None:
        return json.dumps([self.name, self.version, args], sort_keys=True, default=str)

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        try:
            lat, lon = float(args["lat"]), float(args["lon"])
        except (KeyError, TypeError, ValueError):
            raise ToolError("reverse_geocode needs 'lat' and 'lon' as numbers") from None
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise ToolError(f"({lat}, {lon}) is not a point: lat -90..90, lon -180..180")
        place = ctx.gazetteer.describe(lat, lon)
        label = place.label() or "open sea (no country)"
        return Finding(
            summary=f"{lat:.4f}, {lon:.4f} is in {label}",
            data={"lat": lat, "lon": lon, **place.model_dump()},
        )
