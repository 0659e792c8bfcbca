"""The ``sun_angle`` clue tool: where on Earth the sun stood as measured at the capture time."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, ClassVar

from geosleuth_plugins.sun_angle.inputs import measurement_from, window_from

from geosleuth.agent.clues import sun_measurement_clue, typed_clues
from geosleuth.geo.sun_locus import (
    Locus,
    SunMeasurement,
    TimeWindow,
    check_time,
    matching_times,
    sun_locus,
)
from geosleuth.model import Finding
from geosleuth.tools.api import ClueTool, Requirement, Stage
from geosleuth.tools.context import ToolContext
from geosleuth.tools.plan import PlanInput

STRENGTH = 0.85  # a shadow is geometry, but objects lean, ground slopes, clocks drift
RESOLUTION_DEG = 0.1


class SunAngleTool(ClueTool):
    name: ClassVar[str] = "sun_angle"
    stage: ClassVar[Stage | None] = "interpret"
    example_args: ClassVar[dict[str, Any] | None] = {
        "time": "2024-06-01T14:30+01:00", "object_height_m": 1.8, "shadow_length_m": 2.4}

    def offline_calls(self, plan: PlanInput) -> list[dict[str, Any]]:
        """One call when the investigator gave a shadow or sun measurement."""
        return [{}] if sun_measurement_clue(typed_clues(plan.clues)) is not None else []
    version: ClassVar[str] = "1.0.0"
    description: ClassVar[str] = (
        "Shadow analysis: from the capture time and the sun's elevation (measured directly, "
        "or from an upright object's height and its shadow's length on level ground; "
        "optionally the shadow's compass bearing when north is known), find every place on "
        "Earth where the sun stood like that: a band around the globe, or a patch when the "
        "bearing is known. Without arguments it uses the investigator's shadow/sun clue and "
        "the EXIF capture time. Give your own estimate from the image in the arguments. "
        "With lat/lon it also says whether the capture time fits the shadow at that place "
        "(a wrong clock or an edited file) and which local times would."
    )
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "time": {"type": "string",
                     "description": "capture time, ISO 8601, with or without UTC offset"},
            "date": {"type": "string", "description": "YYYY-MM-DD when only the date is known"},
            "hour_window": {"type": "array", "items": {"type": "number", "minimum": 0,
                                                       "maximum": 24},
                            "minItems": 2, "maxItems": 2,
                            "description": "[first, last] local hour when only roughly known"},
            "utc_offset": {"type": "string",
                           "description": "UTC offset like +02:00 for a time or date without one"},
            "elevation_deg": {"type": "number", "minimum": -90, "maximum": 90,
                              "description": "sun elevation above the horizon, degrees"},
            "object_height_m": {"type": "number", "exclusiveMinimum": 0},
            "shadow_length_m": {"type": "number", "exclusiveMinimum": 0},
            "shadow_bearing_deg": {"type": "number", "minimum": 0, "maximum": 360,
                                   "description": "direction the shadow points, from north"},
            "tolerance_deg": {"type": "number", "exclusiveMinimum": 0, "maximum": 45,
                              "default": 1.5},
            "lat": {"type": "number", "minimum": -90, "maximum": 90,
                    "description": "a candidate place to check the time against"},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
        },
        "additionalProperties": False,
    }
    cost = "local"
    basis = "computed"
    requires: ClassVar[tuple[Requirement, ...]] = (
        Requirement(module="contourpy", install="pip install contourpy"),
        Requirement(module="shapely", install="pip install shapely"),
    )

    def _inputs(
        self, ctx: ToolContext, args: dict[str, Any]
    ) -> tuple[SunMeasurement | None, str, TimeWindow | None, str]:
        meas, meas_source = measurement_from(args, ctx.case, ctx.evidence)
        window, time_source = window_from(args, ctx.case, ctx.evidence)
        return meas, meas_source, window, time_source

    def cache_key(self, ctx: ToolContext, args: dict[str, Any]) -> str | None:
        try:
            meas, _, window, _ = self._inputs(ctx, args)
        except Exception:
            return None
        return json.dumps(
            [self.name, self.version, args,
             meas.as_dict() if meas else None, window.as_dict() if window else None],
            sort_keys=True, default=str,
        )

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        meas, meas_source, window, time_source = self._inputs(ctx, args)
        if meas is None:
            return Finding(
                summary=("no sun measurement: give elevation_deg or object_height_m and "
                         "shadow_length_m, or a clue like 'shadow: height=1.8m length=2.4m'"),
                data={"measured": False},
            )
        if window is None:
            return Finding(
                summary=(f"{meas.describe()} ({meas_source}), but the capture time is "
                         "unknown: no EXIF time and no time or date given"),
                data={"measured": True, "measurement": meas.as_dict(), "time": None},
            )
        locus = sun_locus(meas, window, resolution=RESOLUTION_DEG)
        data = _data(locus, meas_source, time_source)
        lat, lon = args.get("lat"), args.get("lon")
        if lat is not None and lon is not None:
            data["candidate"] = _candidate(float(lat), float(lon), meas, window, locus)
        if locus.area_fraction() == 0.0:
            return Finding(summary=(f"{meas.describe()} never occurs anywhere at "
                                    f"{window.label}: check the time and the measurement"),
                           data=data)
        return Finding(summary=_summary(locus, meas_source, time_source, data),
                       data=data, constraint=locus.to_constraint(STRENGTH))


def _data(locus: Locus, meas_source: str, time_source: str) -> dict[str, Any]:
    lat_range = locus.lat_range()
    return {
        "measured": True,
        "measurement": locus.measurement.as_dict(),
        "measurement_source": meas_source,
        "time": locus.window.as_dict(),
        "time_source": time_source,
        "area_fraction": round(locus.area_fraction(), 6),
        "area_km2": round(locus.area_km2()),
        "lat_range": None if lat_range is None else [round(v, 2) for v in lat_range],
        "resolution_deg": locus.resolution,
        "geojson": locus.geojson(),
    }


def _summary(locus: Locus, meas_source: str, time_source: str, data: dict[str, Any]) -> str:
    lat_range = data["lat_range"]
    where = f"latitudes {lat_range[0]:.1f}° to {lat_range[1]:.1f}°" if lat_range else ""
    text = (f"{locus.measurement.describe()} ({meas_source}) at {locus.window.label} "
            f"({time_source}): matches on {100 * data['area_fraction']:.2g}% of the globe, "
            f"{where}")
    cand = data.get("candidate")
    if cand:
        text += f"; at {cand['lat']:.3f}, {cand['lon']:.3f}: {cand['verdict']}"
    return text


def _candidate(
    lat: float, lon: float, meas: SunMeasurement, window: TimeWindow, locus: Locus
) -> dict[str, Any]:
    """Chronolocation at a candidate place: does the capture time fit the measured sun?"""
    from geosleuth.geo.timezones import utc_offset_at

    zone = utc_offset_at(lat, lon, window.start)
    out: dict[str, Any] = {"lat": lat, "lon": lon, "in_locus": locus.contains(lat, lon),
                           "zone": zone.zone}
    if window.hours == 0:
        when = window.start.astimezone(_fixed(zone.offset))
    elif not window.offset_known and window.hours <= 26.0 + 1e-9:
        # A local wall time without offset: read it in the candidate's own zone.
        local = window.start + (timedelta(hours=14))
        when = local.replace(tzinfo=None).replace(tzinfo=_fixed(zone.offset))
    else:
        when = None
    if when is not None:
        check = check_time(lat, lon, when, meas)
        out["time_check"] = check.as_dict()
        out["verdict"] = check.describe()
        day = when.date()
    else:
        middle = window.start + (window.end - window.start) / 2
        day = middle.astimezone(_fixed(zone.offset)).date()
        out["verdict"] = "inside the locus" if out["in_locus"] else "outside the locus"
    out["matching_local_times"] = [i.as_dict() for i in
                                   matching_times(lat, lon, day, zone.offset, meas)]
    return out


def _fixed(offset: timedelta) -> Any:
    from datetime import timezone

    return timezone(offset)
