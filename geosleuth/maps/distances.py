"""Distances between points, features and bounding boxes, in metres.

Many points at once use the vectorised haversine of ``geosleuth.geo``; a single pair
uses a scalar haversine (numpy's per-call overhead dominates for one pair).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from geosleuth.geo.distance import EARTH_RADIUS_KM, haversine_km
from geosleuth.maps.index import FeatureRow
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
