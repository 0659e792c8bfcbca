"""Distances between points, features and bounding boxes, in metres.

Many points at once use the vectorised haversine of ``geosleuth.geo``; a single pair
uses a scalar haversine (numpy's per-call overhead dominates for one pair). A way whose
geometry the index keeps is measured to its line (0 inside a closed way), others to
their point less their reach (``edge_distances``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from geosleuth.geo.distance import EARTH_RADIUS_KM, haversine_km
from geosleuth.maps.geometry import decode_line
from geosleuth.maps.index import FeatureRow, MapIndex
from geosleuth.maps.matches import Match
from geosleuth.maps.osm_import import BBox


def distances_m(lat: float, lon: float, rows: Sequence[FeatureRow | Match]) -> np.ndarray:
    """Distances from a point to the points of many features."""
    if not rows:
        return np.zeros(0)
    lats = np.fromiter((r.lat for r in rows), float, len(rows))
    lons = np.fromiter((r.lon for r in rows), float, len(rows))
    return np.asarray(haversine_km(lat, lon, lats, lons)) * 1000.0


def reach_distance(d: float, row: FeatureRow | Match) -> float:
    """Distance to a feature's edge: its point's distance less its reach (nodes: none)."""
    return d if row.osm_type == "node" else max(0.0, d - row.radius_m)


def line_metres(lat: float, lon: float, pts: np.ndarray) -> float:
    """Distance from a point to a line of (lat, lon) points (a closed ring: 0 inside it),
    on a plane tangent at the point (exact to well under a metre over a few km)."""
    k = EARTH_RADIUS_KM * 1000.0 * math.pi / 180.0
    y = (pts[:, 0] - lat) * k
    x = (pts[:, 1] - lon) * k * math.cos(math.radians(lat))
    if len(pts) == 1:
        return float(math.hypot(x[0], y[0]))
    ax, ay, bx, by = x[:-1], y[:-1], x[1:], y[1:]
    dx, dy = bx - ax, by - ay
    seg = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip(np.where(seg > 0, -(ax * dx + ay * dy) / seg, 0.0), 0.0, 1.0)
    d = float(np.hypot(ax + t * dx, ay + t * dy).min())
    closed = len(pts) > 3 and pts[0, 0] == pts[-1, 0] and pts[0, 1] == pts[-1, 1]
    if closed and d > 0:
        # the ray east from the point crosses the ring an odd number of times: inside
        crosses = (ay > 0) != (by > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            at = ax + (0 - ay) * dx / np.where(dy == 0, 1.0, dy)
        if int(np.count_nonzero(crosses & (at > 0))) % 2 == 1:
            return 0.0
    return d


def edge_distances(lat: float, lon: float, rows: Sequence[FeatureRow],
                   index: MapIndex | None = None) -> np.ndarray:
    """Distances from a point to each feature: a way whose geometry ``index`` keeps to its
    line (0 inside a closed one); any other feature as ``reach_distance`` measures it."""
    dists = distances_m(lat, lon, rows)
    out = np.array([reach_distance(float(d), r) for d, r in zip(dists, rows, strict=True)])
    if index is None:
        return out
    ways = [(r.osm_id, r.bbox) for r in rows if r.osm_type == "way" and r.bbox is not None]
    lines = index.way_lines(ways) if ways else {}
    for i, r in enumerate(rows):
        blob = lines.get(r.osm_id) if r.osm_type == "way" else None
        if blob is not None:
            out[i] = line_metres(lat, lon, decode_line(blob))
    return out


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance between two points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2.0 * EARTH_RADIUS_KM * 1000.0 * math.asin(math.sqrt(min(1.0, a)))


def box_of(m: Match) -> BBox:
    """A match's bounding box (its point when it has none)."""
    return m.bbox if m.bbox is not None else (m.lat, m.lon, m.lat, m.lon)


def metres_to_box(lat: float, lon: float, box: BBox) -> float:
    """Distance from a point to a bounding box (0 inside it)."""
    clat = min(max(lat, box[0]), box[2])
    clon = min(max(lon, box[1]), box[3])
    return metres(lat, lon, clat, clon)


def union_box(a: BBox, b: BBox) -> BBox:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def box_gap(a: BBox, b: BBox) -> float:
    """Distance between two boxes (0 when they overlap)."""
    lat = min(max(a[0], b[0]), a[2]) if not (a[2] < b[0] or b[2] < a[0]) else None
    lon = min(max(a[1], b[1]), a[3]) if not (a[3] < b[1] or b[3] < a[1]) else None
    lat_a, lat_b = (lat, lat) if lat is not None else ((a[2], b[0]) if a[2] < b[0]
                                                      else (a[0], b[2]))
    lon_a, lon_b = (lon, lon) if lon is not None else ((a[3], b[1]) if a[3] < b[1]
                                                      else (a[1], b[3]))
    return metres(lat_a, lon_a, lat_b, lon_b)
