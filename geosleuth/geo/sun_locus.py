"""Where and when the sun stands as measured: the locus on a global grid, and chronolocation.

Forward question: a time (or a window of times) and a measured sun elevation (and
optionally azimuth) give the set of places where the sun stood like that, as a raster
on a regular latitude/longitude grid and as GeoJSON polygons. Inverse question: a place
and a measurement give the local times of day that match, and say whether a claimed
capture time (EXIF) agrees with the measured shadow.

How the locus is computed. At one instant the sun's local hour angle is the Greenwich
hour angle plus the longitude, so a table of the match over (latitude, hour angle) on
the grid's own steps *is* the locus, shifted. A window of times sweeps the hour angle
of every longitude over an interval, so the locus of a window is a sliding maximum of
that table along the hour-angle axis: exact for any window length at the cost of one
table (per six hours, over which the declination drifts by at most 0.1 degree, which
is added to the tolerance). Each cell is credited with the best point inside it (a
margin of half a cell's elevation change), so a place whose sun matches is never lost
between cell centres. The search is refined near the locus: a coarse 1 degree pass
(conservative by the same margin) picks the latitude bands and longitude runs where a
match is possible, and only those are evaluated at the fine resolution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np

from geosleuth.errors import BadInputError
from geosleuth.geo.sun import (
    elevation_from_shadow,
    geometric_from_apparent,
    refraction_deg,
    solar_position,
    sun_azimuth_from_shadow_bearing,
    sun_ephemeris,
    unix_seconds,
)

# Every legal UTC offset lies in [-12 h, +14 h] (Baker Island to Kiribati's Line Islands).
MIN_OFFSET = timedelta(hours=-12)
MAX_OFFSET = timedelta(hours=14)
_CHUNK = timedelta(hours=6)
_COARSE_STEP = 1.0
_TILE_DEG = 5.0
POLYGON_CELL_DEG = 0.2


@dataclass(frozen=True)
class SunMeasurement:
    """A measured sun: apparent elevation ± tolerance, optionally its azimuth ± tolerance."""

    elevation_deg: float
    tolerance_deg: float = 1.5
    azimuth_deg: float | None = None
    azimuth_tolerance_deg: float = 5.0
    object_height_m: float | None = None
    shadow_length_m: float | None = None
    shadow_bearing_deg: float | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.elevation_deg) or not -90.0 <= self.elevation_deg <= 90.0:
            raise BadInputError(
                f"sun elevation {self.elevation_deg:g}° is impossible: give a value in -90..90"
            )
        if not 0.0 < self.tolerance_deg <= 45.0:
            raise BadInputError(f"tolerance {self.tolerance_deg:g}° must be in (0, 45] degrees")
        if self.azimuth_deg is not None and not math.isfinite(self.azimuth_deg):
            raise BadInputError("sun azimuth must be a number of degrees from north")
        if not 0.0 < self.azimuth_tolerance_deg <= 180.0:
            raise BadInputError("azimuth tolerance must be in (0, 180] degrees")

    @classmethod
    def from_shadow(
        cls,
        object_height_m: float,
        shadow_length_m: float,
        *,
        tolerance_deg: float = 1.5,
        shadow_bearing_deg: float | None = None,
        azimuth_tolerance_deg: float = 5.0,
    ) -> SunMeasurement:
        """From an upright object's height and its shadow's length on level ground."""
        if not object_height_m > 0:
            raise BadInputError(f"object height {object_height_m:g} m must be positive")
        if not shadow_length_m > 0:
            raise BadInputError(
                f"shadow length {shadow_length_m:g} m must be positive "
                "(a shadow of zero length means the sun is overhead: give elevation=90)"
            )
        azimuth = (
            None if shadow_bearing_deg is None
            else sun_azimuth_from_shadow_bearing(shadow_bearing_deg)
        )
        return cls(
            elevation_deg=elevation_from_shadow(object_height_m, shadow_length_m),
            tolerance_deg=tolerance_deg,
            azimuth_deg=azimuth,
            azimuth_tolerance_deg=azimuth_tolerance_deg,
            object_height_m=object_height_m,
            shadow_length_m=shadow_length_m,
            shadow_bearing_deg=shadow_bearing_deg,
        )

    def describe(self) -> str:
        text = f"sun elevation {self.elevation_deg:.1f}°±{self.tolerance_deg:g}°"
        if self.object_height_m is not None:
            text += f" (object {self.object_height_m:g} m, shadow {self.shadow_length_m:g} m)"
        if self.azimuth_deg is not None:
            text += f", azimuth {self.azimuth_deg:.0f}°±{self.azimuth_tolerance_deg:g}°"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "elevation_deg": round(self.elevation_deg, 4),
            "tolerance_deg": self.tolerance_deg,
            "azimuth_deg": None if self.azimuth_deg is None else round(self.azimuth_deg, 3),
            "azimuth_tolerance_deg": self.azimuth_tolerance_deg,
            "object_height_m": self.object_height_m,
            "shadow_length_m": self.shadow_length_m,
            "shadow_bearing_deg": self.shadow_bearing_deg,
        }


def _fmt_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@dataclass(frozen=True)
class TimeWindow:
    """UTC instants from ``start`` to ``end`` (equal for one known instant)."""

    start: datetime
    end: datetime
    label: str = ""
    offset_known: bool = True

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise BadInputError("a time window needs UTC-aware instants")
        if self.end < self.start:
            raise BadInputError("a time window must not end before it starts")

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600.0

    @classmethod
    def instant(cls, when: datetime) -> TimeWindow:
        if when.tzinfo is None:
            raise BadInputError(f"{when.isoformat()} has no UTC offset")
        utc = when.astimezone(UTC)
        return cls(utc, utc, label=when.isoformat(timespec="minutes"), offset_known=True)

    @classmethod
    def local(
        cls,
        when: datetime | None = None,
        *,
        day: date | None = None,
        hours: tuple[float, float] | None = None,
        offset: timedelta | None = None,
    ) -> TimeWindow:
        """A local time, a local date, or a date with an hour window; offset may be unknown.

        An aware ``when`` is an instant. Without an offset, the window widens to every
        legal offset (UTC-12 to UTC+14).
        """
        if when is not None:
            if when.tzinfo is not None:
                return cls.instant(when)
            if offset is not None:
                return cls.instant(when.replace(tzinfo=_tz(offset)))
            start, end = when, when
            label = when.isoformat(timespec="minutes")
        elif day is not None:
            h0, h1 = hours if hours is not None else (0.0, 24.0)
            if not (0.0 <= h0 <= h1 <= 24.0):
                raise BadInputError(
                    f"hour window {h0:g}-{h1:g} must lie within 0-24 and not run backwards"
                )
            base = datetime.combine(day, time(0))
            start, end = base + timedelta(hours=h0), base + timedelta(hours=h1)
            label = day.isoformat() + (f" {_fmt_hours(h0)}-{_fmt_hours(h1)}" if hours else "")
        else:
            raise BadInputError("the capture time is unknown: give a time or a date")
        if offset is not None:
            return cls(
                (start - offset).replace(tzinfo=UTC),
                (end - offset).replace(tzinfo=UTC),
                label=f"{label} {_fmt_offset(offset)}",
                offset_known=True,
            )
        return cls(
            (start - MAX_OFFSET).replace(tzinfo=UTC),
            (end - MIN_OFFSET).replace(tzinfo=UTC),
            label=f"{label} (local, any UTC offset)",
            offset_known=False,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "start_utc": self.start.isoformat(),
            "end_utc": self.end.isoformat(),
            "label": self.label,
            "offset_known": self.offset_known,
            "hours": round(self.hours, 3),
        }


def _fmt_hours(h: float) -> str:
    return f"{int(h):02d}:{round((h % 1) * 60):02d}"


def _tz(offset: timedelta) -> Any:
    from datetime import timezone

    return timezone(offset)


@dataclass
class Locus:
    """Where the sun matches: values in [0, 1] on a regular grid (north row first, cell centres).

    1 means some point in the cell sees the sun as measured (within the tolerance); the
    value falls to 0 over one more tolerance.
    """

    values: np.ndarray
    resolution: float
    south: float
    west: float
    north: float
    east: float
    measurement: SunMeasurement
    window: TimeWindow
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def lats(self) -> np.ndarray:
        return self.north - self.resolution * (np.arange(self.values.shape[0]) + 0.5)

    @property
    def lons(self) -> np.ndarray:
        return self.west + self.resolution * (np.arange(self.values.shape[1]) + 0.5)

    def match_mask(self) -> np.ndarray:
        return self.values >= 0.999

    def area_fraction(self) -> float:
        """Share of the grid's area (of the globe, for a global grid) that matches."""
        weights = np.cos(np.radians(self.lats))
        total = weights.sum() * self.values.shape[1]
        return float((self.match_mask().sum(axis=1) * weights).sum() / total) if total else 0.0

    def area_km2(self) -> float:
        cell = np.radians(self.resolution) ** 2 * 6371.0088**2
        weights = np.cos(np.radians(self.lats))
        return float((self.match_mask().sum(axis=1) * weights).sum() * cell)

    def lat_range(self) -> tuple[float, float] | None:
        rows = np.flatnonzero(self.match_mask().any(axis=1))
        if rows.size == 0:
            return None
        lats = self.lats
        half = self.resolution / 2
        return float(lats[rows.max()] - half), float(lats[rows.min()] + half)

    def value_at(self, lat: float, lon: float) -> float:
        """The value of the cell holding (lat, lon); 0 outside the grid."""
        rows, cols = self.values.shape
        if not self.south <= lat <= self.north:
            return 0.0
        if self.east - self.west >= 360.0:
            offset = (lon - self.west) % 360.0
        elif self.west <= lon <= self.east:
            offset = lon - self.west
        else:
            return 0.0
        row = min(int((self.north - lat) // self.resolution), rows - 1)
        col = min(int(offset // self.resolution), cols - 1)
        return float(self.values[row, col])

    def contains(self, lat: float, lon: float) -> bool:
        return self.value_at(lat, lon) >= 0.999

    def sample_points(self, count: int = 5) -> list[tuple[float, float]]:
        """A few matching cell centres spread along the locus (for naming places)."""
        rows, cols = np.nonzero(self.match_mask())
        if rows.size == 0:
            return []
        order = np.argsort(cols, kind="stable")
        picks = order[np.linspace(0, order.size - 1, min(count, order.size)).astype(int)]
        lats, lons = self.lats, self.lons
        return [(float(lats[rows[i]]), float(lons[cols[i]])) for i in picks]

    def to_constraint(self, strength: float = 0.85) -> Any:
        """A RasterConstraint of the values, cropped to the rows and columns that are not
        zero (a raster reads 0 outside its bounds, so nothing changes but the size)."""
        from geosleuth.model import RasterConstraint

        rows = np.flatnonzero(self.values.any(axis=1))
        cols = np.flatnonzero(self.values.any(axis=0))
        if rows.size == 0:
            rows = cols = np.array([0])
        r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        step = self.resolution
        return RasterConstraint.from_array(
            self.values[r0:r1, c0:c1],
            south=self.north - r1 * step, west=self.west + c0 * step,
            north=self.north - r0 * step, east=self.west + c1 * step,
            strength=strength,
        )

    def geojson(self, simplify_deg: float | None = None) -> dict[str, Any]:
        """The matching area as a GeoJSON FeatureCollection of (multi)polygons, simplified."""
        return locus_geojson(self, simplify_deg=simplify_deg)


# --------------------------------------------------------------------------- locus


def _sliding_max(table: np.ndarray, width: int) -> np.ndarray:
    """out[:, j] = max(table[:, j : j + width]), for j in range(cols - width + 1).

    Hand-written with power-of-two doubling (log2(width) passes, exact) to avoid a SciPy
    dependency for one call; numpy's sliding_window_view would cost width passes.
    """
    if width <= 1:
        return table
    out = table
    span = 1
    while span * 2 <= width:
        out = np.maximum(out[:, :-span], out[:, span:])
        span *= 2
    if span < width:
        rest = width - span
        out = np.maximum(out[:, : out.shape[1] - rest], out[:, rest:])
    return out


def _match_table(
    lats: np.ndarray,
    hour_angles: np.ndarray,
    declination: float,
    meas: SunMeasurement,
    step: float,
    slack: float,
) -> np.ndarray:
    """Match value (0..1) of the measured sun over (latitude, hour angle), float32.

    Compared in sin(elevation), which is monotonic in the elevation, against per-row
    bounds: no arcsin over the table. 1 within the tolerance (plus the row's cell
    margin), falling to 0 one more tolerance out.
    """
    phi = np.radians(lats)
    dec = np.radians(declination)
    a_row = (np.sin(phi) * np.sin(dec)).astype(np.float32)[:, None]
    b_row = (np.cos(phi) * np.cos(dec)).astype(np.float32)[:, None]
    cos_h = np.cos(np.radians(hour_angles)).astype(np.float32)[None, :]
    sin_el = b_row * cos_h
    sin_el += a_row
    tol = meas.tolerance_deg
    lo = float(geometric_from_apparent(meas.elevation_deg - tol))
    hi = 90.0 if meas.elevation_deg + tol >= 90.0 else float(
        geometric_from_apparent(meas.elevation_deg + tol))
    # Half a cell's worth of elevation change: |d el| <= |d lat| + cos(lat) |d lon|.
    margin = step / 2.0 * (1.0 + np.cos(phi)) + slack

    def sin_of(deg: np.ndarray) -> np.ndarray:
        return np.sin(np.radians(np.clip(deg, -90.0, 90.0)))

    full_lo, full_hi = sin_of(lo - margin), sin_of(hi + margin)
    zero_lo = np.minimum(sin_of(lo - margin - tol), full_lo - 1e-6)
    zero_hi = np.maximum(sin_of(hi + margin + tol), full_hi + 1e-6)
    up = (1.0 / (full_lo - zero_lo)).astype(np.float32)[:, None]
    down = (1.0 / (zero_hi - full_hi)).astype(np.float32)[:, None]
    rising = (sin_el - zero_lo.astype(np.float32)[:, None]) * up
    falling = (zero_hi.astype(np.float32)[:, None] - sin_el) * down
    value = np.minimum(rising, falling)
    np.clip(value, 0.0, 1.0, out=value)
    if meas.azimuth_deg is not None:
        h = np.radians(hour_angles).astype(np.float32)[None, :]
        phi32 = phi.astype(np.float32)[:, None]
        cos_phi, sin_phi = np.cos(phi32), np.sin(phi32)
        tan_dec = np.float32(np.tan(dec))
        az = np.degrees(np.arctan2(np.sin(h), np.cos(h) * sin_phi - tan_dec * cos_phi)) + 180.0
        diff = np.abs(np.mod(az - np.float32(meas.azimuth_deg) + 180.0, 360.0) - 180.0)
        # Azimuth moves by (displacement / sin(zenith)) plus meridian convergence sin(lat).
        cos_el = np.maximum(np.sqrt(np.maximum(1.0 - sin_el * sin_el, 0.0)), 0.05)
        az_margin = margin.astype(np.float32)[:, None] / cos_el + np.float32(step / 2.0) * np.abs(
            sin_phi)
        az_dist = np.maximum(diff - np.float32(meas.azimuth_tolerance_deg) - az_margin, 0.0)
        az_value = np.clip(1.0 - az_dist / np.float32(meas.azimuth_tolerance_deg), 0.0, 1.0)
        value = np.minimum(value, az_value)
    return value.astype(np.float32, copy=False)


def _chunks(window: TimeWindow) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    t = window.start
    while True:
        end = min(t + _CHUNK, window.end)
        out.append((t, end))
        if end >= window.end:
            return out
        t = end


def _evaluate(
    lats: np.ndarray, west: float, cols: int, step: float, meas: SunMeasurement,
    window: TimeWindow,
) -> np.ndarray:
    """Locus values for latitudes ``lats`` and longitude cells west + step * (j + 0.5)."""
    full = round(360.0 / step)
    out = np.zeros((lats.size, cols), dtype=np.float32)
    for c0, c1 in _chunks(window):
        e0, e1 = sun_ephemeris(c0), sun_ephemeris(c1)
        mid = sun_ephemeris(c0 + (c1 - c0) / 2)
        dec = float(mid.declination_deg)
        slack = max(abs(float(e0.declination_deg) - dec), abs(float(e1.declination_deg) - dec))
        sweep = (c1 - c0).total_seconds() / 240.0 + float(
            e1.equation_of_time_min - e0.equation_of_time_min
        ) / 4.0
        extra = math.ceil(max(sweep, 0.0) / step - 1e-9)
        gha0 = float(e0.greenwich_hour_angle_deg)
        if extra + 1 >= full:
            h = gha0 + west + step * (np.arange(full) + 0.5)
            table = _match_table(lats, h, dec, meas, step, slack)
            part = np.broadcast_to(table.max(axis=1)[:, None], out.shape)
        else:
            h = gha0 + west + step * (np.arange(cols + extra) + 0.5)
            table = _match_table(lats, h, dec, meas, step, slack)
            part = _sliding_max(table, extra + 1)
        np.maximum(out, part, out=out)
    return out


def _grid_rows(south: float, north: float, step: float) -> np.ndarray:
    rows = round((north - south) / step)
    return north - step * (np.arange(rows) + 0.5)


def sun_locus(
    measurement: SunMeasurement,
    window: TimeWindow,
    *,
    resolution: float = 0.1,
    bbox: tuple[float, float, float, float] | None = None,
    refine: bool = True,
) -> Locus:
    """The places where the sun stood as measured at some instant of ``window``.

    ``bbox`` is (south, west, north, east); the default is the whole globe. With
    ``refine`` a coarse pass first rules out the latitude bands and longitude runs where
    no match is possible, and only the rest is computed at ``resolution``.
    """
    import time as _time

    if not 0.005 <= resolution <= 5.0:
        raise BadInputError(f"grid resolution {resolution:g}° must be within 0.005..5 degrees")
    south, west, north, east = bbox or (-90.0, -180.0, 90.0, 180.0)
    if not (-90.0 <= south < north <= 90.0 and -180.0 <= west < east <= 180.0):
        raise BadInputError(
            "bbox must be (south, west, north, east) with south < north, west < east"
        )
    rows = round((north - south) / resolution)
    cols = round((east - west) / resolution)
    north = south + rows * resolution
    east = west + cols * resolution
    lats = _grid_rows(south, north, resolution)
    started = _time.perf_counter()
    timings: dict[str, float] = {}
    coarse_ok = refine and resolution < _COARSE_STEP and rows * cols > 20_000
    if not coarse_ok:
        values = _evaluate(lats, west, cols, resolution, measurement, window)
    else:
        values = _refined(lats, west, cols, south, north, resolution, measurement, window, timings)
    timings["total_s"] = _time.perf_counter() - started
    return Locus(values, resolution, south, west, north, east, measurement, window, timings)


def _refined(
    lats: np.ndarray, west: float, cols: int, south: float, north: float, step: float,
    meas: SunMeasurement, window: TimeWindow, timings: dict[str, float],
) -> np.ndarray:
    import time as _time

    t0 = _time.perf_counter()
    tile = _TILE_DEG
    c_rows = max(1, math.ceil((north - south) / _COARSE_STEP))
    c_cols = max(1, math.ceil(cols * step / _COARSE_STEP))
    c_lats = north - _COARSE_STEP * (np.arange(c_rows) + 0.5)
    coarse = _evaluate(c_lats, west, c_cols, _COARSE_STEP, meas, window)
    timings["coarse_s"] = _time.perf_counter() - t0
    # Any coarse cell with a non-zero value may hold a fine cell with a non-zero value
    # (its margin covers every point inside it), so the rest is exactly zero.
    per_tile = max(1, round(tile / _COARSE_STEP))
    out = np.zeros((lats.size, cols), dtype=np.float32)
    fine_per_tile = round(tile / step)
    # A window sweeps the hour angle over extra columns that every run computes; runs
    # closer than that are cheaper evaluated as one.
    sweep_tiles = window.hours * 15.0 / tile
    for band in range(0, c_rows, per_tile):
        hit = coarse[band : band + per_tile].max(axis=0) > 0
        tiles_hit = np.array(
            [hit[i : i + per_tile].any() for i in range(0, c_cols, per_tile)], dtype=bool
        )
        if not tiles_hit.any():
            continue
        r0 = band // per_tile * fine_per_tile
        r1 = min(r0 + fine_per_tile, lats.size)
        for start, stop in _merge_runs(_runs(tiles_hit), sweep_tiles):
            j0 = start * fine_per_tile
            j1 = min(stop * fine_per_tile, cols)
            if j0 >= cols:
                continue
            out[r0:r1, j0:j1] = _evaluate(
                lats[r0:r1], west + j0 * step, j1 - j0, step, meas, window
            )
    timings["fine_s"] = _time.perf_counter() - t0 - timings["coarse_s"]
    return out


def _merge_runs(runs: list[tuple[int, int]], max_gap: float) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, stop in runs:
        if merged and start - merged[-1][1] <= max_gap:
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return merged


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of True as (start, stop) index pairs."""
    padded = np.concatenate([[False], flags, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def locus_geojson(locus: Locus, simplify_deg: float | None = None) -> dict[str, Any]:
    """Polygons around the matching cells (value >= 0.5), simplified, as a FeatureCollection."""
    import contourpy
    import shapely
    from shapely.geometry import MultiPolygon, Polygon, mapping

    step = locus.resolution
    tolerance = simplify_deg if simplify_deg is not None else max(step, 0.05)
    inside = locus.values >= 0.5
    rows = np.flatnonzero(inside.any(axis=1))
    cols = np.flatnonzero(inside.any(axis=0))
    if rows.size == 0:
        return {"type": "FeatureCollection", "features": []}
    # Contour only the rows and columns that hold the locus, on cells of at least
    # POLYGON_CELL_DEG (a cell is in if any of its sub-cells is: the outline errs outwards
    # by less than one such cell, finer than the simplification anyway).
    factor = max(1, round(POLYGON_CELL_DEG / step)) if inside.size > 1_000_000 else 1
    r0, r1 = rows[0] // factor * factor, (rows[-1] // factor + 1) * factor
    c0, c1 = cols[0] // factor * factor, (cols[-1] // factor + 1) * factor
    block = np.zeros((r1 - r0, c1 - c0), dtype=bool)
    sub = inside[r0:r1, c0:c1]
    block[: sub.shape[0], : sub.shape[1]] = sub
    pooled = block.reshape(block.shape[0] // factor, factor, -1, factor).any(axis=(1, 3))
    cell = step * factor
    north = locus.north - r0 * step
    west = locus.west + c0 * step
    lats = north - cell * (np.arange(pooled.shape[0]) + 0.5)
    lons = west + cell * (np.arange(pooled.shape[1]) + 0.5)
    # Pad with a ring of zeros so that polygons close along the grid's own edges.
    z = np.pad(pooled[::-1].astype(float), 1)
    x = np.concatenate([[lons[0] - cell / 2], lons, [lons[-1] + cell / 2]])
    y = np.concatenate([[lats[-1] - cell / 2], lats[::-1], [lats[0] + cell / 2]])
    x = np.clip(x, -180.0, 180.0)
    y = np.clip(y, -90.0, 90.0)
    gen = contourpy.contour_generator(x, y, z, fill_type=contourpy.FillType.OuterOffset)
    points_list, offsets_list = gen.filled(0.5, 2.0)
    polygons: list[Polygon] = []
    for points, offsets in zip(points_list, offsets_list, strict=True):
        rings = [points[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]
        if not rings or len(rings[0]) < 4:
            continue
        poly = Polygon(rings[0], [r for r in rings[1:] if len(r) >= 4])
        poly = poly.simplify(tolerance, preserve_topology=True)
        if not poly.is_empty and poly.area > 0:
            polygons.append(poly)
    features = []
    if polygons:
        geom = shapely.set_precision(MultiPolygon(polygons), 0.001)
        features.append({
            "type": "Feature",
            "geometry": mapping(geom),
            "properties": {
                "kind": "sun_locus",
                "measurement": locus.measurement.describe(),
                "window": locus.window.label,
                "start_utc": locus.window.start.isoformat(),
                "end_utc": locus.window.end.isoformat(),
                "area_fraction": round(locus.area_fraction(), 6),
            },
        })
    return {"type": "FeatureCollection", "features": features}


# ------------------------------------------------------------------ chronolocation


@dataclass(frozen=True)
class TimeInterval:
    """A stretch of local time (in the offset given) during which the sun matches."""

    start: datetime
    end: datetime

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(timespec="minutes"),
                "end": self.end.isoformat(timespec="minutes")}


def _day_samples(day: date, offset: timedelta, step_s: float) -> tuple[np.ndarray, datetime]:
    start_local = datetime.combine(day, time(0), tzinfo=_tz(offset))
    t0 = start_local.timestamp()
    return t0 + np.arange(0.0, 86400.0 + step_s, step_s), start_local


def matching_times(
    lat: float, lon: float, day: date, offset: timedelta, measurement: SunMeasurement,
    *, step_s: float = 20.0,
) -> list[TimeInterval]:
    """Local times on ``day`` (at UTC ``offset``) when the sun at (lat, lon) matches."""
    _check_place(lat, lon)
    seconds, start_local = _day_samples(day, offset, step_s)
    ok = _matches(lat, lon, seconds, measurement)
    out: list[TimeInterval] = []
    for a, b in _runs(ok):
        t_a = start_local + timedelta(seconds=float(seconds[a] - seconds[0]))
        t_b = start_local + timedelta(seconds=float(seconds[b - 1] - seconds[0]))
        out.append(TimeInterval(t_a, t_b))
    return out


def _matches(lat: float, lon: float, seconds: np.ndarray, meas: SunMeasurement) -> np.ndarray:
    pos = solar_position(lat, lon, seconds)
    ok = np.abs(pos.elevation_deg - meas.elevation_deg) <= meas.tolerance_deg
    if meas.azimuth_deg is not None:
        diff = np.abs(np.mod(pos.azimuth_deg - meas.azimuth_deg + 180.0, 360.0) - 180.0)
        ok &= diff <= meas.azimuth_tolerance_deg
    return ok


@dataclass(frozen=True)
class TimeCheck:
    """Does a claimed capture time agree with the measured sun at a place?"""

    consistent: bool
    when: datetime
    elevation_deg: float
    azimuth_deg: float
    elevation_error_deg: float
    nearest_match: datetime | None
    clock_shift_min: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "consistent": self.consistent,
            "when": self.when.isoformat(timespec="seconds"),
            "sun_elevation_deg": round(self.elevation_deg, 3),
            "sun_azimuth_deg": round(self.azimuth_deg, 3),
            "elevation_error_deg": round(self.elevation_error_deg, 3),
            "nearest_match": None if self.nearest_match is None
            else self.nearest_match.isoformat(timespec="minutes"),
            "clock_shift_min": None if self.clock_shift_min is None
            else round(self.clock_shift_min, 1),
        }

    def describe(self) -> str:
        head = (f"at {self.when.isoformat(timespec='minutes')} the sun stood at "
                f"{self.elevation_deg:.1f}° (azimuth {self.azimuth_deg:.0f}°)")
        if self.consistent:
            return head + ": consistent with the measurement"
        if self.nearest_match is None:
            return head + ": the measured sun never occurs there within a day of that time"
        return (head + f": inconsistent; the nearest matching time is "
                f"{self.nearest_match.isoformat(timespec='minutes')} "
                f"({self.clock_shift_min:+.0f} min): a wrong clock, zone or place?")


def check_time(
    lat: float, lon: float, when: datetime, measurement: SunMeasurement,
    *, step_s: float = 20.0,
) -> TimeCheck:
    """Whether the sun at (lat, lon) at ``when`` (aware) matches the measurement.

    If not, the nearest time within a day either way that matches, and the clock shift
    that it implies (a hint of a wrong camera clock, a wrong zone, or an edited file).
    """
    _check_place(lat, lon)
    if when.tzinfo is None:
        raise BadInputError(f"{when.isoformat()} has no UTC offset; give one (e.g. +02:00)")
    t = float(unix_seconds(when))
    pos = solar_position(lat, lon, t)
    el, az = float(pos.elevation_deg), float(pos.azimuth_deg)
    error = el - measurement.elevation_deg
    consistent = bool(_matches(lat, lon, np.array([t]), measurement)[0])
    nearest: datetime | None = None
    shift: float | None = None
    if not consistent:
        seconds = t + np.arange(-86400.0, 86400.0 + step_s, step_s)
        ok = _matches(lat, lon, seconds, measurement)
        if ok.any():
            idx = np.flatnonzero(ok)
            best = idx[np.argmin(np.abs(seconds[idx] - t))]
            shift = float(seconds[best] - t) / 60.0
            nearest = when + timedelta(minutes=shift)
    return TimeCheck(consistent, when, el, az, error, nearest, shift)


def sun_at(lat: float, lon: float, when: datetime) -> tuple[float, float]:
    """Apparent elevation and azimuth (degrees) of the sun at one place and aware instant."""
    _check_place(lat, lon)
    if when.tzinfo is None:
        raise BadInputError(f"{when.isoformat()} has no UTC offset; give one (e.g. +02:00)")
    pos = solar_position(lat, lon, when)
    return float(pos.elevation_deg), float(pos.azimuth_deg)


def _check_place(lat: float, lon: float) -> None:
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise BadInputError(f"({lat}, {lon}) is not a place: latitude -90..90, longitude -180..180")


def max_elevation_on(lat: float, day: date) -> float:
    """The sun's highest apparent elevation at a latitude on a date (at solar noon)."""
    dec = float(sun_ephemeris(datetime.combine(day, time(12), tzinfo=UTC)).declination_deg)
    geo = 90.0 - abs(lat - dec)
    return float(geo + refraction_deg(geo))


__all__: Sequence[str] = (
    "Locus",
    "SunMeasurement",
    "TimeCheck",
    "TimeInterval",
    "TimeWindow",
    "check_time",
    "locus_geojson",
    "matching_times",
    "max_elevation_on",
    "sun_at",
    "sun_locus",
)
