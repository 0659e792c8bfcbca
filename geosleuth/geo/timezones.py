"""UTC offsets of places: timezonefinder names a place's zone, zoneinfo gives its rules at a date.

Also the inverse: every place whose legal offset on a date equals a given offset (for
example an EXIF ``OffsetTimeOriginal``), on a global grid. The zone of each grid cell
does not depend on the date, so the grid of zone names is computed once per resolution
and cached on disk (``<cache_dir>/timezones/``, keyed by resolution and the
timezonefinder data version); the offsets for a date are then a lookup per zone.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from geosleuth.errors import BadInputError
from geosleuth.tempfiles import remove_stale, writing

_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+\-−])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


@dataclass(frozen=True)
class ZoneOffset:
    """A place's time zone and its UTC offset at some moment."""

    zone: str
    offset: timedelta

    @property
    def label(self) -> str:
        return format_offset(self.offset)


def parse_offset(text: str) -> timedelta:
    """``"+02:00"``, ``"-0530"``, ``"UTC+1"``, ``"Z"`` -> timedelta; BadInputError otherwise."""
    raw = text.strip()
    if raw.upper() in ("Z", "UTC", "GMT"):
        return timedelta(0)
    m = _OFFSET.match(raw)
    if not m:
        raise BadInputError(f"UTC offset {text!r} not understood: write it like +02:00 or -05:30")
    sign = -1 if m.group(1) in "-−" else 1
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    offset = sign * timedelta(hours=hours, minutes=minutes)
    if not timedelta(hours=-12) <= offset <= timedelta(hours=14) or minutes >= 60:
        raise BadInputError(
            f"UTC offset {text!r} does not exist: offsets run from -12:00 to +14:00"
        )
    return offset


def format_offset(offset: timedelta) -> str:
    minutes = round(offset.total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@lru_cache(maxsize=1)
def _finder() -> Any:
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def zone_at(lat: float, lon: float) -> str:
    """The IANA zone of a place (oceans get their nautical ``Etc/GMT±N`` zone)."""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise BadInputError(f"({lat}, {lon}) is not a place: latitude -90..90, longitude -180..180")
    name = _finder().timezone_at(lng=float(lon), lat=float(lat))
    if name is None:  # no polygon: fall back to the nautical zone of the longitude
        hours = -round(lon / 15.0)
        name = "Etc/GMT" if hours == 0 else f"Etc/GMT{hours:+d}"
    return str(name)


def offset_in_zone(zone: str, when: datetime | date) -> timedelta:
    """The legal UTC offset of ``zone`` at an instant, a local wall time, or a date's noon."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInputError(f"unknown time zone {zone!r}") from None
    if isinstance(when, datetime):
        local = when.astimezone(tz) if when.tzinfo is not None else when.replace(tzinfo=tz)
    else:
        local = datetime.combine(when, time(12), tzinfo=tz)
    offset = local.utcoffset()
    return offset if offset is not None else timedelta(0)


def utc_offset_at(lat: float, lon: float, when: datetime | date) -> ZoneOffset:
    """The zone of a place and its legal UTC offset then (daylight saving included).

    An aware ``when`` is an instant; a naive one is a local wall time there; a date
    means that day's local noon.
    """
    zone = zone_at(lat, lon)
    return ZoneOffset(zone, offset_in_zone(zone, when))


def localize(lat: float, lon: float, local: datetime) -> datetime:
    """A naive local wall time at a place made aware with that place's zone."""
    if local.tzinfo is not None:
        return local
    zone = zone_at(lat, lon)
    return local.replace(tzinfo=ZoneInfo(zone))


# ------------------------------------------------------------------ global grid


def _grid_file(cache_dir: Path | None, resolution: float) -> Path | None:
    if cache_dir is None:
        return None
    version = str(getattr(_finder(), "data_version", "") or "unknown")
    safe = re.sub(r"[^0-9A-Za-z.]+", "_", version)
    return Path(cache_dir) / "timezones" / f"zones-{resolution:g}deg-{safe}.npz"


def zone_grid(
    resolution: float = 0.25, cache_dir: Path | None = None
) -> tuple[list[str], np.ndarray]:
    """Zone names and, per cell of a global grid (north row first), the index of its zone."""
    if not 0.05 <= resolution <= 10.0:
        raise BadInputError("time-zone grid resolution must be within 0.05..10 degrees")
    path = _grid_file(cache_dir, resolution)
    if path is not None and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as data:
                return json.loads(str(data["zones"])), data["index"]
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache is rebuilt below
    rows, cols = round(180.0 / resolution), round(360.0 / resolution)
    lats = 90.0 - resolution * (np.arange(rows) + 0.5)
    lons = -180.0 + resolution * (np.arange(cols) + 0.5)
    finder = _finder()
    names: dict[str, int] = {}
    index = np.zeros((rows, cols), dtype=np.int16)
    for i, lat in enumerate(lats):
        for j, lon in enumerate(lons):
            name = finder.timezone_at(lng=float(lon), lat=float(lat))
            if name is None:
                hours = -round(lon / 15.0)
                name = "Etc/GMT" if hours == 0 else f"Etc/GMT{hours:+d}"
            index[i, j] = names.setdefault(name, len(names))
    zones = list(names)
    if path is not None:
        # A temporary file of its own (not one fixed name): two processes may build the
        # grid at once (a first run's second process, batch workers).
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(path.parent, prefix=path.stem + ".", suffix=".npz")
        with writing(path.parent, prefix=path.stem + ".", suffix=".npz") as tmp:
            with tmp.open("wb") as fh:
                np.savez_compressed(fh, zones=np.array(json.dumps(zones)), index=index)
            os.replace(tmp, path)
    return zones, index


@dataclass(frozen=True)
class OffsetMap:
    """Where a UTC offset is the legal time on a date: a 0/1 grid, north row first."""

    mask: np.ndarray
    resolution: float
    day: date
    offset: timedelta
    zones: tuple[str, ...]

    def area_fraction(self) -> float:
        lats = 90.0 - self.resolution * (np.arange(self.mask.shape[0]) + 0.5)
        w = np.cos(np.radians(lats))
        return float((self.mask.sum(axis=1) * w).sum() / (w.sum() * self.mask.shape[1]))


def offset_map(
    day: date, offset: timedelta, *, resolution: float = 0.25, cache_dir: Path | None = None
) -> OffsetMap:
    """The places whose legal offset on ``day`` (at local noon) equals ``offset``."""
    zones, index = zone_grid(resolution, cache_dir)
    good = np.array([offset_in_zone(z, day) == offset for z in zones], dtype=bool)
    matching = tuple(sorted(z for z, ok in zip(zones, good, strict=True) if ok))
    return OffsetMap(good[index], resolution, day, offset, matching)


def instant_in_offset(local: datetime, offset: timedelta) -> datetime:
    """A naive wall time read in a fixed offset, as an aware UTC instant."""
    return local.replace(tzinfo=timezone(offset)).astimezone(UTC)
