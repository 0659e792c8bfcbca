"""The country of a point, offline: time-zone polygons mapped to countries, and a raster of them.

Real boundaries come from ``timezonefinder``, which ships the polygons of
timezone-boundary-builder (built from OpenStreetMap admin boundaries, territorial waters
included). Its comprehensive zone set keeps one zone per country even where the tz
database has merged zones (``Europe/Vaduz``, ``Europe/Monaco``, ``Arctic/Longyearbyen``
all have their own polygon), so the zone -> country table of ``zone.tab`` (shipped by the
``tzdata`` package; one country per zone, unlike ``zone1970.tab`` where a zone such as
``Europe/Zurich`` is shared by CH, DE and LI) names the country of every land zone. The
nautical ``Etc/GMT±N`` zones are the open sea.

``country_at`` asks timezonefinder about one point (about 20 us). For many points,
``CountryRaster`` burns every zone polygon into a global grid of 0.05 degrees
(7200 x 3600 cells, one byte each) with Pillow's polygon fill, largest polygons (by
bounding box) first and holes cut out, so that enclaves (San Marino, Lesotho, Vatican
City) drawn later stay on top. Cells that a boundary line crosses (0.86 % of the globe)
are flagged; points falling in them are settled exactly with timezonefinder, at the cost
of one polygon test per such point. The answer matches ``country_at`` except in the
rare cell a boundary only grazes at a corner (measured: 1 to 5 points in 50,000 drawn
around borders and coasts, all within one cell, 5 km, of the boundary). The
grid is written once into the cache directory (file name keyed by format version,
resolution and timezonefinder's data version) and read back with numpy.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from geosleuth.tempfiles import remove_stale, writing

RASTER_FORMAT = 2
RESOLUTION_DEG = 0.05
TMP_SUFFIX = ".tmp.npz"  # a grid being written: <grid stem><8 random characters>.tmp.npz
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _finder() -> Any:
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


@lru_cache(maxsize=1)
def zone_countries() -> dict[str, str]:
    """IANA zone -> ISO 3166 alpha-2 code, from ``zone.tab`` in the ``tzdata`` package."""
    from importlib.resources import files

    text = (files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _coords, zone, *_ = line.split("\t")
        out[zone] = code.upper()
    return out


def zone_country(zone: str | None) -> str | None:
    """The country of a zone, or None for the nautical ``Etc/`` zones and unknown names."""
    if not zone or zone.startswith("Etc/"):
        return None
    return zone_countries().get(zone)


def country_at(lat: float, lon: float) -> str | None:
    """The country at one point (exact to the polygons), None at sea."""
    with _LOCK:
        zone = _finder().timezone_at(lng=float(lon), lat=float(lat))
    return zone_country(zone)


def data_version() -> str:
    return str(getattr(_finder(), "data_version", "") or "unknown")


def _zone_polygons(finder: Any, zone_id: int) -> list[list[np.ndarray]]:
    """The polygons of a zone as ``[exterior, *holes]``, each ring an array (2, n) of degrees.

    timezonefinder's public ``get_geometry`` converts every coordinate in a Python loop
    (about 45 s for the world without numba); its integer rings scaled with numpy give
    the same numbers in well under a second. The public call is the fallback should
    those internals change.
    """
    try:
        out = []
        for boundary_id in finder._iter_boundary_ids_of_zone(zone_id):
            rings = [finder.coords_of(boundary_id), *finder._holes_of_poly(boundary_id)]
            out.append([np.asarray(r, dtype=np.float64) * 1e-7 for r in rings])
        return out
    except AttributeError:
        return [
            [np.asarray(ring, dtype=np.float64) for ring in polygon]
            for polygon in finder.get_geometry(tz_id=zone_id, use_id=True)
        ]


def _ring_pixels(ring: np.ndarray, res: float) -> list[float]:
    """A ring as Pillow's flat ``[x0, y0, x1, y1, ...]`` in pixel coordinates (closed)."""
    px = (ring[0] + 180.0) / res
    py = (90.0 - ring[1]) / res
    flat = np.column_stack((px, py)).ravel()
    return np.concatenate((flat, flat[:2])).tolist()


def _bbox_area(ring: np.ndarray) -> float:
    """Area of a ring's bounding box: enough to draw containers before their enclaves."""
    return float(np.ptp(ring[0]) * np.ptp(ring[1]))


