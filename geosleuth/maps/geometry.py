"""Compact way geometry for the map index: a line or ring as a few bytes a point.

A geometry is a flag byte, its first point as two int32 in millionths of a degree
(11 cm), then the steps to each next point: int16 pairs when every step is under 3.6 km
(almost always), int32 pairs otherwise. Decoding is one ``numpy.frombuffer`` and a sum.

Which ways are drawn on a map view, and as what, is ``shape_kind``: roads by class,
railways, waterways, water, coastline, buildings and land use, each with the coarsest
zoom it is drawn at (``KINDS``).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

SCALE = 1_000_000  # units a degree
_SMALL, _LARGE = 0, 1
_HEAD = struct.Struct("<Bii")


def encode_line(lats: Sequence[float], lons: Sequence[float]) -> bytes:
    """The points (at least one) as a geometry blob."""
    pts = np.round(np.column_stack([np.asarray(lats, dtype=float),
                                    np.asarray(lons, dtype=float)]) * SCALE).astype(np.int64)
    steps = np.diff(pts, axis=0)
    small = not steps.size or (int(np.abs(steps).max()) < 32_767)
    head = _HEAD.pack(_SMALL if small else _LARGE, int(pts[0, 0]), int(pts[0, 1]))
    return head + steps.astype("<i2" if small else "<i4").tobytes()


def decode_line(blob: bytes) -> np.ndarray:
    """An (n, 2) array of (lat, lon) in degrees."""
    flag, lat0, lon0 = _HEAD.unpack_from(blob)
    steps = np.frombuffer(blob, dtype="<i2" if flag == _SMALL else "<i4",
                          offset=_HEAD.size).reshape(-1, 2)
    pts = np.empty((len(steps) + 1, 2), dtype=np.int64)
    pts[0] = (lat0, lon0)
    np.cumsum(steps, axis=0, out=pts[1:])
    pts[1:] += pts[0]
    return pts / SCALE


def decode_many(blobs: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """All points of many geometries in one (n, 2) array of (lat, lon), and the start of
    each geometry in it (one more entry than geometries: the end)."""
    parts = [decode_line(b) for b in blobs]
    sizes = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    starts = np.concatenate([[0], np.cumsum(sizes)])
    pts = np.concatenate(parts) if parts else np.empty((0, 2))
    return pts, starts


@dataclass(frozen=True)
class Kind:
    code: int
    name: str
    rank: int  # the coarsest view it is drawn in: 1 a region's, 4 a street's
    area: bool  # filled when its way is closed


_KIND_LIST = (
    Kind(1, "motorway", 1, False), Kind(2, "trunk", 1, False), Kind(3, "primary", 1, False),
    Kind(4, "secondary", 2, False), Kind(5, "tertiary", 2, False),
    Kind(6, "street", 3, False), Kind(7, "service", 4, False), Kind(8, "path", 4, False),
    Kind(10, "railway", 1, False), Kind(11, "tram", 3, False),
    Kind(20, "river", 1, False), Kind(21, "stream", 3, False),
    Kind(22, "water", 1, True), Kind(23, "coastline", 1, False),
    Kind(30, "building", 4, True),
    Kind(40, "forest", 2, True), Kind(41, "park", 2, True), Kind(42, "grass", 3, True),
    Kind(43, "built-up", 2, True), Kind(44, "farmland", 2, True), Kind(45, "bare", 3, True),
)
KINDS: dict[int, Kind] = {k.code: k for k in _KIND_LIST}
KIND_BY_NAME: dict[str, Kind] = {k.name: k for k in _KIND_LIST}

_HIGHWAY = {
    "motorway": "motorway", "motorway_link": "motorway", "trunk": "trunk",
    "trunk_link": "trunk", "primary": "primary", "primary_link": "primary",
    "secondary": "secondary", "secondary_link": "secondary", "tertiary": "tertiary",
    "tertiary_link": "tertiary", "residential": "street", "unclassified": "street",
    "living_street": "street", "road": "street", "pedestrian": "path", "service": "service",
    "track": "path", "footway": "path", "path": "path", "cycleway": "path", "steps": "path",
    "bridleway": "path",
}
_RAILWAY = {"rail": "railway", "light_rail": "railway", "narrow_gauge": "railway",
            "subway": "railway", "monorail": "railway", "funicular": "railway",
            "tram": "tram"}
_LANDUSE = {
    "forest": "forest", "grass": "grass", "meadow": "grass", "recreation_ground": "park",
    "village_green": "grass", "cemetery": "grass", "allotments": "grass",
    "residential": "built-up", "commercial": "built-up", "retail": "built-up",
    "industrial": "built-up", "construction": "built-up", "railway": "built-up",
    "farmland": "farmland", "farmyard": "farmland", "orchard": "farmland",
    "vineyard": "farmland", "quarry": "bare", "reservoir": "water", "basin": "water",
}
_NATURAL = {"wood": "forest", "scrub": "forest", "grassland": "grass", "heath": "grass",
            "water": "water", "bay": "water", "bare_rock": "bare", "scree": "bare",
            "glacier": "bare", "beach": "bare", "sand": "bare", "coastline": "coastline"}
_LEISURE = {"park": "park", "garden": "park", "pitch": "grass", "golf_course": "grass",
            "playground": "park", "nature_reserve": None}


def shape_kind(tags: Mapping[str, str]) -> Kind | None:
    """What a way with these tags is on a map view, or None (not drawn)."""
    name: str | None = None
    if "highway" in tags:
        name = _HIGHWAY.get(tags["highway"])
    elif "railway" in tags and tags.get("tunnel") in (None, "no"):
        name = _RAILWAY.get(tags["railway"])
    elif "waterway" in tags:
        name = {"river": "river", "canal": "river", "riverbank": "water", "dock": "water",
                "stream": "stream", "ditch": "stream", "drain": "stream"}.get(tags["waterway"])
    elif "building" in tags and tags["building"] != "no":
        name = "building"
    elif "natural" in tags:
        name = _NATURAL.get(tags["natural"])
    elif "landuse" in tags:
        name = _LANDUSE.get(tags["landuse"])
    elif "leisure" in tags:
        name = _LEISURE.get(tags["leisure"])
    elif tags.get("amenity") == "parking":
        name = "built-up"
    return KIND_BY_NAME[name] if name else None


def rank_for(metres_per_pixel: float) -> int:
    """The finest kinds worth drawing at this scale: every kind up to this rank."""
    if metres_per_pixel <= 4.0:
        return 4  # buildings, service roads and paths: a few pixels wide or more
    if metres_per_pixel <= 12.0:
        return 3
    if metres_per_pixel <= 60.0:
        return 2
    return 1
