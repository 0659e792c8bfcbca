"""Each constraint's likelihood, averaged over a cell.

Two forms, because evidence comes in two kinds:

* A **point** reading (a GPS fix, a gazetteer match, a map feature) is a density N, a 2-D
  Gaussian around the point whose 95 % circle is ``radius_km``, normalised like an area
  clue by the prior's weight there, Z = ∫ prior·N: L(x) = (1 − s) + s·N(x)/Z. The
  posterior is then (1 − s)·prior + s·prior·N/Z: with probability s the truth is near the
  point, otherwise anywhere. So a strength means the same in Paris as in the Libyan
  desert; the prior only shapes the mass within the circle (and that hardly, since it
  is smooth at the scale of most circles).
* A negated point ("not within this circle") is an area clue with profile 1 − f.
* An **area** clue (a set of countries, a band, a box, a polygon, a raster) is a
  profile f(x) in [0, 1] normalised by the prior probability of its region. A constant
  floor d (the weight a country clue gives every country it does not name) says nothing
  about the place and is taken off: with Z = ∫ prior·(f − d),
  L(x) = (1 − s) + s·(f(x) − d)/Z. The posterior is then the mixture
  (1 − s)·prior + s·prior·(f − d)/Z: with probability s the truth lies in the clue's
  region (distributed there like the prior), otherwise anywhere. So a strength is a
  probability the tool states, whatever the size of the region: "Thai script" at
  strength 0.7 puts at least 0.7 of the probability in Thailand. (Until Dec 2026 the
  floor's share s·d was added to the constant too, which made the total 1 + s·d and
  the stated strength s come out as s / (1 + s·d): a plate format of strength 0.8 with
  the floor 0.2 put 0.69 in its country. The strength is measured on real photos as the
  share of clues that hold the truth, cross-border cars included, so the floor counted
  that doubt a second time.)

Averaging over a cell of equivalent radius a: a Gaussian of per-axis variance σ²
becomes one of variance σ² + a²/4 (the variance of a uniform disk), which keeps its
integral; band and box profiles use the fraction of the cell's extent they overlap;
country, polygon and raster profiles are read at the cell's centre.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from geosleuth.geo.distance import haversine_km
from geosleuth.model import (
    BandConstraint,
    BoxConstraint,
    CountryConstraint,
    GeoConstraint,
    PointConstraint,
    PolygonConstraint,
    RasterConstraint,
)

SIGMA_PER_RADIUS = 1.0 / math.sqrt(-2.0 * math.log(0.05))  # 95 % circle -> per-axis sigma
KM_PER_DEG = 111.195
MIN_NORM = 1e-9  # an area clue whose region holds no prior mass still gets a finite weight

CountryLookup = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _overlap(lo: np.ndarray, hi: np.ndarray, low: float, high: float) -> np.ndarray:
    width = np.maximum(hi - lo, 1e-12)
    return np.clip((np.minimum(hi, high) - np.maximum(lo, low)) / width, 0.0, 1.0)


def _lon_overlap(lon: np.ndarray, half: np.ndarray, low: float, high: float) -> np.ndarray:
    """Overlap of [lon-half, lon+half] with a longitude band that may wrap the antimeridian."""
    spans = [(low, high)] if low <= high else [(low, 180.0), (-180.0, high)]
    total = np.zeros_like(lon)
    for shift in (-360.0, 0.0, 360.0):
        for a, b in spans:
            total += _overlap(lon - half + shift, lon + half + shift, a, b)
    return np.clip(total, 0.0, 1.0)


def memoised(countries: CountryLookup | None) -> CountryLookup | None:
    """A lookup that answers repeated questions about the same arrays from memory.

    Several country constraints are evaluated on the same cells; the country of each cell
    is looked up once.
    """
    if countries is None:
        return None
    memo: dict[tuple[int, int, int], np.ndarray] = {}

    def lookup(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        key = (id(lat), id(lon), len(lat))
        if key not in memo:
            memo.clear()
            memo[key] = countries(lat, lon)
        return memo[key]

    return lookup


_last_unique: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []


def _unique(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique`` of the country codes, reused while the same array is asked about again.

    Every country constraint of a case is evaluated on the same cells, hence the same
    codes array (see ``memoised``); sorting it once instead of once per constraint is
    most of a step's fusion time in a long case.
    """
    entry = _last_unique[0] if _last_unique else None
    if entry is not None and entry[0] is codes:
        return entry[1], entry[2]
    unique, inverse = np.unique(codes, return_inverse=True)
    _last_unique[:] = [(codes, unique, inverse)]
    return unique, inverse