def build_raster(res: float = RESOLUTION_DEG) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Burn the zone polygons into (country index grid, boundary-cell mask, codes).

    Index 0 is "no country"; ``codes[i]`` is the code of index i.
    """
    from PIL import Image, ImageDraw

    finder = _finder()
    cols, rows = round(360.0 / res), round(180.0 / res)
    codes = [""]
    code_index: dict[str, int] = {}
    parts: list[tuple[float, int, list]] = []  # (area, country index, [exterior, holes...])
    for zone_id, zone in enumerate(finder.timezone_names):
        code = zone_country(zone)
        if code is None:
            continue
        idx = code_index.setdefault(code, len(codes))
        if idx == len(codes):
            codes.append(code)
        for polygon in _zone_polygons(finder, zone_id):
            parts.append((_bbox_area(polygon[0]), idx, polygon))
    if len(codes) > 255:
        raise RuntimeError("more than 255 countries do not fit the one-byte raster")
    grid = Image.new("L", (cols, rows), 0)
    edges = Image.new("1", (cols, rows), 0)
    draw, draw_edges = ImageDraw.Draw(grid), ImageDraw.Draw(edges)
    for _area, idx, polygon in sorted(parts, key=lambda p: -p[0]):
        exterior, holes = polygon[0], polygon[1:]
        ring = _ring_pixels(exterior, res)
        draw.polygon(ring, fill=idx)
        draw_edges.line(ring, fill=1)
        for hole in holes:
            hring = _ring_pixels(hole, res)
            draw.polygon(hring, fill=0)
            draw_edges.line(hring, fill=1)
    index = np.asarray(grid, dtype=np.uint8)
    # A country smaller than a cell (Monaco, Vatican City) is all boundary, so all flagged.
    # The mask is not widened: that would triple the flagged area (2.2 % of the globe
    # instead of 0.86 %) and the exact checks with it, to settle the rare cell that a
    # boundary only grazes at a corner, which Pillow's line may skip.
    edge = np.asarray(edges, dtype=bool)
    return index, edge, codes


class CountryRaster:
    """A global grid of countries, exact near boundaries through timezonefinder."""

    def __init__(self, index: np.ndarray, edges: np.ndarray, codes: list[str], res: float,
                 *, packed: bool = False):
        """``edges``: whether a cell is near a boundary, bool like ``index``, or with
        ``packed`` its bits packed along rows (``np.packbits(edges, axis=1)``, as kept on
        disk). They are held packed: 3 MB instead of 26 MB, and a load no longer unpacks
        them (52 MB at its peak)."""
        self.index = index
        self._packed = edges if packed else np.packbits(edges, axis=1)
        self.codes = np.array(codes, dtype="<U2")
        self.res = res

    @property
    def edges(self) -> np.ndarray:
        """The boundary cells as a bool array like ``index`` (unpacked on demand)."""
        return np.unpackbits(self._packed, axis=1)[:, : self.index.shape[1]].astype(bool)

    def _near_edge(self, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Whether cells (r, c) are near a boundary, read from the packed bits (the first
        column in a byte's highest bit, as ``np.packbits`` orders them)."""
        return ((self._packed[r, c >> 3] >> (7 - (c & 7))) & 1).astype(bool)

    @classmethod
    def path_for(cls, cache_dir: Path, res: float = RESOLUTION_DEG) -> Path:
        safe = "".join(ch if ch.isalnum() or ch == "." else "_" for ch in data_version())
        return Path(cache_dir) / f"countries-r{RASTER_FORMAT}-{res:g}deg-tz{safe}.npz"

    @classmethod
    def load_or_build(cls, cache_dir: Path, res: float = RESOLUTION_DEG) -> CountryRaster:
        path = cls.path_for(cache_dir, res)
        if path.is_file():
            try:
                with np.load(path, allow_pickle=False) as data:
                    index, packed = data["index"], data["edges"]
                    if packed.shape != (index.shape[0], (index.shape[1] + 7) // 8):
                        raise ValueError("edges do not fit the index")
                    return cls(index, packed, list(data["codes"]), res, packed=True)
            except (OSError, ValueError, KeyError):
                pass  # damaged: rebuilt below
        # Written to a temporary file in the same folder and renamed: readers never see a
        # half-written grid, and two processes building at once both rename a whole file.
        # The temporary file of a build that was killed is removed first.
        remove_stale(path.parent, prefix=path.stem, suffix=TMP_SUFFIX)
        index, edges, codes = build_raster(res)
        path.parent.mkdir(parents=True, exist_ok=True)
        with writing(path.parent, prefix=path.stem, suffix=TMP_SUFFIX) as tmp:
            with tmp.open("wb") as fh:
                np.savez(
                    fh, index=index, edges=np.packbits(edges, axis=1), codes=np.array(codes)
                )
            os.replace(tmp, path)
        return cls(index, edges, codes, res)

    def countries_at(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """Country codes of many points, dtype ``<U2``, ``""`` at sea (and for NaN)."""
        lat = np.asarray(lats, dtype=float).ravel()
        lon = np.asarray(lons, dtype=float).ravel()
        rows, cols = self.index.shape
        valid = np.isfinite(lat) & np.isfinite(lon)
        lat, lon = np.where(valid, lat, 0.0), np.where(valid, lon, 0.0)
        r = np.clip(((90.0 - lat) / self.res).astype(np.int64), 0, rows - 1)
        c = np.mod(((lon + 180.0) / self.res).astype(np.int64), cols)
        out = self.codes[self.index[r, c]]
        out[~valid] = ""
        near = np.flatnonzero(self._near_edge(r, c) & valid)
        if near.size:
            finder = _finder()
            with _LOCK:
                zones = [finder.timezone_at(lng=float(lon[i]), lat=float(lat[i])) for i in near]
            out[near] = [zone_country(z) or "" for z in zones]
        return out.reshape(np.shape(lats))
