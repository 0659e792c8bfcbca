"""hypotheses.geojson: the verdict circle, the hypotheses, point evidence and any loci."""

from __future__ import annotations

from typing import Any

from geosleuth.geo.distance import destination


def circle(lat: float, lon: float, radius_km: float, n: int = 64) -> dict[str, Any]:
    """A geodesic circle as a GeoJSON Polygon (lon, lat order)."""
    ring = [list(reversed(destination(lat, lon, 360.0 * i / n, radius_km))) for i in range(n)]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def _feature(geometry: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def case_geojson(record: dict[str, Any]) -> dict[str, Any]:
    features: list[dict[str, Any]] = []
    v = record["verdict"]
    if v["lat"] is not None:
        features.append(
            _feature(
                {"type": "Point", "coordinates": [v["lon"], v["lat"]]},
                role="verdict",
                confidence=v["confidence"],
                radius_km=v["radius_km"],
                place=v["place"],
                level=v["level"],
            )
        )
        features.append(
            _feature(
                circle(v["lat"], v["lon"], v["radius_km"]),
                role="verdict-circle",
                confidence=v["confidence"],
            )
        )
    for h in record["hypotheses"]:
        features.append(
            _feature(
                {"type": "Point", "coordinates": [h["lon"], h["lat"]]},
                role="hypothesis",
                id=h["id"],
                score=h["score"],
                radius_km=h["radius_km"],
                place=h["place"],
            )
        )
    for e in record["evidence"]:
        c = e.get("constraint") or {}
        if c.get("kind") == "point":
            features.append(
                _feature(
                    {"type": "Point", "coordinates": [c["lon"], c["lat"]]},
                    role="evidence",
                    id=e["id"],
                    tool=e["tool"],
                    radius_km=c["radius_km"],
                    strength=c["strength"],
                )
            )
        locus = (e.get("data") or {}).get("geojson")
        if isinstance(locus, dict) and locus.get("type") == "FeatureCollection":
            for f in locus.get("features", []):
                props = dict(f.get("properties") or {})
                props.update(role="evidence-area", id=e["id"], tool=e["tool"])
                features.append(_feature(f["geometry"], **props))
    return {"type": "FeatureCollection", "features": features}
