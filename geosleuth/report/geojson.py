"""hypotheses.geojson: the verdict and its circle, every hypothesis and its circle, located
evidence and any evidence areas (sun loci), with simplestyle properties.

The ``role`` property names what a feature is (``verdict``, ``verdict-circle``,
``hypothesis``, ``hypothesis-circle``, ``evidence``, ``evidence-area``). The simplestyle
properties (``title``, ``description``, ``marker-color``, ``marker-size``,
``marker-symbol``, ``stroke``, ``stroke-width``, ``stroke-opacity``, ``fill``,
``fill-opacity``) make geojson.io, QGIS and GitHub draw each role in the colours of the
PNG map and the KML. The titles and descriptions are plain text.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from geosleuth.geo.distance import destination
from geosleuth.report.features import (
    FILL_OPACITY,
    MARKER,
    STROKE_WIDTH,
    MapItem,
    case_items,
)


def circle_ring(lat: float, lon: float, radius_km: float, n: int = 64) -> list[list[float]]:
    """A geodesic circle's closed ring of [lon, lat] points."""
    return [list(point) for point in _ring(lat, lon, radius_km, n)]


@lru_cache(maxsize=1024)  # about 10 kB a ring of 96 points
def _ring(lat: float, lon: float, radius_km: float, n: int) -> tuple[tuple[float, float], ...]:
    # Kept: a batch's all.geojson and all.kml draw every finished photo's circle again
    # each time they are rewritten (0.40 -> 0.06 CPU-s a rewrite of the 73 real GPS
    # photos' files), and a case draws its circles in more than one file; a ring is n
    # geodesic problems, about 4 ms for 96 points.
    ring = [(p_lon, p_lat) for p_lat, p_lon in
            (destination(lat, lon, 360.0 * i / n, radius_km) for i in range(n))]
    return (*ring, ring[0])


def circle(lat: float, lon: float, radius_km: float, n: int = 64) -> dict[str, Any]:
    """A geodesic circle as a GeoJSON Polygon (lon, lat order)."""
    return {"type": "Polygon", "coordinates": [circle_ring(lat, lon, radius_km, n)]}


def _feature(geometry: dict[str, Any] | None, *parts: dict[str, Any]) -> dict[str, Any]:
    """A Feature whose properties are ``parts`` merged, later ones winning."""
    props: dict[str, Any] = {}
    for part in parts:
        props.update(part)
    return {"type": "Feature", "geometry": geometry, "properties": props}


def point_style(item: MapItem) -> dict[str, Any]:
    size, symbol = MARKER[item.role]
    return {"title": item.title, "description": item.description,
            "marker-color": item.colour, "marker-size": size, "marker-symbol": symbol}


def area_style(item: MapItem) -> dict[str, Any]:
    return {"title": item.title, "description": item.description, "stroke": item.colour,
            "stroke-width": STROKE_WIDTH[item.role], "stroke-opacity": 1.0,
            "fill": item.colour, "fill-opacity": FILL_OPACITY[item.role]}


def item_features(item: MapItem) -> list[dict[str, Any]]:
    """The GeoJSON features of one map item: a point and its circle, or an area."""
    if item.area is not None:
        return [_feature(item.area, item.props, {"role": item.role}, area_style(item))]
    assert item.lat is not None and item.lon is not None
    point = _feature({"type": "Point", "coordinates": [item.lon, item.lat]},
                     {"role": item.role}, item.props, point_style(item))
    if item.role == "evidence":  # its radius is a property; the map is the verdict's
        return [point]
    kept = {k: v for k, v in item.props.items() if k in ("id", "confidence", "score",
                                                         "radius_km")}
    ring = _feature(circle(item.lat, item.lon, item.radius_km or 0.0),
                    {"role": f"{item.role}-circle"}, kept, area_style(item))
    return [point, ring]


def case_geojson(record: dict[str, Any]) -> dict[str, Any]:
    features = [f for item in case_items(record) for f in item_features(item)]
    return {"type": "FeatureCollection", "features": features}
