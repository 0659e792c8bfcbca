"""Where the sun stood as measured: the locus search on a latitude/longitude grid.

A time (or a window of times) and a measured sun elevation (and optionally azimuth)
give the set of places where the sun stood like that, as a :class:`Locus` raster
(:mod:`geosleuth.geo.locus`) that :mod:`geosleuth.geo.locus_geojson` draws as polygons.
The inverse question, the times at which a place sees that sun, is answered in
:mod:`geosleuth.geo.chronolocation`; the inputs are :class:`SunMeasurement`
(:mod:`geosleuth.geo.sun_measurement`) and :class:`TimeWindow`
(:mod:`geosleuth.geo.time_window`). This module also re-exports those public names, so
that ``from geosleuth.geo.sun_locus import ...`` gives the whole sun locus API.

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
from datetime import datetime, timedelta

import numpy as np

from geosleuth.errors import BadInputError
from geosleuth.geo.chronolocation import (
    TimeCheck,
    TimeInterval,
    check_time,
    matching_times,
    max_elevation_on,
    sun_at,
)
from geosleuth.geo.locus import Locus
from geosleuth.geo.locus_geojson import locus_geojson
from geosleuth.geo.runs import true_runs
from geosleuth.geo.sun import geometric_from_apparent, sun_ephemeris
from geosleuth.geo.sun_measurement import SunMeasurement
from geosleuth.geo.time_window import TimeWindow

_CHUNK = timedelta(hours=6)
_COARSE_STEP = 1.0
_TILE_DEG = 5.0


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
        for start, stop in _merge_runs(true_runs(tiles_hit), sweep_tiles):
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
