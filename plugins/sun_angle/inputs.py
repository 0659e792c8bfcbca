"""Where the sun tools get their inputs: the arguments, else the investigator's clues, else EXIF.

Each resolver returns the value and a short note of its source, so that findings say
where their inputs came from (and the cache key covers everything that was read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from geosleuth.agent.clues import ShadowClue, sun_measurement_clue, time_clue, typed_clues
from geosleuth.errors import BadInputError, ToolError
from geosleuth.geo.sun_locus import SunMeasurement, TimeWindow
from geosleuth.geo.timezones import format_offset, parse_offset
from geosleuth.model import Case, Evidence

EXIF_TOOL = "exif_metadata"


@dataclass(frozen=True)
class ExifTime:
    """The capture time the EXIF evidence gave: a local wall time and maybe its offset."""

    local: datetime | None
    offset: timedelta | None


def exif_time(evidence: Sequence[Evidence], case: Case) -> ExifTime:
    """The capture time and UTC offset from the ``exif_metadata`` evidence.

    Reads ``taken`` / ``utc_offset`` (and the older names ``datetime_original`` /
    ``offset``). With ``ignore_metadata`` the time is hidden, the offset (a zone) is not.
    """
    local: datetime | None = None
    offset: timedelta | None = None
    for e in evidence:
        if e.tool != EXIF_TOOL:
            continue
        stamp = e.data.get("taken") or e.data.get("datetime_original")
        if stamp and local is None and not case.ignore_metadata:
            try:
                local = datetime.fromisoformat(str(stamp))
            except ValueError:
                local = None
        off = e.data.get("utc_offset") or e.data.get("offset")
        if off and offset is None:
            try:
                offset = parse_offset(str(off))
            except BadInputError:
                offset = None
    if local is not None and local.tzinfo is not None:
        offset = offset or local.utcoffset()
        local = local.replace(tzinfo=None)
    return ExifTime(local, offset)


# A camera's compass heading is good to about this much (phones: magnetometer error and
# interference; magnetic north is taken as true north, declination is mostly under 15°).
HEADING_TOLERANCE_DEG = 15.0


def exif_heading(evidence: Sequence[Evidence]) -> tuple[float, str] | None:
    """(degrees, "true" or "magnetic") of the camera heading the EXIF evidence gave."""
    for e in evidence:
        if e.tool == EXIF_TOOL and e.data.get("heading_deg") is not None:
            return float(e.data["heading_deg"]), str(e.data.get("heading_north") or "true")
    return None


def measurement_from(args: dict[str, Any], case: Case, evidence: Sequence[Evidence] = ()
                     ) -> tuple[SunMeasurement | None, str]:
    """The sun measurement from the arguments, else from a shadow/sun clue of the case.

    A shadow clue's direction in the frame (``frame=``) becomes a bearing with the EXIF
    camera heading; without a heading the clue gives the elevation only, and says so.
    """
    tol = float(args.get("tolerance_deg", 1.5))
    height, length = args.get("object_height_m"), args.get("shadow_length_m")
    bearing = args.get("shadow_bearing_deg")
    try:
        if args.get("elevation_deg") is not None:
            meas = SunMeasurement(float(args["elevation_deg"]), tol)
            if bearing is not None:
                meas = SunMeasurement(meas.elevation_deg, tol,
                                      azimuth_deg=(float(bearing) + 180.0) % 360.0,
                                      shadow_bearing_deg=float(bearing))
            return meas, "arguments"
        if height is not None or length is not None:
            if height is None or length is None:
                raise ToolError("give both object_height_m and shadow_length_m, or elevation_deg")
            return SunMeasurement.from_shadow(
                float(height), float(length), tolerance_deg=tol,
                shadow_bearing_deg=None if bearing is None else float(bearing),
            ), "arguments"
        clue = sun_measurement_clue(typed_clues(case.clues))
    except BadInputError as exc:
        raise ToolError(str(exc)) from None
    if clue is None:
        return None, ""
    source = f"clue {clue.text!r}"
    if isinstance(clue, ShadowClue) and clue.frame_deg is not None:
        heading = exif_heading(evidence)
        if heading is None:
            source += ("; its direction in the frame is not used: the photo has no camera "
                       "heading (GPSImgDirection)")
        else:
            clue = clue.with_heading(heading[0], HEADING_TOLERANCE_DEG)
            source += (f"; shadow bearing {clue.shadow_bearing_deg:.0f}° = camera heading "
                       f"{heading[0]:.0f}° ({heading[1]} north, EXIF) + {clue.frame_deg:g}° "
                       f"in the frame, ±{clue.bearing_tolerance_deg:g}°")
    return clue.measurement(), source


def window_from(
    args: dict[str, Any], case: Case, evidence: Sequence[Evidence]
) -> tuple[TimeWindow | None, str]:
    """The capture time (or window) from the arguments, else a time clue, else EXIF.

    A time or date given without its UTC offset takes ``utc_offset`` from the
    arguments, else the EXIF offset (a zone, which ``ignore_metadata`` does not hide),
    else the window widens to every offset.
    """
    exif = exif_time(evidence, case)
    try:
        given = parse_offset(args["utc_offset"]) if args.get("utc_offset") else None
        offset = given if given is not None else exif.offset
        note = "" if offset is None or given is not None else ", UTC offset from EXIF"
        hours = tuple(float(h) for h in args["hour_window"]) if args.get("hour_window") else None
        if hours is not None and len(hours) != 2:
            raise ToolError("hour_window must be [first hour, last hour]")
        if args.get("time"):
            when = _iso(str(args["time"]))
            if isinstance(when, datetime) and when.tzinfo is not None:
                return TimeWindow.local(when), "arguments"
            if isinstance(when, datetime):
                return TimeWindow.local(when, offset=offset), "arguments" + note
            return TimeWindow.local(day=when, hours=hours, offset=offset), "arguments" + note
        if args.get("date"):
            day = date.fromisoformat(str(args["date"]))
            return TimeWindow.local(day=day, hours=hours, offset=offset), "arguments" + note
        clue = time_clue(typed_clues(case.clues))
        if clue is not None:
            source = f"clue {clue.text!r}"
            aware = clue.when is not None and clue.when.tzinfo is not None
            if clue.offset is None and not aware and offset is not None:
                clue = replace(clue, offset=offset)
                source += note or ", UTC offset from the arguments"
            return clue.window(), source
    except BadInputError as exc:
        raise ToolError(str(exc)) from None
    except ValueError as exc:
        raise ToolError(f"time arguments not understood: {exc}") from None
    if exif.local is not None:
        source = "EXIF" + ("" if exif.offset is not None else " (no UTC offset recorded)")
        return TimeWindow.local(exif.local, offset=exif.offset), source
    return None, ""


def _iso(text: str) -> datetime | date:
    raw = text.strip().replace("Z", "+00:00")
    if len(raw) == 10:
        return date.fromisoformat(raw)
    if ":" in raw and "-" not in raw[:5]:
        raise BadInputError(f"time {text!r} has no date; write it like 2024-06-01T14:30")
    return datetime.fromisoformat(raw)


def offset_label(offset: timedelta | None) -> str | None:
    return None if offset is None else format_offset(offset)