def point_loglik(
    lat: np.ndarray,
    lon: np.ndarray,
    cell_r: np.ndarray,
    plat: float | np.ndarray,
    plon: float | np.ndarray,
    radius_km: float | np.ndarray,
    strength: float | np.ndarray,
    z: float | np.ndarray,
) -> np.ndarray:
    """log L of point readings: log((1 − s) + s·N/Z), N the cell-averaged Gaussian density
    (per km²) and Z the prior's density seen through it (``point_density``). The arguments
    broadcast: one reading over cells, or cells × readings."""
    dens = point_density(lat, lon, cell_r, plat, plon, radius_km)
    s = np.asarray(strength)
    return np.log((1.0 - s) + s * dens / np.maximum(z, 1e-300))


def point_density(
    lat: np.ndarray,
    lon: np.ndarray,
    cell_r: np.ndarray,
    plat: float | np.ndarray,
    plon: float | np.ndarray,
    radius_km: float | np.ndarray,
) -> np.ndarray:
    """A point reading's Gaussian density (per km²), averaged over cells of radius cell_r."""
    sigma = np.asarray(radius_km) * SIGMA_PER_RADIUS
    var = sigma**2 + cell_r**2 / 4.0
    d = haversine_km(lat, lon, plat, plon)
    return np.exp(-(d**2) / (2.0 * var)) / (2.0 * math.pi * var)


def area_loglik(f: np.ndarray, strength: float, floor: float, z: float) -> np.ndarray:
    """log L of an area clue with profile ``f``: (1 − s) + s·(f − floor)/Z."""
    informative = np.maximum(f - floor, 0.0) / max(z, MIN_NORM)
    return np.log((1.0 - strength) + strength * informative + 1e-300)


def profile(
    c: GeoConstraint,
    lat: np.ndarray,
    lon: np.ndarray,
    cell_r: np.ndarray,
    countries: CountryLookup | None,
) -> np.ndarray:
    """The profile f in [0, 1] of a clue (for a point reading, its density's shape).

    A negated constraint has the profile 1 - f.
    """
    f = _profile(c, lat, lon, cell_r, countries)
    return 1.0 - f if c.negate else f


def _profile(
    c: GeoConstraint,
    lat: np.ndarray,
    lon: np.ndarray,
    cell_r: np.ndarray,
    countries: CountryLookup | None,
) -> np.ndarray:
    if isinstance(c, PointConstraint):
        sigma = c.radius_km * SIGMA_PER_RADIUS
        d = haversine_km(lat, lon, c.lat, c.lon)
        return np.exp(-(np.maximum(d - cell_r, 0.0) ** 2) / (2.0 * sigma**2))
    if isinstance(c, CountryConstraint):
        if countries is None:
            return np.ones_like(lat)
        codes = countries(lat, lon)
        unique, inverse = _unique(codes)
        weights = np.array([c.weights.get(str(code), c.default) for code in unique], dtype=float)
        return weights[inverse.reshape(-1)] if len(codes) else np.zeros(0)
    half_lat = cell_r / KM_PER_DEG
    if isinstance(c, BandConstraint):
        if c.axis == "lat":
            return _overlap(lat - half_lat, lat + half_lat, c.low, c.high)
        half_lon = half_lat / np.maximum(np.cos(np.radians(lat)), 0.05)
        return _lon_overlap(lon, np.minimum(half_lon, 180.0), c.low, c.high)
    if isinstance(c, BoxConstraint):
        half_lon = half_lat / np.maximum(np.cos(np.radians(lat)), 0.05)
        return _overlap(lat - half_lat, lat + half_lat, c.south, c.north) * _lon_overlap(
            lon, np.minimum(half_lon, 180.0), c.west, c.east
        )
    if isinstance(c, PolygonConstraint):
        import shapely

        geom = shapely.geometry.shape(c.geometry)
        return shapely.contains_xy(geom, lon, lat).astype(float)
    if isinstance(c, RasterConstraint):
        return _raster_mean(c, lat, lon, half_lat)
    raise TypeError(f"unknown constraint {type(c).__name__}")


