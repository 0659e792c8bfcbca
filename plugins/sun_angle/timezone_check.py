"""The ``timezone_check`` clue tool: does the camera's UTC offset fit a candidate place?

Shape of the answer (a design choice): a RasterConstraint of every place whose legal
offset at the capture date equals the recorded offset, rather than a point around the
candidate. The evidence then speaks for all candidates at once, the fusion can weigh
it against the other clues, and the candidate gets ``consistent`` true or false with
its zone and that zone's offset. The raster is 0.25° (zone borders are sampled at cell
centres, so a one-cell rim next to a matching cell gets 0.5), strength 0.6: cameras
keep their home zone when they travel and clocks are set wrongly, so a mismatch is a
hint, not a proof. Without a known date both a January and a July day are allowed
(daylight saving either way).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

import numpy as np
from geosleuth_plugins.sun_angle.inputs import exif_time

from geosleuth.agent.clues import time_clue, typed_clues
from geosleuth.errors import BadInputError, ToolError
from geosleuth.geo.timezones import (
    format_offset,
    offset_in_zone,
    offset_map,
    parse_offset,
    zone_at,
)
from geosleuth.model import Finding, RasterConstraint
from geosleuth.tools.api import ClueTool, Requirement, Stage
from geosleuth.tools.context import ToolContext
from geosleuth.tools.plan import PlanInput

STRENGTH = 0.6
RESOLUTION_DEG = 0.25  # the default grid; an instance may set a coarser resolution_deg


class TimezoneCheckTool(ClueTool):
    name: ClassVar[str] = "timezone_check"
    stage: ClassVar[Stage | None] = "verify"
    example_args: ClassVar[dict[str, Any] | None] = {"lat": 38.72, "lon": -9.14}

    def offline_calls(self, plan: PlanInput) -> list[dict[str, Any]]:
        """Check a hypothesis against the camera's UTC offset (path i: the i-th one)."""
        if not (plan.camera.get("utc_offset") or plan.camera.get("offset")) or not plan.hypotheses:
            return []
        h = plan.hypotheses[plan.path % len(plan.hypotheses)]
        return [{"lat": h.lat, "lon": h.lon}]
    version: ClassVar[str] = "1.0.0"
    description: ClassVar[str] = (
        "Check the camera's UTC offset (EXIF OffsetTime, or one you give) against the legal "
        "time zones of the world at the capture date, daylight saving included: returns the "
        "places where that offset was the legal time (a constraint), and for a candidate "
        "lat/lon whether its zone agrees. Weak-to-medium evidence: travellers' cameras keep "
        "their home zone. Use it to verify a leading hypothesis."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
            "offset": {"type": "string", "description": "UTC offset like +02:00 (else EXIF)"},
            "when": {"type": "string",
                     "description": "capture date or time, ISO 8601 (else the clue or EXIF)"},
        },
        "additionalProperties": False,
    }
    cost = "local"
    basis = "observed"
    requires: ClassVar[tuple[Requirement, ...]] = (
        Requirement(module="timezonefinder", install="pip install timezonefinder"),
    )

    def __init__(self, resolution_deg: float = RESOLUTION_DEG) -> None:
        self.resolution_deg = resolution_deg

    def _inputs(
        self, ctx: ToolContext, args: dict[str, Any]
    ) -> tuple[timedelta | None, str, list[date], str]:
        exif = exif_time(ctx.evidence, ctx.case)
        try:
            if args.get("offset"):
                offset, off_source = parse_offset(str(args["offset"])), "arguments"
            else:
                offset, off_source = exif.offset, "EXIF"
            if args.get("when"):
                days, day_source = [_day(str(args["when"]))], "arguments"
            else:
                clue = time_clue(typed_clues(ctx.case.clues))
                if clue is not None and (clue.when is not None or clue.day is not None):
                    days = [clue.when.date() if clue.when is not None else clue.day]  # type: ignore[list-item]
                    day_source = f"clue {clue.text!r}"
                elif exif.local is not None:
                    days, day_source = [exif.local.date()], "EXIF"
                else:
                    year = datetime.now().year
                    days = [date(year, 1, 15), date(year, 7, 15)]
                    day_source = "date unknown: January and July allowed"
        except BadInputError as exc:
            raise ToolError(str(exc)) from None
        return offset, off_source, days, day_source

    def cache_key(self, ctx: ToolContext, args: dict[str, Any]) -> str | None:
        try:
            offset, _, days, _ = self._inputs(ctx, args)
        except Exception:
            return None
        return json.dumps([self.name, self.version, args, self.resolution_deg,
                           None if offset is None else format_offset(offset),
                           [d.isoformat() for d in days]], sort_keys=True)

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        offset, off_source, days, day_source = self._inputs(ctx, args)
        if offset is None:
            return Finding(summary="no UTC offset known: the EXIF has none and none was given",
                           data={"consistent": None, "offset": None})
        label = format_offset(offset)
        res = self.resolution_deg
        mask = np.zeros((round(180 / res), round(360 / res)), dtype=bool)
        zones: set[str] = set()
        for day in days:
            found = offset_map(day, offset, resolution=res,
                               cache_dir=ctx.settings.cache_dir)
            mask |= found.mask
            zones.update(found.zones)
        data: dict[str, Any] = {
            "offset": label, "offset_source": off_source,
            "dates": [d.isoformat() for d in days], "date_source": day_source,
            "zones_with_offset": len(zones), "consistent": None,
            "area_fraction": round(_area_fraction(mask, res), 6),
        }
        if not mask.any():
            return Finding(summary=f"UTC offset {label} was legal nowhere on "
                                   f"{', '.join(data['dates'])}: a wrong clock setting?",
                           data=data)
        constraint = RasterConstraint.from_array(
            _soft(mask), south=-90.0, west=-180.0, north=90.0, east=180.0, strength=STRENGTH
        )
        lat, lon = args.get("lat"), args.get("lon")
        if lat is None or lon is None:
            summary = (f"UTC offset {label} ({off_source}) is legal time in {len(zones)} zones "
                       f"({100 * data['area_fraction']:.2g}% of the globe) on "
                       f"{' or '.join(data['dates'])}")
            return Finding(summary=summary, data=data, constraint=constraint)
        zone = zone_at(float(lat), float(lon))
        zone_offsets = sorted({format_offset(offset_in_zone(zone, d)) for d in days})
        consistent = label in zone_offsets
        data.update(lat=float(lat), lon=float(lon), zone=zone,
                    zone_offset=" or ".join(zone_offsets), consistent=consistent)
        verb = "supports" if consistent else "contradicts"
        summary = (f"UTC offset {label} ({off_source}) {verb} the candidate {float(lat):.3f}, "
                   f"{float(lon):.3f}: {zone} is {data['zone_offset']} on "
                   f"{' or '.join(data['dates'])}")
        return Finding(summary=summary, data=data, constraint=constraint)


def _day(text: str) -> date:
    raw = text.strip()
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise BadInputError(f"'when' {text!r} is not an ISO date or time") from None


def _soft(mask: np.ndarray) -> np.ndarray:
    """1 inside, 0.5 on a one-cell rim around it (zone borders sampled at cell centres)."""
    grown = mask.copy()
    grown[1:] |= mask[:-1]
    grown[:-1] |= mask[1:]
    grown[:, 1:] |= mask[:, :-1]
    grown[:, :-1] |= mask[:, 1:]
    grown[:, 0] |= mask[:, -1]
    grown[:, -1] |= mask[:, 0]
    return np.where(mask, 1.0, np.where(grown, 0.5, 0.0))


def _area_fraction(mask: np.ndarray, res: float) -> float:
    lats = 90.0 - res * (np.arange(mask.shape[0]) + 0.5)
    w = np.cos(np.radians(lats))
    return float((mask.sum(axis=1) * w).sum() / (w.sum() * mask.shape[1]))
