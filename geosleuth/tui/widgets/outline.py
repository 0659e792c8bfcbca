"""The outline of the land and its borders, sampled from the country polygons geosleuth ships.

The country of each sample point comes from ``geosleuth.geo.country_raster.country_at``
(the time-zone polygons of timezonefinder, mapped to countries; nothing is downloaded).
A braille character holds 2 x 4 dots; a dot is drawn where the country (or sea) changes
between neighbouring samples, which traces coastlines and borders at any scale, from the
whole world to a town.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

BRAILLE_BASE = 0x2800
# Dot bits of a braille cell, indexed [row][column] (Unicode braille patterns).
_DOT_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
WORLD = (-58.0, -180.0, 78.0, 180.0)  # south, west, north, east: the inhabited latitudes


@dataclass(frozen=True)
class View:
    """A latitude/longitude window (plate carrée)."""

    south: float
    west: float
    north: float
    east: float

    def cell_of(self, lat: float, lon: float, cols: int, rows: int) -> tuple[int, int] | None:
        """The character cell (column, row) of a point, or None outside the window."""
        if not (self.south <= lat <= self.north and self.west <= lon <= self.east):
            return None
        x = int((lon - self.west) / (self.east - self.west) * cols)
        y = int((self.north - lat) / (self.north - self.south) * rows)
        return min(x, cols - 1), min(y, rows - 1)


def world_view() -> View:
    return View(*WORLD)


def region_view(points: list[tuple[float, float, float]], cols: int, rows: int) -> View:
    """A window around (lat, lon, radius_km) points with square-ish dots and some margin."""
    if not points:
        return world_view()
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    lat0 = (min(lats) + max(lats)) / 2
    lon0 = (min(lons) + max(lons)) / 2
    coslat = max(math.cos(math.radians(lat0)), 0.05)
    reach_km = max(max(p[2] for p in points) * 2.5, 5.0)
    half_h = max((max(lats) - min(lats)) / 2 * 1.3, reach_km / 111.0)
    half_w = max((max(lons) - min(lons)) / 2 * 1.3, reach_km / (111.0 * coslat))
    # dots: cols*2 across, rows*4 down; make one dot the same distance both ways
    aspect = (cols * 2) / max(rows * 4, 1)
    if half_w * coslat / half_h < aspect:
        half_w = half_h * aspect / coslat
    else:
        half_h = half_w * coslat / aspect
    south, north = max(lat0 - half_h, -90.0), min(lat0 + half_h, 90.0)
    west, east = max(lon0 - half_w, -180.0), min(lon0 + half_w, 180.0)
    return View(south, west, north, east)


def sample_codes(view: View, cols: int, rows: int) -> np.ndarray:
    """Country codes at the centre of every braille dot ("" for the sea), rows*4 x cols*2."""
    from geosleuth.geo.country_raster import country_at

    h, w = rows * 4, cols * 2
    lats = view.north - (np.arange(h) + 0.5) / h * (view.north - view.south)
    lons = view.west + (np.arange(w) + 0.5) / w * (view.east - view.west)
    codes = np.empty((h, w), dtype=object)
    for i, lat in enumerate(lats):
        for j, lon in enumerate(lons):
            codes[i, j] = country_at(float(lat), float(lon)) or ""
    return codes


def outline_cells(codes: np.ndarray) -> list[str]:
    """Braille rows tracing where the codes change (coasts and borders)."""
    h, w = codes.shape
    edge = np.zeros((h, w), dtype=bool)
    edge[:, :-1] |= codes[:, :-1] != codes[:, 1:]
    edge[:-1, :] |= codes[:-1, :] != codes[1:, :]
    edge[:, 1:] |= codes[:, 1:] != codes[:, :-1]
    edge[1:, :] |= codes[1:, :] != codes[:-1, :]
    edge &= codes != ""  # draw on the land side of a coast
    lines = []
    for r in range(h // 4):
        chars = []
        for c in range(w // 2):
            bits = 0
            for dy in range(4):
                for dx in range(2):
                    if edge[r * 4 + dy, c * 2 + dx]:
                        bits |= _DOT_BITS[dy][dx]
            chars.append(chr(BRAILLE_BASE + bits))
        lines.append("".join(chars))
    return lines


def km_per_column(view: View, cols: int) -> float:
    """Ground distance across one character cell at the view's middle latitude."""
    lat = (view.north + view.south) / 2.0
    return (view.east - view.west) * 111.32 * max(math.cos(math.radians(lat)), 0.0) / max(cols, 1)


def scale_bar(view: View, cols: int, max_cells: int | None = None) -> str:
    """A bar of a round length, ``├──┤ 50 km``, true at the view's middle latitude; ""
    when no round length fits (a view too narrow for one cell, or the world)."""
    per_col = km_per_column(view, cols)
    limit = max_cells if max_cells is not None else max(cols // 3, 3)
    if per_col <= 0 or view.east - view.west > 180.0:
        return ""
    best = None
    for power in range(-3, 5):
        for step in (1, 2, 5):
            km = step * 10.0 ** power
            cells = round(km / per_col)
            if 2 <= cells <= limit:
                best = (km, cells)
    if best is None:
        return ""
    km, cells = best
    label = f"{km:g} km" if km >= 1 else f"{km * 1000:g} m"
    return "├" + "─" * (cells - 2) + "┤ " + label


def short_place(place: str | None, limit: int = 14) -> str:
    """A marker's label: the first part of a place name, printable, clipped."""
    from geosleuth.text.quoting import printable

    first = " ".join(printable(place or "").split(",")[0].split())
    return first if len(first) <= limit else first[: limit - 1] + "…"