def is_area(c: GeoConstraint) -> bool:
    """Area clues take the profile form; point readings the density form."""
    return not isinstance(c, PointConstraint) or c.negate


@lru_cache(maxsize=8)
def _integral(values_b64: str, rows: int, cols: int) -> np.ndarray:
    """The summed-area table of a raster: any window's sum in four lookups."""
    grid = RasterConstraint(
        south=0, west=0, north=1, east=1, rows=rows, cols=cols, values_b64=values_b64
    ).array()
    table = np.zeros((rows + 1, cols + 1))
    table[1:, 1:] = grid.cumsum(axis=0).cumsum(axis=1)
    return table


def _raster_mean(
    c: RasterConstraint, lat: np.ndarray, lon: np.ndarray, half_lat: np.ndarray
) -> np.ndarray:
    """The raster's mean over each cell's extent (0 where the cell leaves the raster).

    A cell larger than the raster's pixels averages the pixels it covers, so a feature
    thinner than the cell (the ring of one distance read on a sign) keeps its share of the
    cell instead of being missed by a reading at the centre; a cell smaller than a pixel
    reads the pixel it lies in.
    """
    table = _integral(c.values_b64, c.rows, c.cols)
    span = (c.east - c.west) % 360.0 or 360.0
    row_deg, col_deg = (c.north - c.south) / c.rows, span / c.cols
    half_lon = np.minimum(half_lat / np.maximum(np.cos(np.radians(lat)), 0.05), 180.0)
    east_of_west = (lon - c.west) % 360.0
    # a point just west of a regional raster is a little west of it, not 360° east
    east_of_west = np.where(
        east_of_west > span + (360.0 - span) / 2.0, east_of_west - 360.0, east_of_west
    )
    r0 = np.floor((c.north - (lat + half_lat)) / row_deg)
    r1 = np.maximum(np.ceil((c.north - (lat - half_lat)) / row_deg), r0 + 1)
    c0 = np.floor((east_of_west - half_lon) / col_deg)
    c1 = np.maximum(np.ceil((east_of_west + half_lon) / col_deg), c0 + 1)
    window = (r1 - r0) * (c1 - c0)
    r0c, r1c = np.clip(r0, 0, c.rows).astype(int), np.clip(r1, 0, c.rows).astype(int)
    c0c, c1c = np.clip(c0, 0, c.cols).astype(int), np.clip(c1, 0, c.cols).astype(int)
    total = table[r1c, c1c] - table[r0c, c1c] - table[r1c, c0c] + table[r0c, c0c]
    return np.clip(total / window, 0.0, 1.0)


def log_likelihood(
    c: GeoConstraint,
    lat: np.ndarray,
    lon: np.ndarray,
    cell_r: np.ndarray,
    countries: CountryLookup | None,
    norm: tuple[float, float] = (0.0, 1.0),
) -> np.ndarray:
    """log L over cells, in the form that fits the constraint's kind (see module doc).

    ``norm`` is an area clue's (floor, Z): the profile's lowest value over the globe (a
    constant part says nothing about the place) and the prior probability of the rest,
    Z = ∫ prior·(f − floor). Dividing by Z makes the strength the probability that the
    truth lies in the region the clue names. A point reading's norm is (0, ∫ prior·N).
    """
    floor, z = norm
    if not is_area(c):
        assert isinstance(c, PointConstraint)
        return point_loglik(lat, lon, cell_r, c.lat, c.lon, c.radius_km, c.strength, z)
    return area_loglik(profile(c, lat, lon, cell_r, countries), c.strength, floor, z)
