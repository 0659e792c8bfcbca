"""What a case puts on a map, read from its record once for every map output.

The GeoJSON (``report.geojson``), the KML (``report.kml``) and the PNG map
(``report.casemap``) draw the same things in the same colours: the verdict and its circle,
each hypothesis and its circle, the evidence that located a point (with the radius it
gave), and the areas some evidence drew (the sun locus of a shadow or of the sun's
elevation). ``title`` and ``description`` are plain one-line text with no control
character (``text.quoting.printable``); each output escapes them for its own format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geosleuth.text.quoting import printable

# Colours by role (simplestyle hex): the verdict red, hypotheses blue, located evidence
# purple, evidence areas orange. The PNG map, the GeoJSON and the KML share them.
COLOURS = {
    "verdict": "#d62728",
    "hypothesis": "#1f77b4",
    "evidence": "#7b3fa0",
    "evidence-area": "#ff7f0e",
}
FILL_OPACITY = {"verdict": 0.12, "hypothesis": 0.07, "evidence": 0.0, "evidence-area": 0.22}
STROKE_WIDTH = {"verdict": 3, "hypothesis": 2, "evidence": 1, "evidence-area": 2}
MARKER = {"verdict": ("large", "star"), "hypothesis": ("medium", "circle"),
          "evidence": ("small", "triangle")}
ROLE_NAMES = {"verdict": "Verdict", "hypothesis": "Hypotheses", "evidence": "Located evidence",
              "evidence-area": "Evidence areas (sun loci)"}


def _text(value: object, limit: int = 400) -> str:
    s = " ".join(printable(value).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


@dataclass(frozen=True)
class MapItem:
    """One thing on the map: a point with a circle (verdict, hypothesis, evidence) or an area."""

    role: str
    key: str  # "verdict", "H1", "E5"
    title: str
    description: str
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    area: dict[str, Any] | None = None  # a GeoJSON Polygon or MultiPolygon (evidence-area)
    props: dict[str, Any] = field(default_factory=dict)  # the role's own fields

    @property
    def colour(self) -> str:
        return COLOURS[self.role]


def _finite(*values: object) -> bool:
    return all(isinstance(v, int | float) and v == v and abs(v) != float("inf")
               for v in values)


def verdict_item(record: dict[str, Any]) -> MapItem | None:
    v = record["verdict"]
    if v.get("lat") is None or v.get("lon") is None:
        return None
    place = v.get("place") or "Unnamed place"
    return MapItem(
        role="verdict", key="verdict",
        title=_text(f"Verdict: {place}"),
        description=_text(f"Within {v['radius_km']:g} km with confidence {v['confidence']:.2f}"
                          f" (level {v['level']}); {v.get('rationale') or ''}", 600),
        lat=v["lat"], lon=v["lon"], radius_km=v["radius_km"],
        props={"confidence": v["confidence"], "radius_km": v["radius_km"],
               "place": v.get("place"), "level": v.get("level")},
    )


def hypothesis_items(record: dict[str, Any]) -> list[MapItem]:
    out = []
    for h in record["hypotheses"]:
        if not _finite(h.get("lat"), h.get("lon")):
            continue
        against = ", ".join(h.get("contradicted_by") or []) or "none"
        out.append(MapItem(
            role="hypothesis", key=h["id"],
            title=_text(f"{h['id']}: {h.get('place') or 'unnamed'} (p={h['score']:.3f})"),
            description=_text(
                f"Hypothesis {h['id']}: {h.get('place') or 'unnamed'}, within"
                f" {h['radius_km']:g} km, probability {h['score']:.3f}; supported by"
                f" {', '.join(h.get('supported_by') or []) or 'none'}; contradicted by"
                f" {against}"),
            lat=h["lat"], lon=h["lon"], radius_km=h["radius_km"],
            props={"id": h["id"], "score": h["score"], "radius_km": h["radius_km"],
                   "place": h.get("place")},
        ))
    return out


def evidence_items(record: dict[str, Any]) -> list[MapItem]:
    """Evidence that located a point, and the areas (sun loci) evidence drew."""
    out = []
    for e in record["evidence"]:
        c = e.get("constraint") or {}
        if c.get("kind") == "point" and _finite(c.get("lat"), c.get("lon")):
            out.append(MapItem(
                role="evidence", key=e["id"],
                title=_text(f"{e['id']} {e['tool']}" + (" (against)" if c.get("negate") else "")),
                description=_text(f"{e['id']} {e['tool']}: {e.get('summary', '')}"
                                  f" (within {c['radius_km']:g} km, strength"
                                  f" {c['strength']:g})", 600),
                lat=c["lat"], lon=c["lon"], radius_km=c["radius_km"],
                props={"id": e["id"], "tool": e["tool"], "radius_km": c["radius_km"],
                       "strength": c["strength"]},
            ))
        locus = (e.get("data") or {}).get("geojson")
        if isinstance(locus, dict) and locus.get("type") == "FeatureCollection":
            for f in locus.get("features") or []:
                geometry = f.get("geometry") if isinstance(f, dict) else None
                if not isinstance(geometry, dict) or geometry.get("type") not in (
                        "Polygon", "MultiPolygon"):
                    continue
                props = dict(f.get("properties") or {})
                what = props.get("measurement") or props.get("kind") or "area"
                window = f" during {props['window']}" if props.get("window") else ""
                out.append(MapItem(
                    role="evidence-area", key=e["id"],
                    title=_text(f"{e['id']} {e['tool']}: sun locus"
                                if props.get("kind") == "sun_locus"
                                else f"{e['id']} {e['tool']}: area"),
                    description=_text(f"Where {what} fits{window} ({e['id']}"
                                      f" {e['tool']})", 600),
                    area=geometry, props={**props, "id": e["id"], "tool": e["tool"]},
                ))
    return out


def case_items(record: dict[str, Any]) -> list[MapItem]:
    """Everything a case puts on a map: verdict, hypotheses, located evidence, areas."""
    v = verdict_item(record)
    return [*([v] if v else []), *hypothesis_items(record), *evidence_items(record)]
