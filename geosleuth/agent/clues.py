"""The investigator's own clues: a small typed parser for strings like ``"shadow: height=1.8m
length=2.4m"``.

A clue is ``kind: body``. The kinds:

- ``shadow: height=1.8m length=2.4m [bearing=135] [tolerance=1] [bearing_tolerance=5]``:
  an upright object and its shadow on level ground (m, cm, mm, ft or in; bare numbers
  are metres); ``bearing`` is the direction the shadow points, degrees from north.
  ``frame=-30`` instead of ``bearing`` gives that direction in the photo, degrees
  clockwise from the camera's line of sight (90: to the right): the sun tools turn it
  into a bearing with the camera heading of the EXIF (GPSImgDirection).
- ``sun: elevation=35±2 [azimuth=200±5]``: the sun's elevation (and azimuth) measured
  directly; ``35+-2`` and ``tolerance=2`` work too (default tolerance 1.5°).
- ``time: 2024-06-01T14:30+02:00``: the capture time, with or without its UTC offset;
  ``time: 2024-06-01`` is a date only. A time with no date is refused.
- ``date: 2024-06-01 [hours=14-16] [offset=+02:00]``: the date, optionally an hour
  window in local time and the offset.
- ``country: FR`` / ``country: FR, BE`` / ``not-country: France``: ISO 3166 alpha-2
  codes or country names (in any language CLDR knows, and everyday English ones).

``parse_clue`` raises BadInputError with one line saying what is wrong (with "did you
mean" for a misspelt kind or country name). Clue text is the
user's data: it is parsed, never evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from geosleuth.agent.clue_names import country_code, country_hint, suggest
from geosleuth.errors import BadInputError

if TYPE_CHECKING:
    from geosleuth.geo.sun_locus import SunMeasurement, TimeWindow
    from geosleuth.model import CountryConstraint

KINDS = ("shadow", "sun", "time", "date", "country", "not-country")
DEFAULT_TOLERANCE_DEG = 1.5
DEFAULT_AZIMUTH_TOLERANCE_DEG = 5.0

_UNITS = {"": 1.0, "m": 1.0, "cm": 0.01, "mm": 0.001, "ft": 0.3048, "'": 0.3048,
          "in": 0.0254, '"': 0.0254}
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_LENGTH = re.compile(rf"^({_NUMBER})\s*(m|cm|mm|ft|in|'|\")?$", re.IGNORECASE)
_ANGLE = re.compile(
    rf"^({_NUMBER})\s*°?\s*(?:(?:±|\+-|\+/-|\+−)\s*({_NUMBER})\s*°?)?$"
)
_PAIR = re.compile(r"([A-Za-z_]+)\s*=\s*(\S+)")


@dataclass(frozen=True)
class ShadowClue:
    object_height_m: float
    shadow_length_m: float
    shadow_bearing_deg: float | None = None
    tolerance_deg: float = DEFAULT_TOLERANCE_DEG
    bearing_tolerance_deg: float = DEFAULT_AZIMUTH_TOLERANCE_DEG
    text: str = ""
    kind: str = "shadow"
    frame_deg: float | None = None  # direction in the photo, from the line of sight

    def with_heading(self, heading_deg: float, heading_tolerance_deg: float) -> ShadowClue:
        """This clue with its frame direction turned into a bearing by the camera heading;
        the bearing is no surer than the heading (a phone compass is good to ~15°)."""
        if self.frame_deg is None:
            return self
        return replace(self, shadow_bearing_deg=(heading_deg + self.frame_deg) % 360.0,
                       bearing_tolerance_deg=max(self.bearing_tolerance_deg,
                                                 heading_tolerance_deg))

    def measurement(self) -> SunMeasurement:
        from geosleuth.geo.sun_locus import SunMeasurement

        return SunMeasurement.from_shadow(
            self.object_height_m, self.shadow_length_m, tolerance_deg=self.tolerance_deg,
            shadow_bearing_deg=self.shadow_bearing_deg,
            azimuth_tolerance_deg=self.bearing_tolerance_deg,
        )

    def describe(self) -> str:
        text = f"shadow of a {self.object_height_m:g} m object is {self.shadow_length_m:g} m long"
        if self.shadow_bearing_deg is not None:
            text += f", pointing {self.shadow_bearing_deg:g}° from north"
        elif self.frame_deg is not None:
            text += f", pointing {self.frame_deg:g}° from the camera's line of sight"
        return text


@dataclass(frozen=True)
class SunClue:
    elevation_deg: float
    tolerance_deg: float = DEFAULT_TOLERANCE_DEG
    azimuth_deg: float | None = None
    azimuth_tolerance_deg: float = DEFAULT_AZIMUTH_TOLERANCE_DEG
    text: str = ""
    kind: str = "sun"

    def measurement(self) -> SunMeasurement:
        from geosleuth.geo.sun_locus import SunMeasurement

        return SunMeasurement(
            self.elevation_deg, self.tolerance_deg, azimuth_deg=self.azimuth_deg,
            azimuth_tolerance_deg=self.azimuth_tolerance_deg,
        )

    def describe(self) -> str:
        text = f"sun elevation {self.elevation_deg:g}°±{self.tolerance_deg:g}°"
        if self.azimuth_deg is not None:
            text += f", azimuth {self.azimuth_deg:g}°±{self.azimuth_tolerance_deg:g}°"
        return text


@dataclass(frozen=True)
class TimeClue:
    """A capture time (naive = local wall time, aware = instant) or a date and hour window."""

    when: datetime | None = None
    day: date | None = None
    hours: tuple[float, float] | None = None
    offset: timedelta | None = None
    text: str = ""
    kind: str = "time"

    def window(self) -> TimeWindow:
        from geosleuth.geo.sun_locus import TimeWindow

        return TimeWindow.local(self.when, day=self.day, hours=self.hours, offset=self.offset)

    def describe(self) -> str:
        return f"taken at {self.window().label}"


@dataclass(frozen=True)
class CountryClue:
    codes: tuple[str, ...]
    negated: bool = False
    text: str = ""
    kind: str = "country"

    def constraint(self, strength: float = 0.9) -> CountryConstraint:
        from geosleuth.model import CountryConstraint

        if self.negated:
            return CountryConstraint(weights=dict.fromkeys(self.codes, 0.0), default=1.0,
                                     strength=strength)
        return CountryConstraint(weights=dict.fromkeys(self.codes, 1.0), default=0.0,
                                 strength=strength)

    def describe(self) -> str:
        return ("not in " if self.negated else "in ") + " or ".join(self.codes)


Clue = ShadowClue | SunClue | TimeClue | CountryClue


def parse_clue(text: str) -> Clue:
    """One clue string -> a typed clue; BadInputError if it makes no sense."""
    raw = text.strip()
    kind, sep, body = raw.partition(":")
    kind = kind.strip().lower().replace("_", "-")
    if not sep or kind not in KINDS:
        guess = suggest(kind, KINDS) if sep else None
        raise BadInputError(
            f"clue {raw!r} not understood: "
            + (f"did you mean '{guess}:'?" if guess else
               f"start it with one of {', '.join(k + ':' for k in KINDS)}")
        )
    body = body.strip()
    if not body:
        raise BadInputError(f"clue {raw!r} is empty after {kind!r}")
    if kind == "shadow":
        return _shadow(body, raw)
    if kind == "sun":
        return _sun(body, raw)
    if kind in ("time", "date"):
        return _time(body, raw)
    return _country(body, raw, negated=kind == "not-country")


def parse_clues(texts: Iterable[str]) -> list[Clue]:
    return [parse_clue(t) for t in texts]


def typed_clues(texts: Iterable[str]) -> list[Clue]:
    """The typed clues among a case's clues: the investigator's notes, points and places
    (``note:``, ``point:``, ``place:``) are evidence of their own, not clues for a tool."""
    return [parse_clue(t) for t in texts
            if t.partition(":")[0].strip().lower().replace("_", "-") in KINDS]


def sun_measurement_clue(clues: Iterable[Clue]) -> ShadowClue | SunClue | None:
    """The first shadow or sun clue, if any."""
    for clue in clues:
        if isinstance(clue, ShadowClue | SunClue):
            return clue
    return None


def time_clue(clues: Iterable[Clue]) -> TimeClue | None:
    for clue in clues:
        if isinstance(clue, TimeClue):
            return clue
    return None


# ----------------------------------------------------------------------- parsers


def _pairs(body: str, raw: str, allowed: tuple[str, ...]) -> dict[str, str]:
    pairs = {k.lower(): v for k, v in _PAIR.findall(body.replace(",", " "))}
    leftover = _PAIR.sub("", body.replace(",", " ")).strip()
    if leftover:
        raise BadInputError(f"clue {raw!r}: cannot read {leftover!r}; write key=value pairs")
    unknown = sorted(set(pairs) - set(allowed))
    if unknown:
        raise BadInputError(f"clue {raw!r}: unknown key {unknown[0]!r}; use {', '.join(allowed)}")
    return pairs


def _length(value: str, what: str, raw: str) -> float:
    m = _LENGTH.match(value.strip())
    if not m:
        raise BadInputError(f"clue {raw!r}: {what} {value!r} is not a length like 1.8m or 180cm")
    metres = float(m.group(1)) * _UNITS[(m.group(2) or "").lower()]
    if not metres > 0:
        raise BadInputError(f"clue {raw!r}: {what} must be greater than zero")
    return metres


def _angle(value: str, what: str, raw: str) -> tuple[float, float | None]:
    m = _ANGLE.match(value.strip())
    if not m:
        raise BadInputError(f"clue {raw!r}: {what} {value!r} is not an angle like 35 or 35±2")
    tol = float(m.group(2)) if m.group(2) is not None else None
    if tol is not None and not tol > 0:
        raise BadInputError(f"clue {raw!r}: the tolerance of {what} must be positive")
    return float(m.group(1)), tol


def _plain_angle(value: str, what: str, raw: str) -> float:
    angle, tol = _angle(value, what, raw)
    if tol is not None:
        raise BadInputError(f"clue {raw!r}: give the tolerance of {what} separately")
    return angle


def _shadow(body: str, raw: str) -> ShadowClue:
    p = _pairs(body, raw, ("height", "length", "bearing", "frame", "tolerance", "tol",
                           "bearing_tolerance"))
    if "height" not in p or "length" not in p:
        raise BadInputError(f"clue {raw!r}: a shadow needs height=... and length=...")
    height = _length(p["height"], "height", raw)
    length = _length(p["length"], "length", raw)
    bearing = None
    if "bearing" in p:
        bearing = _plain_angle(p["bearing"], "bearing", raw) % 360.0
    tol = _plain_angle(p.get("tolerance", p.get("tol", str(DEFAULT_TOLERANCE_DEG))),
                       "tolerance", raw)
    btol = _plain_angle(p.get("bearing_tolerance", str(DEFAULT_AZIMUTH_TOLERANCE_DEG)),
                        "bearing_tolerance", raw)
    _check_tolerance(tol, btol, raw)
    frame = None
    if "frame" in p:
        if bearing is not None:
            raise BadInputError(f"clue {raw!r}: give bearing= or frame=, not both")
        frame = (_plain_angle(p["frame"], "frame", raw) + 180.0) % 360.0 - 180.0
    return ShadowClue(height, length, bearing, tol, btol, text=raw, frame_deg=frame)


def _sun(body: str, raw: str) -> SunClue:
    p = _pairs(body, raw, ("elevation", "altitude", "azimuth", "tolerance", "tol",
                           "azimuth_tolerance"))
    el_text = p.get("elevation", p.get("altitude"))
    if el_text is None:
        raise BadInputError(f"clue {raw!r}: give elevation=... (degrees above the horizon)")
    elevation, tol = _angle(el_text, "elevation", raw)
    if not -90.0 <= elevation <= 90.0:
        raise BadInputError(f"clue {raw!r}: elevation {elevation:g}° is impossible (-90..90)")
    if tol is None:
        tol = _plain_angle(p.get("tolerance", p.get("tol", str(DEFAULT_TOLERANCE_DEG))),
                           "tolerance", raw)
    azimuth = None
    az_tol: float | None = None
    if "azimuth" in p:
        azimuth, az_tol = _angle(p["azimuth"], "azimuth", raw)
        azimuth %= 360.0
    if az_tol is None:
        az_tol = _plain_angle(p.get("azimuth_tolerance", str(DEFAULT_AZIMUTH_TOLERANCE_DEG)),
                              "azimuth_tolerance", raw)
    _check_tolerance(tol, az_tol, raw)
    return SunClue(elevation, tol, azimuth, az_tol, text=raw)


def _check_tolerance(tol: float, az_tol: float, raw: str) -> None:
    if not 0 < tol <= 45:
        raise BadInputError(f"clue {raw!r}: tolerance {tol:g}° must be in (0, 45]")
    if not 0 < az_tol <= 180:
        raise BadInputError(f"clue {raw!r}: azimuth tolerance {az_tol:g}° must be in (0, 180]")


_TIME_ONLY = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?\s*([+\-−]\d{2}:?\d{2}|Z)?$", re.IGNORECASE)
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?([+\-−]\d{2}:?\d{2}|Z)?$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HOURS = re.compile(rf"^({_NUMBER})(?::(\d{{2}}))?\s*(?:-|–|\.\.)\s*({_NUMBER})(?::(\d{{2}}))?$")


def _time(body: str, raw: str) -> TimeClue:
    from geosleuth.geo.timezones import parse_offset

    head, *rest = body.split()
    if rest and _DATE.match(head) and _CLOCK.match(rest[0]):  # "2024-06-01 14:30"
        head, rest = f"{head}T{rest[0]}", rest[1:]
    extras = _pairs(" ".join(rest), raw, ("hours", "offset")) if rest else {}
    if _TIME_ONLY.match(head):
        raise BadInputError(f"clue {raw!r}: a time with no date; write 2024-06-01T{head}")
    offset = parse_offset(extras["offset"]) if "offset" in extras else None
    hours = _hours(extras["hours"], raw) if "hours" in extras else None
    if _DATE.match(head):
        try:
            day = date.fromisoformat(head)
        except ValueError:
            raise BadInputError(f"clue {raw!r}: {head!r} is not a calendar date") from None
        return TimeClue(day=day, hours=hours, offset=offset, text=raw)
    if hours is not None:
        raise BadInputError(f"clue {raw!r}: hours=... goes with a date, not with a full time")
    text = head.replace("Z", "+00:00").replace("z", "+00:00").replace("−", "-")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise BadInputError(
            f"clue {raw!r}: {head!r} is not an ISO time like 2024-06-01T14:30+02:00"
        ) from None
    if when.tzinfo is not None and offset is not None:
        raise BadInputError(f"clue {raw!r}: the time already carries its UTC offset")
    return TimeClue(when=when, offset=offset, text=raw)


def _hours(value: str, raw: str) -> tuple[float, float]:
    m = _HOURS.match(value.strip())
    if not m:
        raise BadInputError(f"clue {raw!r}: hours {value!r} should look like 14-16 or 9:30-11")
    h0 = float(m.group(1)) + int(m.group(2) or 0) / 60.0
    h1 = float(m.group(3)) + int(m.group(4) or 0) / 60.0
    if not 0 <= h0 < h1 <= 24:
        raise BadInputError(f"clue {raw!r}: hours {value!r} must run forwards within 0-24")
    return h0, h1


def _country(body: str, raw: str, *, negated: bool) -> CountryClue:
    """Countries by ISO code or by name, separated by commas (or, for codes, spaces)."""
    whole = country_code(body)
    if whole is not None:  # one name, even with a comma in it ("Korea, Republic of")
        return CountryClue((whole,), negated=negated, text=raw)
    codes: list[str] = []
    for part in re.split(r"[,;/]+", body):
        if not part.strip():
            continue
        code = country_code(part)
        if code is not None:
            codes.append(code)
            continue
        words = part.split()
        found = [country_code(w) for w in words]
        if None not in found:  # "FR BE"
            codes += [c for c in found if c is not None]
            continue
        bad = part.strip() if len(words) > 1 else words[0]
        hint = country_hint(bad)
        raise BadInputError(
            f"clue {raw!r}: {bad!r} is not an ISO 3166 alpha-2 country code (like FR) or a"
            " country name" + (f"; did you mean {hint!r}?" if hint else "")
        )
    return CountryClue(tuple(dict.fromkeys(codes)), negated=negated, text=raw)
